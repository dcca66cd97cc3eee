#include "adapters/bridge/adapter.hpp"

#include "adapters/common/crypto.hpp"
#include "base/common/errors.hpp"
#include "tests/support/bridge_request.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::adapters;

namespace {

constexpr int64_t kNowMs = 1'700'000'000'000;
const std::string kSecret = "bridge-secret-0123";

bridge::BridgeAdapter make() {
  bridge::Options o;
  o.secret = kSecret;
  o.outbound_url = "http://127.0.0.1:9/send";
  o.bot_id = "wxid_bot";
  o.other_bots = {"wxid_other_bot"};
  return bridge::BridgeAdapter(o);
}

HttpRequest signed_request(const std::string& body, int64_t ts_s = kNowMs / 1000,
                           const std::string& secret = kSecret) {
  HttpRequest r = test::signed_bridge_request(body, secret, ts_s);
  r.target = "/hook/bridge";
  for (auto& [name, value] : r.headers)
    if (name == "X-Gridbot-Timestamp") name = "x-gridbot-timestamp";  // names are case-insensitive
  return r;
}

test::BridgeMessage message(const std::string& talker, const std::string& text) {
  test::BridgeMessage m;
  m.id = "1";
  m.room = "r";
  m.talker = talker;
  m.text = text;
  m.mentions = std::nullopt;
  return m;
}

const std::string kBody = [] {
  test::BridgeMessage m;
  m.id = "msg-1";
  m.room = "room-b5";
  m.room_topic = "5栋业主群";
  m.talker = "wxid_r";
  m.name = "李阿姨";
  m.text = "@网格助手 5栋电梯关人了！";
  m.mention_bot = true;
  m.timestamp = 1700000000;
  return test::bridge_body(m);
}();

}  // namespace

TEST_CASE("a signed message parses into one InboundMessage", "[bridge]") {
  auto a = make();
  auto r = a.parse(signed_request(kBody), kNowMs);
  REQUIRE(r.has_value());
  REQUIRE(r->messages.size() == 1);
  const auto& m = r->messages[0];
  CHECK(m.msg_id == "msg-1");
  CHECK(m.chat_id == "room-b5");
  CHECK(m.chat_name == "5栋业主群");
  CHECK(m.sender_id == "wxid_r");
  CHECK(m.sender_name == "李阿姨");
  CHECK(m.text == "@网格助手 5栋电梯关人了！");
  CHECK(m.mentions_bot);
  CHECK_FALSE(m.from_bot);
  CHECK(m.sent_at_s == 1700000000);
  CHECK(r->reply.status == 200);
}

TEST_CASE("the tests' bridge body is the documented shape and escapes any text", "[bridge]") {
  CHECK(kBody ==
        R"({"id":"msg-1","room":{"id":"room-b5","topic":"5栋业主群"},"talker":{"id":"wxid_r",)"
        R"("name":"李阿姨"},"text":"@网格助手 5栋电梯关人了！","mentions":["wxid_bot"],)"
        R"("timestamp":1700000000})");
  auto a = make();
  const std::string text = "引号\"、反斜杠\\、换行\n和制表\t";
  auto r = a.parse(signed_request(test::bridge_body(message("wxid_r", text))), kNowMs);
  REQUIRE(r.has_value());
  CHECK(r->messages[0].text == text);
}

TEST_CASE("the signature is HMAC-SHA256 over timestamp, newline, body", "[bridge]") {
  // Independent computation of the documented formula.
  const std::string expected = "sha256=" + to_hex(hmac_sha256(kSecret, "1700000000\n" + kBody));
  CHECK(bridge::sign(kSecret, "1700000000", kBody) == expected);
}

