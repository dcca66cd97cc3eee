// The wecom_robot adapter (webhook sends, errcode table) and the registry's WeCom options.
#include "adapters/wecom/robot_adapter.hpp"

#include "adapters/common/text.hpp"
#include "base/common/errors.hpp"
#include "base/config/config.hpp"
#include "tests/adapters/wecom/helpers.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;

namespace {

constexpr const char* kKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

RobotAdapter make(RobotMode mode = RobotMode::text) {
  RobotOptions o;
  o.base_url = "http://127.0.0.1:9";
  o.mode = mode;
  return RobotAdapter(o);
}

TransportResult answer(int status, std::string body) {
  TransportResult t;
  t.status = status;
  t.body = std::move(body);
  return t;
}

}  // namespace

TEST_CASE("a robot send goes to webhook/send with the chat's key", "[wecom][robot]") {
  OutboxItem item;
  item.chat_id = kKey;
  item.text = "网格5：#12 已受理";
  item.mentions = {"zhangsan", "13800001111", "@all"};
  auto req = make().build_send(item, 0);
  REQUIRE(req.has_value());
  CHECK(req->method == "POST");
  CHECK(req->url == std::string("http://127.0.0.1:9/cgi-bin/webhook/send?key=") + kKey);
  CHECK(
      req->body ==
      R"({"msgtype":"text","text":{"content":"网格5：#12 已受理","mentioned_list":["zhangsan","@all"],)"
      R"("mentioned_mobile_list":["13800001111"]}})");
  CHECK(header_value(req->headers, "Content-Type").substr(0, 16) == "application/json");

  SECTION("no mentions → no lists") {
    item.mentions.clear();
    CHECK(make().build_send(item, 0)->body ==
          R"({"msgtype":"text","text":{"content":"网格5：#12 已受理"}})");
  }
  SECTION("a key cannot smuggle query parameters") {
    item.chat_id = "k&debug=1";
    CHECK(make().build_send(item, 0)->url ==
          "http://127.0.0.1:9/cgi-bin/webhook/send?key=k%26debug%3D1");
  }
  SECTION("an empty key is a bad request") {
    item.chat_id.clear();
    CHECK(make().build_send(item, 0).error() == make_error_code(errc::bad_request));
  }
  SECTION("markdown mode appends <@userid> tags and drops mobiles") {
    auto md = make(RobotMode::markdown).build_send(item, 0);
    REQUIRE(md.has_value());
    CHECK(
        md->body ==
        R"({"msgtype":"markdown","markdown":{"content":"网格5：#12 已受理 <@zhangsan> <@@all>"}})");
  }
}

TEST_CASE("mobile-looking mentions are told from userids", "[wecom][robot]") {
  CHECK(looks_like_mobile("13800001111"));
  CHECK(looks_like_mobile("+8613800001111"));
  CHECK_FALSE(looks_like_mobile("1380000111"));   // 10 digits
  CHECK_FALSE(looks_like_mobile("23800001111"));  // not a mainland mobile
  CHECK_FALSE(looks_like_mobile("zhangsan"));
  CHECK_FALSE(looks_like_mobile("10001"));  // numeric employee ids stay userids
}

TEST_CASE("robots cannot receive", "[wecom][robot]") {
  HttpRequest r;
  r.method = "POST";
  CHECK(http_status(make().parse(r, 0).error()) == 405);
}

TEST_CASE("every robot errcode maps to its documented verdict", "[wecom][robot]") {
  auto a = make();
  CHECK(a.interpret(answer(200, R"({"errcode":0,"errmsg":"ok"})")).verdict == Verdict::delivered);
  for (const char* throttled : {R"({"errcode":45009,"errmsg":"api freq out of limit"})",
                                R"({"errcode":130101,"errmsg":"send too fast"})"}) {
    auto o = a.interpret(answer(200, throttled));
    CHECK(o.verdict == Verdict::throttled);
    CHECK(o.retry_after_ms == 60'000);
  }
  auto gone = a.interpret(answer(200, R"({"errcode":93000,"errmsg":"invalid webhook url"})"));
  CHECK(gone.verdict == Verdict::disabled);
  CHECK(gone.detail.find("93000") != std::string::npos);
  CHECK(a.interpret(answer(200, R"({"errcode":-1,"errmsg":"system busy"})")).verdict ==
        Verdict::retry);
  for (const char* fail :
       {R"({"errcode":40058,"errmsg":"content exceed max length 2048"})",
        R"({"errcode":40008,"errmsg":"invalid message type"})",
        R"({"errcode":44001,"errmsg":"empty media data"})", R"({"errcode":12345})"}) {
    INFO(fail);
    CHECK(a.interpret(answer(200, fail)).verdict == Verdict::failed);
  }
  CHECK(a.interpret(answer(502, "bad gateway")).verdict == Verdict::retry);
  CHECK(a.interpret(answer(429, "")).verdict == Verdict::throttled);
  CHECK(a.interpret(answer(404, "no")).verdict == Verdict::failed);
  CHECK(a.interpret(answer(200, "<html>portal</html>")).verdict == Verdict::retry);
  TransportResult down;
  down.error = std::make_error_code(std::errc::connection_refused);
  CHECK(a.interpret(down).verdict == Verdict::retry);
}

TEST_CASE("robot texts are split to the platform's byte limit", "[wecom][robot]") {
  CHECK(make().max_text_bytes() == 2048);
  CHECK(make(RobotMode::markdown).max_text_bytes() == 4096 - 256);
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "居民反映5栋电梯故障，";  // 30 bytes each
  auto parts = split_text(long_text, make().max_text_bytes());
  REQUIRE(parts.size() > 1);
  for (const auto& p : parts) {
    OutboxItem item;
    item.chat_id = kKey;
    item.text = p;
    CHECK(p.size() <= 2048);
    CHECK(make().build_send(item, 0).has_value());
  }
}

namespace {

std::vector<std::string> build_errors(const std::string& type,
                                      std::map<std::string, std::string> options) {
  config::ChannelConfig ch;
  ch.name = "wc";
  ch.type = type;
  ch.line = 7;
  ch.options = std::move(options);
  std::vector<std::string> errors;
  auto a = make_adapter(ch, "gridbot.json", &errors);
  CHECK((a != nullptr) == errors.empty());
  if (a) CHECK(a->type() == type);
  return errors;
}

const std::string kAesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

}  // namespace

TEST_CASE("the registry builds the WeCom types and names every bad option", "[wecom][registry]") {
  CHECK(build_errors("wecom_robot", {}).empty());
  CHECK(build_errors("wecom_robot", {{"mode", "markdown"}, {"base_url", "http://127.0.0.1:1/"}})
            .empty());
  CHECK(build_errors("wecom_aibot", {{"token", "QDG6eK"}, {"encoding_aes_key", kAesKey}}).empty());
  CHECK(build_errors("wecom_app", {{"token", "QDG6eK"},
                                   {"encoding_aes_key", kAesKey},
                                   {"corp_id", "wx5823bf96d3bd56c7"},
                                   {"agent_id", "218"}})
            .empty());

  auto e = build_errors("wecom_aibot", {{"token", "QDG6eK"}, {"encoding_aes_key", "short"}});
  REQUIRE(e.size() == 1);
  CHECK(e[0] ==
        "gridbot.json:7: channels.wc.encoding_aes_key: must be the console's 43-character "
        "EncodingAESKey (letters and digits; got 5 characters)");
  e = build_errors("wecom_app", {{"encoding_aes_key", kAesKey}});
  CHECK(e.size() == 2);  // token and corp_id required
  e = build_errors("wecom_robot", {{"mode", "html"}, {"base_url", "ftp://x"}, {"key", "k"}});
  CHECK(e.size() == 3);
  e = build_errors("wecom_aibot", {{"token", "bad token!"}, {"encoding_aes_key", kAesKey}});
  REQUIRE(e.size() == 1);
  CHECK(e[0].find("channels.wc.token:") != std::string::npos);
}
