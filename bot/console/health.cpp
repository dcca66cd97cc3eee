// Health (deliveries pending and failed per destination, disabled destinations, the oldest
// pending message), the org browser, and the admin's pages: accounts and the audit log.
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "bot/console/console_api.hpp"
#include "bot/console/secrets.hpp"

#include <map>

namespace gridbot::console {
namespace {

constexpr int kScan = 5000;  // rows of each delivery state looked at

struct Destination {
  std::string channel, chat;
  int pending = 0, failed = 0, disabled = 0, awaiting = 0;
  int64_t oldest_pending_ms = 0;
  std::string last_error;
};

}  // namespace

HttpResponse ConsoleApi::health(Call& c) {
  std::map<std::pair<std::string, std::string>, Destination> dests;
  int64_t oldest = 0;
  for (auto state : {DeliveryState::pending, DeliveryState::failed, DeliveryState::disabled,
                     DeliveryState::awaiting}) {
    store::DeliveryQuery q;
    q.state = state;
    q.limit = kScan;
    for (const auto& o : store_.deliveries(q)) {
      if (!c.scope.group(o.channel, o.chat_id)) continue;
      auto& d = dests[{o.channel, o.chat_id}];
      d.channel = o.channel;
      d.chat = o.chat_id;
      switch (state) {
        case DeliveryState::pending:
          ++d.pending;
          if (d.oldest_pending_ms == 0 || o.created_ms < d.oldest_pending_ms)
            d.oldest_pending_ms = o.created_ms;
          if (oldest == 0 || o.created_ms < oldest) oldest = o.created_ms;
          break;
        case DeliveryState::failed:
          ++d.failed;
          break;
        case DeliveryState::disabled:
          ++d.disabled;
          break;
        default:
          ++d.awaiting;
          break;
      }
      if (!o.last_error.empty() && d.last_error.empty()) d.last_error = o.last_error;
    }
  }
  JsonWriter w;
  w.begin_object().key("now_ms").value(clock_.now_ms()).key("oldest_pending_ms").value(oldest);
  w.key("destinations").begin_array();
  for (const auto& [key, d] : dests) {
    const OrgNode* n = c.k->tree->by_group(d.channel, d.chat);
    w.begin_object().key("channel").value(d.channel).key("chat").value(d.chat);
    w.key("name").value(n ? n->name : d.chat);
    w.key("pending").value(d.pending).key("failed").value(d.failed);
    w.key("disabled").value(d.disabled).key("awaiting").value(d.awaiting);
    w.key("oldest_pending_ms").value(d.oldest_pending_ms);
    w.key("last_error").value(d.last_error).end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

HttpResponse ConsoleApi::org(Call& c) {
  std::string id = c.params["node"];
  if (id.empty()) id = c.scope.root();
  const auto& tree = *c.k->tree;
  std::vector<const OrgNode*> shown;
  if (id.empty()) {
    for (const auto& n : tree.nodes())
      if (n.parent.empty()) shown.push_back(&n);
  } else {
    if (!c.scope.node(id)) return json_error(403, "out_of_scope", "node");
    const OrgNode* n = tree.find(id);
    if (n == nullptr) return json_error(404, "not_found", "node");
    shown.push_back(n);
  }
  JsonWriter w;
  w.begin_object().key("nodes").begin_array();
  for (const OrgNode* n : shown) {
    w.begin_object().key("id").value(n->id).key("name").value(n->name);
    w.key("level").value(to_string(n->level));
    w.key("households").value(n->households);
    w.key("groups").begin_array();
    for (const auto& g : n->groups)
      w.begin_object().key("channel").value(g.channel).key("chat").value(g.chat_id).end_object();
    w.end_array().key("heads").begin_array();
    for (const auto& h : n->heads)
      w.begin_object().key("name").value(h.name).key("role").value(role_label(h.role)).end_object();
    w.end_array().key("path").begin_array();
    // Breadcrumbs up to the account's own node, never above it.
    if (n->id != c.scope.root())
      for (const OrgNode* up : tree.ancestors(*n)) {
        w.begin_object().key("id").value(up->id).key("name").value(up->name).end_object();
        if (up->id == c.scope.root()) break;
      }
    w.end_array().key("children").begin_array();
    for (const OrgNode* ch : tree.children(*n)) {
      w.begin_object().key("id").value(ch->id).key("name").value(ch->name);
      w.key("level").value(to_string(ch->level));
      w.key("children").value(static_cast<int64_t>(tree.children(*ch).size()));
      w.key("groups").value(static_cast<int64_t>(ch->groups.size()));
      w.key("heads").value(static_cast<int64_t>(ch->heads.size())).end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

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
  if (a.name.empty() || a.name.size() > 64 || !role || password.size() < 10)
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
  for (const auto& a : store_.accounts()) nodes[a.id] = a.node;
  store::AuditQuery q;
  q.target = c.params["target"];
  q.limit = 500;
  JsonWriter w;
  w.begin_object().key("audit").begin_array();
  for (const auto& e : store_.audit(q)) {
    // Entries of accounts within the admin's subtree (failed logins of unknown names: whole tree).
    auto it = nodes.find(e.account_id);
    if (it == nodes.end() ? !c.scope.whole_tree() : !c.scope.node(it->second)) continue;
    w.begin_object().key("at_ms").value(e.at_ms).key("account").value(e.account);
    w.key("action").value(e.action).key("target").value(e.target);
    w.key("detail").value(e.detail).key("result").value(e.result);
    w.key("address").value(e.address).end_object();
  }
  w.end_array().end_object();
  return json_response(200, w.take());
}

}  // namespace gridbot::console
