#include "bot/console/console_api.hpp"

#include "tests/console/console_world.hpp"

#include <catch2/catch.hpp>

using namespace gridbot;
using gridbot::test::ConsoleWorld;
using gridbot::test::contains;

namespace {

constexpr int64_t kMinute = 60'000;

// A report in building 3 (grid g1) and one in building 19 (grid g3): tickets 1001 and 1002.
void two_tickets(ConsoleWorld& w) {
  REQUIRE(w.say("room-b3", "wxid_r1", "李阿姨", "报事 3栋2单元楼道灯坏了好几天了") == 200);
  REQUIRE(w.say("room-b19", "wxid_r2", "王大爷", "报事 19栋单元门坏了关不上") == 200);
  REQUIRE(w.store->ticket(1001));
  REQUIRE(w.store->ticket(1002));
  REQUIRE(w.store->ticket(1001)->origin_node == "b3");
  REQUIRE(w.store->ticket(1002)->origin_node == "b19");
}

const std::string kAccept = R"({"action":"accept"})";

}  // namespace

TEST_CASE("a grid head's console 受理 runs the chat command: history, clocks, reporters told",
          "[console]") {
  ConsoleWorld w;
  two_tickets(w);
  auto s = w.login("sun");
  auto r = w.call("POST", "/console/api/tickets/1001/actions", kAccept, s.with_csrf());
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(contains(r.body, R"("result":"command")"));
  const auto t = w.store->ticket(1001);
  CHECK(t->status == TicketStatus::accepted);
  const auto& e = t->events.back();
  CHECK(e.kind == "accepted");
  CHECK(e.actor_id == "console:sun");
  CHECK(e.actor_name == "sun师傅");
  // The reporter's group hears it under the same kind of key as a chat command's.
  bool told = false;
  for (const auto& o : w.to("room-b3"))
    told = told ||
           (o.idempotency_key.rfind("status:1001:accepted:", 0) == 0 && contains(o.text, "1001"));
  CHECK(told);
  const auto audit = w.store->audit({0, "#1001", 0, 10});
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].action == "ticket.accept");
  CHECK(audit[0].account == "sun");
  CHECK(audit[0].result == "ok");
}

TEST_CASE("a console action the chat would refuse is refused the same way", "[console]") {
  ConsoleWorld w;
  two_tickets(w);
  auto s = w.login("sun");
  // 督办 comes from above the holder; the grid itself holds it.
  auto r = w.call("POST", "/console/api/tickets/1001/actions",
                  R"({"action":"supervise","note":"快"})", s.with_csrf());
  CHECK(r.status == 409);
  CHECK(w.store->ticket(1001)->events.back().kind == "refused");
  CHECK_FALSE(w.store->ticket(1001)->supervised);
  // 办结 needs a note, as in chat.
  r = w.call("POST", "/console/api/tickets/1001/actions", R"({"action":"resolve"})", s.with_csrf());
  CHECK(r.status == 409);
  // The community head, above the grid, may.
  auto c = w.login("liu");
  r = w.call("POST", "/console/api/tickets/1001/actions", R"({"action":"supervise","note":"快"})",
             c.with_csrf());
  CHECK(r.status == 200);
  CHECK(w.store->ticket(1001)->supervised);
}

TEST_CASE("a logged-out change is refused with nothing changed", "[console][security]") {
  ConsoleWorld w;
  two_tickets(w);
  const auto before = w.snapshot();
  CHECK(w.call("POST", "/console/api/tickets/1001/actions", kAccept).status == 401);
  CHECK(w.call("POST", "/console/api/tickets/1001/actions", kAccept,
               {{"Cookie", "gridbot_session=" + std::string(64, 'a')}, {"X-CSRF-Token", "x"}})
            .status == 401);
  CHECK(w.call("GET", "/console/api/tickets").status == 401);
  CHECK(w.snapshot() == before);
}