TEST_CASE("wrong, missing or stale signatures are refused", "[bridge]") {
  auto a = make();
  SECTION("wrong secret → bad_signature") {
    auto r = a.parse(signed_request(kBody, kNowMs / 1000, "another-secret-xx"), kNowMs);
    CHECK(r.error() == make_error_code(errc::bad_signature));
    CHECK(http_status(r.error()) == 401);
  }
  SECTION("body changed after signing → bad_signature") {
    auto req = signed_request(kBody);
    req.body[10] = 'X';
    CHECK(a.parse(req, kNowMs).error() == make_error_code(errc::bad_signature));
  }
  SECTION("missing headers → bad_signature") {
    auto req = signed_request(kBody);
    req.headers.clear();
    CHECK(a.parse(req, kNowMs).error() == make_error_code(errc::bad_signature));
  }
  SECTION("timestamp 301 s old or ahead → stale_timestamp (401)") {
    auto old = a.parse(signed_request(kBody, kNowMs / 1000 - 301), kNowMs);
    CHECK(old.error() == make_error_code(errc::stale_timestamp));
    auto ahead = a.parse(signed_request(kBody, kNowMs / 1000 + 301), kNowMs);
    CHECK(ahead.error() == make_error_code(errc::stale_timestamp));
    CHECK(http_status(old.error()) == 401);
  }
  SECTION("300 s is still inside the window") {
    CHECK(a.parse(signed_request(kBody, kNowMs / 1000 - 300), kNowMs).has_value());
  }
}

