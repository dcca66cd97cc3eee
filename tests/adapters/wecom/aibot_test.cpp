// The wecom_aibot adapter: URL verification, encrypted JSON callbacks, replies via response_url.
#include "adapters/wecom/aibot_adapter.hpp"
#include "adapters/wecom/long_connection.hpp"

#include "base/common/errors.hpp"
#include "tests/adapters/wecom/helpers.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;
using namespace wecom_test;

namespace {

constexpr int64_t kNowMs = 1'409'659'813'000;  // the D1 vector's timestamp
const std::string kBase = "http://127.0.0.1:9";

AibotAdapter make(std::string bot_name = "") {
  AibotOptions o;
  o.base_url = kBase;
  o.bot_name = std::move(bot_name);
  o.other_bots = {"other-bot"};
  return AibotAdapter(crypt_for("V1"), o);
}

HttpRequest post(const std::string& plaintext, int64_t ts_s = kNowMs / 1000,
                 const std::string& nonce = "1372623149") {
  auto c = crypt_for("V1");
  const std::string enc = c.encrypt(plaintext, "");
  const std::string ts = std::to_string(ts_s);
  HttpRequest r;
  r.method = "POST";
  r.target = callback_target(c.signature(ts, nonce, enc), ts, nonce);
  r.body = R"({"encrypt":")" + enc + R"("})";
  return r;
}

std::string group_text(const std::string& content) {
  return R"({"msgid":"m-7","aibotid":"AIB","chatid":"wrkGRID5","chattype":"group",)"
         R"("from":{"userid":"zhangsan"},"response_url":")" +
         kBase +
         R"(/cgi-bin/aibot/response?response_code=abc","msgtype":"text","text":{"content":")" +
         content + R"("}})";
}

}  // namespace

TEST_CASE("the D1 AI-bot callback parses into one addressed message", "[wecom][aibot]") {
  const auto& d1 = vectors()["encrypt"][1];
  REQUIRE(str(d1, "id") == "D1");
  HttpRequest r;
  r.method = "POST";
  r.target = callback_target(str(d1, "msg_signature"), str(d1, "timestamp"), str(d1, "nonce"));
  r.body = R"({"encrypt":")" + str(d1, "encrypt") + R"("})";
  auto out = make().parse(r, kNowMs);
  REQUIRE(out.has_value());
  REQUIRE(out->messages.size() == 1);
  const auto& m = out->messages[0];
  CHECK(m.msg_id == "MSG1");
  CHECK(m.chat_id == "CHATID");
  CHECK(m.sender_id == "USERID");
  CHECK(m.text == "hello robot");  // "@RobotA " stripped
  CHECK(m.mentions_bot);
  CHECK_FALSE(m.from_bot);
  CHECK(m.reply_token == "RESPONSEURL");
  CHECK(m.sent_at_s == kNowMs / 1000);
  CHECK(out->reply.status == 200);
  CHECK(out->reply.body.empty());
}

TEST_CASE("URL verification answers the bare decrypted echostr", "[wecom][aibot]") {
  auto c = crypt_for("V1");
  const std::string echostr = c.encrypt("7310946521984567321", "");  // AI bot: receive id ""
  const std::string ts = std::to_string(kNowMs / 1000);
  HttpRequest r;
  r.method = "GET";
  r.target = callback_target(c.signature(ts, "5521", echostr), ts, "5521", echostr);
  auto out = make().parse(r, kNowMs);
  REQUIRE(out.has_value());
  CHECK(out->messages.empty());
  CHECK(out->reply.status == 200);
  CHECK(out->reply.body == "7310946521984567321");
  CHECK(header_value(out->reply.headers, "Content-Type").substr(0, 10) == "text/plain");

  SECTION("an echostr made for an app (receive id = corp id) is refused") {
    const auto& v1a = vectors()["url_verification"][0];
    HttpRequest g;
    g.method = "GET";
    g.target = "/hook/w?msg_signature=" + str(v1a, "msg_signature") +
               "&timestamp=" + str(v1a, "timestamp") + "&nonce=" + str(v1a, "nonce") +
               "&echostr=" + str(v1a, "echostr_query");
    auto bad = make().parse(g, 1'409'659'589'000);
    REQUIRE_FALSE(bad.has_value());
    CHECK(http_status(bad.error()) == 400);
  }
  SECTION("a GET without echostr is malformed") {
    r.target = callback_target(c.signature(ts, "5521", echostr), ts, "5521");
    CHECK(make().parse(r, kNowMs).error() == make_error_code(errc::malformed));
  }
}

