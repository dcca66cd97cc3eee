// Read connections for the store's reads: several side by side (one slow read never queues the
// others), each read under a time limit, all stoppable at shutdown. A failure is a ReadError.
#pragma once

#include "bot/store/store.hpp"

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gridbot::store::sqlite {

/// Thread safety: every method is safe from any thread.
class ReadPool {
 public:
  ReadPool(const std::string& path, int connections, int64_t time_limit_ms);
  ~ReadPool();

  template <typename F>
  auto read(F&& f) {
    Lease lease(*this);
    try {
      return f(*lease.db);
    } catch (const std::exception& e) {
      throw ReadError(failure(lease, e));
    }
  }

  /// Stops every read now running and refuses new ones (the store closes).
  void stop();
  /// Stops the reads running now; later ones run (shutdown begins: nothing may hold it up).
  void interrupt();

 private:
  struct Conn;
  struct Lease {
    explicit Lease(ReadPool& p);
    ~Lease();
    ReadPool& pool;
    Conn* conn;
    SQLite::Database* db;
  };
  std::string failure(const Lease& lease, const std::exception& e);

  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> free_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
  int64_t time_limit_ms_;
};

}  // namespace gridbot::store::sqlite
