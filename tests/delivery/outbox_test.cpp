#include "bot/delivery/outbox.hpp"
#include "bot/delivery/post.hpp"

#include "adapters/wecom/customer_group_adapter.hpp"
#include "bot/delivery/confirmations.hpp"

#include "../temp_dir.hpp"
#include "tests/support/fakes.hpp"

#include <catch2/catch.hpp>

#include <future>
#include <map>
#include <mutex>
#include <set>

using namespace gridbot;
using namespace gridbot::channels;
using namespace gridbot::delivery;
using gridbot::test::eventually;

namespace {

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  ChannelTable channels;
  test::FakeTransport transport;
  FakeClock clock;
  config::OutboxConfig cfg;

  explicit Fixture(double rate = 1000) {
    std::string err;
    store = store::open_sqlite_store(dir.file("o.db"), {}, &err);
    REQUIRE(store);
    test::add_bridge(channels, rate);
    cfg.backoff_initial_ms = 1000;
    cfg.poll_ms = 10;
  }

  void queue(const std::string& key, int prio = priority::kRoutine, std::string chat = "room-1",
             std::string text = "收到") {
    REQUIRE_FALSE(store->write_sync([&](store::WriteTx& tx) {
      OutboxItem o;
      o.channel = "bridge";
      o.chat_id = chat;
      o.text = text;
      o.priority = prio;
      o.idempotency_key = key;
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
  /// A wecom_customer_group channel named "customer".
  static config::ChannelConfig channel(const std::string& name, const std::string& type,
                                       double total_rate_per_minute = 0) {
    config::ChannelConfig cc;
    cc.name = name;
    cc.type = type;
    cc.rate_per_minute = 1000;
    cc.total_rate_per_minute = total_rate_per_minute;
    return cc;
  }
  void add_customer_groups() {
    channels.add_for_test(
        channel("customer", "wecom_customer_group"),
        std::make_unique<adapters::wecom::CustomerGroupAdapter>(
            adapters::wecom::CustomerGroupOptions{"https://127.0.0.1:9", "corp", "secret"}));
  }
  size_t count(DeliveryState s) { return store->deliveries({"", s, 0, 1000}).size(); }
};

}  // namespace

TEST_CASE("each committed row is delivered once and recorded as delivered", "[outbox]") {
  Fixture f;
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  for (int i = 0; i < 20; ++i) f.queue("k" + std::to_string(i), 0, "room-" + std::to_string(i % 4));
  REQUIRE(f.transport.wait_for(20) == 20);
  REQUIRE(eventually([&] { return f.count(DeliveryState::delivered) == 20; }));
  auto keys = f.keys_sent();
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 20);
  outbox.stop(1000);
}

TEST_CASE("rows pending at start-up are resumed", "[outbox]") {
  Fixture f;
  f.queue("before-1");
  f.queue("before-2", 0, "room-2");
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE(f.transport.wait_for(2) == 2);
  REQUIRE(eventually([&] { return f.count(DeliveryState::delivered) == 2; }));
  outbox.stop(1000);
}

TEST_CASE("higher priority goes first", "[outbox]") {
  Fixture f;
  f.cfg.max_in_flight = 1;
  for (int i = 0; i < 5; ++i)
    f.queue("routine-" + std::to_string(i), priority::kRoutine, "room-r" + std::to_string(i));
  f.queue("urgent", priority::kUrgent, "room-u");
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE(f.transport.wait_for(6) == 6);
  CHECK(f.keys_sent().front() == "urgent");
  outbox.stop(1000);
}

TEST_CASE("a destination never gets more than its rate in any window", "[outbox]") {
  Fixture f(3);  // three per minute per chat
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  for (int i = 0; i < 8; ++i) f.queue("k" + std::to_string(i));
  f.queue("other-chat", 0, "room-2");
  REQUIRE(f.transport.wait_for(4) == 4);  // three to room-1, one to room-2
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.transport.sent().size() == 4);  // the window holds the rest: none dropped, none early
  f.clock.advance_ms(60'000);
  outbox.wake_for_test();
  REQUIRE(f.transport.wait_for(7) == 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.transport.sent().size() == 7);
  f.clock.advance_ms(60'000);
  outbox.wake_for_test();
  REQUIRE(f.transport.wait_for(9) == 9);
  CHECK(eventually([&] { return f.count(DeliveryState::delivered) == 9; }));
  // Order within a destination is the queue order.
  auto keys = f.keys_sent();
  std::vector<std::string> room1;
  for (auto& k : keys)
    if (k != "other-chat") room1.push_back(k);
  CHECK(room1 == std::vector<std::string>{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"});
  outbox.stop(1000);
}

TEST_CASE("5xx is retried after backoff, 4xx fails, throttling waits without spending attempts",
          "[outbox]") {
  Fixture f;
  std::map<std::string, int> calls;
  f.transport.answer = [&](const HttpRequest& r) {
    const std::string key(header_value(r.headers, "Idempotency-Key"));
    const int n = ++calls[key];
    if (key == "flaky") return TransportResult{{}, n < 3 ? 503 : 200, {}, ""};
    if (key == "bad") return TransportResult{{}, 400, {}, "no such room"};
    if (key == "slow") return TransportResult{{}, n < 2 ? 429 : 200, {{"Retry-After", "30"}}, ""};
    return TransportResult{{}, 200, {}, ""};
  };
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  f.queue("flaky", 0, "room-a");
  f.queue("bad", 0, "room-b");
  f.queue("slow", 0, "room-c");
  REQUIRE(f.transport.wait_for(3) == 3);
  REQUIRE(eventually([&] { return f.count(DeliveryState::failed) == 1; }));
  CHECK(f.store->deliveries({"room-b", std::nullopt, 0, 10})[0].last_error.find("HTTP 400") == 0);
  // Nothing is retried before its time.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(f.transport.sent().size() == 3);
  f.clock.advance_ms(2'000);  // past the first backoff (1 s ± 20%), before Retry-After
  outbox.wake_for_test();
  REQUIRE(f.transport.wait_for(4) == 4);
  CHECK(calls["slow"] == 1);
  f.clock.advance_ms(30'000);
  outbox.wake_for_test();
  REQUIRE(eventually([&] {
    f.clock.advance_ms(5'000);
    outbox.wake_for_test();
    return f.count(DeliveryState::delivered) == 2;
  }));
  CHECK(calls["flaky"] == 3);
  CHECK(calls["slow"] == 2);
  auto slow = f.store->deliveries({"room-c", std::nullopt, 0, 10})[0];
  CHECK(slow.attempts == 1);  // the throttle did not count
  outbox.stop(1000);
}

TEST_CASE("long text is split to the channel's byte limit before it is queued", "[outbox]") {
  Fixture f;  // the test bridge takes 256 bytes
  std::string text;
  for (int i = 0; i < 60; ++i) text += "停电抢修进展。";
  f.queue("long", 0, "room-1", text);
  auto rows = f.store->pending_outbox();
  REQUIRE(rows.size() > 1);
  for (const auto& r : rows) CHECK(r.text.size() <= 256);
  CHECK(rows[1].idempotency_key == "long#2");
}

#include "adapters/wecom/appchat_adapter.hpp"

TEST_CASE("a token platform: one gettoken for many sends, and a new one after it expires",
          "[outbox][token]") {
  Fixture f;
  adapters::wecom::AppchatOptions o;
  o.base_url = "https://127.0.0.1:9";
  o.corp_id = "corp";
  o.corp_secret = "secret";
  f.channels.add_for_test(Fixture::channel("appchat", "wecom_appchat"),
                          std::make_unique<adapters::wecom::AppchatAdapter>(o));
  int tokens = 0, expired_once = 0;
  f.transport.answer = [&](const HttpRequest& r) {
    if (r.url.find("/gettoken") != std::string::npos) {
      ++tokens;
      return TransportResult{
          {},
          200,
          {},
          R"({"errcode":0,"access_token":"T)" + std::to_string(tokens) + R"(","expires_in":7200})"};
    }
    // The first send with T1 after the third one is told the token expired.
    if (r.url.find("access_token=T1") != std::string::npos &&
        r.body.find("chat-3") != std::string::npos && expired_once++ == 0)
      return TransportResult{{}, 200, {}, R"({"errcode":42001,"errmsg":"access_token expired"})"};
    return TransportResult{{}, 200, {}, R"({"errcode":0,"errmsg":"ok"})"};
  };
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE_FALSE(f.store->write_sync([&](store::WriteTx& tx) {
    for (int i = 1; i <= 5; ++i) {
      OutboxItem item;
      item.channel = "appchat";
      item.chat_id = "chat-" + std::to_string(i);
      item.text = "通知";
      item.idempotency_key = "ac" + std::to_string(i);
      tx.enqueue(item);
    }
  }));
  REQUIRE(gridbot::test::eventually([&] {
    f.clock.advance_ms(100);
    outbox.wake_for_test();
    return f.count(DeliveryState::delivered) == 5;
  }));
  CHECK(tokens == 2);  // one at first, one after the expired answer
  size_t token_fetches = 0;
  for (const auto& r : f.transport.sent())
    token_fetches += r.url.find("/gettoken") != std::string::npos;
  CHECK(token_fetches == 2);
  outbox.stop(1000);
}

TEST_CASE("a customer-group send ends as awaiting_confirmation with its task id",
          "[outbox][token]") {
  Fixture f;
  f.add_customer_groups();
  f.transport.answer = [](const HttpRequest& r) {
    if (r.url.find("/gettoken") != std::string::npos)
      return TransportResult{{}, 200, {}, R"({"errcode":0,"access_token":"T","expires_in":7200})"};
    return TransportResult{{}, 200, {}, R"({"errcode":0,"fail_list":[],"msgid":"msgTASK1"})"};
  };
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE_FALSE(f.store->write_sync([&](store::WriteTx& tx) {
    OutboxItem item;
    item.channel = "customer";
    item.chat_id = "wxid_b5_head/wrCHAT5";
    item.text = "【工单#1001】已受理";
    item.idempotency_key = "cg1";
    tx.enqueue(item);
  }));
  REQUIRE(gridbot::test::eventually([&] { return f.count(DeliveryState::awaiting) == 1; }));
  auto row = f.store->deliveries({"", DeliveryState::awaiting, 0, 10}).at(0);
  CHECK(row.last_error == "task msgTASK1");
  CHECK(std::string(to_string(row.state)) == "awaiting_confirmation");
  outbox.stop(1000);
}

TEST_CASE(
    "the confirmation poller turns a confirmed task into delivered, a refused one into failed, "
    "and one nobody confirms into failed after the maximum age",
    "[outbox][confirmations]") {
  Fixture f;
  f.add_customer_groups();
  f.cfg.confirm_max_age_h = 48;
  // The platform: task → status of its group (0 not yet sent, 1 sent, 3 quota used up).
  std::map<std::string, int> status;
  std::mutex mu;
  int tokens = 0;
  f.transport.answer = [&](const HttpRequest& r) {
    if (r.url.find("/gettoken") != std::string::npos) {
      ++tokens;
      return TransportResult{{}, 200, {}, R"({"errcode":0,"access_token":"T","expires_in":7200})"};
    }
    if (r.url.find("/add_msg_template") != std::string::npos) {
      std::lock_guard lk(mu);
      const std::string task = "msgTASK" + std::to_string(status.size() + 1);
      status[task] = 0;
      return TransportResult{
          {}, 200, {}, R"({"errcode":0,"fail_list":[],"msgid":")" + task + "\"}"};
    }
    std::lock_guard lk(mu);
    for (const auto& [task, st] : status)
      if (r.body.find('"' + task + '"') != std::string::npos) {
        const auto chat = r.body.find("wxid_b5_head") != std::string::npos ? "wrCHAT5" : "wrX";
        return TransportResult{{},
                               200,
                               {},
                               R"({"errcode":0,"send_list":[{"chat_id":")" + std::string(chat) +
                                   R"(","status":)" + std::to_string(st) +
                                   R"(,"send_time":1700000000}]})"};
      }
    return TransportResult{{}, 200, {}, R"({"errcode":41063,"errmsg":"invalid msgid"})"};
  };
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE_FALSE(f.store->write_sync([&](store::WriteTx& tx) {
    for (int i = 1; i <= 3; ++i) {
      OutboxItem item;
      item.channel = "customer";
      item.chat_id = "wxid_b5_head/wrCHAT5";
      item.text = "【通知】第" + std::to_string(i) + "条";
      item.idempotency_key = "cg" + std::to_string(i);
      item.created_ms = f.clock.now_ms();
      tx.enqueue(item);
    }
  }));
  REQUIRE(eventually([&] { return f.count(DeliveryState::awaiting) == 3; }));
  outbox.stop(1000);

  ConfirmationPoller poller(f.cfg, f.channels, *f.store, f.transport, f.clock);
  auto c = poller.poll_once();  // nobody has confirmed yet
  CHECK(c.asked == 3);
  CHECK(c.pending == 3);
  CHECK(f.count(DeliveryState::awaiting) == 3);
  c = poller.poll_once();  // asked a moment ago: not again before confirm_poll_ms
  CHECK(c.asked == 0);
  CHECK(c.later == 3);
  f.clock.advance_ms(f.cfg.confirm_poll_ms);

  {
    std::lock_guard lk(mu);
    status["msgTASK1"] = 1;  // the owner sent it
    status["msgTASK2"] = 3;  // the group had its monthly quota
  }
  c = poller.poll_once();
  CHECK(c.confirmed == 1);
  CHECK(c.failed == 1);
  CHECK(c.pending == 1);
  auto delivered = f.store->deliveries({"", DeliveryState::delivered, 0, 10});
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].idempotency_key == "cg1");
  CHECK(delivered[0].delivered_ms == 1700000000000);
  auto failed = f.store->deliveries({"", DeliveryState::failed, 0, 10});
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].idempotency_key == "cg2");
  CHECK(failed[0].last_error.find("quota") != std::string::npos);

  // Asked again: answered rows are not asked about any more.
  f.clock.advance_ms(f.cfg.confirm_poll_ms);
  c = poller.poll_once();
  CHECK(c.asked == 1);
  CHECK(tokens == 1);  // the poller used the token the outbox fetched
  // An older task is asked less often: ten hours old, it waits an hour between questions.
  f.clock.advance_ms(10LL * 3'600'000);
  CHECK(poller.poll_once().asked == 1);
  f.clock.advance_ms(30 * 60'000);
  CHECK(poller.poll_once().asked == 0);
  f.clock.advance_ms(31 * 60'000);
  CHECK(poller.poll_once().asked == 1);

  // Two days pass with no confirmation: the last task counts as failed, and says why.
  f.clock.advance_ms(38LL * 3'600'000);
  c = poller.poll_once();
  CHECK(c.expired == 1);
  CHECK(f.count(DeliveryState::awaiting) == 0);
  failed = f.store->deliveries({"", DeliveryState::failed, 0, 10});
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].last_error.find("msgTASK3") != std::string::npos);
  CHECK(failed[0].last_error.find("not confirmed within 48 h") != std::string::npos);
  CHECK(tokens == 3);  // each time the token had expired, the poller fetched a fresh one
}

TEST_CASE("a channel's total rate holds over all its chats, spread out, urgent first",
          "[outbox][pacing]") {
  Fixture f;
  adapters::bridge::Options o;
  o.secret = test::kSecret;
  o.outbound_url = "http://127.0.0.1:9/send";
  // Two in any 10 s over all chats.
  f.channels.add_for_test(Fixture::channel("paced", "bridge", 12),
                          std::make_unique<adapters::bridge::BridgeAdapter>(o));
  auto queue = [&](const std::string& key, int prio, const std::string& chat) {
    REQUIRE_FALSE(f.store->write_sync([&](store::WriteTx& tx) {
      OutboxItem item;
      item.channel = "paced";
      item.chat_id = chat;
      item.text = "【通知】今晚8点开居民会议";
      item.priority = prio;
      item.idempotency_key = key;
      queue_message(tx, f.channels, item);
    }));
  };
  for (int i = 0; i < 6; ++i)
    queue("n" + std::to_string(i), priority::kNotice, "room-" + std::to_string(i));
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  outbox.start();
  REQUIRE(f.transport.wait_for(2) == 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.transport.sent().size() == 2);  // six chats, but the channel takes two per 10 s
  queue("urgent", priority::kUrgent, "room-9");
  // The store hands committed rows to the outbox after write_sync returns: wait until it has it.
  REQUIRE(eventually([&] { return outbox.stats().queued == 5; }));
  f.clock.advance_ms(10'000);
  outbox.wake_for_test();
  REQUIRE(f.transport.wait_for(4) == 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(f.transport.sent().size() == 4);
  CHECK(f.keys_sent()[2] == "urgent");  // the urgent one took the next slot
  f.clock.advance_ms(10'000);
  outbox.wake_for_test();
  REQUIRE(f.transport.wait_for(6) == 6);
  f.clock.advance_ms(10'000);
  outbox.wake_for_test();
  REQUIRE(f.transport.wait_for(7) == 7);
  CHECK(eventually([&] { return f.count(DeliveryState::delivered) == 7; }));
  outbox.stop(1000);
}

TEST_CASE("send results that arrive while the writer is busy are recorded in one write",
          "[outbox]") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.queue("k" + std::to_string(i), 0, "room-" + std::to_string(i));
  Outbox outbox(f.cfg, f.channels, *f.store, f.transport, f.clock);
  // The writer is held, so every result of the ten sends waits for it.
  std::promise<void> release;
  auto held = release.get_future().share();
  f.store->write([held](store::WriteTx&) { held.wait(); }, nullptr);
  outbox.start();
  REQUIRE(f.transport.wait_for(10) == 10);
  REQUIRE(eventually([&] { return outbox.stats().delivered == 10; }));
  release.set_value();
  REQUIRE(eventually([&] { return f.count(DeliveryState::delivered) == 10; }));
  CHECK(outbox.stats().result_writes == 1);
  outbox.stop(1000);
}
