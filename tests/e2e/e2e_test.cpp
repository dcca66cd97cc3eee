// End-to-end tests of the gridbot binary: durability, dedupe, errors, crash recovery, shutdown.
#include "harness.hpp"

#include "tests/support/bridge_request.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

  explicit World(const std::string& extra_server = "", int max_in_flight = 64) {
    runtime.start(2);
    stub = std::make_unique<StubReceiver>(runtime);
    client = std::make_unique<TestClient>(runtime);
    bot = std::make_unique<GridbotProcess>(dir, stub->port(), extra_server, max_in_flight);
    bot->start();
  }
  ~World() {
    bot.reset();
    runtime.stop();
  }
  std::string messages(const std::string& query = "") {
    auto r = client->api_get(bot->url("/api/v1/messages?limit=1000" + query));
    REQUIRE(r.status == 200);
    return r.body;
  }
  std::string deliveries(const std::string& query = "") {
    auto r = client->api_get(bot->url("/api/v1/deliveries?limit=1000" + query));
    REQUIRE(r.status == 200);
    return r.body;
  }
};

}  // namespace

TEST_CASE(
    "e2e: a posted message is stored, a retry is deduplicated, a bad signature stores nothing",
    "[e2e]") {
  World w;
  auto url = w.bot->url("/hook/bridge");
  CHECK(w.client->post_message(url, "m-1", "room-b5", "5栋楼道灯坏了", false).status == 200);
  CHECK(w.client->post_message(url, "m-1", "room-b5", "5栋楼道灯坏了", false).status == 200);
  CHECK(
      w.client->post_message(url, "m-2", "room-b5", "伪造", false, "not-the-secret-xxxx").status ==
      401);
  auto body = w.messages();
  CHECK(count_of(body, R"("msg_id":"m-1")") == 1);
  CHECK(count_of(body, R"("msg_id":"m-2")") == 0);
  CHECK(count_of(body, "5栋楼道灯坏了") == 1);
}

TEST_CASE("e2e: errors map to their statuses and change nothing", "[e2e]") {
  World w;
  HttpRequest big;
  big.method = "POST";
  big.url = w.bot->url("/hook/bridge");
  big.body = std::string(2 * 1024 * 1024, 'x');
  CHECK(w.client->request(big).status == 413);
  // Signed properly, but not JSON.
  HttpRequest malformed = signed_bridge_request("{\"id\": ", kBridgeSecret, unix_now_s());
  malformed.url = w.bot->url("/hook/bridge");
  CHECK(w.client->request(malformed).status == 400);
  CHECK(w.client->post_message(w.bot->url("/hook/nosuch"), "x", "r", "t", false).status == 404);
  HttpRequest health;
  health.method = "GET";
  health.url = w.bot->url("/healthz");
  CHECK(w.client->request(health).status == 200);
  CHECK(count_of(w.messages(), "\"msg_id\"") == 0);
}

TEST_CASE(
    "e2e: a report is acknowledged and relayed, merged once, accepted, and refused to a "
    "resident",
    "[e2e][tickets]") {
  World w;
  auto hook = w.bot->url("/hook/bridge");
  auto post = [&](const std::string& id, const std::string& room, const std::string& text,
                  const std::string& who) {
    return w.client->post_message(hook, id, room, text, false, kBridgeSecret, who).status;
  };
  REQUIRE(post("r1", "room-b5", "5栋2单元楼道灯坏了好几天了", "wxid_li") == 200);
  REQUIRE(eventually([&] { return w.stub->delivered_counts().size() == 2; }));
  auto counts = w.stub->delivered_counts();
  CHECK(counts.count("ack:bridge:room-b5:r1") == 1);
  CHECK(counts.count("relay:1001:g1:bridge:room-g1") == 1);

  // A second resident, same problem: merged, told the number, no second relay.
  REQUIRE(post("r2", "room-b5", "我们5栋楼道灯也不亮了", "wxid_zhao") == 200);
  REQUIRE(eventually([&] { return w.stub->delivered_counts().size() == 3; }));
  CHECK(w.stub->delivered_counts().count("ack:bridge:room-b5:r2") == 1);

  // A resident may not accept; nothing changes.
  REQUIRE(post("r3", "room-b5", "受理 #1001", "wxid_zhao") == 200);
  REQUIRE(
      eventually([&] { return w.stub->delivered_counts().count("cmd:bridge:room-b5:r3") == 1; }));
  auto t = w.client->api_get(w.bot->url("/api/v1/tickets/1001"));
  CHECK(count_of(t.body, R"("status":"new")") == 1);

  // The grid head accepts in the grid group: the building group hears it, both reporters named.
  REQUIRE(post("h1", "room-g1", "受理 #1001", "wxid_g1_head") == 200);
  REQUIRE(eventually([&] {
    for (const auto& [key, n] : w.stub->delivered_counts())
      if (key.rfind("status:1001:accepted:", 0) == 0 && key.find(":room-b5") != std::string::npos)
        return true;
    return false;
  }));
  bool found = false;
  for (const auto& body : w.stub->bodies())
    if (body.find("ACCEPTED by:role:grid_head/") != std::string::npos) {
      found = true;
      CHECK(body.find(R"("mentions":["wxid_li","wxid_zhao"])") != std::string::npos);
      CHECK(body.find(R"("room":"room-b5")") != std::string::npos);
    }
  CHECK(found);
  t = w.client->api_get(w.bot->url("/api/v1/tickets/1001"));
  CHECK(count_of(t.body, R"("status":"accepted")") == 1);
  for (const auto& [key, n] : w.stub->delivered_counts()) {
    INFO(key);
    CHECK(n == 1);
  }
}