TEST_CASE("bad AI-bot callbacks are refused with the status of the table", "[wecom][aibot]") {
  auto a = make();
  const std::string msg = group_text("@bot hi");
  SECTION("stale timestamp → 401") {
    auto r = a.parse(post(msg, kNowMs / 1000 - 301), kNowMs);
    CHECK(r.error() == make_error_code(errc::stale_timestamp));
    CHECK(a.parse(post(msg, kNowMs / 1000 + 301), kNowMs).error() ==
          make_error_code(errc::stale_timestamp));
    CHECK(a.parse(post(msg, kNowMs / 1000 - 299), kNowMs).has_value());
  }
  SECTION("wrong signature → 401") {
    auto r = post(msg);
    r.target.replace(r.target.find("msg_signature=") + 14, 4, "0000");
    CHECK(a.parse(r, kNowMs).error() == make_error_code(errc::bad_signature));
  }
  SECTION("ciphertext changed after signing → 401") {
    auto r = post(msg);
    r.body[15] = r.body[15] == 'A' ? 'B' : 'A';
    CHECK(a.parse(r, kNowMs).error() == make_error_code(errc::bad_signature));
  }
  SECTION("missing query → 401") {
    auto r = post(msg);
    r.target = "/hook/wecom";
    CHECK(a.parse(r, kNowMs).error() == make_error_code(errc::bad_signature));
  }
  SECTION("body not JSON, or without encrypt → 400") {
    auto r = post(msg);
    r.body = "{not json";
    CHECK(a.parse(r, kNowMs).error() == make_error_code(errc::malformed));
    r.body = R"({"Encrypt":"x"})";
    CHECK(a.parse(r, kNowMs).error() == make_error_code(errc::malformed));
    // Unsigned nesting deep enough to overflow a recursive parser's stack: parsed iteratively.
    r.body = std::string(500'000, '[');
    CHECK(a.parse(r, kNowMs).error() == make_error_code(errc::malformed));
  }
  SECTION("decrypted plaintext that is not JSON, or lacks fields → 400") {
    CHECK(a.parse(post("<xml/>"), kNowMs).error() == make_error_code(errc::malformed));
    CHECK(a.parse(post(R"({"msgtype":"text","text":{"content":"x"}})"), kNowMs).error() ==
          make_error_code(errc::malformed));
    CHECK(a.parse(post(R"({"msgid":"1","chattype":"group","from":{"userid":"u"},)"
                       R"("msgtype":"text","text":{"content":"x"}})"),
                  kNowMs)
              .error() == make_error_code(errc::malformed));  // group without chatid
  }
  SECTION("other methods → 405") {
    auto r = post(msg);
    r.method = "PUT";
    CHECK(http_status(a.parse(r, kNowMs).error()) == 405);
  }
}

TEST_CASE("single chats, events and media are handled on purpose", "[wecom][aibot]") {
  auto a = make();
  SECTION("a single chat's conversation is the user") {
    auto out = a.parse(post(R"({"msgid":"s1","aibotid":"AIB","chattype":"single","from":)"
                            R"({"userid":"lisi"},"msgtype":"text","text":{"content":"@x 你好"}})"),
                       kNowMs);
    REQUIRE(out.has_value());
    REQUIRE(out->messages.size() == 1);
    CHECK(out->messages[0].chat_id == "lisi");
    CHECK(out->messages[0].text == "@x 你好");  // no @-stripping outside groups
    CHECK(out->messages[0].reply_token.empty());
  }
  SECTION("events, stream polls and videos are acknowledged without a message") {
    for (
        const char* body :
        {R"({"msgid":"e1","msgtype":"event","event":{"eventtype":"enter_chat"},"from":{"userid":"u"}})",
         R"({"msgid":"e2","msgtype":"stream","stream":{"id":"S1"},"from":{"userid":"u"}})",
         R"({"msgid":"e3","msgtype":"video","video":{"url":"http://x"},"from":{"userid":"u"}})"}) {
      auto out = a.parse(post(body), kNowMs);
      REQUIRE(out.has_value());
      CHECK(out->messages.empty());
      CHECK(out->reply.status == 200);
    }
  }
  SECTION("messages from listed other bots are marked") {
    auto out =
        a.parse(post(R"({"msgid":"o1","chattype":"group","chatid":"g","from":)"
                     R"({"userid":"other-bot"},"msgtype":"text","text":{"content":"@a b"}})"),
                kNowMs);
    REQUIRE(out.has_value());
    CHECK(out->messages.at(0).from_bot);
  }
}

TEST_CASE("the leading @-mention is stripped whatever space follows it", "[wecom][aibot]") {
  CHECK(strip_leading_mention("@RobotA hello robot", "") == "hello robot");
  CHECK(strip_leading_mention("@网格助手\u2005受理 #12", "") == "受理 #12");
  CHECK(strip_leading_mention("@网格助手\u00a0受理 #12", "网格助手") == "受理 #12");
  CHECK(strip_leading_mention("@网格 助手 受理", "网格 助手") == "受理");
  CHECK(strip_leading_mention("@别人 受理", "网格助手") == "@别人 受理");
  CHECK(strip_leading_mention("没有提及", "") == "没有提及");
  CHECK(strip_leading_mention("@RobotA", "") == "");
  auto out = make("网格助手").parse(post(group_text("@网格助手\u2005受理 #3")), kNowMs);
  REQUIRE(out.has_value());
  CHECK(out->messages.at(0).text == "受理 #3");
}

TEST_CASE("replies are markdown POSTed to the message's response_url", "[wecom][aibot]") {
  auto a = make();
  OutboxItem item;
  item.chat_id = "wrkGRID5";
  item.text = "已受理 #3";
  item.reply_token = kBase + "/cgi-bin/aibot/response?response_code=abc";
  auto req = a.build_send(item, kNowMs);
  REQUIRE(req.has_value());
  CHECK(req->method == "POST");
  CHECK(req->url == item.reply_token);
  CHECK(req->body == R"({"msgtype":"markdown","markdown":{"content":"已受理 #3"}})");
  CHECK(a.max_text_bytes() == 20480);

  SECTION("no reply_token → bad_request (the core routes it elsewhere)") {
    item.reply_token.clear();
    CHECK(a.build_send(item, kNowMs).error() == make_error_code(errc::bad_request));
  }
  SECTION("a response_url outside base_url → bad_request") {
    item.reply_token = "http://169.254.169.254/latest";
    CHECK(a.build_send(item, kNowMs).error() == make_error_code(errc::bad_request));
  }
  SECTION("a used or expired response_url fails the message, never the chat") {
    TransportResult t;
    t.status = 200;
    t.body = R"({"errcode":93000,"errmsg":"invalid"})";
    CHECK(a.interpret(t).verdict == Verdict::failed);
    t.body = R"({"errcode":0,"errmsg":"ok"})";
    CHECK(a.interpret(t).verdict == Verdict::delivered);
  }
}

TEST_CASE("a long-connection frame whose body holds a number past a double's range is malformed",
          "[wecom][aibot]") {
  const std::string head = R"({"cmd":"aibot_msg_callback","headers":{"req_id":"REQ1"},"body":)";
  const auto fine = gridbot::adapters::wecom::parse_long_conn_frame(
      head + R"({"msgid":"m1","send_time":1700000000})" + "}");
  REQUIRE(fine);
  CHECK(fine->body == R"({"msgid":"m1","send_time":1700000000})");
  // 1e400 reads as infinity, which no JSON writer can put back.
  CHECK_FALSE(gridbot::adapters::wecom::parse_long_conn_frame(
      head + R"({"msgid":"m1","send_time":1e400})" + "}"));
}
