#include "bot/api/incident_api.hpp"

#include "base/common/json_writer.hpp"
#include "tests/support/bridge_request.hpp"
#include "tests/support/incident_fixture.hpp"

using namespace gridbot;
using gridbot::test::contains;
using gridbot::test::IncidentWorld;

namespace {

const std::string kIncidentSecret = "incident-secret-0123456789";
const std::string kToken = "api-token-0123456789";

struct ApiWorld : IncidentWorld {
  gridbot::api::IncidentApi api{*incidents, *store, clock, {kIncidentSecret, 300, kToken}};

  HttpResponse call(HttpRequest r) {
    std::promise<HttpResponse> p;
    const std::string target = r.target;
    api.handle(r, std::string_view(target).substr(std::string("/api/v1/").size()),
               [&](HttpResponse resp) { p.set_value(std::move(resp)); });
    return p.get_future().get();
  }
  HttpResponse post(const std::string& target, const std::string& body, int64_t ts_offset_s = 0,
                    const std::string& secret = kIncidentSecret) {
    HttpRequest r = gridbot::test::signed_bridge_request(body, secret, clock.now_s() + ts_offset_s);
    r.target = target;
    return call(r);
  }
  HttpResponse get(const std::string& target, const std::string& token = kToken) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"Authorization", "Bearer " + token}};
    return call(r);
  }
};

const std::string kOpen =
    R"({"kind":"停电","scope":["10kV钟鼓线"],"cause":"小区配电室开关柜故障","expected_restore":"19:30",)"
    R"("author":"供电服务指挥中心","external_id":"pms-778"})";

}  // namespace

TEST_CASE("API: a signed incident is stored before the 2xx and waits for review",
          "[incidents][api]") {
  ApiWorld w;
  auto r = w.post("/api/v1/incidents", kOpen);
  INFO(r.body);
  REQUIRE(r.status == 201);
  CHECK(contains(r.body, R"("label":"E1")"));
  CHECK(contains(r.body, R"("review":"pending")"));
  CHECK(contains(r.body, R"("groups":20)"));
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  CHECK(inc->external_id == "pms-778");
  CHECK(inc->kind == "power");
  CHECK(w.fanout(1, std::nullopt).empty());  // unreviewed: nothing to residents
  CHECK(contains(w.text_to("room-power", "inc-review:1:"), "REVIEW? E1"));
  // A retry of the same call creates nothing new.
  auto again = w.post("/api/v1/incidents", kOpen);
  CHECK(again.status == 200);
  CHECK(contains(again.body, R"("duplicate":true)"));
  CHECK(w.store->incidents({}).size() == 1);
  // The controller approves it in chat.
  REQUIRE(w.controller("通过 E1") == 200);
  CHECK(w.fanout(1).size() == 20);
}

TEST_CASE("API: pre-approved updates go out at once, restored closes the incident",
          "[incidents][api]") {
  ApiWorld w;
  auto open = w.post("/api/v1/incidents",
                     R"({"kind":"power","scope":"b5, b6","cause":"电缆故障","pre_approved":true})");
  REQUIRE(open.status == 201);
  CHECK(w.fanout(1).size() == 3);  // b5, b6, g1
  auto up = w.post(
      "/api/v1/incidents/E1/updates",
      R"({"kind":"progress","text":"抢修人员已到达现场","photo_url":"https://img.example/1.jpg",)"
      R"("pre_approved":true,"external_id":"u-1"})");
  INFO(up.body);
  REQUIRE(up.status == 201);
  CHECK(contains(w.text_to("room-b5", "inc:1:u2:"), "https://img.example/1.jpg"));
  auto dup = w.post(
      "/api/v1/incidents/1/updates",
      R"({"kind":"progress","text":"抢修人员已到达现场","pre_approved":true,"external_id":"u-1"})");
  CHECK(dup.status == 200);
  REQUIRE(
      w.post("/api/v1/incidents/1/updates", R"({"kind":"restored","pre_approved":true})").status ==
      201);
  CHECK(w.store->incident(1)->status == IncidentStatus::restored);
  CHECK(w.post("/api/v1/incidents/1/updates", R"({"kind":"progress","text":"x"})").status == 409);
  CHECK(w.post("/api/v1/incidents/9/updates", R"({"kind":"progress","text":"x"})").status == 404);

  auto list = w.get("/api/v1/incidents?status=restored");
  REQUIRE(list.status == 200);
  CHECK(contains(list.body, R"("label":"E1")"));
  auto one = w.get("/api/v1/incidents/E1");
  REQUIRE(one.status == 200);
  CHECK(contains(one.body, R"("updates":[)"));
  CHECK(contains(one.body, R"("chat":"room-b6")"));
  CHECK(w.get("/api/v1/incidents", "wrong-token-0123456789").status == 401);
}

TEST_CASE("API: a bad or stale signature is 401 and writes nothing", "[incidents][api]") {
  ApiWorld w;
  SECTION("wrong secret") {
    CHECK(w.post("/api/v1/incidents", kOpen, 0, "another-secret-0123456").status == 401);
  }
  SECTION("stale timestamp") { CHECK(w.post("/api/v1/incidents", kOpen, -301).status == 401); }
  SECTION("from the future") { CHECK(w.post("/api/v1/incidents", kOpen, 301).status == 401); }
  SECTION("no signature") {
    HttpRequest r;
    r.method = "POST";
    r.target = "/api/v1/incidents";
    r.body = kOpen;
    CHECK(w.call(r).status == 401);
  }
  SECTION("a body changed after signing") {
    HttpRequest r = gridbot::test::signed_bridge_request(kOpen, kIncidentSecret, w.clock.now_s());
    r.target = "/api/v1/incidents";
    r.body = kOpen + " ";
    CHECK(w.call(r).status == 401);
  }
  CHECK(w.store->incidents({}).empty());
  CHECK(w.store->pending_outbox().empty());
}

TEST_CASE("API: bad bodies and unknown scopes are 400 and write nothing", "[incidents][api]") {
  ApiWorld w;
  CHECK(w.post("/api/v1/incidents", "not json").status == 400);
  CHECK(w.post("/api/v1/incidents", R"({"kind":"power"})").status == 400);
  CHECK(w.post("/api/v1/incidents", R"({"kind":"power","scope":["10kV不存在线"]})").status == 400);
  CHECK(w.post("/api/v1/incidents", R"({"kind":"meteor","scope":["b5"]})").status == 400);
  CHECK(w.post("/api/v1/incidents", R"({"kind":"power","scope":"b5","expected_restore":"25:00"})")
            .status == 400);
  CHECK(w.store->incidents({}).empty());
  CHECK(w.store->pending_outbox().empty());
}
