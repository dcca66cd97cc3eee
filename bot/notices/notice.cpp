#include "bot/notices/notice.hpp"

#include "bot/delivery/keys.hpp"

#include <set>

namespace gridbot::notices {
namespace {

// `root` and every node below it (departments are beside the tree, never below).
std::vector<const OrgNode*> subtree(const OrgTree& tree, const OrgNode& root) {
  std::vector<const OrgNode*> nodes{&root};
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const OrgNode* ch : tree.children(*nodes[i]))
      if (ch->level != Level::department) nodes.push_back(ch);
  return nodes;
}

// The node a scope word names inside the speaker's subtree, or nullptr.
const OrgNode* resolve(const NoticeRequest& r, const std::string& scope) {
  if (r.k.grammar->is_everyone_word(scope)) return &r.node;
  for (const OrgNode* n : subtree(*r.k.tree, r.node))
    if (n->id == scope || n->name == scope) return n;
  return nullptr;
}

}  // namespace

std::string on_notice(const NoticeRequest& r, delivery::Poster& out) {
  const auto& m = r.m;
  const std::string key = delivery::keys::answer("cmd", m.channel, m.chat_id, m.msg_id);
  const Head* head = head_of(r.node, m.channel, m.sender_id);
  const Mention speaker{m.sender_id, m.sender_name.empty() && head ? head->name : m.sender_name};
  std::map<std::string, std::string> vars{{"mentions", mention_text({speaker})}};
  auto reply = [&](const std::string& name, const char* state) {
    out.post({{m.channel, m.chat_id},
              r.k.templates->render(name, vars),
              {speaker},
              priority::kRoutine,
              key,
              {}});
    return std::string(state);
  };
  if (r.node.level == Level::building)
    return head ? reply("notice.refused.building", "refused") : "ignored";
  if (head == nullptr) return reply("command.refused.not_head", "refused");
  const auto space = r.note.find(' ');
  const std::string scope = r.note.substr(0, space);
  const std::string body = space == std::string::npos ? "" : r.note.substr(space + 1);
  vars["scope"] = scope;
  if (scope.empty() || body.empty()) return reply("notice.usage", "refused");
  const OrgNode* root = resolve(r, scope);
  if (root == nullptr) return reply("notice.refused.scope", "refused");
  int groups = 0, households = 0;
  std::set<std::pair<std::string, std::string>> sent;
  const std::string text = r.k.templates->render("notice", {{"from", r.node.name}, {"text", body}});
  for (const OrgNode* n : subtree(*r.k.tree, *root)) {
    if (n == &r.node) continue;  // the speaker's own group already has it
    households += n->level == Level::building ? n->households : 0;
    for (const auto& g : n->groups) {
      if (!sent.insert({g.channel, g.chat_id}).second) continue;
      if (out.post({g,
                    text,
                    {},
                    priority::kNotice,
                    delivery::keys::to_group(delivery::keys::notice(r.row_id), g),
                    {}}))
        ++groups;
    }
  }
  vars["groups"] = std::to_string(groups);
  vars["households"] = std::to_string(households);
  return reply("notice.done", "command");
}

}  // namespace gridbot::notices
