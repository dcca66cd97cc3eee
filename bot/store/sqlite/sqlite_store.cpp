// The SQLite Store: one writer thread owning one connection, group-committing queued work with
// synchronous=FULL, each commit's fsync done by a second thread while the writer goes on with the
// next batch (wal_vfs.hpp DeferSyncs); reads on a pool of read connections. SQLiteCpp exceptions
// stop at this boundary.
#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "base/common/metrics.hpp"
#include "base/common/thread_name.hpp"
#include "bot/store/sqlite/account_statements.hpp"
#include "bot/store/sqlite/page_cache.hpp"
#include "bot/store/sqlite/read_pool.hpp"
#include "bot/store/sqlite/schema.hpp"
#include "bot/store/sqlite/statements.hpp"
#include "bot/store/sqlite/wal_vfs.hpp"
#include "bot/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace gridbot::store {
namespace {

class SqliteStore final : public Store {
  // (first: the reads below deduce their types from it)
  // Every read: on a pooled read connection, under the time limit; a database failure is a
  // ReadError, never an empty answer.
  template <typename F>
  auto read(F&& f) {
    return readers_->read(std::forward<F>(f));
  }

 public:
  SqliteStore(const std::string& path, const SqliteOptions& opt)
      : options_(opt),
        // Only the writer thread uses it (after this constructor): no mutex around every call.
        // Its WAL writes are gathered into one per commit (wal_vfs.hpp).
        writer_db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, 0,
                   sqlite::gathering_vfs()) {
    // Lookaside: the writer's statements allocate small blocks for every row they bind and
    // step; 1,000 slots of 1,200 bytes (1.2 MB) instead of the default 100 keep them out of
    // malloc. Set before any statement holds lookaside memory.
    sqlite3_db_config(writer_db_.getHandle(), SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 1000);
    sqlite::configure(writer_db_);
    sqlite::migrate(writer_db_, opt.figures);
    // The writer keeps the pages it touches (indexes of random keys: message ids, outbox keys)
    // instead of reading them back from the WAL at every commit.
    writer_db_.exec("PRAGMA cache_size=" + std::to_string(-opt.writer_cache_kib));
    // Savepoints (one per work item and per processed message) and statements keep undo copies
    // of the pages they change; past 64 KiB SQLite spills them into a temporary file, two system
    // calls per page, which under load were most of the writer's system calls. They last one
    // transaction: memory holds them.
    writer_db_.exec("PRAGMA temp_store=MEMORY");
    // Checkpoints copy the WAL into the database and fsync it: on their own thread and
    // connection, so the writer's commits never wait for one (docs/design.md "The store seam").
    writer_db_.exec(
        "PRAGMA wal_autocheckpoint=0");  // also clears SQLite's own hook: set ours after
    sqlite3_wal_hook(writer_db_.getHandle(), &SqliteStore::on_wal, this);
    checkpoint_db_ =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
    // A connection opens the WAL only when it first reads the database; before that, a
    // checkpoint through it finds no WAL and returns at once having copied nothing.
    checkpoint_db_->execAndGet("SELECT count(*) FROM sqlite_master");
    readers_ = std::make_unique<sqlite::ReadPool>(path, opt.readers, opt.read_time_limit_ms);
    tx_ = std::make_unique<sqlite::WriterStatements>(writer_db_, opt.figures);
    savepoint_ = std::make_unique<SQLite::Statement>(writer_db_, "SAVEPOINT job");
    release_ = std::make_unique<SQLite::Statement>(writer_db_, "RELEASE job");
    rollback_to_ = std::make_unique<SQLite::Statement>(writer_db_, "ROLLBACK TO job");
    writer_ = std::thread([this] {
      name_this_thread("store-writer");
      writer_loop();
    });
    syncer_ = std::thread([this] {
      name_this_thread("store-fsync");
      sync_loop();
    });
    checkpointer_ = std::thread([this] {
      name_this_thread("store-ckpt");
      checkpoint_loop();
    });
  }
  ~SqliteStore() override { close(); }