TEST_CASE("a change without the CSRF token is refused with nothing changed",
          "[console][security]") {
  ConsoleWorld w;
  two_tickets(w);
  auto s = w.login("sun");
  const auto before = w.snapshot();
  CHECK(w.call("POST", "/console/api/tickets/1001/actions", kAccept, s.without_csrf()).status ==
        403);
  Headers wrong{{"Cookie", s.cookie}, {"X-CSRF-Token", std::string(64, '0')}};
  CHECK(w.call("POST", "/console/api/tickets/1001/actions", kAccept, wrong).status == 403);
  CHECK(w.call("POST", "/console/api/logout", "", s.without_csrf()).status == 403);
  CHECK(w.snapshot() == before);
  // The session still works: the refusals ended nothing.
  CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 200);
}

TEST_CASE("a change from another subtree is refused with nothing changed", "[console][security]") {
  ConsoleWorld w;
  two_tickets(w);
  auto g3 = w.login("zhu");
  const auto before = w.snapshot();
  for (const char* action : {"accept", "resolve", "transfer", "escalate", "return", "supervise"}) {
    const std::string body =
        std::string(R"({"action":")") + action + R"(","note":"x","target":"物业"})";
    CHECK(w.call("POST", "/console/api/tickets/1001/actions", body, g3.with_csrf()).status == 404);
  }
  CHECK(w.snapshot() == before);
  // Its own ticket it may act on.
  CHECK(w.call("POST", "/console/api/tickets/1002/actions", kAccept, g3.with_csrf()).status == 200);
}

TEST_CASE("every console read stays inside the account's subtree", "[console][scope]") {
  ConsoleWorld w;
  two_tickets(w);
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);  // buildings of g1
  auto g3 = w.login("zhu");
  auto get = [&](const std::string& t) { return w.call("GET", t, "", g3.without_csrf()); };
  auto list = get("/console/api/tickets");
  CHECK(list.status == 200);
  CHECK(contains(list.body, R"("no":1002)"));
  CHECK_FALSE(contains(list.body, R"("no":1001)"));
  // Open tickets count their reporters too (the resident who reported it).
  CHECK(contains(list.body, R"("reporters":1)"));
  CHECK(contains(list.body, R"("open_total":1)"));
  CHECK(contains(get("/console/api/tickets?status=all").body, R"("reporters":1)"));
  CHECK_FALSE(contains(get("/console/api/tickets?status=all").body, R"("no":1001)"));
  CHECK(get("/console/api/tickets?node=g1").status == 403);
  CHECK(get("/console/api/tickets?node=cm-mhd").status == 403);
  CHECK(get("/console/api/tickets/1001").status == 404);
  CHECK(get("/console/api/tickets/1002").status == 200);
  CHECK(get("/console/api/incidents/1").status == 404);
  CHECK_FALSE(contains(get("/console/api/incidents").body, R"("no":1)"));
  CHECK(get("/console/api/assessment?node=g1").status == 403);
  CHECK(get("/console/api/assessment.csv?node=g1").status == 403);
  CHECK(get("/console/api/assessment.xlsx?node=g1").status == 403);
  CHECK(get("/console/api/assessment").status == 200);
  CHECK(get("/console/api/org?node=g1").status == 403);
  CHECK(get("/console/api/org").status == 200);
  CHECK(get("/console/api/accounts").status == 403);
  CHECK(get("/console/api/audit").status == 403);
  // The grid head of g1 sees the incident on its buildings; the community head both tickets.
  auto g1 = w.login("sun");
  CHECK(w.call("GET", "/console/api/incidents/1", "", g1.without_csrf()).status == 200);
  auto c = w.login("liu");
  const auto all = w.call("GET", "/console/api/tickets", "", c.without_csrf()).body;
  CHECK(contains(all, R"("no":1001)"));
  CHECK(contains(all, R"("no":1002)"));
}

