// The clocks of a ticket at its holding level (docs/commands.md "Deadlines"): accept, update,
// resolve, satisfaction. Each is a deadlines row written with the change that starts it; the
// deadlines library fires them.
#include "bot/tickets/workflows.hpp"

namespace gridbot::tickets {

int64_t resolve_limit_ms(const TicketConfig& cfg, const Ticket& t) {
  if (t.urgent) return cfg.resolve_urgent_ms;
  if (t.category == "water" || t.category == "power" || t.category == "gas")
    return cfg.resolve_utility_ms;
  if (t.tier == Tier::big || t.tier == Tier::hard) return cfg.resolve_complex_ms;
  return cfg.resolve_general_ms;
}

Deadline clock_row(const TicketConfig& cfg, int64_t no, DeadlineKind clock, const std::string& node,
                   int64_t now, int64_t limit_ms) {
  Deadline d;
  d.ticket_no = no;
  d.clock = clock;
  d.node = node;
  d.due_ms = now + limit_ms;
  d.warn_ms =
      cfg.warn_at > 0 ? now + static_cast<int64_t>(static_cast<double>(limit_ms) * cfg.warn_at) : 0;
  d.created_ms = now;
  return d;
}

void start_clocks(Work& w, const Ticket& t, bool with_resolve) {
  if (t.tier == Tier::private_) return;  // the resident's own matter: no clock runs on anyone
  const std::string holder = t.department.empty() ? t.owner_node : t.department;
  w.deadlines.add_deadline(
      clock_row(w.cfg, t.no, DeadlineKind::accept, holder, w.now, w.cfg.accept_ms));
  if (with_resolve)
    w.deadlines.add_deadline(
        clock_row(w.cfg, t.no, DeadlineKind::resolve, holder, w.now, resolve_limit_ms(w.cfg, t)));
}

}  // namespace gridbot::tickets
