// Health (deliveries pending and failed per destination, disabled destinations, the oldest
// pending message) and the org browser.
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "bot/console/console_api.hpp"

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
    shown = tree.roots();
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

}  // namespace gridbot::console