TEST_CASE("the board's category, tier and level pick the rows before the 500 are taken",
          "[console]") {
  ConsoleWorld w;
  two_tickets(w);
  // 1002 re-categorised and handed up to the community: the board follows at once.
  REQUIRE_FALSE(w.store->write_sync([](store::WriteTx& tx) {
    auto t = *tx.load_ticket(1002);
    t.category = "water";
    t.owner_level = "community";
    tx.update_ticket(t);
  }));
  REQUIRE(w.store->ticket(1002)->category == "water");
  const std::string other = w.store->ticket(1001)->category;
  REQUIRE(other != "water");
  auto s = w.login("chen");
  auto rows = [&](const std::string& query) {
    const auto r = w.call("GET", "/console/api/tickets?" + query, "", s.without_csrf());
    REQUIRE(r.status == 200);
    return std::pair{contains(r.body, R"("no":1001)"), contains(r.body, R"("no":1002)")};
  };
  for (const std::string status : {"open", "all"}) {
    INFO(status);
    const std::string st = "status=" + status + "&";
    CHECK(rows(st) == std::pair{true, true});
    CHECK(rows(st + "category=water") == std::pair{false, true});
    CHECK(rows(st + "category=" + other) == std::pair{true, false});
    CHECK(rows(st + "level=community") == std::pair{false, true});
    CHECK(rows(st + "level=grid&category=water") == std::pair{false, false});
    const std::string tier = to_string(w.store->ticket(1001)->tier);
    CHECK(rows(st + "tier=" + tier + "&level=grid").first);
    CHECK(rows(st + "category=water&q=1002") == std::pair{false, true});
  }
}

TEST_CASE("roles: viewers read, operators act on tickets, controllers review", "[console][scope]") {
  ConsoleWorld w;
  two_tickets(w);
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);
  const auto before = w.snapshot();
  auto viewer = w.login("look");
  CHECK(w.call("GET", "/console/api/tickets/1001", "", viewer.without_csrf()).status == 200);
  CHECK(w.call("POST", "/console/api/tickets/1001/actions", kAccept, viewer.with_csrf()).status ==
        403);
  auto ctrl = w.login("he");
  CHECK(w.call("POST", "/console/api/tickets/1001/actions", kAccept, ctrl.with_csrf()).status ==
        403);
  auto op = w.login("sun");
  const std::string approve = R"({"decision":"approve"})";
  CHECK(
      w.call("POST", "/console/api/incidents/1/updates/1/review", approve, op.with_csrf()).status ==
      403);
  CHECK(w.call("POST", "/console/api/accounts",
               R"({"name":"x","node":"g1","role":"viewer","password":"0123456789ab"})",
               op.with_csrf())
            .status == 403);
  auto after = w.snapshot();
  after.audit = before.audit;  // the logins above are audited
  CHECK(after == before);
}

TEST_CASE("a console approval sends the update once and a chat approval after it sends nothing",
          "[console][incidents]") {
  ConsoleWorld w;
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);
  auto inc = w.store->incident(1);
  REQUIRE(inc);
  REQUIRE(inc->updates.size() == 1);
  REQUIRE(inc->updates[0].review == ReviewState::pending);
  auto ctrl = w.login("he");
  CHECK(w.call("GET", "/console/api/incidents?pending=1", "", ctrl.without_csrf())
            .body.find(R"("pending":1)") != std::string::npos);
  const std::string approve = R"({"decision":"approve"})";
  auto r = w.call("POST", "/console/api/incidents/1/updates/1/review", approve, ctrl.with_csrf());
  INFO(r.body);
  REQUIRE(r.status == 200);
  const auto sent = w.fanout(1);
  REQUIRE_FALSE(sent.empty());
  for (const auto& [chat, n] : sent) CHECK(n == 1);
  CHECK(w.store->incident(1)->updates[0].reviewer_id == "console:he");
  // Again from the console, and then in chat: nothing more goes out.
  CHECK(w.call("POST", "/console/api/incidents/1/updates/1/review", approve, ctrl.with_csrf())
            .status == 409);
  REQUIRE(w.controller("通过 E1") == 200);
  CHECK(w.fanout(1) == sent);
}

