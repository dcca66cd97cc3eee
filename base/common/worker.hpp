// The one background-thread loop: a thread that runs a step, sleeps as long as the step asks (or
// until woken or stopped), and runs it again. The deadline timer, the confirmation poller and the
// inbox janitor are steps on it; stop() wakes the sleep and joins.
#pragma once

#include "base/common/thread_name.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gridbot {

/// Thread safety: start/stop from the owner; wake() and stopping() from any thread.
class Worker {
 public:
  /// One run; returns how long to sleep before the next.
  using Step = std::function<std::chrono::milliseconds()>;

  Worker() = default;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() { stop(); }

  /// `name`: the thread's name (name_this_thread); `first_sleep`: how long to wait before the
  /// first step (zero: run it at once).
  void start(std::string name, Step step,
             std::chrono::milliseconds first_sleep = std::chrono::milliseconds(0)) {
    thread_ = std::thread([this, name = std::move(name), step = std::move(step), first_sleep] {
      name_this_thread(name);
      std::unique_lock lk(mu_);
      auto sleep = first_sleep;
      while (!stopping_) {
        if (sleep.count() > 0 && cv_.wait_for(lk, sleep, [this] { return stopping_ || woken_; }) &&
            stopping_)
          break;
        woken_ = false;
        lk.unlock();
        sleep = step();
        lk.lock();
      }
    });
  }
  /// Ends the sleep now (the step runs again at once).
  void wake() {
    {
      std::lock_guard lk(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  bool stopping() const {
    std::lock_guard lk(mu_);
    return stopping_;
  }
  /// Lets a step in progress finish, then joins. Idempotent.
  void stop() {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace gridbot
