// SQLite statements for tickets, reporters and ticket events (writer side and reads).
#include "bot/store/sqlite/statements.hpp"

namespace gridbot::store::sqlite {

const char* const kTicketColumns =
    "no, text, category, tier, urgent, leader_marked, building, unit, room, status, origin_node, "
    "origin_channel, origin_chat, origin_msg_id, origin_path, owner_level, owner_node, department, "
    "merge_key, created_ms, updated_ms, accepted_ms, resolved_ms, supervised, assignee, handed";

const std::string& prefixed_ticket_columns() {
  static const std::string cols = [] {
    std::string out, name;
    for (const char* c = kTicketColumns;; ++c) {
      if (*c == ',' || *c == '\0') {
        out += (out.empty() ? "t." : ", t.") + name;
        name.clear();
        if (*c == '\0') break;
      } else if (*c != ' ') {
        name.push_back(*c);
      }
    }
    return out;
  }();
  return cols;
}

Ticket ticket_row(SQLite::Statement& s) {
  Ticket t;
  int c = 0;
  t.no = s.getColumn(c++).getInt64();
  t.text = s.getColumn(c++).getString();
  t.category = s.getColumn(c++).getString();
  t.tier = parse_tier(s.getColumn(c++).getString()).value_or(Tier::small);
  t.urgent = s.getColumn(c++).getInt() != 0;
  t.leader_marked = s.getColumn(c++).getInt() != 0;
  t.building = s.getColumn(c++).getString();
  t.unit = s.getColumn(c++).getString();
  t.room = s.getColumn(c++).getString();
  t.status = parse_ticket_status(s.getColumn(c++).getString()).value_or(TicketStatus::new_);
  t.origin_node = s.getColumn(c++).getString();
  t.origin_channel = s.getColumn(c++).getString();
  t.origin_chat = s.getColumn(c++).getString();
  t.origin_msg_id = s.getColumn(c++).getString();
  t.origin_path = s.getColumn(c++).getString();
  t.owner_level = s.getColumn(c++).getString();
  t.owner_node = s.getColumn(c++).getString();
  t.department = s.getColumn(c++).getString();
  t.merge_key = s.getColumn(c++).getString();
  t.created_ms = s.getColumn(c++).getInt64();
  t.updated_ms = s.getColumn(c++).getInt64();
  t.accepted_ms = s.getColumn(c++).getInt64();
  t.resolved_ms = s.getColumn(c++).getInt64();
  t.supervised = s.getColumn(c++).getInt() != 0;
  t.assignee = s.getColumn(c++).getString();
  t.handed = s.getColumn(c++).getString();
  return t;
}

std::vector<Reporter> read_reporters(SQLite::Statement& s, int64_t no) {
  s.bind(1, no);
  std::vector<Reporter> out;
  while (s.executeStep())
    out.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                   s.getColumn(2).getString(), s.getColumn(3).getString(),
                   s.getColumn(4).getInt64()});
  s.reset();
  return out;
}

int64_t WriterStatements::create_ticket(const Ticket& t) {
  next_no_.executeStep();
  const int64_t no = next_no_.getColumn(0).getInt64();
  next_no_.reset();
  auto& s = insert_ticket_;
  int i = 1;
  s.bind(i++, no);
  s.bind(i++, t.text);
  s.bind(i++, t.category);
  s.bind(i++, to_string(t.tier));
  s.bind(i++, t.urgent ? 1 : 0);
  s.bind(i++, t.leader_marked ? 1 : 0);
  s.bind(i++, t.building);
  s.bind(i++, t.unit);
  s.bind(i++, t.room);
  s.bind(i++, to_string(t.status));
  s.bind(i++, t.origin_node);
  s.bind(i++, t.origin_channel);
  s.bind(i++, t.origin_chat);
  s.bind(i++, t.origin_msg_id);
  s.bind(i++, t.origin_path);
  s.bind(i++, t.owner_level);
  s.bind(i++, t.owner_node);
  s.bind(i++, t.department);
  s.bind(i++, t.merge_key);
  s.bind(i++, t.created_ms);
  s.bind(i++, t.updated_ms);
  s.bind(i++, t.accepted_ms);
  s.bind(i++, t.resolved_ms);
  // Nodes it is handed to later are recorded by the scope index as they come.
  Ticket indexed = t;
  indexed.no = no;
  indexed.handed.clear();
  s.bind(i++, indexed.handed);
  s.exec();
  s.reset();
  if (!t.reporters.empty()) add_reporter(no, t.reporters.front());
  scope_->add(indexed);
  return no;
}

