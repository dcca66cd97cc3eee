// Firing the clocks (docs/commands.md "Deadlines"): warnings, a miss raising the ticket one level
// (督办), the satisfaction time-out, the daily digest. Each row changes state in the same
// transaction as its effect, so nothing fires twice, and what fell due while the server was down
// fires once at start.
#pragma once

#include "bot/store/store.hpp"
#include "bot/tickets/service.hpp"

#include <map>
#include <string>

namespace gridbot::deadlines {

/// Fires every deadline due at now_ms inside `tx`. A row whose effect throws is marked done (a
/// poison row never retries) and the rest go on. Returns how many rows fired.
/// `digests`: each due digest's figures by community, read before the write (prepare_digests);
/// a community missing there is read in the transaction.
using DigestFigures = std::map<std::string, Figures>;
int fire_due(const tickets::TicketService& tickets, store::WriteTx& tx, int64_t now_ms,
             const DigestFigures& digests = {});
/// The figures of every digest due at now_ms, from committed data (no write transaction).
DigestFigures prepare_digests(const tickets::TicketService& tickets, store::Store& store,
                              int64_t now_ms);
/// Ensures each community with a group has its next daily digest scheduled.
void schedule_digests(const tickets::TicketService& tickets, store::DeadlineTx& tx, int64_t now_ms);
/// Posts the day's figures into the community's groups (digest.cpp).
void post_digest(tickets::Work& w, const OrgNode& community, const Figures* prepared);

}  // namespace gridbot::deadlines