TEST_CASE("a chat approval first makes the console's approval a no-op", "[console][incidents]") {
  ConsoleWorld w;
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);
  REQUIRE(w.controller("通过 E1") == 200);
  const auto sent = w.fanout(1);
  REQUIRE_FALSE(sent.empty());
  auto ctrl = w.login("he");
  auto r = w.call("POST", "/console/api/incidents/1/updates/1/review", R"({"decision":"approve"})",
                  ctrl.with_csrf());
  CHECK(r.status == 409);
  CHECK(contains(r.body, "not_pending"));
  CHECK(w.fanout(1) == sent);
}

TEST_CASE("a console rejection needs a reason and goes back to the crew", "[console][incidents]") {
  ConsoleWorld w;
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);
  auto ctrl = w.login("he");
  CHECK(w.call("POST", "/console/api/incidents/1/updates/1/review", R"({"decision":"reject"})",
               ctrl.with_csrf())
            .status == 400);
  CHECK(w.call("POST", "/console/api/incidents/1/updates/1/review",
               R"({"decision":"reject","reason":"范围写错了"})", ctrl.with_csrf())
            .status == 200);
  CHECK(w.store->incident(1)->updates[0].review == ReviewState::rejected);
  CHECK(w.fanout(1).empty());
  CHECK(contains(w.text_to("room-crew", "inc-reject:1:u1"), "范围写错了"));
}

TEST_CASE("sessions: cookie flags, idle and absolute expiry, logout", "[console][session]") {
  ConsoleWorld w;
  auto r = w.call("POST", "/console/api/login",
                  R"({"name":"sun","password":")" + ConsoleWorld::password_of("sun") + R"("})");
  REQUIRE(r.status == 200);
  std::string cookie;
  for (const auto& [k, v] : r.headers)
    if (k == "Set-Cookie") cookie = v;
  CHECK(contains(cookie, "HttpOnly"));
  CHECK(contains(cookie, "SameSite=Strict"));
  CHECK(contains(cookie, "Path=/"));

  SECTION("idle expiry") {
    auto s = w.login("sun");
    w.clock.advance_ms(29 * kMinute);
    CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 200);
    // Used at 29 min: its idle clock restarts (the touch is written asynchronously).
    REQUIRE_FALSE(w.store->write_sync([](store::WriteTx&) {}));
    w.clock.advance_ms(29 * kMinute);
    CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 200);
    REQUIRE_FALSE(w.store->write_sync([](store::WriteTx&) {}));
    w.clock.advance_ms(31 * kMinute);
    CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 401);
  }
  SECTION("absolute expiry however busy") {
    auto s = w.login("sun");
    for (int i = 0; i < 12 * 6 - 1; ++i) {
      w.clock.advance_ms(10 * kMinute);
      REQUIRE(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 200);
      REQUIRE_FALSE(w.store->write_sync([](store::WriteTx&) {}));
    }
    w.clock.advance_ms(11 * kMinute);
    CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 401);
  }
  SECTION("logout ends the session") {
    auto s = w.login("sun");
    auto out = w.call("POST", "/console/api/logout", "", s.with_csrf());
    CHECK(out.status == 200);
    CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 401);
    CHECK(w.store->audit({0, "", 0, 10})[0].action == "logout");
  }
  SECTION("a disabled account's session ends") {
    auto s = w.login("sun");
    REQUIRE_FALSE(w.store->write_sync([](store::WriteTx& tx) {
      auto a = tx.load_account("sun");
      a->disabled = true;
      tx.update_account(*a);
    }));
    CHECK(w.call("GET", "/console/api/me", "", s.without_csrf()).status == 401);
  }
}

