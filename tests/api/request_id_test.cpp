// One request id from the hook to the deliveries: what the json log shows of one message, and the
// X-Request-Id the client is answered with.
#include "base/common/log.hpp"
#include "bot/api/router.hpp"
#include "bot/delivery/outbox.hpp"

#include "tests/support/ticket_fixture.hpp"

#include <rapidjson/document.h>

#include <map>
#include <mutex>
#include <set>

using namespace gridbot;
using gridbot::test::TicketWorld;

namespace {

// Json lines written while it lives, parsed; text format again afterwards.
struct JsonLog {
  std::mutex mu;
  std::vector<std::string> lines;

  JsonLog() {
    REQUIRE(log::set_format("json"));
    log::set_level("debug");
    log::capture_for_test([this](std::string_view line) {
      std::lock_guard lk(mu);
      lines.emplace_back(line);
    });
  }
  ~JsonLog() {
    log::capture_for_test({});
    log::set_format("text");
    log::set_level("info");
  }
  /// Every line as a map of its string and integer members (integers as text).
  std::vector<std::map<std::string, std::string>> parsed() {
    std::lock_guard lk(mu);
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& line : lines) {
      rapidjson::Document d;
      d.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
      INFO(line);
      REQUIRE_FALSE(d.HasParseError());
      REQUIRE(d.IsObject());
      auto& row = out.emplace_back();
      for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it)
        row[it->name.GetString()] = it->value.IsString()  ? it->value.GetString()
                                    : it->value.IsInt64() ? std::to_string(it->value.GetInt64())
                                                          : "?";
    }
    return out;
  }
};

struct World {
  TicketWorld w;
  api::Router router{*w.pipeline, *w.store, "api-token-0123456789", nullptr};

  HttpResponse post(const std::string& id, const std::string& room, const std::string& text,
                    Headers extra = {}, const std::string& secret = test::kSecret) {
    test::BridgeMessage m;
    m.id = id;
    m.room = room;
    m.talker = "wxid_li";
    m.name = "李阿姨";
    m.text = text;
    HttpRequest r = test::signed_bridge_request(test::bridge_body(m), secret, w.clock.now_s());
    r.target = "/hook/bridge";
    for (auto& h : extra) r.headers.push_back(std::move(h));
    std::promise<HttpResponse> p;
    router.handle(r, [&](HttpResponse resp) { p.set_value(std::move(resp)); });
    return p.get_future().get();
  }
};

std::string request_id_of(const HttpResponse& r) {
  return std::string(header_value(r.headers, "X-Request-Id"));
}

}  // namespace

TEST_CASE("one request id follows a message from the hook to the delivery of its answer and relay",
          "[router][log]") {
  World f;
  test::FakeTransport transport;
  config::OutboxConfig cfg;
  delivery::Outbox outbox(cfg, f.w.channels, *f.w.store, transport, f.w.clock);
  outbox.start();
  JsonLog log;

  const auto r = f.post("m-1", "room-b5", "5栋楼道灯坏了，晚上看不见");
  REQUIRE(r.status == 200);
  const std::string id = request_id_of(r);
  REQUIRE(log::valid_request_id(id));

  // The acknowledgement to the reporter and the relay into the grid group, both stamped.
  auto rows = f.w.store->deliveries({});
  REQUIRE(rows.size() >= 2);
  std::set<std::string> chats;
  for (const auto& row : rows) {
    CHECK(row.request_id == id);
    chats.insert(row.chat_id);
  }
  CHECK(chats.count("room-b5") == 1);
  CHECK(chats.count("room-g1") == 1);
  REQUIRE(test::eventually([&] {
    for (const auto& row : f.w.store->deliveries({}))
      if (row.state != DeliveryState::delivered) return false;
    return true;
  }));
  outbox.stop(1000);

  std::map<std::string, int> seen;  // "component/what" for this request's lines
  std::set<std::string> queued, sending, delivered;
  for (auto& line : log.parsed()) {
    if (line["request_id"] != id) {
      // No line about this message's rows names another request.
      for (const auto& row : rows) CHECK(line["outbox_id"] != std::to_string(row.id));
      continue;
    }
    const std::string c = line["component"];
    if (c == "intake" && line["result"] == "accepted") {
      CHECK(line["msg_id"] == "m-1");
      CHECK(line["chat"] == "room-b5");
      CHECK(line["inbox_id"] != "");
      seen["intake/accepted"]++;
    }
    if (c == "intake" && line.count("state")) {
      CHECK(line["state"] == "ticket");
      seen["intake/processed"]++;
    }
    if (c == "outbox" && line.count("attempt") &&
        line["message"].find("sending") != std::string::npos)
      sending.insert(line["outbox_id"]);
    if (c == "tickets") seen["tickets/" + line["event"]]++;
    if (c == "outbox" && line["message"].find("queued") != std::string::npos)
      queued.insert(line["outbox_id"]);
    if (c == "outbox" && line["result"] == "delivered") {
      delivered.insert(line["outbox_id"]);
      CHECK(line["status"] == "200");
      CHECK(line["duration_ms"] != "");
    }
    if (c == "http") {
      CHECK(line["status"] == "200");
      CHECK(line["route"] == "hook");
    }
    seen[c]++;
  }
  CHECK(seen["intake/accepted"] == 1);
  CHECK(seen["intake/processed"] == 1);
  CHECK(seen["http"] == 1);
  CHECK(seen["tickets/created"] == 1);
  CHECK(seen["tickets/relayed"] >= 1);
  for (const auto& row : rows) {
    INFO("outbox row " << row.id << " to " << row.chat_id);
    CHECK(queued.count(std::to_string(row.id)) == 1);
    CHECK(sending.count(std::to_string(row.id)) == 1);
    CHECK(delivered.count(std::to_string(row.id)) == 1);
  }
}

