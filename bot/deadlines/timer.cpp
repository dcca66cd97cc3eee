// Escalation: the single deadline timer.
#include "bot/core/escalation.hpp"

#include "bot/common/log.hpp"

#include <algorithm>
#include <chrono>

namespace gridbot::core {

int Escalation::run_due() {
  int fired = 0;
  const int64_t now = clock_.now_ms();
  auto ec = store_.write_sync([&](store::WriteTx& tx) {
    tickets_.schedule_digests(tx, now);
    fired = tickets_.fire_due(tx, now);
  });
  if (ec) {
    log::error("escalation: store write failed: {}", ec.message());
    return -1;
  }
  if (fired > 0) log::info("escalation: {} deadline(s) fired", fired);
  return fired;
}

void Escalation::start() {
  run_due();  // deadlines that fell due while we were down fire once, now
  thread_ = std::thread([this] { loop(); });
}

void Escalation::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Escalation::loop() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    const int64_t now = clock_.now_ms();
    int64_t wait = max_sleep_ms_;
    if (auto next = store_.next_deadline_ms())
      wait = std::clamp<int64_t>(*next - now, 0, max_sleep_ms_);
    if (wait > 0) {
      cv_.wait_for(lk, std::chrono::milliseconds(wait));
      continue;
    }
    lk.unlock();
    // A run that fires nothing (a poison row, a store error) must not spin.
    if (run_due() <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    lk.lock();
  }
}

}  // namespace gridbot::core
