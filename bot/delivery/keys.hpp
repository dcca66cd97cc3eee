// Every idempotency key an outgoing message is queued under, in one place. A key names the change
// that caused the message and where it goes, so re-running the same change (a platform retry
// after a crash, a deadline row fired again) queues nothing twice, while two different changes
// never share a key. The outbox keeps one row per key; `queue_message` adds "#2", "#3"… for the
// pieces of a long text.
#pragma once

#include "base/model/org.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gridbot::delivery::keys {

/// The parts joined with ':'.
inline std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out += ':';
    out += p;
  }
  return out;
}
inline std::string num(int64_t n) { return std::to_string(n); }

// Answers to one inbound message, in its own group: one per (kind, message).
/// "ack", "cmd", "unknown", "inc-cmd": the bot's one answer of that kind to the message.
inline std::string answer(std::string_view kind, std::string_view channel, std::string_view chat,
                          std::string_view msg_id) {
  return join({kind, channel, chat, msg_id});
}

// Messages into a group, caused by one change.
/// `base` (the change) for group `g`.
inline std::string to_group(const std::string& base, const GroupRef& g) {
  return join({base, g.channel, g.chat_id});
}

// Answers a resident gets at most once per window (`window` = now / window length).
inline std::string hint(std::string_view channel, std::string_view chat, std::string_view sender,
                        int64_t window) {
  return join({"hint", channel, chat, sender, num(window)});
}
inline std::string ack_again(int64_t ticket, std::string_view channel, std::string_view sender,
                             int64_t window) {
  return join({"ack-again", num(ticket), channel, sender, num(window)});
}

// Ticket changes (the group is added with to_group).
inline std::string relay(int64_t ticket, std::string_view node) {
  return join({"relay", num(ticket), node});
}
/// A 补充 to a ticket's relay caused by inbox row `row`; the supersede key (follow_up_thread)
/// lets a later 补充 of the same ticket replace one still waiting.
inline std::string follow_up(int64_t ticket, int64_t row) {
  return join({"follow-up", num(ticket), num(row)});
}
inline std::string follow_up_thread(int64_t ticket) { return join({"follow-up", num(ticket)}); }
/// A resident's follow-ups to a ticket are acknowledged once: the first says it was added, the
/// rest go up without a word more in the group.
inline std::string follow_up_ack(int64_t ticket, std::string_view sender) {
  return join({"follow-up-ack", num(ticket), sender});
}
/// Photo `media` of a ticket shown as an image (the group is added with to_group): once per
/// group, whichever relay or 补充 queued it first.
inline std::string photo(int64_t ticket, int64_t media) {
  return join({"photo", num(ticket), num(media)});
}
/// A status change by the command in inbox row `row`.
inline std::string status(int64_t ticket, std::string_view kind, int64_t row) {
  return join({"status", num(ticket), kind, num(row)});
}
inline std::string handover(int64_t ticket, std::string_view to_node, int64_t at_ms) {
  return join({"handover", num(ticket), to_node, num(at_ms)});
}
/// 转办 物业 and 不满意: one message per group chat (these keys name the chat alone).
inline std::string transfer(int64_t ticket, int64_t row, std::string_view chat) {
  return join({"transfer", num(ticket), num(row), chat});
}
inline std::string reopen(int64_t ticket, int64_t row, std::string_view chat) {
  return join({"reopen", num(ticket), num(row), chat});
}

// Deadlines.
inline std::string warn(int64_t deadline) { return join({"warn", num(deadline)}); }
inline std::string missed(int64_t deadline) { return join({"missed", num(deadline)}); }
inline std::string digest(std::string_view community, int64_t day_start_ms) {
  return join({"digest", community, num(day_start_ms)});
}

// 通知 from inbox row `row`.
inline std::string notice(int64_t row) { return join({"notice", num(row)}); }

// Incidents.
/// An approved update's notice; the supersede key (incident_thread) lets a newer update replace
/// one still queued in a group.
inline std::string incident_update(int64_t incident, int64_t update) {
  return join({"inc", num(incident), "u" + num(update)});
}
inline std::string incident_thread(int64_t incident) { return join({"inc", num(incident)}); }
/// Photo `media` of an approved update, shown as an image (no supersede key: a newer update's
/// text must not replace it, nor it the text).
inline std::string incident_photo(int64_t incident, int64_t update, int64_t media) {
  return join({"inc-photo", num(incident), "u" + num(update), "m" + num(media)});
}
inline std::string incident_review(int64_t incident, int64_t update) {
  return join({"inc-review", num(incident), "u" + num(update)});
}
inline std::string incident_rejected(int64_t incident, int64_t update) {
  return join({"inc-reject", num(incident), "u" + num(update)});
}
/// A resident's report linked to an open incident: one answer per resident and update.
inline std::string incident_link(std::string_view channel, std::string_view chat,
                                 std::string_view sender, int64_t incident, int64_t update) {
  return join({"inc-link", channel, chat, sender, "E" + num(incident), "u" + num(update)});
}

}  // namespace gridbot::delivery::keys