  // Store
  void write(Work work, Done done) override {
    {
      std::lock_guard lk(mu_);
      if (!stopping_) {
        queue_.push_back({std::move(work), std::move(done), log::request_id()});
        cv_.notify_one();
        return;
      }
    }
    if (done) done(make_error_code(errc::store_unavailable));
  }

  void set_outbox_listener(OutboxListener listener) override {
    std::lock_guard lk(mu_);
    listener_ = std::move(listener);
  }

  std::vector<StoredMessage> messages(const MessageQuery& q) override {
    return read([&](SQLite::Database& db) { return sqlite::read_messages(db, q); });
  }
  std::vector<OutboxItem> deliveries(const DeliveryQuery& q) override {
    return read([&](SQLite::Database& db) { return sqlite::read_deliveries(db, q); });
  }
  std::vector<OutboxItem> pending_outbox() override { return read(sqlite::read_pending); }
  std::vector<std::string> org_rows() override { return read(sqlite::read_org_rows); }
  void for_each_org_row(const std::function<void(std::string_view)>& fn) override {
    read([&fn](SQLite::Database& db) { sqlite::each_org_row(db, fn); });
  }
  std::map<std::string, std::string> org_file_digests() override {
    return read(sqlite::read_org_file_digests);
  }
  std::vector<Ticket> tickets(const TicketQuery& q) override {
    return read([&](SQLite::Database& db) { return sqlite::read_tickets(db, q); });
  }
  std::optional<Ticket> ticket(int64_t no) override {
    return read([&](SQLite::Database& db) { return sqlite::read_ticket(db, no); });
  }
  std::optional<int64_t> next_deadline_ms() override { return read(sqlite::read_next_deadline); }
  std::vector<Deadline> deadlines(int64_t no) override {
    return read([&](SQLite::Database& db) { return sqlite::read_deadlines(db, no); });
  }
  std::vector<Deadline> due_deadlines(int64_t now_ms, int limit) override {
    return read(
        [&](SQLite::Database& db) { return sqlite::read_due_deadlines(db, now_ms, limit); });
  }
  std::vector<TicketFacts> open_tickets(const std::string& node, size_t first,
                                        int64_t* total) override {
    return read(
        [&](SQLite::Database& db) { return sqlite::read_open_tickets(db, node, first, total); });
  }
  std::vector<TicketFacts> open_tickets_where(const std::string& node, size_t first,
                                              const BoardFilter& filter) override {
    return read([&](SQLite::Database& db) {
      return sqlite::read_open_tickets_where(db, node, first, filter);
    });
  }
  std::vector<TicketFacts> facts(const std::string& node, int64_t from, int64_t to) override {
    return read(
        [&](SQLite::Database& db) { return sqlite::read_facts(db, node, from, to, false); });
  }
  Figures figures(const std::string& node, int64_t from, int64_t to) override {
    return read([&](SQLite::Database& db) {
      return sqlite::read_figures_ms(db, options_.figures, node, from, to);
    });
  }
  std::vector<Incident> incidents(const IncidentQuery& q) override {
    return read([&](SQLite::Database& db) { return sqlite::read_incidents(db, q); });
  }
  std::optional<Incident> incident(int64_t no) override {
    return read([&](SQLite::Database& db) { return sqlite::read_incident(db, no); });
  }
  std::optional<Account> account(std::string_view name) override {
    return read([&](SQLite::Database& db) { return sqlite::read_account(db, name, 0); });
  }
  std::optional<Account> account_by_id(int64_t id) override {
    return read([&](SQLite::Database& db) { return sqlite::read_account(db, {}, id); });
  }
  std::vector<Account> accounts() override { return read(sqlite::read_accounts); }
  std::optional<Session> session(std::string_view id_hash) override {
    return read([&](SQLite::Database& db) { return sqlite::read_session(db, id_hash); });
  }
  std::optional<ApiToken> api_token(std::string_view hash) override {
    return read([&](SQLite::Database& db) { return sqlite::read_api_token(db, hash); });
  }
  std::vector<AuditEntry> audit(const AuditQuery& q) override {
    return read([&](SQLite::Database& db) { return sqlite::read_audit(db, q); });
  }
  std::vector<Media> due_media(int64_t now_ms, int limit) override {
    return read([&](SQLite::Database& db) { return sqlite::read_due_media(db, now_ms, limit); });
  }
  std::vector<Media> ticket_media(int64_t no) override {
    return read([&](SQLite::Database& db) { return sqlite::read_ticket_media(db, no); });
  }
  std::optional<Media> media(int64_t id) override {
    return read([&](SQLite::Database& db) { return sqlite::read_media(db, id); });
  }
  bool media_stored_as(const std::string& sha256) override {
    return read([&](SQLite::Database& db) { return sqlite::read_media_stored_as(db, sha256); });
  }
  int64_t count_inbox() override {
    return read([](SQLite::Database& db) {
      return db.execAndGet("SELECT count(*) FROM inbox").getInt64();
    });
  }

