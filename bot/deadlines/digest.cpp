// The daily digest: each community's figures of the day, posted into its groups at digest_at.
#include "base/common/calendar.hpp"
#include "bot/deadlines/fire.hpp"
#include "bot/tickets/stats.hpp"

namespace gridbot::deadlines {

void schedule_digests(const tickets::TicketService& tickets, store::DeadlineTx& tx,
                      int64_t now_ms) {
  const auto k = tickets.knowledge();
  const auto& cfg = tickets.config();
  const int64_t day = local_day_start(now_ms, cfg.utc_offset_ms);
  int64_t due = day + cfg.digest_minute * 60'000LL;
  if (due <= now_ms) due += kDayMs;
  for (const auto& n : k->tree->nodes()) {
    if (n.level != Level::community || n.groups.empty()) continue;
    if (tx.has_live_deadline(0, DeadlineKind::digest, n.id)) continue;
    Deadline d;
    d.clock = DeadlineKind::digest;
    d.node = n.id;
    d.due_ms = due;
    d.created_ms = now_ms;
    tx.add_deadline(d);
  }
}

DigestFigures prepare_digests(const tickets::TicketService& tickets, store::Store& store,
                              int64_t now_ms) {
  DigestFigures out;
  const int64_t from = local_day_start(now_ms - 1, tickets.config().utc_offset_ms);
  for (const auto& d : store.due_deadlines(now_ms, 500))
    if (d.clock == DeadlineKind::digest) out[d.node] = store.figures(d.node, from, now_ms);
  return out;
}

void post_digest(tickets::Work& w, const OrgNode& community, const Figures* prepared) {
  const int64_t from = local_day_start(w.now - 1, w.cfg.utc_offset_ms);
  const auto stats = tickets::compute_stats(
      prepared != nullptr ? *prepared : w.tickets.figures(community.id, from, w.now));
  const std::string text =
      tickets::stats_text(*w.k->templates, community.name, w.label("period", "today"), stats);
  for (const auto& g : community.groups)
    w.post(g, w.render("digest", {{"summary", text}}), {}, priority::kRoutine,
           delivery::keys::to_group(delivery::keys::digest(community.id, from), g));
}

}  // namespace gridbot::deadlines
