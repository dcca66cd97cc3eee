// The deadline timer: one thread that sleeps until the earliest live deadline in the store (or a
// minute at most) and fires what is due through TicketService::fire_due in one write transaction.
#pragma once

#include "bot/common/clock.hpp"
#include "bot/core/ticket_service.hpp"
#include "bot/store/store.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace gridbot::core {

/// Thread safety: start/stop from the owner; run_due from any thread (tests call it directly with a
/// FakeClock and no thread running).
class Escalation {
 public:
  Escalation(TicketService& tickets, store::Store& store, const Clock& clock,
             int64_t max_sleep_ms = 60'000)
      : tickets_(tickets), store_(store), clock_(clock), max_sleep_ms_(max_sleep_ms) {}
  ~Escalation() { stop(); }

  /// Schedules the digests, fires anything missed while the server was down, starts the thread.
  void start();
  void stop();
  /// Fires every deadline due now; returns how many fired (or -1 when the store failed).
  int run_due();

 private:
  void loop();

  TicketService& tickets_;
  store::Store& store_;
  const Clock& clock_;
  const int64_t max_sleep_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gridbot::core
