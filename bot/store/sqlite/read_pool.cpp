#include "bot/store/sqlite/read_pool.hpp"

#include "base/common/log.hpp"
#include "base/common/metrics.hpp"

#include <sqlite3.h>

#include <atomic>

namespace gridbot::store::sqlite {

struct ReadPool::Conn {
  explicit Conn(const std::string& path)
      : db(path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX) {
    db.setBusyTimeout(5000);
    sqlite3_progress_handler(db.getHandle(), 4096, &Conn::check, this);
  }
  // Called by SQLite every few thousand steps: non-zero stops the statement (SQLITE_INTERRUPT).
  static int check(void* self) {
    auto* c = static_cast<Conn*>(self);
    if (c->stopping.load(std::memory_order_relaxed)) return 1;
    const auto limit = c->deadline.load(std::memory_order_relaxed);
    if (limit != 0 && std::chrono::steady_clock::now().time_since_epoch().count() > limit) {
      c->timed_out.store(true, std::memory_order_relaxed);
      return 1;
    }
    return 0;
  }
  SQLite::Database db;
  std::atomic<std::chrono::steady_clock::rep> deadline{0};
  std::atomic<bool> timed_out{false};
  std::atomic<bool> stopping{false};
};

ReadPool::ReadPool(const std::string& path, int connections, int64_t time_limit_ms)
    : time_limit_ms_(time_limit_ms) {
  for (int i = 0; i < std::max(connections, 1); ++i) {
    conns_.push_back(std::make_unique<Conn>(path));
    free_.push_back(conns_.back().get());
  }
}

ReadPool::~ReadPool() { stop(); }

void ReadPool::stop() {
  std::lock_guard lk(mu_);
  stopped_ = true;
  for (auto& c : conns_) c->stopping = true;
  cv_.notify_all();
}

void ReadPool::interrupt() {
  std::lock_guard lk(mu_);
  for (auto& c : conns_) c->stopping = true;  // a lease taken later clears its own
}

ReadPool::Lease::Lease(ReadPool& p) : pool(p), conn(nullptr), db(nullptr) {
  std::unique_lock lk(p.mu_);
  p.cv_.wait(lk, [&] { return !p.free_.empty() || p.stopped_; });
  if (p.stopped_) throw ReadError("the store is shutting down");
  conn = p.free_.back();
  p.free_.pop_back();
  db = &conn->db;
  conn->timed_out = false;
  conn->stopping = false;
  const auto limit = std::chrono::steady_clock::now() + std::chrono::milliseconds(p.time_limit_ms_);
  conn->deadline = p.time_limit_ms_ > 0 ? limit.time_since_epoch().count() : 0;
}

ReadPool::Lease::~Lease() {
  std::lock_guard lk(pool.mu_);
  pool.free_.push_back(conn);
  pool.cv_.notify_one();
}

std::string ReadPool::failure(const Lease& lease, const std::exception& e) {
  std::string why = e.what();
  if (lease.conn->timed_out) {
    why = "the read took longer than " + std::to_string(time_limit_ms_) + " ms and was stopped";
    metrics::global().inc("gridbot_store_read_timeouts_total", {});
  } else if (lease.conn->stopping) {
    why = "the read was stopped: the store is shutting down";
  }
  log::error("store read failed: {}", why);
  return why;
}

}  // namespace gridbot::store::sqlite
