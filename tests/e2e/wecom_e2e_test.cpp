// End-to-end tests of WeCom through the real binary: relays through a group-robot stub over TLS
// (key, JSON shape, 20 a minute), a grid head's 受理 as an encrypted AI-bot callback answered
// through response_url, a notice into a customer group as a task its owner confirms, and TLS
// verification itself. The org is tests/data/wecom_org.csv.
#include "harness.hpp"
#include "wecom_stubs.hpp"

#include "adapters/wecom/msg_crypt.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <future>
#include <thread>

using namespace gridbot;
using namespace gridbot::test;

namespace {

const std::string kToken = "gridbotE2eToken";
const std::string kAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct WecomWorld {
  http::Runtime runtime;
  TempDir dir;
  std::unique_ptr<TestPki> pki;
  std::unique_ptr<WecomStub> wecom;
  std::unique_ptr<StubReceiver> bridge;
  std::unique_ptr<TestClient> client;
  std::unique_ptr<GridbotProcess> bot;

  /// aibot: the "aibot" channel object's adapter keys (webhook mode by default).
  explicit WecomWorld(const std::string& aibot = "") {
    runtime.start(2);
    pki = std::make_unique<TestPki>(dir);
    pki->issue("localhost", "DNS:localhost,IP:127.0.0.1");
    wecom = std::make_unique<WecomStub>(runtime, *pki, "localhost");
    bridge = std::make_unique<StubReceiver>(runtime);
    client = std::make_unique<TestClient>(runtime);
    bot = std::make_unique<GridbotProcess>(dir, bridge->port());
    const std::string src = GRIDBOT_SOURCE_DIR;
    const std::string base = wecom->base_url();
    std::string adapter_keys = aibot;  // "{HOST}": where the stub listens
    for (size_t p = adapter_keys.find("{HOST}"); p != std::string::npos;
         p = adapter_keys.find("{HOST}"))
      adapter_keys.replace(p, 6, "localhost:" + std::to_string(wecom->port()));
    std::ofstream f(bot->config_file());  // replaces the harness's default config
    f << R"({
  "server": { "listen": "127.0.0.1", "port": 0, "drain_timeout_ms": 3000 },
  "store": { "path": "e2e.db" },
  "outbox": { "backoff_initial_ms": 100, "backoff_max_ms": 500, "poll_ms": 50,
              "confirm_poll_ms": 200 },
  "tls": { "ca_file": ")"
      << pki->ca_file << R"(" },
  "api": { "token": ")"
      << kApiToken << R"(" },
  "rules": { "dir": ")"
      << test_rules_dir(dir) << R"(" },
  "org": { "files": [")"
      << src << R"(/tests/data/wecom_org.csv"] },
  "log": { "level": "warn" },
  "channels": [
    { "name": "bridge", "type": "bridge", "secret": ")"
      << kBridgeSecret << R"(",
      "outbound_url": "http://127.0.0.1:)"
      << bridge->port() << R"(/send",
      "bot_id": ")"
      << kBotId << R"(", "rate_per_minute": 100000 },
    { "name": "robots", "type": "wecom_robot", "base_url": ")"
      << base << R"(" },
    { "name": "customers", "type": "wecom_customer_group", "base_url": ")"
      << base << R"(", "corp_id": ")" << wecom->corp_id << R"(", "secret": ")" << wecom->corp_secret
      << R"(" },
    { "name": "aibot", "type": "wecom_aibot", "bot_id": "AIBOTID", "bot_name": "网格助手", "base_url": ")"
      << base << R"(", )"
      << (aibot.empty() ? R"("token": ")" + kToken + R"(", "encoding_aes_key": ")" + kAesKey + "\""
                        : adapter_keys)
      << R"( }
  ]
})";
    f.close();
    bot->start();
  }
  ~WecomWorld() {
    bot.reset();
    runtime.stop();
  }
  std::string api(const std::string& path) {
    auto r = client->api_get(bot->url(path));
    REQUIRE(r.status == 200);
    return r.body;
  }
  int report(const std::string& id, int building, const std::string& text) {
    return client
        ->post_message(bot->url("/hook/bridge"), id, "room-b" + std::to_string(building), text,
                       false, kBridgeSecret, "wxid_res" + std::to_string(building))
        .status;
  }
};

