#include "bot/delivery/outbox.hpp"
#include "bot/delivery/post.hpp"

#include "../temp_dir.hpp"
#include "tests/support/fakes.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <deque>
#include <future>

using namespace gridbot;
using namespace gridbot::channels;
using namespace gridbot::delivery;
using gridbot::test::eventually;

// The outbox side of incidents: superseding a queued notice, and pacing an outage fan-out.

namespace {

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  ChannelTable channels;
  test::FakeTransport transport;
  FakeClock clock;
  config::OutboxConfig cfg;

  explicit Fixture(double rate) {
    std::string err;
    store = store::open_sqlite_store(dir.file("o.db"), {}, &err);
    REQUIRE(store);
    test::add_bridge(channels, rate);
    cfg.poll_ms = 10;
  }
  void queue(const std::string& key, const std::string& supersede, std::string chat = "room-1",
             std::string text = "停电通知", int prio = priority::kOutage) {
    REQUIRE_FALSE(store->write_sync([&](store::WriteTx& tx) {
      OutboxItem o;
      o.channel = "bridge";
      o.chat_id = chat;
      o.text = text;
      o.priority = prio;
      o.idempotency_key = key;
      o.supersede_key = supersede;
      o.created_ms = clock.now_ms();
      queue_message(tx, channels, o);
    }));
  }
  std::vector<std::string> keys_sent() {
    std::vector<std::string> out;
    for (const auto& r : transport.sent())
      out.emplace_back(header_value(r.headers, "Idempotency-Key"));
    return out;
  }
  size_t count(DeliveryState s) { return store->deliveries({"", s, 0, 10000}).size(); }
};

}  // namespace

