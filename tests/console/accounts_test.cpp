// Account changes in the console: an admin disables, enables, resets a password and revokes
// tokens within its subtree (sessions and tokens stop at once); everyone changes their own
// password with the current one; the client address behind a trusted reverse proxy.
#include "bot/console/console_api.hpp"

#include "tests/console/console_world.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using gridbot::test::ConsoleWorld;
using gridbot::test::contains;

namespace {

int login_status(ConsoleWorld& w, const std::string& name, const std::string& password,
                 const Headers& headers = {}, const std::string& peer = "10.0.0.1") {
  return w
      .call("POST", "/console/api/login",
            R"({"name":")" + name + R"(","password":")" + password + R"("})", headers, peer)
      .status;
}

HttpResponse manage(ConsoleWorld& w, const ConsoleWorld::Session& s, const std::string& what,
                    const std::string& body) {
  return w.call("POST", "/console/api/accounts/" + what, body, s.with_csrf());
}

}  // namespace

TEST_CASE("a disabled account's session and token stop at once and work again when enabled",
          "[console][accounts]") {
  ConsoleWorld w;
  auto admin = w.login("chen");
  auto sun = w.login("sun");
  REQUIRE(w.api_get("/api/v1/tickets", "sun").status == 200);
  auto r = manage(w, admin, "disable", R"({"name":"sun"})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(w.call("GET", "/console/api/me", "", sun.without_csrf()).status == 401);
  CHECK(w.api_get("/api/v1/tickets", "sun").status == 401);
  CHECK(login_status(w, "sun", ConsoleWorld::password_of("sun")) == 401);
  CHECK(contains(
      w.call("GET", "/console/api/accounts", "", admin.without_csrf()).body,
      R"("name":"sun","display_name":"sun师傅","node":"g1","node_name":"第1网格","role":"operator","disabled":true)"));
  auto audit = w.store->audit({0, "sun", 0, 10});
  REQUIRE_FALSE(audit.empty());
  CHECK(audit[0].action == "account.disable");
  CHECK(audit[0].account == "chen");
  CHECK(audit[0].result == "ok");

  REQUIRE(manage(w, admin, "enable", R"({"name":"sun"})").status == 200);
  // The token is live again; the session that was open stays ended.
  CHECK(w.api_get("/api/v1/tickets", "sun").status == 200);
  CHECK(w.call("GET", "/console/api/me", "", sun.without_csrf()).status == 401);
  CHECK(login_status(w, "sun", ConsoleWorld::password_of("sun")) == 200);

  r = manage(w, admin, "revoke", R"({"name":"sun"})");
  CHECK(r.status == 200);
  CHECK(contains(r.body, R"("tokens_revoked":1)"));
  CHECK(w.api_get("/api/v1/tickets", "sun").status == 401);
  CHECK(w.store->audit({0, "sun", 0, 1})[0].detail == "1 token(s)");

  // `gridbot user disable` runs the same change; the admin above the account sees it audited.
  AuditEntry cli;
  cli.at_ms = w.clock.now_ms();
  cli.account = "cli";
  REQUIRE_FALSE(w.store->write_sync([&](store::WriteTx& tx) {
    REQUIRE(console::change_account(tx, "sun", console::AccountChange::disable, "", "", cli).found);
  }));
  CHECK(w.call("GET", "/console/api/me", "", w.login("chen").without_csrf()).status == 200);
  CHECK(login_status(w, "sun", ConsoleWorld::password_of("sun")) == 401);
  const auto log = w.call("GET", "/console/api/audit?target=sun", "", admin.without_csrf()).body;
  CHECK(contains(log, R"("account":"cli","action":"account.disable","target":"sun")"));
}

TEST_CASE("an admin resets a password: the old one and every session end", "[console][accounts]") {
  ConsoleWorld w;
  auto admin = w.login("chen");
  auto sun = w.login("sun");
  CHECK(manage(w, admin, "password", R"({"name":"sun","password":"short"})").status == 400);
  REQUIRE(manage(w, admin, "password", R"({"name":"sun","password":"a-new-password-77"})").status ==
          200);
  CHECK(w.call("GET", "/console/api/me", "", sun.without_csrf()).status == 401);
  CHECK(login_status(w, "sun", ConsoleWorld::password_of("sun")) == 401);
  CHECK(login_status(w, "sun", "a-new-password-77") == 200);
  CHECK(w.store->audit({0, "sun", 0, 10}).back().action == "account.password");
}

TEST_CASE("account changes are refused outside the subtree, to non-admins, without the token",
          "[console][accounts][scope]") {
  ConsoleWorld w;
  w.add("gao", "g1", AccountRole::admin);
  auto gao = w.login("gao");
  auto liu = w.login("liu");
  auto chen = w.login("chen");
  const auto accounts = w.store->accounts();
  const auto audit = w.store->audit({0, "", 0, 1000}).size();
  // zhu is of the third grid: as if there were no such account. The street's admin is above.
  for (const char* what : {"disable", "enable", "revoke"}) {
    CHECK(manage(w, gao, what, R"({"name":"zhu"})").status == 404);
    CHECK(manage(w, gao, what, R"({"name":"chen"})").status == 404);
    CHECK(manage(w, gao, what, R"({"name":"nobody"})").status == 404);
  }
  CHECK(manage(w, gao, "password", R"({"name":"zhu","password":"0123456789ab"})").status == 404);
  // An operator may not; nor anybody without the CSRF token; nor on itself.
  CHECK(manage(w, liu, "disable", R"({"name":"sun"})").status == 403);
  CHECK(w.call("POST", "/console/api/accounts/disable", R"({"name":"sun"})", chen.without_csrf())
            .status == 403);
  CHECK(manage(w, chen, "disable", R"({"name":"chen"})").status == 400);
  CHECK(manage(w, chen, "password", R"({"name":"chen","password":"0123456789ab"})").status == 400);
  CHECK(manage(w, chen, "delete", R"({"name":"sun"})").status == 404);
  CHECK(manage(w, chen, "disable", R"({})").status == 400);
  CHECK(w.call("GET", "/console/api/accounts", "", gao.without_csrf()).body.find("zhu") ==
        std::string::npos);
  const auto now = w.store->accounts();
  REQUIRE(now.size() == accounts.size());
  for (size_t i = 0; i < now.size(); ++i) {
    CHECK(now[i].disabled == accounts[i].disabled);
    CHECK(now[i].password_hash == accounts[i].password_hash);
  }
  CHECK(w.store->audit({0, "", 0, 1000}).size() == audit);
  CHECK(w.api_get("/api/v1/tickets", "zhu").status == 200);
  // Within its grid it may.
  CHECK(manage(w, gao, "disable", R"({"name":"look"})").status == 200);
}

TEST_CASE("everyone changes their own password with the current one", "[console][accounts]") {
  ConsoleWorld w;
  auto look = w.login("look");  // a viewer
  auto change = [&](const std::string& body) {
    return w.call("POST", "/console/api/password", body, look.with_csrf());
  };
  const std::string fresh = "my-new-password-42";
  auto r = change(R"({"current":"wrong-password-1","password":")" + fresh + R"("})");
  CHECK(r.status == 403);
  CHECK(contains(r.body, "wrong_password"));
  REQUIRE_FALSE(w.store->write_sync([](store::WriteTx&) {}));  // the refusal's audit is queued
  CHECK(w.store->audit({0, "look", 0, 1})[0].result == "refused: wrong current password");
  CHECK(change(R"({"current":")" + ConsoleWorld::password_of("look") + R"(","password":"short"})")
            .status == 400);
  CHECK(w.call("POST", "/console/api/password",
               R"({"current":")" + ConsoleWorld::password_of("look") + R"(","password":")" + fresh +
                   R"("})",
               look.without_csrf())
            .status == 403);
  CHECK(w.call("GET", "/console/api/me", "", look.without_csrf()).status == 200);
  r = change(R"({"current":")" + ConsoleWorld::password_of("look") + R"(","password":")" + fresh +
             R"("})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  // Every session ended with it, this one too.
  CHECK(w.call("GET", "/console/api/me", "", look.without_csrf()).status == 401);
  CHECK(login_status(w, "look", ConsoleWorld::password_of("look")) == 401);
  CHECK(login_status(w, "look", fresh) == 200);
  CHECK(w.store->audit({0, "look", 0, 10})[0].action == "account.password");
  CHECK(w.store->audit({0, "look", 0, 10})[0].result == "ok");

  SECTION("wrong current passwords count as failed logins") {
    auto sun = w.login("sun");
    for (int i = 0; i < 5; ++i)
      CHECK(w.call("POST", "/console/api/password",
                   R"({"current":"wrong-password-1","password":"0123456789ab"})", sun.with_csrf())
                .status == 403);
    CHECK(w.call("POST", "/console/api/password",
                 R"({"current":")" + ConsoleWorld::password_of("sun") +
                     R"(","password":"0123456789ab"})",
                 sun.with_csrf())
              .status == 429);
  }
}

