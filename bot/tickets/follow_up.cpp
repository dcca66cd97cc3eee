// Follow-ups (docs/media.md "Follow-ups"): residents report the way they chat — the words, then a
// photo, then "在3栋2单元" a minute later. A sender's messages in the same group within
// follow_up_ms of their report join it (location filled or refined, photos attached, one 补充
// relayed up), never a second ticket; another resident's "还有2单元也是" joins it as a reporter.
#include "bot/tickets/text.hpp"
#include "bot/tickets/workflows.hpp"
#include "rules/classifier.hpp"

namespace gridbot::tickets {
namespace {

// The follow-up's location over the ticket's: a new building replaces the whole location (the
// resident corrected it); otherwise the parts given fill or refine it. With an adding word
// ("还有2单元也是": a second place, not a correction) only empty parts are filled.
bool refine_location(Ticket& t, const rules::Location& said, bool adding) {
  if (said.empty()) return false;
  const std::string before = t.building + "|" + t.unit + "|" + t.room;
  if (!adding && !said.building.empty() && said.building != t.building) {
    t.building = said.building;
    t.unit = said.unit;
    t.room = said.room;
  } else {
    if (!said.unit.empty() && (t.unit.empty() || !adding)) t.unit = said.unit;
    if (!said.room.empty() && (t.room.empty() || !adding)) t.room = said.room;
  }
  return before != t.building + "|" + t.unit + "|" + t.room;
}

// The sender's own follow-up: attach, refine, record, one 补充 up, one short answer.
std::string join_own(Work& w, Ticket t, const std::string& words, const rules::Location& said,
                     bool adding) {
  const int attached = attach_media(w, t.no);
  if (refine_location(t, said, adding)) w.tickets.set_location(t.no, t.building, t.unit, t.room);
  w.tickets.touch_reporter(t.no, w.m.channel, w.m.sender_id, w.now);
  std::string detail = words;
  if (attached > 0)
    detail += (detail.empty() ? "" : " ") +
              w.render("ticket.photos", {{"count", std::to_string(attached)}, {"links", ""}});
  w.record(t.no, w.event("follow_up", detail));
  relay_follow_up(w, t, words);
  w.post({w.m.channel, w.m.chat_id},
         w.render("ticket.follow_up_ack",
                  {{"mentions", w.sender_mention()}, {"no", std::to_string(t.no)}}),
         {w.sender()}, priority::kRoutine, delivery::keys::follow_up_ack(t.no, w.m.sender_id));
  return "follow_up";
}

// Another resident adding to a report just made in the group: a reporter joining, as a merge.
std::string join_other(Work& w, const Ticket& t, const std::string& words) {
  const Reporter reporter{w.m.channel, w.m.sender_id, w.sender().name, w.m.chat_id, w.now};
  const bool added = w.tickets.add_reporter(t.no, reporter);
  if (!added) w.tickets.touch_reporter(t.no, w.m.channel, w.m.sender_id, w.now);
  attach_media(w, t.no);
  w.record(t.no, w.event("merged", words));
  w.post({w.m.channel, w.m.chat_id},
         w.render(added ? "ticket.merged" : "ticket.merged_again",
                  {{"mentions", w.sender_mention()},
                   {"no", std::to_string(t.no)},
                   {"count", std::to_string(t.reporters.size() + (added ? 1 : 0))}}),
         {w.sender()}, priority::kRoutine,
         delivery::keys::answer("ack", w.m.channel, w.m.chat_id, w.m.msg_id));
  return "merged";
}

}  // namespace

int attach_media(Work& w, int64_t no) {
  // This message's own photos (none: nothing to update).
  int n = w.m.media.empty() ? 0 : w.media.attach_media(w.row_id, no);
  // Photos the sender posted just before the words (no ticket holds them yet).
  if (w.cfg.follow_up_ms > 0)
    n += w.media.attach_loose_media(w.m.channel, w.m.chat_id, w.m.sender_id,
                                    w.now - w.cfg.follow_up_ms, no);
  return n;
}

std::optional<std::string> on_follow_up(Work& w, const knowledge::Analysis& a) {
  if (w.cfg.follow_up_ms <= 0 || w.m.sender_id.empty()) return std::nullopt;
  // 报事 in front is a new report, whatever came before.
  if (a.prefixed) return std::nullopt;
  const std::string& words = a.words;
  const bool has_media = !w.m.media.empty();
  const rules::Classification& cls = a.cls;
  // The place the words name, report or not (classify names the place of reports only; a
  // follow-up is often nothing but a place).
  const rules::Location& place = a.place;
  const bool adding = a.adding;
  // Nothing that could add to a ticket (most chatter): not a follow-up, whoever sent it, so the
  // sender's recent reports are not even looked up.
  if (!has_media && !adding && place.empty()) return std::nullopt;
  const int64_t since = w.now - w.cfg.follow_up_ms;

  if (const int64_t mine =
          w.tickets.recent_report_of(w.m.channel, w.m.chat_id, w.m.sender_id, since)) {
    auto t = w.tickets.load_ticket(mine);
    if (!t) return std::nullopt;
    // Another matter altogether is a report of its own.
    if (cls.is_report && cls.confident && cls.category != t->category) return std::nullopt;
    // Something to add: a photo, an adding word, or a location that fills or refines the
    // ticket's. The same words again are a repeat (answered as ever), "谢谢" is chatter.
    Ticket probe = *t;
    if (has_media || adding || refine_location(probe, place, adding))
      return join_own(w, std::move(*t), words, place, adding);
    return std::nullopt;
  }
  if (cls.is_report && cls.confident) return std::nullopt;  // a report: merged or opened as ever
  if (adding || (has_media && words.empty()))
    if (const int64_t other = w.tickets.recent_ticket_in(w.m.channel, w.m.chat_id, since))
      if (auto t = w.tickets.load_ticket(other)) return join_other(w, *t, words);
  // A photo first: kept, and attached when the sender's words follow within the window.
  if (has_media && words.empty()) return "media";
  return std::nullopt;
}

}  // namespace gridbot::tickets