TEST_CASE("e2e: a big matter reaches the street group and the department", "[e2e][tickets]") {
  World w;
  REQUIRE(w.client
              ->post_message(w.bot->url("/hook/bridge"), "big1", "room-b12",
                             "全小区停电了，几百户都没电，冰箱都化了", false)
              .status == 200);
  REQUIRE(eventually([&] {
    auto c = w.stub->delivered_counts();
    return c.count("relay:1001:st-zgl:bridge:room-street") == 1 &&
           c.count("relay:1001:dep-power:bridge:room-power") == 1;
  }));
}

TEST_CASE("e2e: an urgent report is delivered before messages queued earlier", "[e2e][tickets]") {
  World w("", 1);  // one send at a time, so the order of delivery is the order of choice
  w.stub->delay_ms = 30;
  auto hook = w.bot->url("/hook/bridge");
  for (int i = 1; i <= 8; ++i)
    REQUIRE(w.client
                ->post_message(hook, "n" + std::to_string(i), "room-b" + std::to_string(i),
                               std::to_string(i) + "栋楼道灯坏了", false)
                .status == 200);
  REQUIRE(
      w.client->post_message(hook, "u1", "room-b9", "9栋电梯关人了！！里面有老人，快来人", false)
          .status == 200);
  REQUIRE(eventually([&] { return w.stub->delivered_order().size() >= 18; }, 20'000));
  auto order = w.stub->delivered_order();
  auto pos = [&](const std::string& key) {
    return std::find(order.begin(), order.end(), key) - order.begin();
  };
  const auto urgent_ack = pos("ack:bridge:room-b9:u1");
  REQUIRE(urgent_ack < static_cast<long>(order.size()));
  // Everything routine that was still queued when the urgent report arrived went after it.
  CHECK(pos("ack:bridge:room-b8:n8") > urgent_ack);
  CHECK(pos("relay:1008:g1:bridge:room-g1") > urgent_ack);
}

TEST_CASE("e2e: every acked message survives kill -9 and pending replies go out once after restart",
          "[e2e][crash]") {
  World w;
  w.stub->status = 503;  // the platform is down: replies stay pending
  const int n = 40;
  for (int i = 0; i < n; ++i)
    REQUIRE(w.client
                ->post_message(w.bot->url("/hook/bridge"), "c-" + std::to_string(i),
                               "room-b" + std::to_string(i % 7 + 1), "@网格助手 电梯坏了", true,
                               kBridgeSecret, "wxid_res" + std::to_string(i))
                .status == 200);
  auto before = w.client->api_get(w.bot->url("/api/v1/tickets?limit=1000")).body;
  w.bot->kill_hard();
  w.stub->status = 200;  // the platform is back
  w.bot->start();
  auto body = w.messages();
  for (int i = 0; i < n; ++i)
    CHECK(count_of(body, "\"msg_id\":\"c-" + std::to_string(i) + "\"") == 1);
  // Tickets, reporters and history are as they were.
  CHECK(w.client->api_get(w.bot->url("/api/v1/tickets?limit=1000")).body == before);
  // Seven buildings: seven tickets, each resident's message acked, each ticket relayed once.
  CHECK(count_of(before, R"("no":)") == 7);
  REQUIRE(eventually([&] {
    auto c = w.stub->delivered_counts();
    size_t acks = 0, relays = 0;
    for (const auto& [k, v] : c) {
      acks += k.rfind("ack:", 0) == 0;
      relays += k.rfind("relay:", 0) == 0;
    }
    return acks == static_cast<size_t>(n) && relays == 7;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& [key, count] : w.stub->delivered_counts()) {
    INFO(key);
    CHECK(count == 1);
  }
}

TEST_CASE("e2e: kill -9 while a photo downloads loses neither the message nor the photo",
          "[e2e][crash][media]") {
  World w;
  // The resident's bridge serves the photo, slowly at first: the download is in flight when
  // gridbot is killed.
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'x');
  std::atomic<int> slow_ms{8'000};
  std::atomic<int> asked{0}, answered{0};
  http::Server photos(w.runtime, http::ServerOptions{},
                      [&](HttpRequest, std::function<void(HttpResponse)> reply) {
                        ++asked;
                        // Slow until the test says otherwise (it waits for every answer
                        // before the locals this reads go out of scope).
                        for (int waited = 0; waited < slow_ms.load(); waited += 20)
                          std::this_thread::sleep_for(std::chrono::milliseconds(20));
                        ++answered;
                        HttpResponse r;
                        r.status = 200;
                        r.headers = {{"Content-Type", "image/jpeg"}};
                        r.body = jpeg;
                        reply(std::move(r));
                      });
  REQUIRE_FALSE(photos.listen());
  std::string body = message_body("photo-1", "room-b5", "@网格助手 5栋2单元楼道灯坏了", true);
  body.pop_back();
  body += R"(,"media":[{"type":"image","url":"http://127.0.0.1:)" + std::to_string(photos.port()) +
          R"(/p1.jpg"}]})";
  HttpRequest req = signed_bridge_request(body, kBridgeSecret, unix_now_s());
  req.url = w.bot->url("/hook/bridge");
  const auto sent = std::chrono::steady_clock::now();
  REQUIRE(w.client->request(req).status == 200);
  // Acknowledged at once, not after the download.
  CHECK(std::chrono::steady_clock::now() - sent < std::chrono::seconds(4));
  REQUIRE(eventually([&] { return asked.load() >= 1; }));
  auto ticket = w.client->api_get(w.bot->url("/api/v1/tickets/1001"));
  REQUIRE(ticket.status == 200);
  CHECK(count_of(ticket.body, R"("state":"pending")") == 1);

  w.bot->kill_hard();
  slow_ms = 0;  // the bridge answers at once now
  w.bot->start();
  // The message once, the ticket with its photo stored from the same row after the restart.
  CHECK(count_of(w.messages(), R"("msg_id":"photo-1")") == 1);
  REQUIRE(eventually([&] {
    return count_of(w.client->api_get(w.bot->url("/api/v1/tickets/1001")).body,
                    R"("state":"stored")") == 1;
  }));
  ticket = w.client->api_get(w.bot->url("/api/v1/tickets/1001"));
  CHECK(count_of(ticket.body, R"("type":"image")") == 1);
  CHECK(count_of(ticket.body, R"("mime":"image/jpeg")") == 1);
  CHECK(count_of(ticket.body, R"("size":104)") == 1);
  CHECK(count_of(w.client->api_get(w.bot->url("/api/v1/tickets?limit=100")).body, R"("no":)") == 1);
  // The stored photo goes up behind the relay as an image, once, to the grid's bridge group.
  REQUIRE(eventually([&] {
    for (const auto& b : w.stub->bodies())
      if (b.find(R"("media":[{"type":"image","mime":"image/jpeg","size":104)") != std::string::npos)
        return true;
    return false;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  size_t images = 0;
  for (const auto& [key, count] : w.stub->delivered_counts())
    if (key.rfind("photo:1001:", 0) == 0) {
      ++images;
      CHECK(count == 1);
    }
  CHECK(images >= 1);
  // The deliveries API names the medium an image row showed.
  CHECK(count_of(w.deliveries("&state=delivered"), R"("text":"")") >= 1);
  CHECK(count_of(w.deliveries("&state=delivered"), R"("media_id":1)") == images);
  REQUIRE(eventually([&] { return answered.load() == asked.load(); }));
}

TEST_CASE("e2e: kill -9 in the middle of a flood loses no acknowledged message", "[e2e][crash]") {
  World w;
  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        const std::string id = "f" + std::to_string(t) + "-" + std::to_string(i);
        auto r = w.client->post_message(w.bot->url("/hook/bridge"), id,
                                        "room-b" + std::to_string(t + 1), "楼道灯坏了", false);
        if (r.status == 200) {
          std::lock_guard lk(mu);
          acked.insert(id);
        }
        if (r.error) return;  // the server is gone
      }
    });
  REQUIRE(eventually([&] {
    std::lock_guard lk(mu);
    return acked.size() >= 200;
  }));
  w.bot->kill_hard();
  stop = true;
  for (auto& s : senders) s.join();
  w.bot->start();
  // Page through the whole inbox, newest first, with before=<smallest row id seen>.
  std::string all;
  int64_t before = 0;
  for (;;) {
    auto body = w.messages(before ? "&before=" + std::to_string(before) : "");
    int64_t smallest = 0;
    for (size_t p = body.find("{\"id\":"); p != std::string::npos; p = body.find("{\"id\":", p + 1))
      smallest = std::stoll(body.substr(p + 6));
    all += body;
    if (smallest == 0) break;
    before = smallest;
  }
  std::lock_guard lk(mu);
  INFO("acked " << acked.size());
  size_t missing = 0;
  for (const auto& id : acked) missing += count_of(all, "\"msg_id\":\"" + id + "\"") == 1 ? 0 : 1;
  CHECK(missing == 0);
}

