// A console world: the incident world (demo org, tickets, incidents) with the console and the
// router in front, and accounts of the demo org: grid heads of g1 and g3, a viewer of g1, the
// community head, the power company's controller and a street admin.
#pragma once

#include "bot/api/incident_api.hpp"
#include "bot/api/router.hpp"
#include "bot/console/console_api.hpp"
#include "bot/console/secrets.hpp"
#include "bot/knowledge/org_loader.hpp"
#include "tests/support/incident_fixture.hpp"

namespace gridbot::test {

struct ConsoleWorld : IncidentWorld {
  std::unique_ptr<console::Authenticator> auth;
  std::unique_ptr<console::KnowledgeSwap> swap;
  std::unique_ptr<console::ConsoleApi> console_api;
  std::unique_ptr<api::IncidentApi> incident_api;
  std::unique_ptr<api::Router> router;
  std::map<std::string, std::string> tokens;  // account name → API token

  explicit ConsoleWorld(console::AuthOptions o = {}, size_t org_import_limit = 64 * 1024) {
    o.api_token = "api-token-0123456789";
    // The demo org in the store, as start-up puts org.files there: what an org import plans on.
    std::vector<std::string> errors;
    REQUIRE(knowledge::import_org({std::string(GRIDBOT_SOURCE_DIR) + "/config/demo/org.csv"},
                                  store.get(), &errors));
    auth = std::make_unique<console::Authenticator>(*store, clock, o);
    swap = std::make_unique<console::KnowledgeSwap>(*service, *incidents);
    console_api = std::make_unique<console::ConsoleApi>(
        *store, *auth, *service, *incidents, *swap, clock,
        console::ConsoleOptions{std::string(GRIDBOT_SOURCE_DIR) + "/web", org_import_limit,
                                [](const Media& m) {
                                  // What the server's MediaRoute::link gives, without a secret.
                                  return "/media/" + std::to_string(m.id) + "?exp=1&sig=test";
                                }});
    router = std::make_unique<api::Router>(*pipeline, *store, o.api_token, nullptr);
    router->set_tickets(&service->config());
    incident_api = std::make_unique<api::IncidentApi>(
        *incidents, *store, clock, api::IncidentApiOptions{"", 300, o.api_token});
    router->set_incident_api(incident_api.get());
    router->set_console(console_api.get(), auth.get(),
                        [this] { return service->knowledge()->tree; });
    add("sun", "g1", AccountRole::operator_);
    add("zhu", "g3", AccountRole::operator_);
    add("look", "g1", AccountRole::viewer);
    add("liu", "cm-mhd", AccountRole::operator_);
    add("he", "dep-power", AccountRole::controller);
    add("chen", "st-zgl", AccountRole::admin);
  }

  static std::string password_of(const std::string& name) { return name + "-password-01"; }

  void add(const std::string& name, const std::string& node, AccountRole role) {
    Account a;
    a.name = name;
    a.display_name = name + "师傅";
    a.node = node;
    a.role = role;
    a.password_hash = console::hash_password(password_of(name));
    const std::string token = "gbt_" + console::random_hex(32);
    REQUIRE_FALSE(store->write_sync([&](store::WriteTx& tx) {
      ApiToken t;
      t.account_id = tx.add_account(a);
      t.hash = console::token_hash(token);
      tx.add_api_token(t);
    }));
    tokens[name] = token;
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = {}, const Headers& headers = {},
                    const std::string& peer = "10.0.0.1") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = headers;
    r.peer = peer;
    std::promise<HttpResponse> p;
    router->handle(r, [&](HttpResponse resp) { p.set_value(std::move(resp)); });
    return p.get_future().get();
  }

  /// A logged-in console session: its cookie header and CSRF token.
  struct Session {
    std::string cookie, csrf;
    Headers with_csrf() const { return {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}; }
    Headers without_csrf() const { return {{"Cookie", cookie}}; }
  };
  Session login(const std::string& name) {
    auto r = call("POST", "/console/api/login",
                  R"({"name":")" + name + R"(","password":")" + password_of(name) + R"("})");
    REQUIRE(r.status == 200);
    Session s;
    for (const auto& [k, v] : r.headers)
      if (k == "Set-Cookie") s.cookie = v.substr(0, v.find(';'));
    const auto at = r.body.find(R"("csrf":")");
    REQUIRE(at != std::string::npos);
    s.csrf = r.body.substr(at + 8, 64);
    return s;
  }

  HttpResponse api_get(const std::string& target, const std::string& account) {
    return call("GET", target, {}, {{"Authorization", "Bearer " + tokens.at(account)}});
  }

  /// Everything a refused request must leave alone.
  struct Snapshot {
    std::vector<Ticket> tickets;
    size_t events = 0, outbox = 0, audit = 0, inbox = 0;
    bool operator==(const Snapshot& o) const {
      if (tickets.size() != o.tickets.size()) return false;
      for (size_t i = 0; i < tickets.size(); ++i)
        if (tickets[i].status != o.tickets[i].status ||
            tickets[i].supervised != o.tickets[i].supervised ||
            tickets[i].owner_node != o.tickets[i].owner_node)
          return false;
      return events == o.events && outbox == o.outbox && audit == o.audit && inbox == o.inbox;
    }
  };
  Snapshot snapshot() {
    Snapshot s;
    s.tickets = store->tickets({});
    for (const auto& t : s.tickets) s.events += store->ticket(t.no)->events.size();
    s.outbox = store->deliveries({"", std::nullopt, 0, 100000}).size();
    s.audit = store->audit({0, "", 0, 100000}).size();
    s.inbox = static_cast<size_t>(store->count_inbox());
    return s;
  }
};

}  // namespace gridbot::test