TEST_CASE("rejections and duplicates are logged under their own request's id", "[router][log]") {
  World f;
  JsonLog log;
  const auto first = f.post("m-1", "room-b5", "你好");
  const auto again = f.post("m-1", "room-b5", "你好");
  const auto forged = f.post("m-2", "room-b5", "你好", {}, "not-the-secret-0000");
  REQUIRE(first.status == 200);
  REQUIRE(again.status == 200);
  REQUIRE(forged.status == 401);
  const std::set<std::string> ids = {request_id_of(first), request_id_of(again),
                                     request_id_of(forged)};
  CHECK(ids.size() == 3);

  std::map<std::string, std::string> result_of;  // request id → intake result
  for (auto& line : log.parsed())
    if (line["component"] == "intake" && line.count("result"))
      result_of[line["request_id"]] = line["result"];
  CHECK(result_of[request_id_of(first)] == "accepted");
  CHECK(result_of[request_id_of(again)] == "duplicate");
  CHECK(result_of[request_id_of(forged)] == "rejected");
}

TEST_CASE("a client's X-Request-Id is taken only when trusted and well-formed", "[router][log]") {
  World f;
  SECTION("not trusted: ignored") {
    const auto r = f.post("m-1", "room-b5", "你好", {{"X-Request-Id", "proxy-abc.123"}});
    CHECK(request_id_of(r) != "proxy-abc.123");
    CHECK(log::valid_request_id(request_id_of(r)));
  }
  SECTION("trusted: kept, and stamped on what the message queues") {
    f.router.set_trust_request_id(true);
    const auto r =
        f.post("m-1", "room-b5", "5栋楼道灯坏了，晚上看不见", {{"X-Request-Id", "proxy-abc.123"}});
    CHECK(request_id_of(r) == "proxy-abc.123");
    const auto rows = f.w.store->deliveries({});
    REQUIRE_FALSE(rows.empty());
    for (const auto& row : rows) CHECK(row.request_id == "proxy-abc.123");
  }
  SECTION("trusted but malformed: replaced") {
    f.router.set_trust_request_id(true);
    for (const std::string& bad : {std::string(65, 'a'), std::string("a b"), std::string("x\"y")}) {
      const auto r = f.post("m-" + bad, "room-b5", "你好", {{"X-Request-Id", bad}});
      CHECK(request_id_of(r) != bad);
      CHECK(log::valid_request_id(request_id_of(r)));
    }
  }
}

TEST_CASE("every answer of the router names its request id", "[router][log]") {
  World f;
  HttpRequest r;
  r.method = "GET";
  r.target = "/healthz";
  HttpResponse out;
  f.router.handle(r, [&](HttpResponse resp) { out = std::move(resp); });
  CHECK(out.status == 200);
  CHECK(log::valid_request_id(request_id_of(out)));
  r.target = "/nowhere";
  f.router.handle(r, [&](HttpResponse resp) { out = std::move(resp); });
  CHECK(out.status == 404);
  CHECK(log::valid_request_id(request_id_of(out)));
}
