// The wecom_app adapter against the official sample callbacks (XML envelope, receive id = corp id).
#include "adapters/wecom/app_adapter.hpp"

#include "base/common/errors.hpp"
#include "tests/adapters/wecom/helpers.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;
using namespace wecom_test;

namespace {

AppAdapter make(const char* key_id, std::string corp_id = {}, std::string agent_id = {}) {
  AppOptions o;
  o.corp_id = corp_id.empty() ? str(key_set(key_id), "receive_id") : corp_id;
  o.agent_id = std::move(agent_id);
  return AppAdapter(crypt_for(key_id), o);
}

HttpRequest envelope(const rapidjson::Value& v, const std::string& to = "wx5823bf96d3bd56c7") {
  HttpRequest r;
  r.method = "POST";
  r.target = callback_target(str(v, "msg_signature"), str(v, "timestamp"), str(v, "nonce"));
  r.body = "<xml><ToUserName><![CDATA[" + to + "]]></ToUserName><Encrypt><![CDATA[" +
           str(v, "encrypt") + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
  return r;
}

int64_t at(const rapidjson::Value& v) { return std::stoll(str(v, "timestamp")) * 1000; }

HttpRequest signed_post(const std::string& xml_plain, const std::string& receive_id,
                        int64_t now_ms) {
  auto c = crypt_for("V1");
  const std::string enc = c.encrypt(xml_plain, receive_id);
  const std::string ts = std::to_string(now_ms / 1000);
  HttpRequest r;
  r.method = "POST";
  r.target = callback_target(c.signature(ts, "n1", enc), ts, "n1");
  r.body =
      "<xml><ToUserName>x</ToUserName><Encrypt>" + enc + "</Encrypt><AgentID>218</AgentID></xml>";
  return r;
}

}  // namespace

TEST_CASE("the official GET verifications answer the published plaintext", "[wecom][app]") {
  for (const auto& v : vectors()["url_verification"].GetArray()) {
    INFO(str(v, "id"));
    HttpRequest r;
    r.method = "GET";
    r.target = callback_target(str(v, "msg_signature"), str(v, "timestamp"), str(v, "nonce"),
                               str(v, "echostr"));
    auto out = make(v["key"].GetString()).parse(r, at(v));
    REQUIRE(out.has_value());
    CHECK(out->reply.body == str(v, "plain"));
    CHECK(out->messages.empty());
  }
  SECTION("the sample's own URL-encoding of echostr works too") {
    const auto& v = vectors()["url_verification"][0];
    HttpRequest r;
    r.method = "GET";
    r.target = "/hook/app?msg_signature=" + str(v, "msg_signature") +
               "&timestamp=" + str(v, "timestamp") + "&nonce=" + str(v, "nonce") +
               "&echostr=" + str(v, "echostr_query");
    CHECK(make("V1").parse(r, at(v))->reply.body == "1616140317555161061");
    // A proxy that form-decoded '+' into ' ' (here as %20) still verifies.
    std::string spaced = r.target;
    for (size_t p; (p = spaced.find("%2B")) != std::string::npos;) spaced.replace(p, 3, "%20");
    r.target = spaced;
    CHECK(make("V1").parse(r, at(v)).has_value());
  }
}

TEST_CASE("the official POST callbacks parse into text messages", "[wecom][app]") {
  SECTION("V1b: hello from mycreate") {
    const auto& v = vectors()["messages"][0];
    auto out = make("V1").parse(envelope(v), at(v));
    REQUIRE(out.has_value());
    REQUIRE(out->messages.size() == 1);
    const auto& m = out->messages[0];
    CHECK(m.msg_id == "4561255354251345929");
    CHECK(m.sender_id == "mycreate");
    CHECK(m.chat_id == "mycreate");
    CHECK(m.text == "hello");
    CHECK(m.sent_at_s == 1409659813);
    CHECK(m.mentions_bot);
    CHECK(out->reply.status == 200);
  }
  SECTION("V2b: 你好 from ChenJiaShun") {
    const auto& v = vectors()["messages"][1];
    auto out = make("V2", {}, "1000002").parse(envelope(v, "ww1436e0e65a779aee"), at(v));
    REQUIRE(out.has_value());
    REQUIRE(out->messages.size() == 1);
    CHECK(out->messages[0].text == "你好");
    CHECK(out->messages[0].sender_id == "ChenJiaShun");
    CHECK(out->messages[0].msg_id == "1456453720");
  }
}

TEST_CASE("bad app callbacks are refused and store nothing", "[wecom][app]") {
  const auto& v = vectors()["messages"][0];
  SECTION("another corp's ciphertext (receive id) → 400") {
    auto r = make("V1", "ww-not-ours").parse(envelope(v), at(v));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == make_error_code(errc::malformed));
  }
  SECTION("a callback for another AgentID → 400") {
    CHECK(http_status(make("V1", {}, "1000099").parse(envelope(v), at(v)).error()) == 400);
  }
  SECTION("stale → 401, bad signature → 401") {
    CHECK(make("V1").parse(envelope(v), at(v) + 301'000).error() ==
          make_error_code(errc::stale_timestamp));
    auto r = envelope(v);
    r.body.replace(r.body.find("RypEv"), 5, "RypEw");
    CHECK(make("V1").parse(r, at(v)).error() == make_error_code(errc::bad_signature));
  }
  SECTION("envelope XML that does not parse, or has no Encrypt → 400") {
    auto r = envelope(v);
    r.body = "<xml><Encrypt>abc</xml>";
    CHECK(make("V1").parse(r, at(v)).error() == make_error_code(errc::malformed));
    r.body = "<xml><ToUserName>x</ToUserName></xml>";
    CHECK(make("V1").parse(r, at(v)).error() == make_error_code(errc::malformed));
    r.body = "";
    CHECK(make("V1").parse(r, at(v)).error() == make_error_code(errc::malformed));
  }
  SECTION("decrypted XML that does not parse → 400") {
    const int64_t now = 1'700'000'000'000;
    auto r = signed_post("<xml><MsgType>text", "wx5823bf96d3bd56c7", now);
    CHECK(make("V1").parse(r, now).error() == make_error_code(errc::malformed));
    // Well-formed XML whose text is not UTF-8 (pugixml would take it as it is).
    r = signed_post(
        "<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[\xff\xfe]]></Content></xml>",
        "wx5823bf96d3bd56c7", now);
    CHECK(make("V1").parse(r, now).error() == make_error_code(errc::malformed));
  }
  SECTION("DELETE → 405") {
    auto r = envelope(v);
    r.method = "DELETE";
    CHECK(http_status(make("V1").parse(r, at(v)).error()) == 405);
  }
}

TEST_CASE("app events and non-text messages are acknowledged without a message", "[wecom][app]") {
  const int64_t now = 1'700'000'000'000;
  for (const char* xml :
       {"<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>event</MsgType><Event>enter_agent</Event><AgentID>218</AgentID></xml>",
        "<xml><FromUserName>u</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>",
        "<xml><FromUserName>u</FromUserName><MsgType>location</MsgType><MsgId>9</MsgId></xml>"}) {
    auto out = make("V1").parse(signed_post(xml, "wx5823bf96d3bd56c7", now), now);
    REQUIRE(out.has_value());
    CHECK(out->messages.empty());
    CHECK(out->reply.status == 200);
  }
}

TEST_CASE("the app adapter does not send yet", "[wecom][app]") {
  OutboxItem item;
  item.chat_id = "mycreate";
  item.text = "hi";
  CHECK(make("V1").build_send(item, 0).error() == make_error_code(errc::bad_request));
  CHECK(make("V1").max_text_bytes() == 2048);
}
