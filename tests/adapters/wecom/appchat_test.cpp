#include "adapters/wecom/appchat_adapter.hpp"

#include "base/common/errors.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using namespace gridbot::adapters;
using namespace gridbot::adapters::wecom;

namespace {
AppchatAdapter make() {
  AppchatOptions o;
  o.base_url = "https://127.0.0.1:9";
  o.corp_id = "ww1436e0e65a779aee";
  o.corp_secret = "se+cret/=";
  return AppchatAdapter(o);
}
TransportResult ok(std::string body) { return {{}, 200, {}, std::move(body)}; }
}  // namespace

TEST_CASE("appchat: a token is fetched first, cached, and refreshed before it expires",
          "[wecom][appchat]") {
  auto a = make();
  OutboxItem item;
  item.chat_id = "CHAT1";
  item.text = "【工单#1001】楼道灯坏了";
  CHECK(a.build_send(item, 0).error() == make_error_code(errc::bad_request));  // no token yet
  auto fetch = a.token_request(0);
  REQUIRE(fetch);
  CHECK(fetch->method == "GET");
  CHECK(
      fetch->url ==
      "https://127.0.0.1:9/cgi-bin/gettoken?corpid=ww1436e0e65a779aee&corpsecret=se%2Bcret%2F%3D");
  CHECK_FALSE(a.accept_token(ok(R"({"errcode":40013,"errmsg":"invalid corpid"})"), 0));
  REQUIRE(a.accept_token(ok(R"({"errcode":0,"access_token":"TOKEN-1","expires_in":7200})"), 0));
  CHECK_FALSE(a.token_request(1000));  // cached
  auto send = a.build_send(item, 1000);
  REQUIRE(send.has_value());
  CHECK(send->url == "https://127.0.0.1:9/cgi-bin/appchat/send?access_token=TOKEN-1");
  CHECK(
      send->body ==
      R"({"chatid":"CHAT1","msgtype":"text","text":{"content":"【工单#1001】楼道灯坏了"},"safe":0})");
  // Five minutes before expiry a fresh token is fetched.
  CHECK(a.token_request((7200 - 301) * 1000LL) == std::nullopt);
  CHECK(a.token_request((7200 - 299) * 1000LL).has_value());
}

TEST_CASE("appchat: token errcodes drop the token and retry, others map as documented",
          "[wecom][appchat]") {
  auto a = make();
  REQUIRE(a.accept_token(ok(R"({"errcode":0,"access_token":"T","expires_in":7200})"), 0));
  CHECK(a.interpret(ok(R"({"errcode":0,"errmsg":"ok"})")).verdict == Verdict::delivered);
  auto expired = a.interpret(ok(R"({"errcode":42001,"errmsg":"access_token expired"})"));
  CHECK(expired.verdict == Verdict::retry);
  CHECK(a.token_request(1000).has_value());  // forgotten: the next send fetches again
  CHECK(a.interpret(ok(R"({"errcode":45009,"errmsg":"freq out of limit"})")).verdict ==
        Verdict::throttled);
  CHECK(a.interpret({std::make_error_code(std::errc::connection_refused), 0, {}, ""}).verdict ==
        Verdict::retry);
  HttpRequest hook;
  hook.method = "POST";
  CHECK(a.parse(hook, 0).error() == make_error_code(errc::method_not_allowed));
}

#include "adapters/wecom/customer_group_adapter.hpp"

TEST_CASE("customer groups: a group-send task the owner confirms, recorded as awaiting",
          "[wecom][customer_group]") {
  CustomerGroupAdapter a(CustomerGroupOptions{"https://127.0.0.1:9", "corp", "s"});
  OutboxItem item;
  item.chat_id = "zhangsan/wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";
  item.text = "【通知】明天上午停水";
  CHECK(a.build_send(item, 0).error() == make_error_code(errc::bad_request));  // no token yet
  REQUIRE(a.token_request(0).has_value());
  REQUIRE(a.accept_token(ok(R"({"errcode":0,"access_token":"TK","expires_in":7200})"), 0));
  auto send = a.build_send(item, 0);
  REQUIRE(send.has_value());
  CHECK(send->url ==
        "https://127.0.0.1:9/cgi-bin/externalcontact/add_msg_template?access_token=TK");
  CHECK(
      send->body ==
      R"({"chat_type":"group","sender":"zhangsan","chat_id_list":["wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"],"text":{"content":"【通知】明天上午停水"}})");
  auto task = a.interpret(
      ok(R"({"errcode":0,"errmsg":"ok","fail_list":[],"msgid":"msgGCAAAXtWyujaWJHDDGi0mAC"})"));
  CHECK(task.verdict == Verdict::awaiting);
  CHECK(task.detail == "task msgGCAAAXtWyujaWJHDDGi0mAC");
  item.chat_id = "no-owner";
  CHECK(a.build_send(item, 0).error() == make_error_code(errc::bad_request));
  CHECK(a.interpret(ok(R"({"errcode":42001})")).verdict == Verdict::retry);
  CHECK(a.token_request(0).has_value());
}

TEST_CASE("customer groups: the owner's confirmation is asked for and read from send_list",
          "[wecom][customer_group]") {
  CustomerGroupAdapter a(CustomerGroupOptions{"https://127.0.0.1:9", "corp", "s"});
  OutboxItem item;
  item.chat_id = "zhangsan/wrCHAT5";
  item.state = DeliveryState::awaiting;
  item.last_error = "task msgTASK5";
  CHECK(task_of(item) == "msgTASK5");
  CHECK_FALSE(a.confirmation_request(item, 0).has_value());  // no token yet
  REQUIRE(a.accept_token(ok(R"({"errcode":0,"access_token":"TK","expires_in":7200})"), 0));
  auto ask = a.confirmation_request(item, 0);
  REQUIRE(ask.has_value());
  CHECK(ask->method == "POST");
  CHECK(ask->url ==
        "https://127.0.0.1:9/cgi-bin/externalcontact/get_groupmsg_send_result?access_token=TK");
  CHECK(ask->body == R"({"msgid":"msgTASK5","userid":"zhangsan","limit":1000})");

  auto answer = [&](const std::string& body) { return a.interpret_confirmation(item, ok(body)); };
  const std::string other = R"({"chat_id":"wrOTHER","userid":"zhangsan","status":1,"send_time":5})";
  SECTION("status 1 for this group: confirmed at send_time") {
    auto c =
        answer(R"({"errcode":0,"errmsg":"ok","next_cursor":"","send_list":[)" + other +
               R"(,{"chat_id":"wrCHAT5","userid":"zhangsan","status":1,"send_time":1700000000}]})");
    CHECK(c.state == Confirmation::confirmed);
    CHECK(c.at_ms == 1700000000000);
  }
  SECTION("status 0, or the group not listed yet: pending") {
    CHECK(answer(
              R"({"errcode":0,"send_list":[{"chat_id":"wrCHAT5","userid":"zhangsan","status":0}]})")
              .state == Confirmation::pending);
    CHECK(answer(R"({"errcode":0,"send_list":[)" + other + "]}").state == Confirmation::pending);
    CHECK(answer(R"({"errcode":0,"send_list":[]})").state == Confirmation::pending);
  }
  SECTION("status 2 and 3: failed, with the reason") {
    auto c2 = answer(R"({"errcode":0,"send_list":[{"chat_id":"wrCHAT5","status":2}]})");
    CHECK(c2.state == Confirmation::failed);
    CHECK(c2.detail.find("msgTASK5") != std::string::npos);
    auto c3 = answer(R"({"errcode":0,"send_list":[{"chat_id":"wrCHAT5","status":3}]})");
    CHECK(c3.state == Confirmation::failed);
    CHECK(c3.detail.find("quota") != std::string::npos);
  }
  SECTION("token errcodes drop the token; other trouble is unknown, never a verdict") {
    CHECK(answer(R"({"errcode":42001,"errmsg":"access_token expired"})").state ==
          Confirmation::unknown);
    CHECK(a.token_request(0).has_value());
    CHECK(answer("<html>").state == Confirmation::unknown);
    CHECK(answer(R"({"errcode":41063,"errmsg":"msgid invalid"})").state == Confirmation::unknown);
    CHECK(a.interpret_confirmation(item, TransportResult{{}, 502, {}, ""}).state ==
          Confirmation::unknown);
  }
  SECTION("a row without a task, or with a chat id that is not OWNER/CHAT, asks nothing") {
    OutboxItem bare = item;
    bare.last_error = "";
    CHECK_FALSE(a.confirmation_request(bare, 0).has_value());
    bare = item;
    bare.chat_id = "wrCHAT5";
    CHECK_FALSE(a.confirmation_request(bare, 0).has_value());
  }
}

TEST_CASE("customer groups: a task WeCom will not send (fail_list) fails at once",
          "[wecom][customer_group]") {
  CustomerGroupAdapter a(CustomerGroupOptions{"https://127.0.0.1:9", "corp", "s"});
  auto r = a.interpret(ok(R"({"errcode":0,"fail_list":["wrCHAT5"],"msgid":"msgX"})"));
  CHECK(r.verdict == Verdict::failed);
  CHECK(r.detail.find("msgX") != std::string::npos);
}