std::string aibot_message(const std::string& msgid, const std::string& chat,
                          const std::string& user, const std::string& text,
                          const std::string& response_url) {
  return R"({"msgid":")" + msgid + R"(","aibotid":"AIBOTID","chatid":")" + chat +
         R"(","chattype":"group","from":{"userid":")" + user +
         R"("},"msgtype":"text","text":{"content":")" + text + R"("},"response_url":")" +
         response_url + R"("})";
}

// An AI-bot callback exactly as WeCom sends it (docs/adapters/wecom.md "The callback"), sealed
// with gridbot's own WXBizMsgCrypt (itself checked against Tencent's vectors and @wecom/crypto).
HttpRequest aibot_callback(const std::string& url, const std::string& json) {
  auto crypt = adapters::wecom::MsgCrypt::create(kToken, kAesKey);
  REQUIRE(crypt.has_value());
  const std::string encrypt = crypt->encrypt(json, "");
  const std::string ts = std::to_string(now_s());
  const std::string nonce = "e2e-nonce";
  HttpRequest r;
  r.method = "POST";
  r.url = url + "?msg_signature=" + crypt->signature(ts, nonce, encrypt) + "&timestamp=" + ts +
          "&nonce=" + nonce;
  r.body = R"({"encrypt":")" + encrypt + R"("})";
  r.headers = {{"Content-Type", "application/json"}};
  return r;
}

}  // namespace

TEST_CASE("wecom e2e: TLS to a stub verifies the peer against the configured CA and the host name",
          "[e2e][wecom]") {
  http::Runtime runtime;
  runtime.start(1);
  TempDir dir;
  TestPki pki(dir);
  pki.issue("localhost", "DNS:localhost,IP:127.0.0.1");
  pki.issue("elsewhere", "DNS:elsewhere.example");
  WecomStub good(runtime, pki, "localhost");
  WecomStub wrong_name(runtime, pki, "elsewhere");
  auto post = [&](http::ClientOptions o, uint16_t port, const std::string& host) {
    http::Client c(runtime, std::move(o));
    HttpRequest r;
    r.method = "POST";
    r.url = "https://" + host + ":" + std::to_string(port) + "/cgi-bin/webhook/send?key=k1";
    r.body = R"({"msgtype":"text","text":{"content":"hi"}})";
    std::promise<TransportResult> p;
    c.send(std::move(r), 5000, [&p](TransportResult res) { p.set_value(std::move(res)); });
    return p.get_future().get();
  };
  SECTION("trusted CA, matching name (DNS and IP SAN): delivered") {
    CHECK(post({pki.ca_file}, good.port(), "localhost").status == 200);
    CHECK(post({pki.ca_file}, good.port(), "127.0.0.1").status == 200);
    CHECK(good.robot_posts().size() == 2);
  }
  SECTION("without the test CA: refused in the handshake") {
    auto r = post({}, good.port(), "localhost");
    CHECK(r.error);
    CHECK(r.status == 0);
    CHECK(good.robot_posts().empty());
  }
  SECTION("trusted CA, certificate for another name: refused") {
    auto r = post({pki.ca_file}, wrong_name.port(), "localhost");
    CHECK(r.error);
    CHECK(wrong_name.robot_posts().empty());
  }
  runtime.stop();
}

