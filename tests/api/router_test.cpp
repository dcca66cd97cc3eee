#include "bot/api/router.hpp"

#include "bot/api/media_route.hpp"

#include "../temp_dir.hpp"
#include "tests/support/fakes.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <future>

using namespace gridbot;
using namespace gridbot::channels;
using namespace gridbot::delivery;
using namespace gridbot::intake;
using namespace gridbot::tickets;
using namespace gridbot::api;

namespace {

struct Fixture {
  test::TempDir dir;
  std::unique_ptr<store::Store> store;
  ChannelTable channels;
  FakeClock clock;
  std::unique_ptr<Inbox> pipeline;
  std::unique_ptr<Router> router;

  Fixture() {
    std::string err;
    store = store::open_sqlite_store(dir.file("r.db"), {}, &err);
    REQUIRE(store);
    test::add_bridge(channels);
    pipeline = std::make_unique<Inbox>(channels, *store, clock);
    router = std::make_unique<Router>(*pipeline, *store, "api-token-0123456789", nullptr);
  }
  HttpResponse get(const std::string& target, const std::string& token = "api-token-0123456789") {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    std::promise<HttpResponse> p;
    router->handle(r, [&](HttpResponse resp) { p.set_value(std::move(resp)); });
    return p.get_future().get();
  }
};

}  // namespace

TEST_CASE("healthz answers without a token", "[router]") {
  Fixture f;
  auto r = f.get("/healthz", "");
  CHECK(r.status == 200);
  CHECK(r.body.find(R"("status":"ok")") != std::string::npos);
}

TEST_CASE("the API wants the bearer token", "[router]") {
  Fixture f;
  CHECK(f.get("/api/v1/messages", "").status == 401);
  CHECK(f.get("/api/v1/messages", "wrong-token-0123456").status == 401);
  CHECK(f.get("/api/v1/messages").status == 200);
}

TEST_CASE("deliveries and messages filter by chat and state", "[router]") {
  Fixture f;
  REQUIRE_FALSE(f.store->write_sync([](store::WriteTx& tx) {
    InboundMessage m;
    m.channel = "bridge";
    m.chat_id = "room-b5";
    m.msg_id = "1";
    m.sender_id = "wxid_r";
    m.text = "楼道灯坏了";
    tx.insert_inbound(m);
    m.chat_id = "room-b6";
    tx.insert_inbound(m);
    OutboxItem o;
    o.channel = "bridge";
    o.chat_id = "room-b5";
    o.text = "收到";
    o.idempotency_key = "k1";
    tx.enqueue(o);
  }));
  auto msgs = f.get("/api/v1/messages?chat=room-b5");
  CHECK(msgs.status == 200);
  CHECK(msgs.body.find("楼道灯坏了") != std::string::npos);
  CHECK(msgs.body.find("room-b6") == std::string::npos);
  CHECK(f.get("/api/v1/deliveries?chat=room-b5&state=pending").body.find("\"k1\"") !=
        std::string::npos);
  CHECK(f.get("/api/v1/deliveries?state=delivered").body == R"({"deliveries":[]})");
  CHECK(f.get("/api/v1/deliveries?state=bogus").status == 400);
  CHECK(f.get("/api/v1/messages?limit=0").status == 400);
  CHECK(f.get("/api/v1/nothing").status == 404);
  CHECK(f.get("/elsewhere").status == 404);
}

TEST_CASE("a read the store cannot answer is 503, never an empty 200", "[router][store]") {
  Fixture f;
  REQUIRE(f.get("/api/v1/tickets").status == 200);
  // The database loses what the reads need under the running server (another process, a
  // half-restored backup): every read route must say so, and /healthz still answers.
  {
    SQLite::Database other(f.dir.file("r.db"), SQLite::OPEN_READWRITE);
    other.exec(
        "ALTER TABLE inbox RENAME TO inbox_gone; ALTER TABLE outbox RENAME TO outbox_gone;"
        "ALTER TABLE tickets RENAME TO tickets_gone;");
  }
  for (const char* target :
       {"/api/v1/tickets", "/api/v1/messages", "/api/v1/deliveries", "/api/v1/tickets/1001"}) {
    INFO(target);
    const auto r = f.get(target);
    CHECK(r.status == 503);
    CHECK(r.body.find("[]") == std::string::npos);
  }
  CHECK(f.get("/healthz", "").status == 200);
}

TEST_CASE(
    "/media/ through the router: a good signature serves the bytes with their type, a bad or "
    "expired one is 403",
    "[router][media]") {
  Fixture f;
  media::MediaFiles files(f.dir.file("media"));
  media::UrlSigner signer("router-test-secret-0123");
  MediaRoute route(*f.store, files, signer, f.clock, 3600, "");
  f.router->set_media(&route);
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "pixels";
  std::error_code ec;
  const std::string sha = files.put(png, ec);
  REQUIRE_FALSE(ec);
  REQUIRE_FALSE(f.store->write_sync([&](store::WriteTx& tx) {
    InboundMessage m;
    m.channel = "bridge";
    m.chat_id = "room-b5";
    m.msg_id = "m1";
    m.sender_id = "wxid_li";
    MediaRef ref;
    ref.url = "https://bridge.local/p.png";
    m.media.push_back(ref);
    tx.add_media(1, m, f.clock.now_ms());
    tx.media_stored(1, sha, "image/png", static_cast<int64_t>(png.size()), f.clock.now_ms());
  }));
  const std::string link = route.link(sha);
  REQUIRE(link.rfind("/media/" + sha + "?exp=", 0) == 0);

  auto good = f.get(link, "");
  CHECK(good.status == 200);
  CHECK(good.body == png);
  CHECK(header_value(good.headers, "Content-Type") == "image/png");
  CHECK(header_value(good.headers, "X-Content-Type-Options") == "nosniff");
  // By row id too (a link made before the download ended).
  CHECK(f.get(route.link("1"), "").body == png);

  const std::string sig = link.substr(link.find("sig=") + 4);
  std::string flipped = sig;
  flipped[0] = flipped[0] == '0' ? '1' : '0';
  const std::string base = link.substr(0, link.find("sig=") + 4);
  for (const std::string& bad : {base + flipped, base, link.substr(0, link.find("&sig=")),
                                 "/media/" + std::string(64, 'a') + link.substr(link.find('?')),
                                 "/media/" + sha + "?exp=9999999999&sig=" + sig}) {
    INFO(bad);
    const auto r = f.get(bad, "");
    CHECK(r.status == 403);
    CHECK(r.body.find("pixels") == std::string::npos);
  }
  f.clock.advance_ms(3601 * 1000);  // past its expiry
  CHECK(f.get(link, "").status == 403);
}
