// The org import from the console (docs/console.md "Org import"): an admin uploads an org CSV;
// the preview parses and plans it with knowledge::plan_org — what `gridbot org import` runs — and
// answers what would change, writing nothing; apply plans the same file again and writes it only
// while the org is still the one previewed, then swaps the new tree into the running server.
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/utf8.hpp"
#include "bot/console/console_api.hpp"
#include "bot/console/secrets.hpp"
#include "bot/knowledge/org_diff.hpp"

#include <array>
#include <map>
#include <set>
#include <thread>

namespace gridbot::console {
namespace {

constexpr size_t kMaxListed = 1000;  // changes listed in one answer (all are counted)

// What the preview's org_digest names: the stored rows, in their order.
std::string rows_digest(const std::vector<std::string>& rows) {
  std::string all;
  for (const auto& r : rows) all.append(r).push_back('\n');
  return token_hash(all);
}

// The upload's name in errors ("org.csv:12: …"): what the page sent, when it is plain text.
std::string file_label(const std::string& name) {
  if (name.empty() || name.size() > 100 || !valid_utf8(name)) return "org.csv";
  for (unsigned char ch : name)
    if (ch < 0x20 || ch == 0x7f) return "org.csv";
  return name;
}

// An admin bound to a node changes only nodes at or below it, and its own node only in place.
void check_scope(const Principal& who, const Scope& before, const knowledge::OrgPlan& plan,
                 const std::shared_ptr<const OrgTree>& after, const std::string& file,
                 std::vector<std::string>* errors) {
  const OrgNode* mine = before.tree().find(before.root());
  const std::string subtree = (mine ? mine->name : before.root()) + " (" + before.root() + ")";
  std::set<std::string_view> stored;
  for (const auto& n : plan.before) stored.insert(n.id);
  const Scope scope_after(who, after);
  for (const auto& n : plan.incoming) {
    const std::string at = file + ":" + std::to_string(n.source_line) + ": node " + n.id + ": ";
    if (stored.count(n.id) && !before.node(n.id)) {
      errors->push_back(at + "is outside your subtree " + subtree);
    } else if (n.id == before.root()) {
      if (mine == nullptr || n.parent != mine->parent || n.level != mine->level)
        errors->push_back(at +
                          "is your own node: its parent and level are changed by an admin above "
                          "it");
    } else if (!scope_after.node(n.id)) {
      errors->push_back(at + "its parent " + n.parent + " is outside your subtree " + subtree);
    }
  }
}

// How many nodes are added, changed and removed.
std::array<int, 3> counts(const std::vector<knowledge::OrgNodeChange>& changes) {
  std::array<int, 3> n{};
  for (const auto& ch : changes) ++n[static_cast<size_t>(ch.kind)];
  return n;
}

void write_changes(JsonWriter& w, const std::vector<knowledge::OrgNodeChange>& changes) {
  auto list = [&w](const char* key, const std::vector<std::string>& items) {
    w.key(key).begin_array();
    for (const auto& i : items) w.value(i);
    w.end_array();
  };
  const auto n = counts(changes);
  w.key("added").value(n[0]).key("changed").value(n[1]).key("removed").value(n[2]);
  w.key("listed").value(static_cast<int64_t>(std::min(changes.size(), kMaxListed)));
  w.key("changes").begin_array();
  for (size_t i = 0; i < changes.size() && i < kMaxListed; ++i) {
    const auto& ch = changes[i];
    w.begin_object().key("kind").value(to_string(ch.kind)).key("id").value(ch.id);
    w.key("name").value(ch.name).key("level").value(to_string(ch.level));
    w.key("parent").value(ch.parent).key("line").value(ch.line);
    w.key("fields").begin_array();
    for (const auto& f : ch.fields)
      w.begin_object()
          .key("column")
          .value(f.column)
          .key("before")
          .value(f.before)
          .key("after")
          .value(f.after)
          .end_object();
    w.end_array();
    list("groups_added", ch.groups_added);
    list("groups_removed", ch.groups_removed);
    list("heads_added", ch.heads_added);
    list("heads_removed", ch.heads_removed);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

void ConsoleApi::org_import(Call& c, bool apply, Reply& reply) {
  if (!allowed(c.who, Permission::admin)) return reply(json_error(403, "forbidden", "admin only"));
  const std::string mode = c.params["mode"].empty() ? "merge" : c.params["mode"];
  if (mode != "merge" && mode != "replace")
    return reply(json_error(400, "bad_request", "mode is merge or replace"));
  const std::string& csv = c.req.body;
  if (csv.size() > options_.org_import_limit)
    return reply(json_error(413, "too_large",
                            "the file is larger than console.org_import_limit (" +
                                std::to_string(options_.org_import_limit) + " bytes)"));
  if (csv.empty()) return reply(json_error(400, "bad_request", "the file is empty"));
  if (!valid_utf8(csv))
    return reply(json_error(
        400, "not_utf8", "the file is not UTF-8: save it as \"CSV UTF-8\" (Excel) and try again"));
  const std::string file = file_label(c.params["name"]);
  const std::string file_digest = token_hash(mode + "\n" + csv);
  const auto stored = store_.org_rows();
  const std::string org_digest = rows_digest(stored);
  if (apply && c.params["file_digest"] != file_digest)
    return reply(json_error(400, "not_previewed",
                            "not the file (or mode) that was previewed: preview it first"));
  if (apply && c.params["org_digest"] != org_digest)
    return reply(json_error(409, "stale", "the org changed since the preview: preview again"));

  std::vector<std::string> errors, warnings;
  knowledge::RemoveAbsent remove;
  // Replacing: the nodes below the admin's own node that the file lacks go; its own node stays
  // (only an admin above it may remove it).
  if (mode == "replace")
    remove = [&c](const OrgRecord& n) { return n.id != c.scope.root() && c.scope.node(n.id); };
  auto plan = knowledge::plan_org(stored, {{file, csv}}, remove, &errors);
  std::shared_ptr<const OrgTree> next;
  std::vector<knowledge::OrgNodeChange> changes;
  if (plan) {
    next = std::make_shared<const OrgTree>(std::move(plan->tree));
    check_scope(c.who, c.scope, *plan, next, file, &errors);
    const std::set<std::string> gone(plan->removals.begin(), plan->removals.end());
    if (!gone.empty()) {
      // A node that still holds open tickets stays: they would be held by nothing.
      std::map<std::string, std::string> held;
      for (const auto& f : store_.open_tickets(c.scope.root()))
        for (const std::string* id :
             {&f.ticket.origin_node, &f.ticket.owner_node, &f.ticket.department})
          if (gone.count(*id)) {
            held[*id] += " #" + std::to_string(f.ticket.no);
            break;
          }
      for (const auto& [id, nos] : held)
        errors.push_back(file + ": node " + id + ": open tickets" + nos +
                         " are reported in it or held by it: finish or transfer them first");
      for (const auto& a : store_.accounts())
        if (gone.count(a.node))
          warnings.push_back("account " + a.name + " is bound to " + a.node +
                             ", which is removed: it will see nothing until bound elsewhere");
    }
    changes = knowledge::diff_org(*plan);
  }
  JsonWriter w;
  w.begin_object().key("mode").value(mode).key("file").value(file);
  w.key("file_digest").value(file_digest).key("org_digest").value(org_digest);
  w.key("valid").value(errors.empty());
  w.key("errors").begin_array();
  for (const auto& e : errors) w.value(e);
  w.end_array().key("warnings").begin_array();
  for (const auto& e : warnings) w.value(e);
  w.end_array();
  w.key("nodes_before").value(static_cast<int64_t>(plan ? plan->before.size() : 0));
  w.key("nodes_after").value(static_cast<int64_t>(next ? next->nodes().size() : 0));
  write_changes(w, changes);
  w.key("applied").value(apply && errors.empty());
  w.end_object();
  std::string body = w.take();
  if (!errors.empty()) return reply(json_response(422, std::move(body)));
  if (!apply) return reply(json_response(200, std::move(body)));

  auto entry = audit_entry(c, "org.import", file);
  const auto n = counts(changes);
  entry.detail = mode + " +" + std::to_string(n[0]) + " ~" + std::to_string(n[1]) + " -" +
                 std::to_string(n[2]);
  auto shared_plan = std::make_shared<knowledge::OrgPlan>(std::move(*plan));
  auto stale = std::make_shared<bool>(false);
  store_.write(
      [shared_plan, org_digest, entry, stale](store::WriteTx& tx) mutable {
        // Checked again inside the write: no other import can land between this and the rows.
        if (rows_digest(tx.load_org_rows()) != org_digest) {
          *stale = true;
          entry.result = "refused: the org changed since the preview";
        } else {
          knowledge::write_org_plan(*shared_plan, tx);
          entry.result = "ok";
        }
        tx.add_audit(entry);
      },
      [this, reply, stale, next, body = std::move(body)](std::error_code ec) {
        if (ec) return reply(error_response(ec));
        if (*stale)
          return reply(
              json_error(409, "stale", "the org changed since the preview: preview again"));
        // Durable now: the running server answers from the new tree, as after a restart.
        swap_.apply([next](knowledge::Knowledge& k) { k.tree = next; });
        std::thread([next] { next->prepare_lookups(); }).detach();  // off the request's path
        reply(json_response(200, body));
      });
}

}  // namespace gridbot::console
