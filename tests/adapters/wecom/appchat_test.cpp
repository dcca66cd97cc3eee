#include "adapters/wecom/appchat_adapter.hpp"

#include "bot/common/errors.hpp"

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

TEST_CASE("appchat: token errcodes drop the token and retry; others map as documented",
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
  CustomerGroupOptions o;
  o.base_url = "https://127.0.0.1:9";
  o.corp_id = "corp";
  o.secret = "s";
  CustomerGroupAdapter a(o);
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