void WriterStatements::update_ticket(const Ticket& changed) {
  select_ticket_.bind(1, changed.no);
  std::optional<Ticket> before;
  if (select_ticket_.executeStep()) before = ticket_row(select_ticket_);
  select_ticket_.reset();
  if (!before) return;
  Ticket t = changed;
  scope_->change(*before, t);
  auto& s = update_ticket_;
  int i = 1;
  s.bind(i++, to_string(t.status));
  s.bind(i++, t.owner_level);
  s.bind(i++, t.owner_node);
  s.bind(i++, t.department);
  s.bind(i++, t.leader_marked ? 1 : 0);
  s.bind(i++, t.urgent ? 1 : 0);
  s.bind(i++, to_string(t.tier));
  s.bind(i++, t.updated_ms);
  s.bind(i++, t.accepted_ms);
  s.bind(i++, t.resolved_ms);
  s.bind(i++, t.supervised ? 1 : 0);
  s.bind(i++, t.assignee);
  s.bind(i++, t.handed);
  s.bind(i++, t.category);
  s.bind(i++, t.no);
  s.exec();
  s.reset();
}

std::optional<Ticket> WriterStatements::load_ticket(int64_t no) {
  select_ticket_.bind(1, no);
  std::optional<Ticket> t;
  if (select_ticket_.executeStep()) t = ticket_row(select_ticket_);
  select_ticket_.reset();
  if (t) t->reporters = read_reporters(select_reporters_, no);
  return t;
}

std::optional<Ticket> WriterStatements::find_open_ticket(const std::string& merge_key,
                                                         const std::string& unit,
                                                         int64_t since_ms) {
  find_open_.bind(1, merge_key);
  find_open_.bind(2, since_ms);
  find_open_.bind(3, unit);
  std::optional<Ticket> t;
  if (find_open_.executeStep()) t = ticket_row(find_open_);
  find_open_.reset();
  return t;
}

int WriterStatements::reporter_count(int64_t no) {
  auto s = cache_.use("SELECT count(*) FROM ticket_reporters WHERE ticket_no = ?");
  s->bind(1, no);
  return s->executeStep() ? s->getColumn(0).getInt() : 0;
}

int64_t WriterStatements::latest_ticket_of(const std::string& channel, const std::string& user) {
  // Rare (a resident's bare 进度): prepared per call rather than kept.
  SQLite::Statement s(db_,
                      "SELECT ticket_no FROM ticket_reporters WHERE channel = ? AND user_id = ? "
                      "ORDER BY joined_ms DESC, ticket_no DESC LIMIT 1");
  s.bind(1, channel);
  s.bind(2, user);
  return s.executeStep() ? s.getColumn(0).getInt64() : 0;
}

// Follow-ups (docs/media.md "Follow-ups"): a few lookups per message in a building group, each an
// index range of ticket_reporters(channel, chat_id, user_id, last_ms); prepared once, as they run
// for most messages. The sender's is read in the index's own order (a tie on last_ms: the reporter
// row joined last), so that no sorter is opened for it.
int64_t WriterStatements::recent_report_of(const std::string& channel, const std::string& chat,
                                           const std::string& user, int64_t since_ms) {
  auto s = cache_.use(
      "SELECT r.ticket_no FROM ticket_reporters r JOIN tickets t ON t.no = "
      "r.ticket_no WHERE r.channel = ? AND r.chat_id = ? AND r.user_id = ? AND "
      "r.last_ms >= ? AND t.status NOT IN ('resolved', 'confirmed', 'closed') "
      "ORDER BY r.last_ms DESC, r.rowid DESC LIMIT 1");
  s->bind(1, channel);
  s->bind(2, chat);
  s->bind(3, user);
  s->bind(4, since_ms);
  return s->executeStep() ? s->getColumn(0).getInt64() : 0;
}

