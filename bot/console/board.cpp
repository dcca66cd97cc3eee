// The board: the subtree's tickets (overdue and about-to-miss first), one ticket's page, and the
// ticket actions, which run TicketService::console_command — the chat commands' own code.
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/strict_int.hpp"
#include "bot/console/console_api.hpp"
#include "bot/console/secrets.hpp"
#include "bot/tickets/workflows.hpp"

#include <algorithm>
#include <set>

namespace gridbot::console {
namespace {

// A clock due within this is "about to miss" on the board.
constexpr int64_t kSoonMs = 2 * 3'600'000;
constexpr int kMaxRows = 500;

const std::set<std::string>& kActions() {
  static const std::set<std::string> a{"accept",   "resolve", "transfer",
                                       "escalate", "return",  "supervise"};
  return a;
}

std::string node_name(const OrgTree& tree, const std::string& id) {
  const OrgNode* n = tree.find(id);
  return n ? n->name : id;
}

void write_row(JsonWriter& w, const knowledge::Knowledge& k, const Ticket& t, int64_t reporters,
               int64_t next_due, int misses, int64_t now) {
  const auto& tpl = *k.templates;
  w.begin_object();
  w.key("no").value(t.no);
  w.key("status").value(to_string(t.status));
  w.key("status_label").value(tpl.label("status", to_string(t.status)));
  w.key("category").value(t.category);
  w.key("category_label").value(tpl.label("category", t.category));
  w.key("tier").value(to_string(t.tier));
  w.key("tier_label").value(tpl.label("tier", to_string(t.tier)));
  w.key("urgent").value(t.urgent);
  w.key("supervised").value(t.supervised);
  w.key("leader_marked").value(t.leader_marked);
  w.key("text").value(t.text);
  w.key("building").value(t.building);
  w.key("unit").value(t.unit);
  w.key("room").value(t.room);
  w.key("origin").value(t.origin_node);
  w.key("origin_name").value(node_name(*k.tree, t.origin_node));
  w.key("owner_level").value(t.owner_level);
  w.key("owner_node").value(t.owner_node);
  w.key("holder_name").value(tickets::owner_name(k, t));
  w.key("reporters").value(reporters);
  w.key("created_ms").value(t.created_ms);
  w.key("updated_ms").value(t.updated_ms);
  w.key("next_due_ms").value(next_due);
  w.key("misses").value(misses);
  const char* due = next_due == 0              ? ""
                    : next_due < now           ? "overdue"
                    : next_due - now < kSoonMs ? "soon"
                                               : "";
  w.key("due").value(due);
  w.end_object();
}

// The board's text search (category, tier and level are the store's filters).
bool matches(const Ticket& t, const std::string& q) {
  if (q.empty()) return true;
  const std::string digits = q[0] == '#' ? q.substr(1) : q;
  if (std::to_string(t.no) == digits) return true;
  return t.text.find(q) != std::string::npos || t.building.find(q) != std::string::npos ||
         (!t.building.empty() && (t.building + "栋").find(q) != std::string::npos);
}

}  // namespace

HttpResponse ConsoleApi::tickets(Call& c) {
  std::string node = c.params["node"];
  if (node.empty()) node = c.scope.root();
  if (!c.scope.node(node)) return json_error(403, "out_of_scope", "node");
  const std::string status = c.params["status"].empty() ? "open" : c.params["status"];
  const std::string q = c.params["q"];
  const int64_t now = clock_.now_ms();
  struct Row {
    Ticket t;
    int64_t reporters = 0;
    int64_t next_due = 0;
    int misses = 0;
  };
  std::vector<Row> rows;
  int64_t open_total = -1;
  if (status == "open") {
    // The earliest-due kMaxRows, read in due order as far as they reach: unfiltered, the start
    // of the node's index range (and its length, the open total); filtered, the start of the
    // range of the category's (tier's, level's) open tickets, tried by the text search if any.
    store::BoardFilter filter{c.params["category"], c.params["tier"], c.params["level"], {}};
    if (!q.empty()) filter.keep = [&q](const Ticket& t) { return matches(t, q); };
    const bool filtered =
        filter.keep || !filter.category.empty() || !filter.tier.empty() || !filter.level.empty();
    auto found = filtered ? store_.open_tickets_where(node, static_cast<size_t>(kMaxRows), filter)
                          : store_.open_tickets(node, static_cast<size_t>(kMaxRows), &open_total);
    for (auto& f : found)
      rows.push_back({std::move(f.ticket), f.reporters, f.next_due_ms, f.misses});
    // Overdue and about-to-miss first: the earliest live clock leads; none at all goes last.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      if ((a.next_due == 0) != (b.next_due == 0)) return b.next_due == 0;
      return a.next_due < b.next_due;
    });
  } else {
    store::TicketQuery tq;
    tq.node = node;
    tq.limit = kMaxRows;
    tq.category = c.params["category"];
    tq.tier = c.params["tier"];
    tq.level = c.params["level"];
    if (status != "all") {
      tq.status = parse_ticket_status(status);
      if (!tq.status) return json_error(400, "bad_request", "status");
    }
    for (auto& t : store_.tickets(tq))
      if (matches(t, q)) {
        const auto n = static_cast<int64_t>(t.reporters.size());
        rows.push_back({std::move(t), n, 0, 0});
      }
  }
  if (rows.size() > kMaxRows) rows.resize(kMaxRows);
  JsonWriter w;
  w.begin_object().key("node").value(node).key("node_name").value(node_name(c.scope.tree(), node));
  w.key("now_ms").value(now);
  if (open_total >= 0) w.key("open_total").value(open_total);
  w.key("tickets").begin_array();
  for (const auto& r : rows) write_row(w, *c.k, r.t, r.reporters, r.next_due, r.misses, now);
  w.end_array().end_object();
  return json_response(200, w.take());
}

