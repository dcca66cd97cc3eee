// Runtime: io_context threads and blocking signal wait.
#include "bot/http/runtime_impl.hpp"

#include "base/common/log.hpp"
#include "base/common/thread_name.hpp"

#include <csignal>
#include <pthread.h>

namespace gridbot::http {

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}
Runtime::~Runtime() { stop(); }

void Runtime::block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void Runtime::start(int threads) {
  block_signals();  // threads inherit the mask
  impl_->guard.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < threads; ++i)
    impl_->threads.emplace_back([this] {
      name_this_thread("io");
      for (;;) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          // A handler threw: a bug. Log it and keep serving (Envoy ENVOY_BUG style).
          log::error("io thread: unhandled exception: {}", e.what());
        }
      }
    });
}

int Runtime::wait_for_signal() {
  block_signals();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

void Runtime::stop() {
  impl_->guard.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

}  // namespace gridbot::http