  void interrupt_reads() override { readers_->interrupt(); }

  void close() override {
    readers_->stop();  // a read running now ends at once; queued writes still drain
    {
      std::lock_guard lk(mu_);
      if (stopping_ && !writer_.joinable()) return;
      stopping_ = true;
      cv_.notify_all();
    }
    if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
    {
      std::lock_guard lk(sync_mu_);
      sync_stop_ = true;  // after the writer: the syncer answers everything the writer handed it
    }
    sync_cv_.notify_all();
    if (syncer_.joinable() && syncer_.get_id() != std::this_thread::get_id()) syncer_.join();
    {
      std::lock_guard lk(checkpoint_mu_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
  }

  int64_t checkpoints_for_test() const override { return checkpoints_.load(); }

 private:
  struct Job {
    Work work;
    Done done;
    std::string request_id;  // the caller's, restored around work and done
  };

  // What a commit leaves to answer once it is durable: its callers, and the outbox rows it queued.
  struct Committed {
    std::vector<Job> batch;
    std::vector<std::error_code> results;
    std::vector<OutboxItem> queued;
    OutboxListener listener;
    int sync_fd = -1;  // the WAL to fsync first; -1: the commit deferred no sync (nothing written)
  };

  void writer_loop() {
    for (;;) {
      Committed c;
      {
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;  // stopping, and everything queued is written
        while (!queue_.empty() && c.batch.size() < options_.group_commit_max) {
          c.batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        c.listener = listener_;
      }
      c.results.resize(c.batch.size());
      if (sync_failed_.load()) {
        // A WAL fsync failed: what was committed since may not be on disk, and Linux may have
        // dropped the error with the pages; nothing more is written until a restart recovers.
        for (auto& r : c.results) r = make_error_code(errc::store_unavailable);
      } else {
        sqlite::DeferSyncs defer;
        commit_batch(c.batch, c.results, c.queued, defer);
        c.sync_fd = defer.deferred_fd();
      }
      // In commit order: a batch that wrote nothing (only duplicates) is answered after the
      // batches before it are durable, since its answer may say a message is stored.
      std::lock_guard lk(sync_mu_);
      sync_queue_.push_back(std::move(c));
      sync_cv_.notify_one();
    }
  }

  // One fsync for every commit handed over since the last one, then their answers in order.
  void sync_loop() {
    for (;;) {
      std::deque<Committed> ready;
      {
        std::unique_lock lk(sync_mu_);
        sync_cv_.wait(lk, [&] { return !sync_queue_.empty() || sync_stop_; });
        if (sync_queue_.empty()) return;  // stopping, and everything handed over is answered
        ready.swap(sync_queue_);
      }
      int fd = -1;
      for (const auto& c : ready)
        if (c.sync_fd >= 0) fd = c.sync_fd;
      if (fd >= 0 && !sync_failed_.load()) {
        if (options_.before_sync_for_test) options_.before_sync_for_test();
        const auto started = std::chrono::steady_clock::now();
        int rc = ::fdatasync(fd);
        if (options_.fail_sync_for_test == 0) {
          options_.fail_sync_for_test = -1;
          rc = -1;
          errno = EIO;
        } else if (options_.fail_sync_for_test > 0) {
          --options_.fail_sync_for_test;
        }
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        metrics::global().observe("gridbot_store_sync_seconds", took.count());
        if (rc != 0) {
          log::error("store: the WAL's fsync failed ({}): no write is accepted until a restart",
                     std::strerror(errno));
          sync_failed_ = true;
        }
      }
      for (auto& c : ready) {
        if (sync_failed_.load()) {
          // Not known to be on disk: the caller is told it failed (a hook answers 503 and the
          // platform sends again); nothing is sent for it.
          for (auto& r : c.results) r = make_error_code(errc::store_unavailable);
          c.queued.clear();
        }
        if (c.listener && !c.queued.empty()) c.listener(c.queued);
        for (size_t i = 0; i < c.batch.size(); ++i)
          if (c.batch[i].done) {
            log::RequestScope scope(c.batch[i].request_id);
            c.batch[i].done(c.results[i]);
          }
      }
    }
  }

  void commit_batch(std::vector<Job>& batch, std::vector<std::error_code>& results,
                    std::vector<OutboxItem>& queued, sqlite::DeferSyncs& defer) {
    const auto started = std::chrono::steady_clock::now();
    struct Timed {  // observed however the commit ends
      std::chrono::steady_clock::time_point started;
      size_t size;
      ~Timed() {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        metrics::global().observe("gridbot_store_commit_seconds", took.count());
        metrics::global().observe("gridbot_store_commit_batch_size", static_cast<double>(size));
      }
    } timed{started, batch.size()};
    try {
      SQLite::Transaction tx(writer_db_, SQLite::TransactionBehavior::IMMEDIATE);
      for (size_t i = 0; i < batch.size(); ++i) {
        log::RequestScope scope(batch[i].request_id);
        run(*savepoint_);
        const size_t mark = tx_->queued.size();
        try {
          batch[i].work(*tx_);
          tx_->finish_work();
          run(*release_);
        } catch (const std::exception& e) {
          log::error("store write rolled back: {}", e.what());
          tx_->discard_work();
          run(*rollback_to_);
          run(*release_);
          tx_->queued.resize(mark);
          results[i] = make_error_code(errc::internal);
        }
      }
      if (options_.fail_commit_for_test == 0) {
        options_.fail_commit_for_test = -1;
        throw SQLite::Exception("injected commit failure");
      }
      if (options_.fail_commit_for_test > 0) --options_.fail_commit_for_test;
      defer_ = &defer;
      tx.commit();
      defer_ = nullptr;
      queued.swap(tx_->queued);
    } catch (const std::exception& e) {
      defer_ = nullptr;
      log::error("store commit failed: {}", e.what());
      tx_->discard_work();  // nothing of the batch stands, codes it gave included
      tx_->queued.clear();
      for (auto& r : results) r = make_error_code(errc::store_unavailable);
    }
    tx_->queued.clear();
  }

  // After each commit, on the writer thread, with the WAL's length in frames. SQLite starts the
  // WAL over only at a write transaction that begins with every frame copied into the database,
  // and the checkpointer, copying beside the writer, always finds a few more frames appended
  // behind it: so once its pass has copied everything that was there when it began, the writer
  // copies that short tail itself, and its next transaction starts the WAL from the beginning.
  static int on_wal(void* self, sqlite3* db, const char* name, int frames) {
    auto* store = static_cast<SqliteStore*>(self);
    const int due = store->options_.checkpoint_frames;
    if (frames < due) {
      store->tail_due_ = false;  // the WAL started over since: a tail seen before is gone
    } else if (frames >= due * 2 || store->tail_due_.exchange(false)) {
      // (At twice that: the checkpointer has not kept up — a reader held the WAL — and the file is
      // bounded here.) The sync of the WAL before copying frames into the database is a real one.
      if (store->defer_ != nullptr) store->defer_->pause();
      checkpoint(db, name, "writer");
      if (store->defer_ != nullptr) store->defer_->resume();
    } else {
      std::lock_guard lk(store->checkpoint_mu_);
      if (!store->checkpoint_running_) {
        store->checkpoint_due_ = true;
        store->checkpoint_cv_.notify_one();
      }
    }
    return SQLITE_OK;
  }

  void checkpoint_loop() {
    std::unique_lock lk(checkpoint_mu_);
    for (;;) {
      checkpoint_cv_.wait(lk, [&] { return checkpoint_due_ || checkpoint_stop_; });
      if (checkpoint_stop_) return;
      checkpoint_due_ = false;
      checkpoint_running_ = true;
      lk.unlock();
      // Passes repeat while each finds the WAL caught up and the frames appended meanwhile are
      // many, so the tail left to the writer is about one commit's.
      for (int prev_log = -1, pass = 0; pass < 8; ++pass) {
        int log_frames = -1, copied = -1;
        const int rc =
            checkpoint(checkpoint_db_->getHandle(), nullptr, "checkpointer", &log_frames, &copied);
        if (rc != SQLITE_OK || copied <= 0 || copied != log_frames) break;
        ++checkpoints_;
        if (prev_log >= 0 && log_frames < prev_log) break;  // the WAL started over meanwhile
        if (prev_log >= 0 && log_frames - prev_log <= kTailFrames) {
          tail_due_ = true;  // everything but a short tail is in the database: the writer's
          break;
        }
        prev_log = log_frames;
      }
      lk.lock();
      checkpoint_running_ = false;
    }
  }

  // One PASSIVE checkpoint pass (copies what no reader still needs, never waits), timed by the
  // thread that ran it.
  static int checkpoint(sqlite3* db, const char* name, const char* by, int* log_frames = nullptr,
                        int* copied = nullptr) {
    const auto started = std::chrono::steady_clock::now();
    const int rc =
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, log_frames, copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      log::warn("store: checkpoint failed: {}", sqlite3_errstr(rc));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics::global().observe("gridbot_store_checkpoint_seconds", took.count(), {{"by", by}});
    return rc;
  }

  static void run(SQLite::Statement& s) {
    s.exec();
    s.reset();
  }

  SqliteOptions options_;
  SQLite::Database writer_db_;
  // Prepared once: one savepoint per work item is on the hot path of every inbound message.
  std::unique_ptr<SQLite::Statement> savepoint_, release_, rollback_to_;
  std::unique_ptr<sqlite::ReadPool> readers_;
  std::unique_ptr<sqlite::WriterStatements> tx_;

  std::mutex mu_;  // guards queue_, stopping_, listener_
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  OutboxListener listener_;
  std::thread writer_;
  sqlite::DeferSyncs* defer_ = nullptr;  // the writer's, while it commits (for on_wal)

  std::mutex sync_mu_;  // guards sync_queue_, sync_stop_
  std::condition_variable sync_cv_;
  std::deque<Committed> sync_queue_;
  bool sync_stop_ = false;
  std::atomic<bool> sync_failed_{false};
  std::thread syncer_;

  std::unique_ptr<SQLite::Database> checkpoint_db_;  // the checkpointer's alone
  std::mutex checkpoint_mu_;                         // guards checkpoint_due_, checkpoint_stop_
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false, checkpoint_stop_ = false, checkpoint_running_ = false;
  std::atomic<bool> tail_due_{false};     // the checkpointer caught up: the writer copies the rest
  static constexpr int kTailFrames = 64;  // a tail short enough for the writer
  std::atomic<int64_t> checkpoints_{0};
  std::thread checkpointer_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options,
                                         std::string* error) {
  // SQLite counts every allocation under one process-wide mutex (memory statistics nothing here
  // reads); the writer allocates for each row it binds and inserts, and the readers and the
  // checkpointer contended with it for that lock. Off before the library starts (the first open
  // or VFS registration starts it; set later, the call fails and changes nothing). The page
  // cache's shim goes in at the same moment (page_cache.hpp).
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (!sqlite::install_page_cache())
      log::warn("store: SQLite had started before the store: its page cache stays the default");
  });
  try {
    return std::make_unique<SqliteStore>(path, options);
  } catch (const std::exception& e) {
    *error = path + ": " + e.what();
    return nullptr;
  }
}

}  // namespace gridbot::store
