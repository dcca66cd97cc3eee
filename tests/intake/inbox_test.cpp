#include "bot/intake/inbox.hpp"

#include "../temp_dir.hpp"
#include "base/common/errors.hpp"
#include "bot/delivery/outbox.hpp"
#include "tests/support/bridge_request.hpp"
#include "tests/support/fakes.hpp"

#include <catch2/catch.hpp>

#include <future>

using namespace gridbot;
using namespace gridbot::channels;
using namespace gridbot::delivery;
using namespace gridbot::intake;

namespace {

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  ChannelTable channels;
  FakeClock clock{1'700'000'000'000};
  Inbox pipeline{channels, *(store = open()), clock};

  std::unique_ptr<store::Store> open() {
    std::string err;
    auto s = store::open_sqlite_store(dir.file("p.db"), {}, &err);
    REQUIRE(s);
    test::add_bridge(channels);
    return s;
  }

  HttpResponse post(const std::string& channel, const std::string& body,
                    const std::string& secret = test::kSecret, int64_t skew_s = 0) {
    HttpRequest r = test::signed_bridge_request(body, secret, clock.now_s() + skew_s);
    r.target = "/hook/" + channel;
    std::promise<HttpResponse> p;
    pipeline.handle_hook(channel, r, [&](HttpResponse resp) { p.set_value(std::move(resp)); });
    return p.get_future().get();
  }
};

std::string body(const std::string& id, const std::string& text = "5栋电梯坏了") {
  test::BridgeMessage m;
  m.id = id;
  m.room = "room-b5";
  m.talker = "wxid_r";
  m.name = "李阿姨";
  m.text = text;
  return test::bridge_body(m);
}

}  // namespace

TEST_CASE("a signed message is stored before the 2xx, a retry stores nothing new", "[pipeline]") {
  Fixture f;
  auto r1 = f.post("bridge", body("m1"));
  CHECK(r1.status == 200);
  CHECK(f.store->count_inbox() == 1);  // durable by the time the reply exists
  auto r2 = f.post("bridge", body("m1"));
  CHECK(r2.status == 200);
  CHECK(f.store->count_inbox() == 1);
  CHECK(f.pipeline.stats().duplicates == 1);
}

TEST_CASE("bad input gets its status and changes nothing", "[pipeline]") {
  Fixture f;
  CHECK(f.post("bridge", body("m1"), "wrong-secret-xxxxx").status == 401);
  CHECK(f.post("bridge", body("m2"), test::kSecret, -3600).status == 401);
  CHECK(f.post("bridge", "{not json").status == 400);
  CHECK(f.post("nochannel", body("m3")).status == 404);
  CHECK(f.store->count_inbox() == 0);
  CHECK(f.store->pending_outbox().empty());
}

TEST_CASE("the processor runs once per new message, in its transaction, and sets its state",
          "[pipeline]") {
  Fixture f;
  int calls = 0;
  f.pipeline.set_processor([&](const InboundMessage& m, int64_t, store::WriteTx& tx) {
    ++calls;
    OutboxItem o;
    o.channel = "bridge";
    o.chat_id = m.chat_id;
    o.text = "收到";
    o.idempotency_key = "reply:" + m.msg_id;
    tx.enqueue(o);
    return std::string("ticket");
  });
  CHECK(f.post("bridge", body("m1")).status == 200);
  CHECK(f.post("bridge", body("m1")).status == 200);  // a retry: not processed again
  CHECK(calls == 1);
  REQUIRE(f.store->pending_outbox().size() == 1);
  CHECK(f.store->messages({})[0].state == "ticket");
}

TEST_CASE("a failing processor keeps the message, marked failed, and still acks", "[pipeline]") {
  Fixture f;
  f.pipeline.set_processor([](const InboundMessage&, int64_t, store::WriteTx& tx) {
    OutboxItem o;
    o.channel = "bridge";
    o.chat_id = "x";
    o.text = "half";
    o.idempotency_key = "half";
    tx.enqueue(o);
    throw std::runtime_error("bug in processing");
    return std::string();
  });
  CHECK(f.post("bridge", body("m1")).status == 200);
  auto msgs = f.store->messages({});
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].state == "failed");
  CHECK(f.store->pending_outbox().empty());  // its half-done work is gone
}

TEST_CASE("messages from bots are stored but never processed", "[pipeline]") {
  Fixture f;
  int calls = 0;
  f.pipeline.set_processor([&](const InboundMessage&, int64_t, store::WriteTx&) {
    ++calls;
    return std::string();
  });
  test::BridgeMessage m;
  m.id = "b1";
  m.room = "room-b5";
  m.talker = "wxid_bot";
  m.text = "收到";
  m.mentions = std::nullopt;
  const std::string from_bot = test::bridge_body(m);
  CHECK(f.post("bridge", from_bot).status == 200);
  CHECK(calls == 0);
  CHECK(f.store->count_inbox() == 1);
}
