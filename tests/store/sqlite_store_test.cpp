#include "bot/store/store.hpp"

#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "bot/store/sqlite/wal_vfs.hpp"

#include "../temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <csignal>
#include <future>
#include <set>
#include <string>
#include <stdexcept>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

using namespace gridbot;
using namespace gridbot::store;

namespace {

InboundMessage msg(const std::string& id, const std::string& chat = "room-1") {
  InboundMessage m;
  m.channel = "bridge";
  m.chat_id = chat;
  m.msg_id = id;
  m.sender_id = "wxid_a";
  m.text = "3栋2单元楼道灯坏了";
  m.mentions = {"wxid_bot", "wxid_b"};
  m.received_at_ms = 1000;
  return m;
}

OutboxItem out(const std::string& key) {
  OutboxItem o;
  o.channel = "bridge";
  o.chat_id = "room-1";
  o.text = "收到";
  o.idempotency_key = key;
  o.created_ms = 1;
  return o;
}

std::unique_ptr<Store> open(const test::TempDir& dir, SqliteOptions opt = {}) {
  std::string err;
  auto s = open_sqlite_store(dir.file("t.db"), opt, &err);
  INFO(err);
  REQUIRE(s);
  return s;
}

}  // namespace

TEST_CASE("the inbox dedupes on channel, chat and message id", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  int64_t first = -1, again = -1, other_chat = -1;
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) { first = tx.insert_inbound(msg("m1")); }));
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) { again = tx.insert_inbound(msg("m1")); }));
  REQUIRE_FALSE(
      store->write_sync([&](WriteTx& tx) { other_chat = tx.insert_inbound(msg("m1", "room-2")); }));
  CHECK(first > 0);
  CHECK(again == 0);
  CHECK(other_chat > 0);
  CHECK(store->count_inbox() == 2);
  auto rows = store->messages({"", "room-1", 0, 10});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].message.text == "3栋2单元楼道灯坏了");
  CHECK(rows[0].message.mentions == std::vector<std::string>{"wxid_bot", "wxid_b"});
}

// An operator's `top -H` and a profile tell the writer, its fsync and checkpoint threads apart.
TEST_CASE("the store's threads carry their names", "[store]") {
  auto names = [] {
    std::multiset<std::string> out;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      out.insert(name);
    }
    return out;
  };
  test::TempDir dir;
  const auto before = names();
  auto store = open(dir);
  // Each thread names itself as it starts: wait for them (bounded).
  const auto named = [&] {
    const auto now = names();
    for (const char* name : {"store-writer", "store-fsync", "store-ckpt"})
      if (now.count(name) != before.count(name) + 1) return false;
    return true;
  };
  for (int i = 0; i < 200 && !named(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(named());
  store.reset();
  const auto after = names();
  for (const char* name : {"store-writer", "store-fsync", "store-ckpt"})
    CHECK(after.count(name) == before.count(name));
}

TEST_CASE("committed data survives closing and reopening the file", "[store]") {
  test::TempDir dir;
  {
    auto store = open(dir);
    REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
      tx.insert_inbound(msg("m1"));
      tx.enqueue(out("k1"));
    }));
  }
  auto store = open(dir);
  CHECK(store->count_inbox() == 1);
  auto pending = store->pending_outbox();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].idempotency_key == "k1");
}

TEST_CASE("an idempotency key queues once", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  int64_t a = 0, b = 0;
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
    a = tx.enqueue(out("k"));
    b = tx.enqueue(out("k"));
  }));
  CHECK(a > 0);
  CHECK(b == 0);
  CHECK(store->pending_outbox().size() == 1);
}

TEST_CASE("work that throws is rolled back alone, its neighbours in the batch commit", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  std::promise<void> gate;
  auto opened = gate.get_future().share();
  // Hold the writer busy so that the next three writes land in one group commit.
  store->write([opened](WriteTx&) { opened.wait(); }, nullptr);
  std::promise<std::error_code> r1, r2, r3;
  store->write([](WriteTx& tx) { tx.insert_inbound(msg("a")); },
               [&](std::error_code ec) { r1.set_value(ec); });
  store->write(
      [](WriteTx& tx) {
        tx.insert_inbound(msg("b"));
        tx.enqueue(out("kb"));
        throw std::runtime_error("boom");
      },
      [&](std::error_code ec) { r2.set_value(ec); });
  store->write([](WriteTx& tx) { tx.insert_inbound(msg("c")); },
               [&](std::error_code ec) { r3.set_value(ec); });
  gate.set_value();
  CHECK_FALSE(r1.get_future().get());
  CHECK(r2.get_future().get() == make_error_code(gridbot::errc::internal));
  CHECK_FALSE(r3.get_future().get());
  CHECK(store->count_inbox() == 2);
  CHECK(store->pending_outbox().empty());
}