HttpResponse ConsoleApi::ticket(Call& c, int64_t no) {
  auto t = store_.ticket(no);
  // Outside the subtree looks exactly like no such ticket: nothing leaks, not even existence.
  if (!t || !c.scope.ticket(*t)) return json_error(404, "not_found", "ticket");
  const auto& tpl = *c.k->templates;
  const int64_t now = clock_.now_ms();
  const auto clocks = store_.deadlines(no);
  int64_t next_due = 0;
  for (const auto& d : clocks)
    if ((d.state == DeadlineState::pending || d.state == DeadlineState::warned) &&
        (next_due == 0 || d.due_ms < next_due))
      next_due = d.due_ms;
  JsonWriter w;
  w.begin_object().key("ticket");
  write_row(w, *c.k, *t, static_cast<int64_t>(t->reporters.size()), next_due, 0, now);
  w.key("reporters").begin_array();
  for (const auto& r : t->reporters) {
    const OrgNode* n = c.k->tree->by_group(r.channel, r.chat_id);
    w.begin_object().key("name").value(r.name.empty() ? r.user_id : r.name);
    w.key("group").value(n ? n->name : r.chat_id);
    w.key("joined_ms").value(r.joined_ms).end_object();
  }
  w.end_array();
  // The photos, voice and files of the ticket, each with a signed link the page shows it by
  // (thumbnails for photos); the ticket's own scope decided above who sees them.
  w.key("media").begin_array();
  for (const auto& m : store_.ticket_media(no)) {
    w.begin_object().key("type").value(to_string(m.ref.kind));
    w.key("state").value(to_string(m.state));
    w.key("mime").value(m.mime.empty() ? m.ref.mime : m.mime);
    w.key("received_ms").value(m.created_ms);
    const std::string url = options_.media_link ? options_.media_link(m) : std::string();
    if (url.empty())
      w.key("url").null();
    else
      w.key("url").value(url);
    w.end_object();
  }
  w.end_array();
  w.key("history").begin_array();
  for (const auto& e : t->events) {
    w.begin_object().key("at_ms").value(e.at_ms);
    w.key("actor").value(e.actor_id);
    w.key("actor_name").value(e.actor_name.empty() ? e.actor_id : e.actor_name);
    w.key("kind").value(e.kind);
    w.key("kind_label")
        .value(tpl.label("action", e.kind) != e.kind ? tpl.label("action", e.kind)
                                                     : tpl.label("status", e.kind));
    w.key("detail").value(e.detail);
    w.key("from").value(e.from_status);
    w.key("to").value(e.to_status).end_object();
  }
  w.end_array();
  w.key("deadlines").begin_array();
  for (const auto& d : clocks) {
    w.begin_object().key("clock").value(to_string(d.clock));
    w.key("clock_label").value(tpl.label("clock", to_string(d.clock)));
    w.key("holder").value(node_name(*c.k->tree, d.node));
    w.key("due_ms").value(d.due_ms);
    w.key("state").value(to_string(d.state)).end_object();
  }
  w.end_array();
  // The messages: what the reporters wrote in their groups, and what those groups were told
  // about this ticket.
  w.key("messages").begin_array();
  std::set<std::pair<std::string, std::string>> chats;
  for (const auto& r : t->reporters) chats.insert({r.channel, r.chat_id});
  const std::string mark = "#" + std::to_string(no);
  struct Line {
    int64_t at;
    std::string who, text, state;
    bool out;
  };
  std::vector<Line> lines;
  for (const auto& [channel, chat] : chats) {
    for (const auto& sm : store_.messages({channel, chat, 0, 200}))
      for (const auto& r : t->reporters)
        if (r.user_id == sm.message.sender_id && r.channel == channel) {
          lines.push_back({sm.message.received_at_ms, r.name.empty() ? r.user_id : r.name,
                           sm.message.text, sm.state, false});
          break;
        }
    store::DeliveryQuery dq;
    dq.chat = chat;
    dq.limit = 200;
    for (const auto& o : store_.deliveries(dq))
      if (o.channel == channel && o.text.find(mark) != std::string::npos)
        lines.push_back({o.created_ms, "", o.text, std::string(to_string(o.state)), true});
  }
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.at < b.at; });
  for (const auto& l : lines) {
    w.begin_object().key("at_ms").value(l.at).key("outgoing").value(l.out);
    w.key("who").value(l.who).key("text").value(l.text).key("state").value(l.state).end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(200, w.take());
}

