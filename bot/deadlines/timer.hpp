// The deadline timer: one worker thread that sleeps until the earliest live deadline in the
// store (a minute at most) and fires what is due (fire.hpp) in one write transaction.
#pragma once

#include "base/common/clock.hpp"
#include "base/common/worker.hpp"
#include "bot/store/store.hpp"
#include "bot/tickets/service.hpp"

#include <memory>

namespace gridbot::deadlines {

/// Thread safety: start/stop from the owner; run_due from any thread (tests call it directly with a
/// FakeClock and no thread running).
class Timer {
 public:
  Timer(const tickets::TicketService& tickets, store::Store& store, const Clock& clock,
        int64_t max_sleep_ms = 60'000)
      : tickets_(tickets), store_(store), clock_(clock), max_sleep_ms_(max_sleep_ms) {}
  ~Timer() { stop(); }

  /// Schedules the digests, fires anything missed while the server was down, starts the thread.
  void start();
  void stop() { worker_.stop(); }
  /// Fires every deadline due now; returns how many fired (or -1 when the store failed).
  int run_due();

 private:
  /// One round of the worker: fire what is due, then sleep until the next deadline.
  std::chrono::milliseconds step();

  const tickets::TicketService& tickets_;
  store::Store& store_;
  const Clock& clock_;
  const int64_t max_sleep_ms_;
  // When the digests were last scheduled: the tree and the local day. A fired digest schedules
  // its next day itself, so a community needs scheduling only at a start, when the org changes
  // (a new community) and, as a safeguard, once a day. Scheduling walks every node of the tree and
  // asks the store about each community inside the writer's transaction: too much for every run.
  std::weak_ptr<const OrgTree> digests_tree_;  // weak: an address can be reused, a weak_ptr expires
  int64_t digests_day_ = -1;
  Worker worker_;
};

}  // namespace gridbot::deadlines