TEST_CASE("e2e: SIGTERM drains and exits cleanly", "[e2e]") {
  World w;
  CHECK(
      w.client
          ->post_message(w.bot->url("/hook/bridge"), "t-1", "room-b5", "@网格助手 楼道灯坏了", true)
          .status == 200);
  REQUIRE(eventually([&] { return w.stub->delivered_counts().size() == 2; }));
  CHECK(w.bot->terminate() == 0);
}

TEST_CASE("e2e: SIGHUP reloads the templates, a broken set is refused and the old one stays",
          "[e2e][reload]") {
  TempDir rules_dir;
  const std::filesystem::path rules = test_rules_dir(rules_dir);
  ::setenv("GRIDBOT_TEST_RULES", rules.c_str(), 1);
  World w;
  ::unsetenv("GRIDBOT_TEST_RULES");
  auto hook = w.bot->url("/hook/bridge");
  auto acks = [&] {
    std::vector<std::string> out;
    for (const auto& b : w.stub->bodies())
      if (b.find("room-b") != std::string::npos) out.push_back(b);
    return out;
  };
  auto templates = (rules / "templates.json").string();
  auto edit = [&](const std::string& from, const std::string& to) {
    std::ifstream in(templates);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    std::ofstream(templates) << s;
  };
  REQUIRE(w.client->post_message(hook, "h1", "room-b5", "5栋楼道灯坏了", false).status == 200);
  REQUIRE(eventually([&] { return acks().size() == 1; }));
  CHECK(acks()[0].find("ACK T#1001") != std::string::npos);

  auto health = [&] { return w.client->api_get(w.bot->url("/healthz")).body; };
  edit("ACK T#{no}", "收到啦，工单#{no}");
  w.bot->signal(SIGHUP);
  // Loading the rules takes a moment (seconds in a Debug build): /healthz counts the reloads.
  REQUIRE(
      eventually([&] { return health().find(R"("reloaded":1)") != std::string::npos; }, 30'000));
  REQUIRE(w.client->post_message(hook, "h2", "room-b6", "6栋楼道灯坏了", false).status == 200);
  REQUIRE(eventually([&] { return acks().size() == 2; }));
  CHECK(acks()[1].find("收到啦，工单#1002") != std::string::npos);

  std::ofstream(templates) << "{ broken";
  w.bot->signal(SIGHUP);
  REQUIRE(eventually([&] { return health().find(R"("refused":1)") != std::string::npos; }, 30'000));
  REQUIRE(w.client->post_message(hook, "h3", "room-b7", "7栋楼道灯坏了", false).status == 200);
  REQUIRE(eventually([&] { return acks().size() == 3; }));
  CHECK(acks()[2].find("收到啦，工单#1003") != std::string::npos);
}

namespace {

// Sends `bytes` as they are to the server behind `url` (http://127.0.0.1:PORT/…) and returns
// the status of its first answer, 0 when it closed without one.
int raw_status(const std::string& url, const std::string& bytes) {
  const auto colon = url.find(':', 7);
  const int port = std::atoi(url.c_str() + colon + 1);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(bytes.size()));
  std::string got;
  char buf[4096];
  for (ssize_t n;
       got.find("\r\n") == std::string::npos && (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  // "HTTP/1.1 400 Bad Request"
  return got.rfind("HTTP/1.", 0) == 0 && got.size() > 12 ? std::atoi(got.c_str() + 9) : 0;
}

std::string signed_post(const std::string& body, const std::string& extra_headers = "") {
  const auto req = signed_bridge_request(body, kBridgeSecret, unix_now_s());
  std::string out = "POST /hook/bridge HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : req.headers) out += k + ": " + v + "\r\n";
  return out + extra_headers;
}

std::string with_length(const std::string& head, const std::string& body) {
  return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("e2e: hostile framing gets its documented status and stores nothing", "[e2e][hostile]") {
  World w;
  const auto url = w.bot->url("/hook/bridge");
  const std::string body =
      R"({"id":"h-1","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},"text":"灯坏了"})";
  size_t expect_stored = 0;
  SECTION("a bad chunk size is 400") {
    CHECK(raw_status(url, signed_post(body, "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body +
                                                "\r\n0\r\n\r\n")) == 400);
  }
  SECTION("a chunk longer than it declares is 400") {
    CHECK(raw_status(url, signed_post(body, "Transfer-Encoding: chunked\r\n\r\n5\r\n" + body +
                                                "\r\n0\r\n\r\n")) == 400);
  }
  SECTION("HTTP/1.1 without Host is 400") {
    std::string req = signed_post(body);
    req.erase(req.find("Host: 127.0.0.1\r\n"), 17);
    CHECK(raw_status(url, with_length(req, body)) == 400);
  }
  SECTION("a transfer coding the server does not implement is 501") {
    CHECK(raw_status(url, signed_post(body, "Transfer-Encoding: gzip, chunked\r\n\r\n" +
                                                std::string("4\r\nabcd\r\n0\r\n\r\n"))) == 501);
  }
  SECTION("the same body, framed properly, is stored (the cases above are not the body's fault)") {
    CHECK(raw_status(url, with_length(signed_post(body), body)) == 200);
    expect_stored = 1;
  }
  CHECK(count_of(w.messages(), R"("msg_id":"h-1")") == expect_stored);
}

TEST_CASE("e2e: hostile bodies are 400 and store nothing, the documented leniency is stored",
          "[e2e][hostile]") {
  World w;
  const auto url = w.bot->url("/hook/bridge");
  auto status = [&](const std::string& body) {
    return raw_status(url, with_length(signed_post(body), body));
  };
  // A CR/LF in an id would reach outbound headers as a second request.
  CHECK(status(R"({"id":"x\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: y","room":{"id":"room-b5"},)"
               R"("talker":{"id":"wxid_h"},"text":"灯坏了"})") == 400);
  CHECK(status(R"({"id":"h-2","room":{"id":"room-b5\n"},"talker":{"id":"wxid_h"},"text":"x"})") ==
        400);
  // An unpaired low surrogate decodes to invalid UTF-8, in any string.
  CHECK(
      status(R"({"id":"h-3","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},"text":"a\udc00"})") ==
      400);
  CHECK(status(R"({"id":"h-4","room":{"id":"room-b5"},"talker":{"id":"w\udfff"},"text":"x"})") ==
        400);
  CHECK(status(R"({"id":"h-5","room":{"id":"room-b5"},"talker":{"id":"wxid_h","name":"\udc00"},)"
               R"("text":"x"})") == 400);
  // A timestamp no clock can hold.
  CHECK(status(R"({"id":"h-6","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},"text":"x",)"
               R"("timestamp":1e300})") == 400);
  // A key twice (which one counts?) and U+0000 in an id.
  CHECK(status(R"({"id":"h-7","id":"h-8","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},)"
               R"("text":"x"})") == 400);
  CHECK(
      status(R"({"id":"h-9\u0000","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},"text":"x"})") ==
      400);
  CHECK(count_of(w.messages(), "\"msg_id\"") == 0);
  // A UTF-8 byte-order mark before the JSON is skipped (docs/adapters/bridge.md).
  CHECK(status("\xEF\xBB\xBF"
               R"({"id":"h-10","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},)"
               R"("text":"你好"})") == 200);
  CHECK(count_of(w.messages(), "\"msg_id\"") == 1);
}