TEST_CASE("logins are throttled per account and per address", "[console][throttle]") {
  ConsoleWorld w;
  auto login = [&](const std::string& name, const std::string& password, const std::string& peer) {
    return w
        .call("POST", "/console/api/login",
              R"({"name":")" + name + R"(","password":")" + password + R"("})", {}, peer)
        .status;
  };
  SECTION("per account, from any address") {
    for (int i = 0; i < 5; ++i)
      CHECK(login("sun", "wrong-password", "10.0.0." + std::to_string(i)) == 401);
    // Locked now, even with the right password, from a fresh address.
    CHECK(login("sun", ConsoleWorld::password_of("sun"), "10.0.1.1") == 429);
    // Other accounts are not.
    CHECK(login("zhu", ConsoleWorld::password_of("zhu"), "10.0.1.1") == 200);
    w.clock.advance_ms(16 * kMinute);
    CHECK(login("sun", ConsoleWorld::password_of("sun"), "10.0.1.1") == 200);
  }
  SECTION("per address, across account names") {
    for (int i = 0; i < 20; ++i)
      CHECK(login("guess" + std::to_string(i), "wrong-password", "10.9.9.9") == 401);
    CHECK(login("sun", ConsoleWorld::password_of("sun"), "10.9.9.9") == 429);
    CHECK(login("sun", ConsoleWorld::password_of("sun"), "10.9.9.8") == 200);
  }
  SECTION("a wrong name and a wrong password answer alike") {
    auto a = w.call("POST", "/console/api/login", R"({"name":"nobody","password":"whatever-12"})");
    auto b = w.call("POST", "/console/api/login", R"({"name":"sun","password":"whatever-12"})");
    CHECK(a.status == b.status);
    CHECK(a.body == b.body);
  }
}

TEST_CASE("account API tokens see their subtree on every /api/v1 route", "[console][api][scope]") {
  ConsoleWorld w;
  two_tickets(w);
  REQUIRE(w.crew("停电 棉花地1号台区 预计19:30恢复 开关柜故障") == 200);
  // zhu: grid g3 (ticket 1002; the incident is on g1's buildings).
  auto get = [&](const std::string& t) { return w.api_get(t, "zhu"); };
  auto list = get("/api/v1/tickets");
  CHECK(list.status == 200);
  CHECK(contains(list.body, R"("no":1002)"));
  CHECK_FALSE(contains(list.body, R"("no":1001)"));
  CHECK(get("/api/v1/tickets?node=g1").status == 403);
  CHECK(get("/api/v1/tickets?node=cm-mhd").status == 403);
  CHECK(get("/api/v1/tickets/1001").status == 404);
  CHECK(get("/api/v1/tickets/1002").status == 200);
  CHECK(get("/api/v1/stats?node=g1").status == 403);
  CHECK(get("/api/v1/return-visits?month=2023-11&node=g1").status == 403);
  CHECK(get("/api/v1/messages").status == 403);
  CHECK(get("/api/v1/messages?channel=bridge&chat=room-b3").status == 403);
  CHECK(get("/api/v1/messages?channel=bridge&chat=room-b19").status == 200);
  CHECK(get("/api/v1/deliveries").status == 403);
  CHECK(get("/api/v1/deliveries?channel=bridge&chat=room-b3").status == 403);
  CHECK(get("/api/v1/deliveries?channel=bridge&chat=room-b19").status == 200);
  CHECK(get("/api/v1/incidents/1").status == 404);
  CHECK_FALSE(contains(get("/api/v1/incidents").body, R"("no":1)"));
  CHECK(get("/metrics").status == 403);
  // sun: grid g1 sees its ticket and the incident on its buildings.
  CHECK(w.api_get("/api/v1/tickets/1001", "sun").status == 200);
  CHECK(w.api_get("/api/v1/incidents/1", "sun").status == 200);
  // The configured token is the admin token over the whole tree.
  Headers admin{{"Authorization", "Bearer api-token-0123456789"}};
  CHECK(contains(w.call("GET", "/api/v1/tickets", "", admin).body, R"("no":1001)"));
  CHECK(w.call("GET", "/api/v1/messages", "", admin).status == 200);
  CHECK(w.call("GET", "/metrics", "", admin).status == 200);
  // An admin account may read /metrics too.
  CHECK(w.api_get("/metrics", "chen").status == 200);
  // A revoked token, a disabled account's token and a made-up one open nothing.
  REQUIRE_FALSE(w.store->write_sync([](store::WriteTx& tx) {
    tx.revoke_api_tokens(tx.load_account("zhu")->id, "", 1);
    auto a = tx.load_account("sun");
    a->disabled = true;
    tx.update_account(*a);
  }));
  CHECK(get("/api/v1/tickets").status == 401);
  CHECK(w.api_get("/api/v1/tickets", "sun").status == 401);
  CHECK(w.call("GET", "/api/v1/tickets", "", {{"Authorization", "Bearer gbt_made_up"}}).status ==
        401);
}