int64_t WriterStatements::recent_ticket_in(const std::string& channel, const std::string& chat,
                                           int64_t since_ms) {
  auto s = cache_.use(
      "SELECT r.ticket_no FROM ticket_reporters r JOIN tickets t ON t.no = "
      "r.ticket_no WHERE r.channel = ? AND r.chat_id = ? AND r.last_ms >= ? AND "
      "t.status NOT IN ('resolved', 'confirmed', 'closed') "
      "ORDER BY r.last_ms DESC, r.ticket_no DESC LIMIT 1");
  s->bind(1, channel);
  s->bind(2, chat);
  s->bind(3, since_ms);
  return s->executeStep() ? s->getColumn(0).getInt64() : 0;
}

void WriterStatements::touch_reporter(int64_t no, const std::string& channel,
                                      const std::string& user, int64_t at_ms) {
  auto s = cache_.use(
      "UPDATE ticket_reporters SET last_ms = max(last_ms, ?) WHERE ticket_no = ? "
      "AND channel = ? AND user_id = ?");
  s->bind(1, at_ms);
  s->bind(2, no);
  s->bind(3, channel);
  s->bind(4, user);
  s->exec();
}

void WriterStatements::set_location(int64_t no, const std::string& building,
                                    const std::string& unit, const std::string& room) {
  auto s = cache_.use("UPDATE tickets SET building = ?, unit = ?, room = ? WHERE no = ?");
  s->bind(1, building);
  s->bind(2, unit);
  s->bind(3, room);
  s->bind(4, no);
  s->exec();
}

bool WriterStatements::add_reporter(int64_t no, const Reporter& r) {
  auto& s = insert_reporter_;
  s.bind(1, no);
  s.bind(2, r.channel);
  s.bind(3, r.user_id);
  s.bind(4, r.name);
  s.bind(5, r.chat_id);
  s.bind(6, r.joined_ms);
  const int changed = s.exec();
  s.reset();
  return changed > 0;
}

void WriterStatements::add_event(int64_t no, const TicketEvent& e) {
  auto& s = insert_event_;
  s.bind(1, no);
  s.bind(2, e.at_ms);
  s.bind(3, e.actor_id);
  s.bind(4, e.actor_name);
  s.bind(5, e.kind);
  s.bind(6, e.detail);
  s.bind(7, e.from_status);
  s.bind(8, e.to_status);
  s.exec();
  s.reset();
}

// The first ticket number reported at or after `ms` (numbers grow with time).
int64_t first_no_at(SQLite::Database& db, int64_t ms) {
  SQLite::Statement s(db,
                      "SELECT no FROM tickets WHERE created_ms >= ? ORDER BY created_ms LIMIT 1");
  s.bind(1, ms);
  return s.executeStep() ? s.getColumn(0).getInt64() : INT64_MAX;
}

std::pair<int64_t, int64_t> no_range(SQLite::Database& db, int64_t from_ms, int64_t to_ms) {
  return {from_ms > 0 ? first_no_at(db, from_ms) : 0,
          to_ms > 0 ? first_no_at(db, to_ms) : INT64_MAX};
}

std::string scope_code(const char* kind, const char* param) {
  return std::string("(SELECT code FROM codes WHERE kind = '") + kind + "' AND text = " + param +
         ")";
}

