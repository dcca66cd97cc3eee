// The admin's pages — accounts (add, disable, enable, reset a password, revoke API tokens) and
// the audit log — and everyone's own password change. The changes run console::change_account,
// which `gridbot user …` runs too.
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "bot/console/console_api.hpp"
#include "bot/console/secrets.hpp"

#include <map>

namespace gridbot::console {

HttpResponse ConsoleApi::accounts(Call& c) {
  if (!allowed(c.who, Permission::admin)) return json_error(403, "forbidden", "admin only");
  JsonWriter w;
  w.begin_object().key("accounts").begin_array();
  for (const auto& a : store_.accounts()) {
    if (!c.scope.node(a.node)) continue;
    const OrgNode* n = c.k->tree->find(a.node);
    w.begin_object().key("name").value(a.name).key("display_name").value(a.display_name);
    w.key("node").value(a.node).key("node_name").value(n ? n->name : a.node);
    w.key("role").value(to_string(a.role)).key("disabled").value(a.disabled);
    w.key("created_ms").value(a.created_ms).end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

void ConsoleApi::add_account(Call& c, Reply& reply) {
  if (!allowed(c.who, Permission::admin)) return reply(json_error(403, "forbidden", "admin only"));
  auto f = body_fields(c.req.body);
  if (!f) return reply(json_error(400, "bad_request", "a JSON object of strings"));
  Account a;
  a.name = (*f)["name"];
  a.display_name = (*f)["display_name"];
  a.node = (*f)["node"];
  const auto role = parse_account_role((*f)["role"]);
  const std::string password = (*f)["password"];
  if (a.name.empty() || a.name.size() > 64 || !role || !password_acceptable(password))
    return reply(json_error(400, "bad_request",
                            "name, role (viewer operator controller admin), password of 10+"));
  if (c.k->tree->find(a.node) == nullptr || !c.scope.node(a.node))
    return reply(json_error(403, "out_of_scope", "node"));
  a.role = *role;
  a.password_hash = hash_password(password);
  a.created_ms = a.updated_ms = clock_.now_ms();
  auto entry = std::make_shared<AuditEntry>(audit_entry(c, "account.add", a.name));
  entry->detail = a.node + " " + to_string(a.role);
  auto id = std::make_shared<int64_t>(0);
  store_.write(
      [a, entry, id](store::WriteTx& tx) {
        *id = tx.add_account(a);
        entry->result = *id ? "ok" : "refused: name taken";
        tx.add_audit(*entry);
      },
      [reply, id](std::error_code ec) {
        if (ec) return reply(error_response(ec));
        if (*id == 0) return reply(json_error(409, "conflict", "name taken"));
        reply(json_response(201, "{}"));
      });
}

HttpResponse ConsoleApi::audit(Call& c) {
  if (!allowed(c.who, Permission::admin)) return json_error(403, "forbidden", "admin only");
  std::map<int64_t, std::string> nodes;
  std::map<std::string, std::string> node_by_name;
  for (const auto& a : store_.accounts()) {
    nodes[a.id] = a.node;
    node_by_name[a.name] = a.node;
  }
  store::AuditQuery q;
  q.target = c.params["target"];
  q.limit = 500;
  JsonWriter w;
  w.begin_object().key("audit").begin_array();
  for (const auto& e : store_.audit(q)) {
    // Entries of accounts within the admin's subtree (failed logins of unknown names: whole tree),
    // and changes to those accounts by anyone (`gridbot user …` on the command line too).
    auto it = nodes.find(e.account_id);
    auto target =
        e.action.rfind("account.", 0) == 0 ? node_by_name.find(e.target) : node_by_name.end();
    const bool mine = it == nodes.end() ? c.scope.whole_tree() : c.scope.node(it->second);
    if (!mine && !(target != node_by_name.end() && c.scope.node(target->second))) continue;
    w.begin_object().key("at_ms").value(e.at_ms).key("account").value(e.account);
    w.key("action").value(e.action).key("target").value(e.target);
    w.key("detail").value(e.detail).key("result").value(e.result);
    w.key("address").value(e.address).end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

void ConsoleApi::manage_account(Call& c, std::string_view what_text, Reply& reply) {
  if (!allowed(c.who, Permission::admin)) return reply(json_error(403, "forbidden", "admin only"));
  const auto what = parse_account_change(what_text);
  if (!what) return reply(error_response(make_error_code(errc::not_found), what_text));
  auto f = body_fields(c.req.body);
  if (!f || (*f)["name"].empty() || (*f)["name"].size() > 64)
    return reply(json_error(400, "bad_request", "name"));
  const std::string name = (*f)["name"];
  const std::string label = (*f)["label"];
  const auto a = store_.account(name);
  // An account outside the subtree answers as if there were none.
  if (!a || !c.scope.node(a->node)) return reply(json_error(404, "not_found", "account"));
  if (a->id == c.who.account_id &&
      (*what == AccountChange::disable || *what == AccountChange::password))
    return reply(json_error(400, "own_account",
                            "not your own account: change your password with your current one "
                            "(POST password); another admin may disable you"));
  std::string hash;
  if (*what == AccountChange::password) {
    if (!password_acceptable((*f)["password"]))
      return reply(json_error(400, "bad_request", "password of 10 to 1024 characters"));
    hash = hash_password((*f)["password"]);
  }
  auto result = std::make_shared<AccountChangeResult>();
  store_.write(
      [name, what, hash, label, result, e = audit_entry(c, "", "")](store::WriteTx& tx) {
        *result = change_account(tx, name, *what, hash, label, e);
      },
      [reply, result](std::error_code ec) {
        if (ec) return reply(error_response(ec));
        if (!result->found) return reply(json_error(404, "not_found", "account"));
        JsonWriter w;
        w.begin_object().key("tokens_revoked").value(result->tokens).end_object();
        reply(json_response(200, w.take()));
      });
}

void ConsoleApi::change_own_password(Call& c, Reply& reply) {
  auto f = body_fields(c.req.body);
  if (!f || (*f)["current"].empty() || (*f)["current"].size() > kMaxPassword)
    return reply(json_error(400, "bad_request", "current and password"));
  const std::string fresh = (*f)["password"];
  if (!password_acceptable(fresh))
    return reply(json_error(400, "bad_request", "a new password of 10 to 1024 characters"));
  if (fresh == (*f)["current"])
    return reply(json_error(400, "bad_request", "the new password is the current one"));
  auto entry = audit_entry(c, "account.password", c.who.name);
  switch (auth_.check_password(c.who, (*f)["current"], entry.address)) {
    case 200:
      break;
    case 429:
      return reply(json_error(429, "throttled", "too many wrong passwords; try again later"));
    case 503:
      return reply(error_response(make_error_code(errc::store_unavailable)));
    default:
      // Not 401: the session is fine, only the password is wrong.
      entry.result = "refused: wrong current password";
      store_.write([entry](store::WriteTx& tx) { tx.add_audit(entry); }, nullptr);
      return reply(json_error(403, "wrong_password", "the current password is wrong"));
  }
  store_.write(
      [name = c.who.name, hash = hash_password(fresh), entry](store::WriteTx& tx) {
        change_account(tx, name, AccountChange::password, hash, "", entry);
      },
      [reply, this](std::error_code ec) {
        if (ec) return reply(error_response(ec));
        // Every session of the account ended with the change, this one too: sign in again.
        auto r = json_response(200, "{}");
        r.headers.emplace_back("Set-Cookie", auth_.clear_cookie());
        reply(std::move(r));
      });
}

}  // namespace gridbot::console