TEST_CASE("guarded steps roll back without undoing the rest of the work", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  bool ok = true;
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
    tx.insert_inbound(msg("a"));
    ok = tx.guarded([&] {
      tx.enqueue(out("k"));
      throw std::runtime_error("processing failed");
    });
  }));
  CHECK_FALSE(ok);
  CHECK(store->count_inbox() == 1);
  CHECK(store->pending_outbox().empty());
}

TEST_CASE("a failed commit reports store_unavailable to every waiter and keeps nothing",
          "[store]") {
  // Beast-style failure injection: fail the n-th commit for n = 0..3; whatever was acknowledged
  // before the failure is still there, what failed is not.
  for (int n = 0; n <= 3; ++n) {
    test::TempDir dir;
    SqliteOptions opt;
    opt.fail_commit_for_test = n;
    auto store = open(dir, opt);
    std::vector<std::string> acked;
    for (int i = 0; i < 5; ++i) {
      const std::string id = "m" + std::to_string(i);
      auto ec = store->write_sync([&](WriteTx& tx) { tx.insert_inbound(msg(id)); });
      if (!ec)
        acked.push_back(id);
      else
        CHECK(ec == make_error_code(gridbot::errc::store_unavailable));
    }
    CHECK(acked.size() == 4);
    store.reset();
    auto reopened = open(dir);
    CHECK(reopened->count_inbox() == static_cast<int64_t>(acked.size()));
  }
}

TEST_CASE(
    "the writer commits the next batch while the last one's fsync runs, and answers each "
    "only once it is on disk, in order",
    "[store]") {
  test::TempDir dir;
  SqliteOptions opt;
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  std::atomic<int> syncs{0};
  opt.before_sync_for_test = [&] {
    if (syncs++ == 0) {
      entered.set_value();
      released.wait();
    }
  };
  auto store = open(dir, opt);
  std::vector<OutboxItem> listened;
  std::mutex mu;
  store->set_outbox_listener([&](const std::vector<OutboxItem>& items) {
    std::lock_guard lk(mu);
    listened.insert(listened.end(), items.begin(), items.end());
  });
  std::vector<std::string> answered;
  auto answer = [&](std::string name) {
    return [&, name](std::error_code ec) {
      std::lock_guard lk(mu);
      answered.push_back(name + (ec ? ":" + ec.message() : ""));
    };
  };
  store->write(
      [](WriteTx& tx) {
        tx.insert_inbound(msg("a"));
        tx.enqueue(out("ka"));
      },
      answer("a"));
  REQUIRE(entered.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  // a's fsync is held: the writer still takes b, and a duplicate of a that writes nothing.
  std::promise<void> b_ran;
  store->write(
      [&](WriteTx& tx) {
        tx.insert_inbound(msg("b"));
        b_ran.set_value();
      },
      answer("b"));
  REQUIRE(b_ran.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  store->write([](WriteTx& tx) { CHECK_FALSE(tx.insert_inbound(msg("a"))); }, answer("dup"));
  // Committed, visible to readers, but nobody is told before the fsync.
  for (int i = 0; i < 50 && store->count_inbox() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(store->count_inbox() == 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard lk(mu);
    CHECK(answered.empty());
    CHECK(listened.empty());
  }
  release.set_value();
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lk(mu);
      if (answered.size() == 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lk(mu);
  CHECK(answered == std::vector<std::string>{"a", "b", "dup"});
  REQUIRE(listened.size() == 1);
  CHECK(listened[0].idempotency_key == "ka");
}

TEST_CASE("a failed fsync answers store_unavailable, sends nothing and takes no more writes",
          "[store]") {
  test::TempDir dir;
  SqliteOptions opt;
  opt.fail_sync_for_test = 0;
  {
    auto store = open(dir, opt);
    std::atomic<int> listened{0};
    store->set_outbox_listener(
        [&](const std::vector<OutboxItem>& items) { listened += static_cast<int>(items.size()); });
    CHECK(store->write_sync([](WriteTx& tx) {
      tx.insert_inbound(msg("a"));
      tx.enqueue(out("ka"));
    }) == make_error_code(gridbot::errc::store_unavailable));
    bool ran = false;
    CHECK(store->write_sync([&](WriteTx& tx) {
      ran = true;
      tx.insert_inbound(msg("b"));
    }) == make_error_code(gridbot::errc::store_unavailable));
    CHECK_FALSE(ran);
    CHECK(listened == 0);
  }
  // A restart recovers: the store opens and takes writes again.
  auto store = open(dir);
  CHECK_FALSE(store->write_sync([](WriteTx& tx) { tx.insert_inbound(msg("c")); }));
}

TEST_CASE("the pending outbox is read in id order from outbox_state, with no index of its own",
          "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  REQUIRE_FALSE(store->write_sync([](WriteTx& tx) {
    tx.enqueue(out("k1"));
    tx.enqueue(out("k2"));
  }));
  const auto pending = store->pending_outbox();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].id < pending[1].id);
  SQLite::Database db(dir.file("t.db"), SQLite::OPEN_READONLY);
  CHECK(
      db.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'outbox_pending'").getInt() ==
      0);
  SQLite::Statement plan(db,
                         "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE state = 'pending' "
                         "ORDER BY id");
  std::string p;
  while (plan.executeStep()) p += plan.getColumn(3).getString() + "\n";
  INFO(p);
  CHECK(p.find("outbox_state (state=?)") != std::string::npos);
  CHECK(p.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("the outbox listener sees exactly the rows committed, with ids", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  std::vector<OutboxItem> seen;
  std::mutex mu;
  store->set_outbox_listener([&](const std::vector<OutboxItem>& items) {
    std::lock_guard lk(mu);
    seen.insert(seen.end(), items.begin(), items.end());
  });
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
    tx.enqueue(out("k1"));
    tx.enqueue(out("k1"));  // duplicate: not seen
    tx.enqueue(out("k2"));
  }));
  std::lock_guard lk(mu);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].id > 0);
  CHECK(seen[1].idempotency_key == "k2");
}

