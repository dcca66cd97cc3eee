// Media in WeCom callbacks: the AI bot's image, mixed, voice and file messages (payloads as
// published in WC-AIBOT 100719), the app's image and voice (WC-APP 90239), and how their downloads
// are requested and decrypted.
#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/app_adapter.hpp"

#include "base/common/errors.hpp"
#include "tests/adapters/wecom/helpers.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;
using namespace wecom_test;

namespace {

constexpr int64_t kNowMs = 1'700'000'000'000;
const std::string kCos =
    "https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/BHoPdA3/"
    "7571665296904772241?sign=q-sign-algorithm%3Dsha1";

AibotAdapter aibot(std::string bot_name = "机器人") {
  AibotOptions o;
  o.base_url = "http://127.0.0.1:9";
  o.bot_name = std::move(bot_name);
  return AibotAdapter(crypt_for("V1"), o);
}

HttpRequest aibot_post(const std::string& plaintext) {
  auto c = crypt_for("V1");
  const std::string enc = c.encrypt(plaintext, "");
  const std::string ts = std::to_string(kNowMs / 1000);
  HttpRequest r;
  r.method = "POST";
  r.target = callback_target(c.signature(ts, "n", enc), ts, "n");
  r.body = R"({"encrypt":")" + enc + R"("})";
  return r;
}

InboundMessage one(const AibotAdapter& a, const std::string& json) {
  auto out = a.parse(aibot_post(json), kNowMs);
  REQUIRE(out.has_value());
  REQUIRE(out->messages.size() == 1);
  return out->messages[0];
}

AppAdapter app(std::string secret = {}) {
  AppOptions o;
  o.corp_id = "wx5823bf96d3bd56c7";
  o.secret = std::move(secret);
  o.base_url = "http://127.0.0.1:9";
  return AppAdapter(crypt_for("V1"), o);
}

HttpRequest app_post(const std::string& xml) {
  auto c = crypt_for("V1");
  const std::string enc = c.encrypt(xml, "wx5823bf96d3bd56c7");
  const std::string ts = std::to_string(kNowMs / 1000);
  HttpRequest r;
  r.method = "POST";
  r.target = callback_target(c.signature(ts, "n", enc), ts, "n");
  r.body = "<xml><ToUserName>x</ToUserName><Encrypt>" + enc + "</Encrypt></xml>";
  return r;
}

TransportResult ok(std::string body, std::string type = "image/jpeg") {
  return {{}, 200, {{"Content-Type", std::move(type)}}, std::move(body)};
}

}  // namespace

TEST_CASE("an AI-bot image message carries its encrypted download URL", "[wecom][aibot][media]") {
  const auto m = one(aibot(), R"({"msgid":"CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=","aibotid":"AIBOTID",)"
                              R"("chattype":"single","from":{"userid":"USERID"},)"
                              R"("response_url":"RESPONSEURL","msgtype":"image",)"
                              R"("image":{"url":")" +
                                  kCos + R"("}})");
  CHECK(m.text.empty());
  CHECK(m.chat_id == "USERID");
  REQUIRE(m.media.size() == 1);
  CHECK(m.media[0].kind == MediaKind::image);
  CHECK(m.media[0].url == kCos);
  CHECK(m.media[0].aes_key.empty());
}

TEST_CASE("an AI-bot mixed message is its text and its photos", "[wecom][aibot][media]") {
  const auto m = one(aibot(), R"({"msgid":"CAIQrcjMjQYY/NGagIOAgAMg6PDc/w0=","aibotid":"AIBOTID",)"
                              R"("chatid":"CHATID","chattype":"group","from":{"userid":"USERID"},)"
                              R"("response_url":"RESPONSEURL","msgtype":"mixed","mixed":)"
                              R"({"msg_item":[{"msgtype":"text","text":{"content":)"
                              R"("@机器人 这是今日的测试情况"}},{"msgtype":"image","image":)"
                              R"({"url":")" +
                                  kCos + R"("}}]}})");
  CHECK(m.chat_id == "CHATID");
  CHECK(m.text == "这是今日的测试情况");  // the @-mention of the bot stripped, as for text
  REQUIRE(m.media.size() == 1);
  CHECK(m.media[0].kind == MediaKind::image);
}

TEST_CASE("an AI-bot voice message is read as its speech-to-text", "[wecom][aibot][media]") {
  const auto m = one(aibot(), R"({"msgid":"v1","aibotid":"AIBOTID","chattype":"single",)"
                              R"("from":{"userid":"USERID"},"response_url":"RESPONSEURL",)"
                              R"("msgtype":"voice","voice":{"content":"这是语音转成文本的内容"}})");
  CHECK(m.text == "这是语音转成文本的内容");
  CHECK(m.media.empty());
}

TEST_CASE("an AI-bot file message and a long-connection aeskey are kept", "[wecom][aibot][media]") {
  // 43 characters: the EncodingAESKey form a long-connection message carries its key in.
  const std::string key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  const auto m = one(aibot(), R"({"msgid":"f1","aibotid":"AIBOTID","chattype":"single",)"
                              R"("from":{"userid":"USERID"},"msgtype":"file","file":{"url":")" +
                                  kCos + R"(","aeskey":")" + key + R"("}})");
  REQUIRE(m.media.size() == 1);
  CHECK(m.media[0].kind == MediaKind::file);
  CHECK(m.media[0].aes_key == key);
}

