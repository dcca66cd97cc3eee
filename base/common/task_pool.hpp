// A few threads running queued tasks in order of arrival: work that must not run on an I/O
// thread nor on the store's writer (a read for a command's answer). stop() runs what is queued
// and joins.
#pragma once

#include "base/common/thread_name.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace gridbot {

/// Thread safety: post() and stop() are safe from any thread but the pool's own.
class TaskPool {
 public:
  /// `name`: its threads' name (name_this_thread).
  TaskPool(int threads, std::string_view name) {
    for (int i = 0; i < threads; ++i)
      threads_.emplace_back([this, name = std::string(name)] {
        name_this_thread(name);
        loop();
      });
  }
  ~TaskPool() { stop(); }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  /// Queues `task`; after stop() it runs at once on the caller's thread.
  void post(std::function<void()> task) {
    {
      std::lock_guard lk(mu_);
      if (!stopping_) {
        queue_.push_back(std::move(task));
        cv_.notify_one();
        return;
      }
    }
    task();
  }

  void stop() {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
      cv_.notify_all();
    }
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gridbot
