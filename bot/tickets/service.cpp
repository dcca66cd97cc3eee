// TicketService: one message's dispatch (command, report, or nothing), and the Work it runs in.
#include "bot/tickets/service.hpp"

#include "base/common/log.hpp"
#include "bot/knowledge/analysis.hpp"
#include "bot/notices/notice.hpp"
#include "bot/tickets/workflows.hpp"

namespace gridbot::tickets {

const InboundMessage& no_message() {
  static const InboundMessage kNone{};
  return kNone;
}

Work::Work(store::WriteTx& tx, const channels::ChannelTable& channels,
           std::shared_ptr<const Knowledge> knowledge, const TicketConfig& config,
           const InboundMessage* message, int64_t row, int64_t now_ms)
    : tickets(tx),
      deadlines(tx),
      media(tx),
      out(channels, tx, now_ms, message),
      k(std::move(knowledge)),
      cfg(config),
      m(message ? *message : no_message()),
      row_id(row),
      node(nullptr),
      now(now_ms) {}

std::vector<Mention> Work::heads_of(const OrgNode& n, const std::string& channel) const {
  std::vector<Mention> who;
  for (const Head* h : heads_to_mention(n, channel)) who.push_back({h->user_id, h->name});
  return who;
}

Mention Work::sender() const {
  // A head is named as the org knows them when the platform sent no display name.
  if (m.sender_name.empty() && node != nullptr)
    if (const Head* h = head_of(*node, m.channel, m.sender_id); h && !h->name.empty())
      return {m.sender_id, h->name};
  return {m.sender_id, m.sender_name};
}

const Head* Work::speaker() const {
  if (console_head != nullptr) return console_head;
  return node ? head_of(*node, m.channel, m.sender_id) : nullptr;
}

TicketEvent Work::event(std::string kind, std::string detail) const {
  TicketEvent e;
  e.at_ms = now;
  e.actor_id = m.sender_id.empty() ? "gridbot" : m.sender_id;
  e.actor_name = m.sender_name;
  e.kind = std::move(kind);
  e.detail = std::move(detail);
  return e;
}

void Work::record(int64_t no, const TicketEvent& e) {
  tickets.add_event(no, e);
  // The kind and statuses only: the detail quotes residents.
  log::info({"tickets", {{"ticket_no", no}, {"event", e.kind}, {"status", e.to_status}}},
            "ticket {}: {}", no, e.kind);
}

bool Work::post(const GroupRef& group, std::string text, std::vector<Mention> mentions,
                int priority, std::string key) {
  return out.post({group, std::move(text), std::move(mentions), priority, std::move(key), {}});
}

void Work::answer(const std::string& template_name, const Vars& vars, std::string key) {
  Vars v = vars;
  v.emplace("mentions", sender_mention());
  if (answer_sink != nullptr) {  // the console shows the answer the chat would have got
    *answer_sink = render(template_name, v);
    return;
  }
  post({m.channel, m.chat_id}, render(template_name, v), {sender()}, priority::kRoutine,
       std::move(key));
}

TicketService::TicketService(const channels::ChannelTable& channels,
                             std::shared_ptr<const Knowledge> knowledge, const Clock& clock,
                             TicketConfig config)
    : channels_(channels), clock_(clock), config_(config), knowledge_(std::move(knowledge)) {}

void TicketService::swap(std::shared_ptr<const Knowledge> knowledge) {
  std::lock_guard lk(mu_);
  knowledge_ = std::move(knowledge);
}

std::shared_ptr<const Knowledge> TicketService::knowledge() const {
  std::lock_guard lk(mu_);
  return knowledge_;
}

Work TicketService::timer_work(store::WriteTx& tx, int64_t now_ms) const {
  return Work(tx, channels_, knowledge(), config_, nullptr, 0, now_ms);
}

namespace {
// The head role a console account stands in for at its node's level.
Role role_at(Level l) {
  switch (l) {
    case Level::street:
      return Role::street_staff;
    case Level::community:
      return Role::community_head;
    case Level::district:
      return Role::district_head;
    case Level::grid:
      return Role::grid_head;
    case Level::building:
      return Role::building_head;
    case Level::department:
      return Role::department;
  }
  return Role::grid_head;
}
}  // namespace

std::string TicketService::console_command(const InboundMessage& m, int64_t row_id,
                                           const ConsoleAction& a, store::WriteTx& tx,
                                           std::string* answer) {
  Work w(tx, channels_, knowledge(), config_, &m, row_id, clock_.now_ms());
  w.node = w.k->tree->find(a.node);
  if (w.node == nullptr) return "refused";
  const Head acting{role_at(w.node->level), m.channel, m.sender_id, m.sender_name};
  w.console_head = &acting;
  w.answer_sink = answer;
  const std::string word = w.label("action", a.name);
  return on_command(w, ParsedCommand{a.name, word, a.ticket_no, a.note});
}

std::string TicketService::process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx) {
  Work w(tx, channels_, knowledge(), config_, &m, row_id, clock_.now_ms());
  const auto a = knowledge::analysis_for(m, w.k);
  w.node = a->node;
  if (w.node == nullptr) {
    // A group nobody registered: say so when spoken to, otherwise stay silent.
    if (m.mentions_bot)
      w.answer("unknown_group", {},
               delivery::keys::answer("unknown", m.channel, m.chat_id, m.msg_id));
    return "ignored";
  }
  if (const auto& cmd = a->command) {
    if (cmd->name == "notice")
      return notices::on_notice({*w.k, *w.node, m, row_id, cmd->note}, w.out);
    return on_command(w, *cmd);
  }
  // Reports come from residents' building groups; heads' groups speak in commands.
  if (w.node->level != Level::building) return "ignored";
  if (auto state = on_follow_up(w, *a)) return *state;
  return on_report(w, *a,
                   a->prefixed      ? Ask::prefixed
                   : m.mentions_bot ? Ask::mentioned
                                    : Ask::silent);
}

}  // namespace gridbot::tickets