TEST_CASE("X-Forwarded-For counts only from a trusted proxy: its rightmost untrusted address",
          "[console][proxy]") {
  console::AuthOptions o;
  o.trusted_proxies = {*parse_ip_range("192.168.1.10"), *parse_ip_range("172.16.0.0/12")};
  ConsoleWorld w(o);
  auto address_of_last_login = [&] { return w.store->audit({0, "", 0, 1})[0].address; };
  const std::string good = ConsoleWorld::password_of("sun");
  const Headers chain{{"X-Forwarded-For", "6.6.6.6, 203.0.113.9"},
                      {"X-Forwarded-For", "172.16.5.5"}};
  REQUIRE(login_status(w, "sun", good, chain, "192.168.1.10") == 200);
  CHECK(address_of_last_login() == "203.0.113.9");
  // A dual-stack listener's form of the proxy's address is the same proxy.
  REQUIRE(login_status(w, "sun", good, chain, "::ffff:192.168.1.10") == 200);
  CHECK(address_of_last_login() == "203.0.113.9");
  // From anywhere else the header is the client's own words.
  REQUIRE(login_status(w, "sun", good, chain, "10.0.0.1") == 200);
  CHECK(address_of_last_login() == "10.0.0.1");
  // Garbage ends the walk at the last address read.
  REQUIRE(login_status(w, "sun", good, {{"X-Forwarded-For", "hello, 172.16.9.9"}},
                       "192.168.1.10") == 200);
  CHECK(address_of_last_login() == "172.16.9.9");
  // The throttle counts the clients behind the proxy, not the proxy.
  for (int i = 0; i < 20; ++i)
    CHECK(login_status(w, "guess" + std::to_string(i), "wrong-password",
                       {{"X-Forwarded-For", "198.51.100.7"}}, "192.168.1.10") == 401);
  CHECK(login_status(w, "sun", good, {{"X-Forwarded-For", "198.51.100.7"}}, "192.168.1.10") == 429);
  CHECK(login_status(w, "sun", good, {{"X-Forwarded-For", "198.51.100.8"}}, "192.168.1.10") == 200);
  // A changed action is audited with the client's address too.
  auto s = w.login("chen");
  Headers h = s.with_csrf();
  h.emplace_back("X-Forwarded-For", "203.0.113.50");
  REQUIRE(w.call("POST", "/console/api/accounts/revoke", R"({"name":"sun"})", h, "192.168.1.10")
              .status == 200);
  CHECK(address_of_last_login() == "203.0.113.50");
}