TEST_CASE("wecom e2e: relays reach the grid's group robot over TLS, at most 20 a minute per key",
          "[e2e][wecom]") {
  WecomWorld w;
  // 25 buildings report at once: 25 tickets, each relayed into grid g1's robot.
  for (int b = 1; b <= 25; ++b) REQUIRE(w.report("r" + std::to_string(b), b, "楼道灯坏了") == 200);
  REQUIRE(eventually([&] { return w.wecom->robot_posts().size() >= 20; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto posts = w.wecom->robot_posts();
  CHECK(posts.size() == 20);  // the other five wait for the window, they are not refused
  for (const auto& p : posts) {
    CHECK(p.key == "robot-key-g1");
    CHECK(p.body.find(R"("mentioned_list":["zhang"])") != std::string::npos);
  }
  CHECK(w.wecom->violations().empty());
  const std::string pending = w.api("/api/v1/deliveries?chat=robot-key-g1&state=pending");
  CHECK(count_of(pending, R"("state":"pending")") == 5);
  const std::string delivered = w.api("/api/v1/deliveries?chat=robot-key-g1&state=delivered");
  CHECK(count_of(delivered, R"("state":"delivered")") == 20);
}

TEST_CASE(
    "wecom e2e: a grid head's 受理 as an AI-bot callback accepts the ticket and is answered "
    "through response_url",
    "[e2e][wecom]") {
  WecomWorld w;
  REQUIRE(w.report("r1", 1, "楼道灯坏了") == 200);
  REQUIRE(eventually([&] { return w.wecom->robot_posts().size() == 1; }));
  CHECK(w.wecom->robot_posts()[0].body.find("1001") != std::string::npos);

  const std::string response_url =
      w.wecom->base_url() + "/cgi-bin/aibot/response?response_code=rc1";
  const auto json =
      aibot_message("aibot-m1", "chat-g1", "zhang", "@网格助手 受理 #1001", response_url);
  auto r = w.client->request(aibot_callback(w.bot->url("/hook/aibot"), json));
  REQUIRE(r.status == 200);
  REQUIRE(eventually([&] { return w.wecom->responses().count("rc1") == 1; }));
  const std::string answer = w.wecom->responses().at("rc1").at(0);
  CHECK(answer.find(R"("msgtype":"markdown")") != std::string::npos);
  CHECK(answer.find("1001") != std::string::npos);
  CHECK(w.api("/api/v1/tickets/1001").find(R"("status":"accepted")") != std::string::npos);

  // WeCom retries a callback it thinks was lost: the same msgid changes and answers nothing.
  CHECK(w.client->request(aibot_callback(w.bot->url("/hook/aibot"), json)).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(w.wecom->responses().at("rc1").size() == 1);
  // The reporter in building 1's group hears of it.
  CHECK(eventually([&] {
    for (const auto& b : w.bridge->bodies())
      if (b.find("room-b1") != std::string::npos && b.find("1001") != std::string::npos &&
          b.find("ACCEPTED by:") != std::string::npos)
        return true;
    return false;
  }));
  CHECK(w.wecom->violations().empty());
}

TEST_CASE(
    "wecom e2e: the AI bot's long connection subscribes, keeps the heartbeat, turns a pushed "
    "message into a stored message and a ticket, answers on the connection, and reconnects",
    "[e2e][wecom]") {
  WecomWorld w(R"("mode": "websocket", "ws_url": "wss://{HOST}/", "secret": "ws-secret-0123",
      "heartbeat_ms": 300)");
  auto frames_with = [&](const std::string& needle) {
    size_t n = 0;
    for (const auto& f : w.wecom->ws_frames()) n += f.find(needle) != std::string::npos;
    return n;
  };
  REQUIRE(eventually([&] { return frames_with(R"("cmd":"aibot_subscribe")") == 1; }));
  CHECK(frames_with(R"("bot_id":"AIBOTID","secret":"ws-secret-0123")") == 1);
  REQUIRE(eventually([&] { return frames_with(R"("cmd":"ping")") >= 2; }));

  auto push = [&](const std::string& req_id, const std::string& msgid, const std::string& text) {
    w.wecom->ws_push(R"({"cmd":"aibot_msg_callback","headers":{"req_id":")" + req_id +
                     R"("},"body":)" + aibot_message(msgid, "chat-b1", "resident1", text, "") +
                     "}");
  };
  push("cb-1", "ws-m1", "@网格助手 楼道灯坏了");
  eventually(
      [&] { return w.api("/api/v1/messages?channel=aibot").find("ws-m1") != std::string::npos; },
      3000);
  INFO(w.api("/api/v1/messages?channel=aibot"));
  INFO(w.api("/api/v1/deliveries"));
  REQUIRE(eventually([&] {
    return w.api("/api/v1/tickets/1001").find(R"("msg_id":"ws-m1")") != std::string::npos;
  }));
  CHECK(w.api("/api/v1/messages?channel=aibot").find(R"("msg_id":"ws-m1")") != std::string::npos);
  // The reporter is answered on the connection, in reply to the callback's req_id …
  CHECK(eventually([&] {
    return frames_with(R"("cmd":"aibot_respond_msg","headers":{"req_id":"cb-1"})") == 1;
  }));
  // … the relay reaches the grid's robot over HTTPS and its AI-bot group as a proactive send.
  CHECK(eventually([&] { return w.wecom->robot_posts().size() == 1; }));
  CHECK(eventually([&] {
    return frames_with(R"("cmd":"aibot_send_msg")") == 1 &&
           frames_with(R"("chatid":"chat-g1")") == 1;
  }));
  CHECK(eventually([&] {
    return count_of(w.api("/api/v1/deliveries?chat=chat-g1"), R"("state":"delivered")") == 1;
  }));

  // The platform drops the connection: gridbot reconnects, subscribes again, and keeps working.
  w.wecom->ws_drop();
  REQUIRE(eventually([&] { return w.wecom->ws_connections() == 2; }));
  REQUIRE(eventually([&] { return frames_with(R"("cmd":"aibot_subscribe")") == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  push("cb-2", "ws-m2", "@网格助手 3楼楼道灯也坏了");
  CHECK(eventually([&] {
    return w.api("/api/v1/messages?channel=aibot").find(R"("msg_id":"ws-m2")") != std::string::npos;
  }));
  CHECK(eventually([&] {
    return frames_with(R"("cmd":"aibot_respond_msg","headers":{"req_id":"cb-2"})") == 1;
  }));
  CHECK(w.wecom->violations().empty());
}

TEST_CASE(
    "wecom e2e: a notice into a building's customer group becomes a group-send task, shown as "
    "awaiting_confirmation until its owner confirms it, then as delivered",
    "[e2e][wecom]") {
  WecomWorld w;
  const std::string response_url =
      w.wecom->base_url() + "/cgi-bin/aibot/response?response_code=rc-notice";
  const auto json =
      aibot_message("aibot-n1", "chat-g1", "zhang",
                    "@网格助手 通知 全部 明天上午9点到11点停水，请提前储水", response_url);
  REQUIRE(w.client->request(aibot_callback(w.bot->url("/hook/aibot"), json)).status == 200);

  // One task, created by the owner named in the org CSV, for that group, with the notice.
  REQUIRE(eventually([&] { return w.wecom->tasks().size() == 1; }));
  const auto task = w.wecom->tasks().at(0);
  CHECK(task.sender == "wxid_b26");
  CHECK(task.chat == "wrCHAT26");
  CHECK(task.text.find("停水") != std::string::npos);
  const std::string chat = "/api/v1/deliveries?chat=wxid_b26/wrCHAT26";
  REQUIRE(eventually(
      [&] { return w.api(chat).find(R"("state":"awaiting_confirmation")") != std::string::npos; }));
  CHECK(w.api(chat).find("task " + task.msgid) != std::string::npos);
  // The same notice reached the building's bridge room at once.
  CHECK(eventually([&] {
    for (const auto& b : w.bridge->bodies())
      if (b.find("room-b26") != std::string::npos && b.find("停水") != std::string::npos)
        return true;
    return false;
  }));

  // gridbot asks; while the owner has not confirmed, the row stays awaiting.
  REQUIRE(eventually([&] { return w.wecom->confirmation_queries() >= 2; }));
  CHECK(w.api(chat).find(R"("state":"awaiting_confirmation")") != std::string::npos);

  // The owner confirms in the WeCom client: the next poll records it as delivered.
  w.wecom->confirm(task.msgid);
  CHECK(
      eventually([&] { return w.api(chat).find(R"("state":"delivered")") != std::string::npos; }));
  CHECK(w.wecom->tasks().size() == 1);  // nothing was sent twice
  CHECK(w.wecom->violations().empty());
}
