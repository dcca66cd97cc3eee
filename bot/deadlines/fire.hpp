// Firing the clocks (docs/commands.md "Deadlines"): warnings, a miss raising the ticket one level
// (督办), the satisfaction time-out, the daily digest. Each row changes state in the same
// transaction as its effect, so nothing fires twice, and what fell due while the server was down
// fires once at start.
#pragma once

#include "bot/store/store.hpp"
#include "bot/tickets/service.hpp"

namespace gridbot::deadlines {

/// Fires every deadline due at now_ms inside `tx`. A row whose effect throws is marked done (a
/// poison row never retries) and the rest go on. Returns how many rows fired.
int fire_due(const tickets::TicketService& tickets, store::WriteTx& tx, int64_t now_ms);
/// Ensures each community with a group has its next daily digest scheduled.
void schedule_digests(const tickets::TicketService& tickets, store::DeadlineTx& tx, int64_t now_ms);
/// Posts the day's figures into the community's groups (digest.cpp).
void post_digest(tickets::Work& w, const OrgNode& community);

}  // namespace gridbot::deadlines
