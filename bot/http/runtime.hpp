// The I/O runtime: one io_context run by N threads, plus signal waiting. A pimpl, so that no Asio
// header leaves bot/http (docs/conventions.md "Heavy headers").
#pragma once

#include <functional>
#include <memory>

namespace gridbot::http {

/// Thread safety: start/stop/join from the owning (main) thread.
class Runtime {
 public:
  Runtime();
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every thread it starts later, so
  /// that wait_for_signal() receives them. Call first thing in main, before any thread exists.
  static void block_signals();
  /// Runs the io_context on `threads` threads; returns at once.
  void start(int threads);
  /// Blocks until SIGINT, SIGTERM or SIGHUP arrives; returns the signal number.
  int wait_for_signal();
  /// Asks the io_context to stop (pending handlers are abandoned) and joins the threads.
  void stop();

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gridbot::http