TEST_CASE("delivery states move as the dispatcher reports", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  int64_t a = 0, b = 0, c = 0;
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
    a = tx.enqueue(out("a"));
    b = tx.enqueue(out("b"));
    c = tx.enqueue(out("c"));
  }));
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
    tx.mark_delivered(a, 5);
    tx.mark_retry(b, 99, "HTTP 503", true);
    tx.mark_final(c, DeliveryState::failed, "HTTP 400");
  }));
  auto pending = store->pending_outbox();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == b);
  CHECK(pending[0].attempts == 1);
  CHECK(pending[0].next_try_ms == 99);
  auto failed = store->deliveries({"", DeliveryState::failed, 0, 10});
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].last_error == "HTTP 400");
}

TEST_CASE("many writers from many threads all commit, in fewer transactions", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto id = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!store->write_sync([&](WriteTx& tx) { tx.insert_inbound(msg(id)); })) ++ok;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(ok == 400);
  CHECK(store->count_inbox() == 400);
}

TEST_CASE("after close, writes fail at once with store_unavailable", "[store]") {
  test::TempDir dir;
  auto store = open(dir);
  store->close();
  CHECK(store->write_sync([](WriteTx&) {}) == make_error_code(gridbot::errc::store_unavailable));
}

TEST_CASE("a backup taken while writes go on is whole and opens as a store", "[store][backup]") {
  test::TempDir dir;
  auto store = open(dir);
  REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) { tx.insert_inbound(msg("m0")); }));
  // A writer keeps committing while the copy is taken.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 1; !stop; ++i)
      store->write_sync([&](WriteTx& tx) { tx.insert_inbound(msg("m" + std::to_string(i))); });
  });
  std::string err;
  const bool ok = backup_sqlite_store(dir.file("t.db"), dir.file("copy.db"), &err);
  stop = true;
  writer.join();
  INFO(err);
  REQUIRE(ok);
  CHECK_FALSE(std::filesystem::exists(dir.file("copy.db.partial")));
  auto copy = open_sqlite_store(dir.file("copy.db"), {}, &err);
  REQUIRE(copy);
  const int64_t n = copy->count_inbox();
  CHECK(n >= 1);
  CHECK(n <= store->count_inbox());
  // No store there: a clear error, no file.
  CHECK_FALSE(backup_sqlite_store(dir.file("none.db"), dir.file("x.db"), &err));
  CHECK(err.find("no such store") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("x.db")));
}

TEST_CASE("an outbox row keeps the request that queued it, across a reopen", "[store][log]") {
  test::TempDir dir;
  {
    auto store = open(dir);
    OutboxItem o = out("k1");
    o.request_id = "3f2a9c0d11e4b7a8";
    REQUIRE_FALSE(store->write_sync([&](WriteTx& tx) {
      tx.enqueue(o);
      tx.enqueue(out("k2"));  // a row nobody named
    }));
  }
  auto store = open(dir);
  auto pending = store->pending_outbox();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].request_id == "3f2a9c0d11e4b7a8");
  CHECK(pending[1].request_id.empty());
  auto rows = store->deliveries({});
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].request_id == "3f2a9c0d11e4b7a8");
}