void ConsoleApi::ticket_action(Call& c, int64_t no, Reply& reply) {
  if (!allowed(c.who, Permission::ticket_action))
    return reply(json_error(403, "forbidden", "this account may not act on tickets"));
  auto f = body_fields(c.req.body);
  if (!f || !kActions().count((*f)["action"]))
    return reply(json_error(400, "bad_request",
                            "action is accept, resolve, transfer, escalate, "
                            "return or supervise"));
  auto t = store_.ticket(no);
  if (!t || !c.scope.ticket(*t)) return reply(json_error(404, "not_found", "ticket"));
  const std::string action = (*f)["action"];
  std::string note = (*f)["note"];
  if (action == "transfer") note = (*f)["target"] + (note.empty() ? "" : " " + note);
  tickets::ConsoleAction a{c.who.node, action, no, note};
  // The action is a message of the "console" channel in the inbox, from the account: the
  // history names the account, and the keys of what it sends are as unique as a chat command's.
  auto m = std::make_shared<InboundMessage>();
  m->channel = "console";
  m->chat_id = c.who.node;
  m->msg_id = random_hex(12);
  m->sender_id = "console:" + c.who.name;
  m->sender_name = c.who.display_name;
  m->text = c.k->templates->label("action", action) + " #" + std::to_string(no) +
            (note.empty() ? "" : " " + note);
  m->received_at_ms = clock_.now_ms();
  m->sent_at_s = m->received_at_ms / 1000;
  auto entry =
      std::make_shared<AuditEntry>(audit_entry(c, "ticket." + action, "#" + std::to_string(no)));
  entry->detail = note;
  auto answer = std::make_shared<std::string>();
  auto state = std::make_shared<std::string>();
  store_.write(
      [this, m, a, entry, answer, state](store::WriteTx& tx) {
        const int64_t row = tx.insert_inbound(*m);
        *state = tickets_.console_command(*m, row, a, tx, answer.get());
        tx.set_message_state(row, *state);
        entry->result = *state == "command" ? "ok" : "refused: " + *answer;
        tx.add_audit(*entry);
      },
      [reply, answer, state](std::error_code ec) {
        if (ec) return reply(error_response(ec));
        JsonWriter w;
        w.begin_object().key("result").value(*state).key("answer").value(*answer).end_object();
        reply(json_response(*state == "command" ? 200 : 409, w.take()));
      });
}

}  // namespace gridbot::console
