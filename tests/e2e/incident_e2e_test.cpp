// End-to-end tests of incidents with the real binary: review before anything reaches residents,
// and an approved outage reaching each affected group exactly once across a kill -9 in the middle
// of the fan-out.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <thread>

using namespace gridbot;
using namespace gridbot::test;

namespace {

struct World {
  http::Runtime runtime;
  TempDir dir;
  std::unique_ptr<StubReceiver> stub;
  std::unique_ptr<TestClient> client;
  std::unique_ptr<GridbotProcess> bot;
  int seq = 0;

  explicit World(int max_in_flight) {
    runtime.start(2);
    stub = std::make_unique<StubReceiver>(runtime);
    client = std::make_unique<TestClient>(runtime);
    bot = std::make_unique<GridbotProcess>(dir, stub->port(), "", max_in_flight);
    bot->start();
  }
  ~World() {
    bot.reset();
    runtime.stop();
  }
  int say(const std::string& room, const std::string& talker, const std::string& text) {
    return client
        ->post_message(bot->url("/hook/bridge"), "m" + std::to_string(++seq), room, text, false,
                       kBridgeSecret, talker)
        .status;
  }
  /// Deliveries of incident `no`'s fan-out the stub answered 2xx, by idempotency key.
  std::map<std::string, int> fanout(int no) {
    std::map<std::string, int> out;
    for (const auto& [key, n] : stub->delivered_counts())
      if (key.rfind("inc:" + std::to_string(no) + ":", 0) == 0) out[key] = n;
    return out;
  }
};

}  // namespace

TEST_CASE(
    "e2e: an outage reaches residents only after review, then each affected group exactly "
    "once across a kill -9 in the middle of the fan-out",
    "[e2e][incidents][crash]") {
  World w(1);  // one send at a time: the fan-out takes long enough to be interrupted
  w.stub->delay_ms = 60;
  REQUIRE(w.say("room-crew", "wxid_crew_zhou",
                "停电 10kV钟鼓线 预计19:30恢复 小区配电室开关柜故障") == 200);
  // The review request reaches the controllers' group; nothing reaches residents.
  REQUIRE(eventually([&] {
    for (const auto& [key, n] : w.stub->delivered_counts())
      if (key.rfind("inc-review:1:", 0) == 0) return true;
    return false;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(w.fanout(1).empty());

  REQUIRE(w.say("room-power", "wxid_ctrl_he", "通过 E1") == 200);
  REQUIRE(eventually([&] { return w.fanout(1).size() >= 5; }));
  // The platform goes down mid-way; rows already on the wire land, the rest wait for a retry.
  w.stub->status = 503;
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const size_t before_kill = w.fanout(1).size();
  w.bot->kill_hard();
  INFO("delivered before kill -9: " << before_kill);
  CHECK(before_kill < 20);
  w.stub->status = 200;
  w.stub->delay_ms = 0;
  w.bot->start();
  REQUIRE(eventually([&] { return w.fanout(1).size() == 20; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::set<std::string> groups;
  for (const auto& [key, n] : w.fanout(1)) {
    INFO(key);
    CHECK(n == 1);
    groups.insert(key.substr(key.rfind(':') + 1));
  }
  std::set<std::string> expected{"room-g3", "room-g4"};
  for (int b = 19; b <= 36; ++b) expected.insert("room-b" + std::to_string(b));
  CHECK(groups == expected);

  auto one = w.client->api_get(w.bot->url("/api/v1/incidents/E1"));
  REQUIRE(one.status == 200);
  CHECK(count_of(one.body, R"("review":"approved")") == 1);
  CHECK(count_of(one.body, R"("groups":20)") == 1);
}

TEST_CASE("e2e: a 停电 report from an affected building is linked to the open outage, not ticketed",
          "[e2e][incidents]") {
  World w(64);
  REQUIRE(w.say("room-power", "wxid_ctrl_he", "停电 b20 预计19:30恢复 电缆故障") == 200);
  REQUIRE(w.say("room-b20", "wxid_li", "我们20栋停电了，家里一点电都没有") == 200);
  auto tickets = w.client->api_get(w.bot->url("/api/v1/tickets"));
  REQUIRE(tickets.status == 200);
  CHECK(count_of(tickets.body, R"("no":)") == 0);
  REQUIRE(eventually([&] {
    for (const auto& [key, n] : w.stub->delivered_counts())
      if (key.rfind("inc-link:bridge:room-b20:", 0) == 0) return true;
    return false;
  }));
  auto list = w.client->api_get(w.bot->url("/api/v1/incidents?status=open"));
  REQUIRE(list.status == 200);
  CHECK(count_of(list.body, R"("linked_reports":1)") == 1);
}

TEST_CASE("e2e: outage notices to a group never exceed its per-minute limit, and none is dropped",
          "[e2e][incidents][pacing]") {
  // Two messages a minute per group; three incidents on one feeder: each group gets two at once,
  // the third waits for the window, and the platform stub counts what arrives per group.
  http::Runtime runtime;
  runtime.start(2);
  TempDir dir;
  StubReceiver stub(runtime);
  TestClient client(runtime);
  GridbotProcess bot(dir, stub.port(), "", 64, 2);
  bot.start();
  int seq = 0;
  for (const char* cause : {"开关柜故障", "电缆被挖断", "变压器检修"})
    REQUIRE(client
                .post_message(bot.url("/hook/bridge"), "o" + std::to_string(++seq), "room-power",
                              std::string("停电 10kV钟鼓线 预计19:30恢复 ") + cause, false,
                              kBridgeSecret, "wxid_ctrl_he")
                .status == 200);
  auto per_room = [&] {
    std::map<std::string, int> rooms;
    for (const auto& body : stub.bodies())
      if (body.find("NOTICE-OPEN <kind:power>") != std::string::npos) {
        const auto at = body.find(R"("room":")");
        if (at != std::string::npos) ++rooms[body.substr(at + 8, body.find('"', at + 8) - at - 8)];
      }
    return rooms;
  };
  REQUIRE(eventually([&] {
    auto rooms = per_room();
    if (rooms.empty()) return false;
    for (const auto& [room, n] : rooms)
      if (n < 2 && room != "room-power") return false;
    return true;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto rooms = per_room();
  size_t groups = 0;
  for (const auto& [room, n] : rooms) {
    if (room == "room-power") continue;  // the controller's own group gets its confirmations
    INFO(room);
    CHECK(n == 2);  // never over the limit within the minute
    ++groups;
  }
  CHECK(groups >= 10);
  // The third notice to every group is still pending, not dropped.
  auto pending = client.api_get(bot.url("/api/v1/deliveries?state=pending&limit=1000"));
  REQUIRE(pending.status == 200);
  CHECK(count_of(pending.body, R"("idempotency_key":"inc:)") >= groups);
  runtime.stop();
}