TEST_CASE("AI-bot media that cannot be fetched are refused with 400 and nothing else",
          "[wecom][aibot][media]") {
  for (const std::string body :
       {R"({"msgid":"b1","chattype":"single","from":{"userid":"u"},"msgtype":"image","image":{}})",
        R"({"msgid":"b2","chattype":"single","from":{"userid":"u"},"msgtype":"image",)"
        R"("image":{"url":"file:///etc/passwd"}})",
        R"({"msgid":"b3","chattype":"single","from":{"userid":"u"},"msgtype":"image",)"
        R"("image":{"url":"https://x/y","aeskey":"short"}})",
        R"({"msgid":"b4","chattype":"single","from":{"userid":"u"},"msgtype":"voice","voice":{}})",
        R"({"msgid":"b5","chattype":"single","from":{"userid":"u"},"msgtype":"mixed",)"
        R"("mixed":{"msg_item":"x"}})"}) {
    auto out = aibot().parse(aibot_post(body), kNowMs);
    REQUIRE_FALSE(out.has_value());
    CHECK(http_status(out.error()) == 400);
  }
}

TEST_CASE("an AI-bot download is decrypted with the channel's key or the message's",
          "[wecom][aibot][media]") {
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(100, 'x');
  MediaRef ref;
  ref.url = kCos;
  SECTION("webhook: the channel's EncodingAESKey") {
    const auto cipher = encrypt_media_for_test(crypt_for("V1").key(), png);
    auto out = aibot().interpret_media(ref, ok(cipher, "application/octet-stream"));
    CHECK(out.verdict == Verdict::delivered);
    CHECK(out.bytes == png);
  }
  SECTION("long connection: the message's own aeskey") {
    ref.aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const auto cipher = encrypt_media_for_test(*media_key(ref.aes_key), png);
    auto out = aibot().interpret_media(ref, ok(cipher));
    CHECK(out.verdict == Verdict::delivered);
    CHECK(out.bytes == png);
  }
  SECTION("bytes that are not its ciphertext fail for good") {
    auto out = aibot().interpret_media(ref, ok(png.substr(0, 50)));
    CHECK(out.verdict == Verdict::failed);
    CHECK_THAT(out.detail, Catch::Contains("cannot decrypt"));
  }
  SECTION("a 5xx is retried, a 404 is final") {
    CHECK(aibot().interpret_media(ref, {{}, 503, {}, ""}).verdict == Verdict::retry);
    CHECK(aibot().interpret_media(ref, {{}, 404, {}, ""}).verdict == Verdict::failed);
  }
}

TEST_CASE("app image and voice messages carry their MediaId", "[wecom][app][media]") {
  // WC-APP 90239's examples (PicUrl there is a placeholder, not a URL: only the MediaId stays).
  auto out = app().parse(
      app_post("<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]>"
               "</FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[image]]>"
               "</MsgType><PicUrl><![CDATA[this is a url]]></PicUrl><MediaId><![CDATA[media_id]]>"
               "</MediaId><MsgId>1234567890123456</MsgId><AgentID>1</AgentID></xml>"),
      kNowMs);
  REQUIRE(out.has_value());
  REQUIRE(out->messages.size() == 1);
  const auto& m = out->messages[0];
  CHECK(m.text.empty());
  REQUIRE(m.media.size() == 1);
  CHECK(m.media[0].kind == MediaKind::image);
  CHECK(m.media[0].media_id == "media_id");
  CHECK(m.media[0].url.empty());

  out = app().parse(
      app_post("<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]>"
               "</FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[voice]]>"
               "</MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[Format]]>"
               "</Format><MsgId>1234567890123457</MsgId><AgentID>1</AgentID></xml>"),
      kNowMs);
  REQUIRE(out.has_value());
  REQUIRE(out->messages.at(0).media.size() == 1);
  CHECK(out->messages[0].media[0].kind == MediaKind::voice);

  // Neither a MediaId nor a URL: malformed.
  out = app().parse(app_post("<xml><FromUserName>u</FromUserName><MsgType>image</MsgType>"
                             "<MsgId>9</MsgId></xml>"),
                    kNowMs);
  REQUIRE_FALSE(out.has_value());
  CHECK(http_status(out.error()) == 400);
}

TEST_CASE("app media are fetched by MediaId with the access token", "[wecom][app][media]") {
  const auto a = app("app-secret-0123456789");
  MediaRef ref;
  ref.kind = MediaKind::image;
  ref.media_id = "MEDIA 1";
  auto token = a.token_request(kNowMs);
  REQUIRE(token.has_value());
  CHECK_FALSE(a.media_request(ref, kNowMs).has_value());  // no token yet
  REQUIRE(a.accept_token({{}, 200, {}, R"({"errcode":0,"access_token":"TOK","expires_in":7200})"},
                         kNowMs));
  auto req = a.media_request(ref, kNowMs);
  REQUIRE(req.has_value());
  CHECK(req->method == "GET");
  CHECK(req->url == "http://127.0.0.1:9/cgi-bin/media/get?access_token=TOK&media_id=MEDIA%201");

  CHECK(a.interpret_media(ref, ok("\xFF\xD8\xFFjpeg")).verdict == Verdict::delivered);
  CHECK(a.interpret_media(ref, ok(R"({"errcode":40007,"errmsg":"invalid media_id"})",
                                  "application/json; charset=UTF-8"))
            .verdict == Verdict::failed);
  // An expired token is dropped and the download retried with a fresh one.
  CHECK(a.interpret_media(ref, ok(R"({"errcode":42001})", "application/json")).verdict ==
        Verdict::retry);
  CHECK(a.token_request(kNowMs).has_value());
}

TEST_CASE("an app without a secret fetches a photo's PicUrl, and nothing by MediaId",
          "[wecom][app][media]") {
  MediaRef ref;
  ref.media_id = "m";
  CHECK_FALSE(app().media_request(ref, kNowMs).has_value());
  ref.url = "https://wework.qpic.cn/x";
  auto req = app().media_request(ref, kNowMs);
  REQUIRE(req.has_value());
  CHECK(req->url == ref.url);
}