TEST_CASE("e2e: the HTTP client never sends a header it was not meant to", "[e2e][hostile]") {
  World w;
  HttpRequest r = signed_bridge_request(
      R"({"id":"c-1","room":{"id":"room-b5"},"talker":{"id":"wxid_h"},"text":"x"})", kBridgeSecret,
      unix_now_s());
  r.url = w.bot->url("/hook/bridge");
  r.headers.emplace_back("Idempotency-Key", "k\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: y");
  const auto result = w.client->request(r);
  CHECK(result.error == std::make_error_code(std::errc::invalid_argument));
  CHECK(result.status == 0);
  CHECK(count_of(w.messages(), "\"msg_id\"") == 0);  // nothing reached the server
}

namespace {
bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}
}  // namespace

TEST_CASE("e2e: /metrics is valid Prometheus text and counts what happened", "[e2e][metrics]") {
  World w;
  const auto url = w.bot->url("/hook/bridge");
  REQUIRE(
      w.client->post_message(url, "mx-1", "room-b5", "5栋2单元楼道灯坏了好几天了", false).status ==
      200);
  REQUIRE(
      w.client->post_message(url, "mx-1", "room-b5", "5栋2单元楼道灯坏了好几天了", false).status ==
      200);  // a retry
  REQUIRE(w.client->post_message(url, "mx-2", "room-b5", "伪造", false, "wrong-secret-xxxxxxxx")
              .status == 401);
  HttpRequest anonymous;
  anonymous.method = "GET";
  anonymous.url = w.bot->url("/metrics");
  CHECK(w.client->request(anonymous).status == 401);  // the bearer token, as for the API
  const auto m = w.client->api_get(w.bot->url("/metrics"));
  REQUIRE(m.status == 200);
  CHECK(contains(header_value(m.headers, "Content-Type"), "text/plain; version=0.0.4"));
  CHECK(
      contains(m.body, R"(gridbot_inbound_messages_total{channel="bridge",result="accepted"} 1)"));
  CHECK(
      contains(m.body, R"(gridbot_inbound_messages_total{channel="bridge",result="duplicate"} 1)"));
  CHECK(contains(m.body,
                 R"(gridbot_inbound_messages_total{channel="bridge",result="bad_signature"} 1)"));
  CHECK(contains(m.body, "gridbot_tickets_opened_total 1"));
  CHECK(contains(m.body, "gridbot_store_commit_seconds_count"));
  CHECK(contains(m.body, R"(gridbot_http_requests_total{route="hook",status="200"} 2)"));
  CHECK(contains(m.body, "gridbot_incidents_open 0"));
  // Checked by Prometheus's own linter where it is installed (Debian package prometheus).
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    WARN("promtool not found: the format check is skipped");
    return;
  }
  const std::string file = w.dir.file("metrics.txt");
  std::ofstream(file) << m.body;
  CHECK(std::system(("promtool check metrics < " + file + " > " + file + ".out 2>&1").c_str()) ==
        0);
  std::ifstream out(file + ".out");
  const std::string lint((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  INFO(lint);
  CHECK(lint.find("error") == std::string::npos);
}

TEST_CASE("e2e: the hook answers X-Request-Id, and the rows the message queues are stamped with it",
          "[e2e][log]") {
  World w;
  const auto r = w.client->post_message(w.bot->url("/hook/bridge"), "m-1", "room-b5",
                                        "5栋楼道灯坏了，晚上看不见", false);
  REQUIRE(r.status == 200);
  const std::string id(header_value(r.headers, "X-Request-Id"));
  REQUIRE(id.size() == 16);
  // The acknowledgement and the relay, each naming the request.
  CHECK(count_of(w.deliveries(), "\"request_id\":\"" + id + "\"") >= 2);
}