std::string tickets_sql(const TicketQuery& q) {
  // A node's tickets walk its ticket_scope range newest first, so a building's page costs what a
  // street's does. The scope rows carry what the list filters by: a category (open or not), or
  // else a status, is its own index range, so a filtered page reads only rows that match (a
  // status beside a category is tested on the category's index entries, no ticket read for it).
  // The whole deployment reads the tickets themselves: one category, or else one status, is a
  // range of its index on `tickets` (newest first); a tier or level alone walks the newest tickets
  // until the page is full.
  const std::string status = q.status ? to_string(*q.status) : "";
  std::string sql;
  if (q.node.empty()) {
    const char* index = !q.category.empty() ? " INDEXED BY tickets_category"
                        : !status.empty()   ? " INDEXED BY tickets_status"
                                            : "";
    sql = "SELECT " + prefixed_ticket_columns() + " FROM tickets t" + index +
          " WHERE t.no >= :lo AND t.no < :below";
    if (!q.category.empty()) sql += " AND t.category = :cat";
    if (!status.empty()) sql += " AND t.status = :status";
    if (!q.tier.empty()) sql += " AND t.tier = :tier";
    if (!q.level.empty()) sql += " AND t.owner_level = :level";
    if (q.open_only) sql += " AND t.status NOT IN ('resolved', 'confirmed', 'closed')";
    sql += " ORDER BY t.no DESC LIMIT :limit";
  } else {
    const char* index = !q.category.empty()
                            ? (q.open_only ? " INDEXED BY ticket_scope_open_category"
                                           : " INDEXED BY ticket_scope_category")
                        : !status.empty() ? " INDEXED BY ticket_scope_status"
                        : q.open_only     ? " INDEXED BY ticket_scope_open"
                                          : "";
    sql = "SELECT " + prefixed_ticket_columns() + " FROM ticket_scope s" + index +
          " JOIN tickets t ON t.no = s.no WHERE s.node = :node AND s.no >= :lo AND s.no < :below";
    if (q.open_only) sql += " AND s.open = 1";
    if (!q.category.empty()) sql += " AND s.category = " + scope_code("category", ":cat");
    if (!status.empty()) sql += " AND s.status = " + scope_code("status", ":status");
    if (!q.tier.empty()) sql += " AND s.tier = " + scope_code("tier", ":tier");
    if (!q.level.empty()) sql += " AND s.level = " + scope_code("level", ":level");
    sql += " ORDER BY s.no DESC LIMIT :limit";
  }
  return sql;
}

std::vector<Ticket> read_tickets(SQLite::Database& db, const TicketQuery& q) {
  const auto [lo, hi] = no_range(db, q.from_ms, q.to_ms);
  const int64_t below = q.before_no > 0 ? std::min(q.before_no, hi) : hi;
  const std::string status = q.status ? to_string(*q.status) : "";
  SQLite::Statement s(db, tickets_sql(q));
  auto bind = [&s](const char* name, const std::string& v) {
    if (!v.empty()) s.bind(name, v);
  };
  if (!q.node.empty()) s.bind(":node", q.node);
  bind(":status", status);
  bind(":cat", q.category);
  bind(":tier", q.tier);
  bind(":level", q.level);
  s.bind(":lo", lo);
  s.bind(":below", below);
  s.bind(":limit", q.limit);
  std::vector<Ticket> out;
  while (s.executeStep()) out.push_back(ticket_row(s));
  SQLite::Statement rep(db,
                        "SELECT channel, user_id, name, chat_id, joined_ms FROM ticket_reporters "
                        "WHERE ticket_no = ? ORDER BY joined_ms, rowid");
  for (auto& t : out) t.reporters = read_reporters(rep, t.no);
  return out;
}

std::optional<Ticket> read_ticket(SQLite::Database& db, int64_t no) {
  SQLite::Statement s(db, std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE no = ?");
  s.bind(1, no);
  if (!s.executeStep()) return std::nullopt;
  Ticket t = ticket_row(s);
  SQLite::Statement rep(db,
                        "SELECT channel, user_id, name, chat_id, joined_ms FROM ticket_reporters "
                        "WHERE ticket_no = ? ORDER BY joined_ms, rowid");
  t.reporters = read_reporters(rep, no);
  SQLite::Statement ev(db,
                       "SELECT id, at_ms, actor_id, actor_name, kind, detail, from_status, "
                       "to_status FROM ticket_events WHERE ticket_no = ? ORDER BY id");
  ev.bind(1, no);
  while (ev.executeStep())
    t.events.push_back({ev.getColumn(0).getInt64(), ev.getColumn(1).getInt64(),
                        ev.getColumn(2).getString(), ev.getColumn(3).getString(),
                        ev.getColumn(4).getString(), ev.getColumn(5).getString(),
                        ev.getColumn(6).getString(), ev.getColumn(7).getString()});
  return t;
}

}  // namespace gridbot::store::sqlite