TEST_CASE(
    "a later notice with the same supersede key replaces a queued one, in the store and "
    "the dispatcher",
    "[outbox][incidents]") {
  Fixture f(1);  // one per minute: the second row waits
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  f.queue("warmup", "");
  REQUIRE(f.transport.wait_for(1) == 1);
  f.queue("inc:1:u1:room-1", "inc:1");
  f.queue("inc:2:u1:room-1", "inc:2");  // another incident: kept
  f.queue("inc:1:u2:room-1", "inc:1");
  CHECK(f.count(DeliveryState::superseded) == 1);
  CHECK(f.store->deliveries({"", DeliveryState::superseded, 0, 10})[0].idempotency_key ==
        "inc:1:u1:room-1");
  CHECK(outbox.stats().superseded == 1);
  for (int i = 0; i < 2; ++i) {
    f.clock.advance_ms(60'000);
    outbox.wake_for_test();
    REQUIRE(f.transport.wait_for(static_cast<size_t>(i) + 2) >= static_cast<size_t>(i) + 2);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(f.keys_sent() == std::vector<std::string>{"warmup", "inc:2:u1:room-1", "inc:1:u2:room-1"});
  outbox.stop(1000);
}

TEST_CASE("the pieces of one long notice never supersede each other", "[outbox][incidents]") {
  Fixture f(1000);
  std::string text;
  for (int i = 0; i < 40; ++i) text += "抢修人员已到达现场";  // 1080 bytes: five pieces of 256
  f.queue("inc:1:u1:room-1", "inc:1", "room-1", text);
  CHECK(f.count(DeliveryState::superseded) == 0);
  CHECK(f.count(DeliveryState::pending) == 5);
  f.queue("inc:1:u2:room-1", "inc:1", "room-1", text);
  CHECK(f.count(DeliveryState::superseded) == 5);
  CHECK(f.count(DeliveryState::pending) == 5);
}

TEST_CASE("superseded rows are not resumed after a restart", "[outbox][incidents]") {
  Fixture f(1000);
  f.queue("inc:1:u1:room-1", "inc:1");
  f.queue("inc:1:u2:room-1", "inc:1");
  f.queue("inc:1:u1:room-2", "inc:1", "room-2");
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE(f.transport.wait_for(2) == 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto keys = f.keys_sent();
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"inc:1:u1:room-2", "inc:1:u2:room-1"});
  outbox.stop(1000);
}

TEST_CASE(
    "an outage fan-out never exceeds a destination's limit in any minute, drops nothing, "
    "and goes before routine traffic",
    "[outbox][incidents]") {
  Fixture f(20);  // a WeCom group robot: 20 a minute
  std::mutex mu;
  std::map<std::string, std::vector<int64_t>> at;  // chat → fake times of sends
  f.transport.answer = [&](const HttpRequest& r) {
    std::lock_guard lk(mu);
    const auto body = r.body;
    const auto p = body.find("room-");
    // The time the dispatcher started the send (the adapter signs with it): the fake clock may
    // move on between that decision and this call.
    at[body.substr(p, body.find('"', p) - p)].push_back(
        std::stoll(std::string(header_value(r.headers, "X-Gridbot-Timestamp"))) * 1000);
    return TransportResult{{}, 200, {}, "{}"};
  };
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  // 30 routine replies then 3 incidents × 15 updates to each of 3 groups (distinct keys: nothing
  // supersedes), queued before the dispatcher starts so that all compete at once.
  for (int i = 0; i < 30; ++i)
    f.queue("r" + std::to_string(i), "", "room-1", "收到", priority::kRoutine);
  for (int g = 1; g <= 3; ++g)
    for (int n = 1; n <= 3; ++n)
      for (int u = 1; u <= 15; ++u)
        f.queue(
            "inc:" + std::to_string(n) + ":u" + std::to_string(u) + ":room-" + std::to_string(g),
            "", "room-" + std::to_string(g));
  outbox.start();
  const size_t total = 30 + 3 * 3 * 15;
  for (int step = 0; step < 600 && f.transport.sent().size() < total; ++step) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    f.clock.advance_ms(1000);
    outbox.wake_for_test();
  }
  REQUIRE(eventually([&] { return f.transport.sent().size() == total; }));
  std::lock_guard lk(mu);
  for (const auto& [chat, times] : at) {
    INFO(chat);
    for (size_t i = 20; i < times.size(); ++i) CHECK(times[i] - times[i - 20] >= 60'000);
  }
  // room-1: every outage notice before the first routine reply.
  auto keys = f.keys_sent();
  size_t last_outage = 0, first_routine = keys.size();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].find("room-1") == std::string::npos && keys[i][0] != 'r') continue;
    if (keys[i][0] == 'r')
      first_routine = std::min(first_routine, i);
    else
      last_outage = i;
  }
  CHECK(last_outage < first_routine);
  outbox.stop(1000);
}

TEST_CASE("a notice superseded while on the wire is not sent again when that send must be retried",
          "[outbox][incidents]") {
  Fixture f(1000);
  std::atomic<int> calls{0};
  std::promise<void> release;
  auto released = release.get_future().share();
  f.transport.answer = [&](const HttpRequest&) {
    if (calls++ == 0) {
      released.wait();  // the first send hangs until the newer notice is committed
      return TransportResult{{}, 503, {}, "{}"};
    }
    return TransportResult{{}, 200, {}, "{}"};
  };
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  f.queue("inc:1:u1:room-1", "inc:1");
  REQUIRE(eventually([&] { return calls.load() == 1; }));
  f.queue("inc:1:u2:room-1", "inc:1");
  release.set_value();
  REQUIRE(eventually([&] { return f.count(DeliveryState::delivered) == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.keys_sent() == std::vector<std::string>{"inc:1:u1:room-1", "inc:1:u2:room-1"});
  auto superseded = f.store->deliveries({"", DeliveryState::superseded, 0, 10});
  REQUIRE(superseded.size() == 1);
  CHECK(superseded[0].idempotency_key == "inc:1:u1:room-1");
  CHECK(f.store->pending_outbox().empty());
  outbox.stop(1000);
}