TEST_CASE("the assessment exports CSV and XLSX of the subtree", "[console][assessment]") {
  ConsoleWorld w;
  two_tickets(w);
  auto c = w.login("liu");
  auto csv = w.call("GET", "/console/api/assessment.csv", "", c.without_csrf());
  REQUIRE(csv.status == 200);
  CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(contains(csv.body, "合计,棉花地社区,2,"));
  CHECK(contains(csv.body, "网格,第1网格,1,"));
  CHECK(contains(csv.body, "网格,第3网格,1,"));
  auto xlsx = w.call("GET", "/console/api/assessment.xlsx", "", c.without_csrf());
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.body.rfind("PK", 0) == 0);
  auto json = w.call("GET", "/console/api/assessment", "", c.without_csrf());
  CHECK(contains(json.body, R"("received":2)"));
}

TEST_CASE("the static UI is served with a strict policy, and nothing outside web/",
          "[console][static]") {
  ConsoleWorld w;
  auto r = w.call("GET", "/console/");
  CHECK(r.status == 200);
  CHECK(contains(r.body, "网格治理驾驶舱"));
  bool csp = false;
  for (const auto& [k, v] : r.headers)
    csp = csp || (k == "Content-Security-Policy" && contains(v, "default-src 'self'"));
  CHECK(csp);
  CHECK(w.call("GET", "/console/app.js").status == 200);
  CHECK(w.call("GET", "/console/../CMakeLists.txt").status == 404);
  CHECK(w.call("GET", "/console/%2e%2e/CMakeLists.txt").status == 404);
  CHECK(w.call("GET", "/console/.gitignore").status == 404);
  CHECK(w.call("GET", "/").status == 302);
}

TEST_CASE("a ticket's page lists its photos with their links, scoped like the ticket",
          "[console][media]") {
  ConsoleWorld w;
  REQUIRE(w.photo("room-b3", "wxid_r1", "李阿姨", "报事 3栋2单元楼道灯坏了好几天了") == 200);
  REQUIRE(w.store->ticket(1001));
  const auto media = w.store->ticket_media(1001);
  REQUIRE(media.size() == 1);
  const std::string link = "/media/" + std::to_string(media[0].id) + "?exp=1&sig=test";
  auto sun = w.login("sun");  // g1: building 3 is in it
  auto r = w.call("GET", "/console/api/tickets/1001", "", sun.without_csrf());
  REQUIRE(r.status == 200);
  CHECK(contains(r.body, R"("media":[{"type":"image","state":"pending")"));
  CHECK(contains(r.body, R"("url":")" + link + R"(")"));
  // Another subtree sees neither the ticket nor its photos.
  auto zhu = w.login("zhu");
  r = w.call("GET", "/console/api/tickets/1001", "", zhu.without_csrf());
  CHECK(r.status == 404);
  CHECK_FALSE(contains(r.body, "/media/"));
}