TEST_CASE("a write's work and done run under the request id of its caller", "[store][log]") {
  test::TempDir dir;
  auto store = open(dir);
  std::promise<std::pair<std::string, std::string>> seen;
  std::string in_work;
  {
    log::RequestScope scope("caller-1");
    store->write([&in_work](WriteTx&) { in_work = log::request_id(); },
                 [&seen, &in_work](std::error_code) {
                   seen.set_value({in_work, log::request_id()});
                 });
  }
  const auto [work, done] = seen.get_future().get();
  CHECK(work == "caller-1");
  CHECK(done == "caller-1");
  // The writer thread is left as it was found.
  std::string after = "?";
  REQUIRE_FALSE(store->write_sync([&](WriteTx&) { after = log::request_id(); }));
  CHECK(after.empty());
}

TEST_CASE("a commit's WAL frames reach the file in a few writes, and other connections read them",
          "[store][wal]") {
  test::TempDir dir;
  std::string err;
  auto s = open_sqlite_store(dir.file("g.db"), {}, &err);
  REQUIRE(s);
  const auto before = sqlite::gather_counts_for_test();
  REQUIRE_FALSE(s->write_sync([](WriteTx& tx) {
    for (int i = 0; i < 300; ++i)
      tx.insert_inbound(msg("g" + std::to_string(i), "room-" + std::to_string(i)));
  }));
  const auto after = sqlite::gather_counts_for_test();
  // SQLite writes each frame as a header and a page; they reach the file together.
  CHECK(after.received - before.received > 20);
  CHECK((after.written - before.written) * 10 < after.received - before.received);
  // A read connection (the default VFS) sees the commit before the writer closes.
  CHECK(s->count_inbox() == 300);
  s->close();
}

TEST_CASE("checkpoints run off the writer and keep the WAL bounded", "[store][wal]") {
  test::TempDir dir;
  std::string err;
  SqliteOptions o;
  o.checkpoint_frames = 50;
  auto s = open_sqlite_store(dir.file("c.db"), o, &err);
  REQUIRE(s);
  for (int b = 0; b < 40; ++b)
    REQUIRE_FALSE(s->write_sync([b](WriteTx& tx) {
      for (int i = 0; i < 50; ++i)
        tx.insert_inbound(
            msg("c" + std::to_string(b) + "-" + std::to_string(i), "room-" + std::to_string(i)));
    }));
  // Counted only when the checkpointer's own pass copied frames into the database (a connection
  // that has not read the database yet finds no WAL and copies nothing).
  for (int i = 0; i < 250 && s->checkpoints_for_test() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(s->checkpoints_for_test() > 0);
  // Restarted from its start after a checkpoint, the WAL stays far below 40 commits' worth.
  CHECK(std::filesystem::file_size(dir.file("c.db-wal")) < 40 * 50 * 4096);
  CHECK(s->count_inbox() == 2000);
  s->close();
}

TEST_CASE("kill -9 of a writing process loses no acknowledged write", "[store][crash]") {
  test::TempDir dir;
  const std::string path = dir.file("k.db");
  int acks[2];
  REQUIRE(pipe(acks) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(acks[0]);
    std::string err;
    auto s = open_sqlite_store(path, {}, &err);
    if (!s) _exit(2);
    // Writers from several threads, so commits are grouped; each ack follows a durable commit.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          const int32_t id = t * 1'000'000 + i;
          if (s->write_sync([id](WriteTx& tx) { tx.insert_inbound(msg(std::to_string(id))); }))
            _exit(3);
          if (write(acks[1], &id, sizeof id) != sizeof id) _exit(4);
        }
      });
    for (auto& th : threads) th.join();
    _exit(0);
  }
  close(acks[1]);
  std::vector<int32_t> acked;
  for (int32_t id; acked.size() < 400 && read(acks[0], &id, sizeof id) == sizeof id;)
    acked.push_back(id);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(acks[0]);
  REQUIRE(acked.size() == 400);
  std::string err;
  auto s = open_sqlite_store(path, {}, &err);
  REQUIRE(s);
  std::set<std::string> stored;
  for (int64_t before = 0;;) {
    auto page = s->messages({"bridge", "room-1", before, 1000});
    if (page.empty()) break;
    for (const auto& m : page) stored.insert(m.message.msg_id);
    before = page.back().id;
  }
  for (int32_t id : acked) CHECK(stored.count(std::to_string(id)) == 1);
  s->close();
}