TEST_CASE("malformed payloads are 400 even when signed", "[bridge]") {
  auto a = make();
  for (const std::string& body :
       {std::string("not json"), std::string("[]"),
        std::string(R"({"room":{"id":"r"},"talker":{"id":"t"},"text":"x"})"),
        std::string(R"({"id":"1","room":"r","talker":{"id":"t"},"text":"x"})"),
        std::string(R"({"id":"1","room":{"id":"r"},"talker":{"id":"t"},"text":5})"),
        std::string(
            R"({"id":"1","room":{"id":"r"},"talker":{"id":"t"},"text":"x","mentions":[1]})"),
        // Text that is not UTF-8: a stray byte, an overlong slash, a UTF-16 surrogate.
        std::string("{\"id\":\"1\",\"room\":{\"id\":\"r\"},\"talker\":{\"id\":\"t\"},"
                    "\"text\":\"\xff\"}"),
        std::string("{\"id\":\"1\",\"room\":{\"id\":\"r\"},\"talker\":{\"id\":\"t\"},"
                    "\"text\":\"\xc0\xaf\"}"),
        std::string("{\"id\":\"1\",\"room\":{\"id\":\"r\"},\"talker\":{\"id\":\"t\"},"
                    "\"text\":\"\xed\xa0\x80\"}"),
        // Nesting deep enough to overflow a recursive parser's stack, signed: parsed iteratively.
        std::string(500'000, '[')}) {
    INFO(body);
    auto r = a.parse(signed_request(body), kNowMs);
    REQUIRE_FALSE(r.has_value());
    CHECK(http_status(r.error()) == 400);
  }
}

TEST_CASE("messages from this or another bot are marked from_bot", "[bridge]") {
  auto a = make();
  for (const char* talker : {"wxid_bot", "wxid_other_bot"}) {
    auto r = a.parse(signed_request(test::bridge_body(message(talker, "收到"))), kNowMs);
    REQUIRE(r.has_value());
    CHECK(r->messages[0].from_bot);
  }
  auto from_self = message("x", "a");
  from_self.self = true;
  auto self = a.parse(signed_request(test::bridge_body(from_self)), kNowMs);
  REQUIRE(self.has_value());
  CHECK(self->messages[0].from_bot);
}

TEST_CASE("only POST is accepted", "[bridge]") {
  auto a = make();
  auto req = signed_request(kBody);
  req.method = "GET";
  CHECK(http_status(a.parse(req, kNowMs).error()) == 405);
}

TEST_CASE("outbound sends are signed the same way and carry the idempotency key", "[bridge]") {
  auto a = make();
  OutboxItem item;
  item.chat_id = "room-b5";
  item.text = "收到，已记录";
  item.mentions = {"wxid_r"};
  item.idempotency_key = "receipt:bridge:room-b5:msg-1";
  auto req = a.build_send(item, kNowMs);
  REQUIRE(req.has_value());
  CHECK(req->url == "http://127.0.0.1:9/send");
  CHECK(
      req->body ==
      R"({"id":"receipt:bridge:room-b5:msg-1","room":"room-b5","text":"收到，已记录","mentions":["wxid_r"],"plain_text":"收到，已记录"})");
  const auto ts = std::string(header_value(req->headers, "X-Gridbot-Timestamp"));
  CHECK(ts == "1700000000");
  CHECK(header_value(req->headers, "X-Gridbot-Signature") == bridge::sign(kSecret, ts, req->body));
}

TEST_CASE("send answers map to delivered, retry, throttled and failed", "[bridge]") {
  auto a = make();
  CHECK(a.interpret({{}, 200, {}, ""}).verdict == Verdict::delivered);
  CHECK(a.interpret({{}, 204, {}, ""}).verdict == Verdict::delivered);
  auto throttled = a.interpret({{}, 429, {{"Retry-After", "7"}}, ""});
  CHECK(throttled.verdict == Verdict::throttled);
  CHECK(throttled.retry_after_ms == 7000);
  CHECK(a.interpret({{}, 503, {}, ""}).verdict == Verdict::retry);
  CHECK(a.interpret({{}, 500, {}, ""}).verdict == Verdict::retry);
  CHECK(a.interpret({std::make_error_code(std::errc::connection_refused), 0, {}, ""}).verdict ==
        Verdict::retry);
  CHECK(a.interpret({{}, 400, {}, "bad"}).verdict == Verdict::failed);
  CHECK(a.interpret({{}, 404, {}, ""}).verdict == Verdict::failed);
}

TEST_CASE("a bridge message carries a media list of URLs and inline bytes", "[bridge][media]") {
  // What a Wechaty bridge sends for MessageType.Image (a URL it serves) and Audio (inline).
  const std::string body =
      R"({"id":"m1","room":{"id":"r"},"talker":{"id":"wxid_a"},"text":"",)"
      R"("media":[{"type":"image","url":"https://bridge.local/f/1.jpg","mime":"image/jpeg",)"
      R"("size":48213,"name":"1.jpg"},{"type":"voice","data":"IyFTSUxLX1Yz","mime":"audio/silk"}]})";
  auto out = make().parse(signed_request(body), kNowMs);
  REQUIRE(out.has_value());
  const auto& m = out->messages.at(0);
  CHECK(m.text.empty());
  REQUIRE(m.media.size() == 2);
  CHECK(m.media[0].kind == MediaKind::image);
  CHECK(m.media[0].url == "https://bridge.local/f/1.jpg");
  CHECK(m.media[0].mime == "image/jpeg");
  CHECK(m.media[0].declared_size == 48213);
  CHECK(m.media[0].name == "1.jpg");
  CHECK(m.media[1].kind == MediaKind::voice);
  CHECK(m.media[1].data == "#!SILK_V3");
  CHECK(m.media[1].url.empty());
}

TEST_CASE("a malformed media list is 400", "[bridge][media]") {
  const std::string head = R"({"id":"m1","room":{"id":"r"},"talker":{"id":"a"},"text":"x",)";
  for (const std::string media :
       {R"("media":{})", R"("media":[{"type":"video","url":"https://x/y"}])",
        R"("media":[{"type":"image"}])",
        R"("media":[{"type":"image","url":"https://x/y","data":"AAAA"}])",
        R"("media":[{"type":"image","url":"ftp://x/y"}])",
        R"("media":[{"type":"image","url":"https://x/a b"}])",
        R"("media":[{"type":"image","data":"not base64!"}])",
        R"("media":[{"type":"image","url":"https://x/y","size":-1}])",
        R"("media":[{"type":"image","url":"https://x/y","mime":7}])",
        R"("media":[1,2,3,4,5,6,7,8,9,10])"}) {
    auto out = make().parse(signed_request(head + media + "}"), kNowMs);
    REQUIRE_FALSE(out.has_value());
    CHECK(http_status(out.error()) == 400);
  }
}
