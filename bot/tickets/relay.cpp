// A ticket's messages to the chain: the relay up to its owner, hand-overs to a new holder, the
// heads of a node, and the reporters told of every change.
#include "bot/tickets/text.hpp"
#include "bot/tickets/workflows.hpp"

#include <algorithm>

namespace gridbot::tickets {
namespace {

int priority_of(const Ticket& t) { return t.urgent ? priority::kUrgent : priority::kRoutine; }

// The nodes a new ticket is relayed to: from the grid up to its owner, then its department.
std::vector<const OrgNode*> relay_targets(const Work& w, const Ticket& t) {
  const auto& k = *w.k;
  std::vector<const OrgNode*> targets;
  if (t.owner_node != w.node->id)
    for (const OrgNode* n : k.tree->ancestors(*w.node)) {
      targets.push_back(n);
      if (n->id == t.owner_node) break;
    }
  if (!t.department.empty())
    if (const OrgNode* d = k.tree->find(t.department)) targets.push_back(d);
  return targets;
}

// Who a relay @-mentions in `n`'s group on `channel`: its heads, and in a grid group the
// property head too when the ticket is urgent (they hear an emergency at once).
std::vector<Mention> relay_mentions(const Work& w, const Ticket& t, const OrgNode& n,
                                    const std::string& channel) {
  auto who = w.heads_of(n, channel);
  if (t.urgent && n.level == Level::grid)
    for (const auto& h : n.heads)
      if (h.role == Role::property_head && h.channel == channel) who.push_back({h.user_id, h.name});
  return who;
}

// The ticket's photos as images after its text in `g`, where the channel shows images (the text's
// 附图N张 and links stand everywhere). Keyed per photo and group: a later 补充 sends only the
// photos not shown there yet.
void post_photos(Work& w, const Ticket& t, const GroupRef& g, int priority, int64_t not_before) {
  for (const auto& m : w.media.media_of(t.no))
    if (m.ref.kind == MediaKind::image)
      w.out.post_image({g,
                        {},
                        {},
                        priority,
                        delivery::keys::to_group(delivery::keys::photo(t.no, m.id), g),
                        {},
                        not_before},
                       m.id);
}

}  // namespace

void relay_up(Work& w, const Ticket& t) {
  const auto targets = relay_targets(w, t);
  if (targets.empty()) return;
  const std::string location = location_text(*w.k->templates, t);
  Vars vars{{"urgent", t.urgent ? w.label("mark", "urgent") : ""},
            {"leader", t.leader_marked ? w.label("mark", "leader") : ""},
            {"no", std::to_string(t.no)},
            {"category", w.label("category", t.category)},
            {"tier", w.label("tier", to_string(t.tier))},
            {"origin", w.node->name},
            {"location", location.empty() ? w.node->name : location},
            {"text", quote_up(t.text)},
            {"photos", photos_line(w, t.no)},
            {"count", std::to_string(t.reporters.size())}};
  std::string relayed;
  for (const OrgNode* n : targets) {
    for (const auto& g : n->groups) {
      const auto who = relay_mentions(w, t, *n, g.channel);
      vars["mentions"] = mention_text(who);
      if (w.post(g, w.render("ticket.relay", vars), who, priority_of(t),
                 delivery::keys::to_group(delivery::keys::relay(t.no, n->id), g)))
        post_photos(w, t, g, priority_of(t), 0);
    }
    relayed += (relayed.empty() ? "" : ",") + n->id;
  }
  w.record(t.no, TicketEvent{0, w.now, "gridbot", "", "relayed", relayed, "", ""});
}

std::string photos_line(Work& w, int64_t ticket_no) {
  int count = 0;
  std::string links;
  for (const auto& m : w.media.media_of(ticket_no)) {
    if (m.ref.kind != MediaKind::image) continue;
    ++count;
    if (w.cfg.media_link)
      if (std::string link = w.cfg.media_link(m.id); !link.empty()) links += "\n" + link;
  }
  if (count == 0) return {};
  return "\n" + w.render("ticket.photos", {{"count", std::to_string(count)}, {"links", links}});
}

void relay_follow_up(Work& w, const Ticket& t, const std::string& words) {
  const OrgNode* origin = w.k->tree->find(t.origin_node);
  if (origin == nullptr) return;
  // The groups the relay went to, as from the report's own building group.
  const OrgNode* here = w.node;
  w.node = origin;
  const auto targets = relay_targets(w, t);
  w.node = here;
  const std::string location = location_text(*w.k->templates, t);
  const Vars vars{{"no", std::to_string(t.no)},
                  {"category", w.label("category", t.category)},
                  {"location", location.empty() ? origin->name : location},
                  {"text", words.empty() ? std::string() : "\n" + quote_up(words)},
                  {"photos", photos_line(w, t.no)}};
  const std::string text = w.render("ticket.follow_up", vars);
  for (const OrgNode* n : targets)
    for (const auto& g : n->groups)
      if (w.out.post({g,
                      text,
                      {},
                      priority::kFollowUp,
                      delivery::keys::to_group(delivery::keys::follow_up(t.no, w.row_id), g),
                      delivery::keys::follow_up_thread(t.no),
                      w.now + w.cfg.follow_up_delay_ms}))
        post_photos(w, t, g, priority::kFollowUp, w.now + w.cfg.follow_up_delay_ms);
}

void hand_over(Work& w, Ticket& t, const OrgNode& to, const std::string& why) {
  // The holder changes: its clocks stop, the new holder's accept clock starts, and the resolve
  // clock follows the ticket with the time it has left.
  w.deadlines.stop_deadlines(t.no, DeadlineKind::accept);
  w.deadlines.stop_deadlines(t.no, DeadlineKind::update);
  t.assignee.clear();  // a person it was handed to (转办 物业) no longer holds it
  if (to.level == Level::department) {
    t.department = to.id;
  } else {
    t.owner_node = to.id;
    t.owner_level = to_string(to.level);
    t.department.clear();
  }
  if (t.tier != Tier::private_)
    w.deadlines.add_deadline(
        clock_row(w.cfg, t.no, DeadlineKind::accept, to.id, w.now, w.cfg.accept_ms));
  // Where it came from, as the relay said it: the building group's name, then the location.
  const OrgNode* from = w.k->tree->find(t.origin_node);
  std::string origin = from != nullptr ? from->name : t.origin_node;
  if (const std::string where = location_text(*w.k->templates, t);
      !where.empty() && where != origin)
    origin = w.render("ticket.origin_at", {{"origin", origin}, {"location", where}});
  tell_heads(w, to, "ticket.handover",
             {{"no", std::to_string(t.no)},
              {"why", why},
              {"supervised", t.supervised ? w.label("mark", "supervised") : ""},
              {"urgent", t.urgent ? w.label("mark", "urgent") : ""},
              {"category", w.label("category", t.category)},
              {"origin", origin},
              {"text", quote_up(t.text)},
              {"count", std::to_string(t.reporters.size())}},
             priority_of(t), delivery::keys::handover(t.no, to.id, w.now));
}

void tell_heads(Work& w, const OrgNode& node, const std::string& template_name, Vars vars,
                int priority, const std::string& key) {
  for (const auto& g : node.groups) {
    const auto who = w.heads_of(node, g.channel);
    vars["mentions"] = mention_text(who);
    w.post(g, w.render(template_name, vars), who, priority, delivery::keys::to_group(key, g));
  }
}

void tell_reporters(Work& w, const Ticket& t, const std::string& template_name,
                    const std::string& note, const std::string& key) {
  const Head* speaker = w.speaker();
  const std::string actor = speaker ? w.label("role", to_string(speaker->role)) +
                                          (speaker->name.empty() ? w.m.sender_name : speaker->name)
                                    : w.m.sender_name;
  std::map<std::pair<std::string, std::string>, std::vector<Mention>> by_group;
  for (const auto& r : t.reporters) by_group[{r.channel, r.chat_id}].push_back({r.user_id, r.name});
  for (const auto& [group, who] : by_group) {
    const GroupRef g{group.first, group.second};
    w.post(g,
           w.render(template_name, {{"mentions", mention_text(who)},
                                    {"no", std::to_string(t.no)},
                                    {"category", w.label("category", t.category)},
                                    {"actor", actor},
                                    {"owner", owner_name(*w.k, t)},
                                    {"note", note}}),
           who, priority_of(t), delivery::keys::to_group(key, g));
  }
}

const OrgNode* holder_of(const Knowledge& k, const Ticket& t) {
  return k.tree->find(t.department.empty() ? t.owner_node : t.department);
}

std::string owner_name(const Knowledge& k, const Ticket& t) {
  const OrgNode* owner = k.tree->find(t.owner_node);
  std::string name = owner ? owner->name : t.owner_node;
  // Handed to a person (转办 物业): name them, e.g. 第1网格物业负责人曾师傅.
  if (!t.assignee.empty() && owner != nullptr) {
    std::vector<const OrgNode*> chain{owner};
    for (const OrgNode* n : k.tree->ancestors(*owner)) chain.push_back(n);
    if (const OrgNode* origin = k.tree->find(t.origin_node)) {
      chain.push_back(origin);
      for (const OrgNode* n : k.tree->ancestors(*origin)) chain.push_back(n);
    }
    for (const OrgNode* n : chain)
      for (const auto& h : n->heads)
        if (h.channel + ":" + h.user_id == t.assignee)
          return n->name + k.templates->label("role", to_string(h.role)) +
                 (h.name.empty() ? h.user_id : h.name);
  }
  if (!t.department.empty())
    if (const OrgNode* d = k.tree->find(t.department))
      name =
          k.templates->render("owner.with_department", {{"owner", name}, {"department", d->name}});
  return name;
}

const OrgNode* owner_for(const OrgTree& tree, const OrgNode& building, Tier tier) {
  if (tier == Tier::private_) return &building;
  const auto up = tree.ancestors(building);  // parent first, street last
  if (up.empty()) return &building;
  if (tier == Tier::small)  // the grid, or the nearest higher node where an estate has no grid
    for (const OrgNode* n : up)
      if (n->level <= Level::grid) return n;
  return up.back();  // big and hard: the street office
}

const OrgNode* department_for(const OrgTree& tree, const std::string& category) {
  for (const OrgNode* n : tree.departments())
    if (std::find(n->categories.begin(), n->categories.end(), category) != n->categories.end() &&
        !n->groups.empty())
      return n;
  return nullptr;
}

}  // namespace gridbot::tickets
