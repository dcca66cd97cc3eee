// SQLite for deadlines, satisfaction answers and the ticket facts behind lists and stats. These run
// rarely (commands, timers, stats), so statements are prepared per call rather than kept.
#include "bot/store/sqlite/statements.hpp"

namespace gridbot::store::sqlite {
namespace {

Deadline deadline_row(SQLite::Statement& s) {
  Deadline d;
  d.id = s.getColumn(0).getInt64();
  d.ticket_no = s.getColumn(1).getInt64();
  d.clock = parse_deadline_kind(s.getColumn(2).getString()).value_or(DeadlineKind::accept);
  d.node = s.getColumn(3).getString();
  d.due_ms = s.getColumn(4).getInt64();
  d.warn_ms = s.getColumn(5).getInt64();
  const std::string st = s.getColumn(6).getString();
  d.state = st == "warned"   ? DeadlineState::warned
            : st == "missed" ? DeadlineState::missed
            : st == "done"   ? DeadlineState::done
                             : DeadlineState::pending;
  d.created_ms = s.getColumn(7).getInt64();
  d.fired_ms = s.getColumn(8).getInt64();
  return d;
}

constexpr const char* kDeadlineColumns =
    "id, ticket_no, clock, node, due_ms, warn_ms, state, created_ms, fired_ms";

SatisfactionAnswer answer_row(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(),
          s.getColumn(3).getInt64(), s.getColumn(4).getString(), s.getColumn(5).getInt64()};
}

constexpr const char* kAnswerColumns = "ticket_no, channel, user_id, asked_ms, answer, answered_ms";

}  // namespace

void WriterStatements::add_deadline(const Deadline& d) {
  SQLite::Statement s(db_,
                      "INSERT INTO deadlines(ticket_no, clock, node, due_ms, warn_ms, state, "
                      "created_ms) VALUES(?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING");
  s.bind(1, d.ticket_no);
  s.bind(2, to_string(d.clock));
  s.bind(3, d.node);
  s.bind(4, d.due_ms);
  s.bind(5, d.warn_ms);
  s.bind(6, d.created_ms);
  s.exec();
}

void WriterStatements::stop_deadlines(int64_t ticket_no, std::optional<DeadlineKind> clock) {
  SQLite::Statement s(db_,
                      "UPDATE deadlines SET state = 'done' WHERE ticket_no = ? AND state IN "
                      "('pending', 'warned') AND (? = '' OR clock = ?)");
  s.bind(1, ticket_no);
  const std::string name = clock ? to_string(*clock) : "";
  s.bind(2, name);
  s.bind(3, name);
  s.exec();
}

std::vector<Deadline> WriterStatements::due_deadlines(int64_t now_ms, int limit) {
  SQLite::Statement s(db_, std::string("SELECT ") + kDeadlineColumns +
                               " FROM deadlines WHERE (state = 'pending' AND (due_ms <= ?1 OR "
                               "(warn_ms > 0 AND warn_ms <= ?1))) OR (state = 'warned' AND "
                               "due_ms <= ?1) ORDER BY due_ms, id LIMIT ?2");
  s.bind(1, now_ms);
  s.bind(2, limit);
  std::vector<Deadline> out;
  while (s.executeStep()) out.push_back(deadline_row(s));
  return out;
}

void WriterStatements::set_deadline_state(int64_t id, DeadlineState state, int64_t fired_ms) {
  SQLite::Statement s(db_, "UPDATE deadlines SET state = ?, fired_ms = ? WHERE id = ?");
  s.bind(1, to_string(state));
  s.bind(2, fired_ms);
  s.bind(3, id);
  s.exec();
}

bool WriterStatements::has_live_deadline(int64_t ticket_no, DeadlineKind clock,
                                         std::string_view node) {
  SQLite::Statement s(db_,
                      "SELECT 1 FROM deadlines WHERE ticket_no = ? AND clock = ? AND node = ? AND "
                      "state IN ('pending', 'warned') LIMIT 1");
  s.bind(1, ticket_no);
  s.bind(2, to_string(clock));
  s.bind(3, std::string(node));
  return s.executeStep();
}

void WriterStatements::ask_satisfaction(const SatisfactionAnswer& a) {
  SQLite::Statement s(db_,
                      "INSERT INTO satisfaction(ticket_no, channel, user_id, asked_ms) "
                      "VALUES(?, ?, ?, ?) ON CONFLICT DO UPDATE SET asked_ms = excluded.asked_ms, "
                      "answer = '', answered_ms = 0");
  s.bind(1, a.ticket_no);
  s.bind(2, a.channel);
  s.bind(3, a.user_id);
  s.bind(4, a.asked_ms);
  s.exec();
}

std::vector<SatisfactionAnswer> WriterStatements::pending_satisfaction(const std::string& channel,
                                                                       const std::string& user) {
  SQLite::Statement s(db_,
                      std::string("SELECT ") + kAnswerColumns +
                          " FROM satisfaction WHERE channel = ? AND user_id = ? AND answer = '' "
                          "ORDER BY asked_ms");
  s.bind(1, channel);
  s.bind(2, user);
  std::vector<SatisfactionAnswer> out;
  while (s.executeStep()) out.push_back(answer_row(s));
  return out;
}

std::vector<SatisfactionAnswer> WriterStatements::satisfaction_of(int64_t ticket_no) {
  SQLite::Statement s(db_, std::string("SELECT ") + kAnswerColumns +
                               " FROM satisfaction WHERE ticket_no = ? ORDER BY asked_ms, rowid");
  s.bind(1, ticket_no);
  std::vector<SatisfactionAnswer> out;
  while (s.executeStep()) out.push_back(answer_row(s));
  return out;
}

void WriterStatements::answer_satisfaction(int64_t ticket_no, const std::string& channel,
                                           const std::string& user, const std::string& answer,
                                           const std::string& words, int64_t at_ms) {
  // The verdict is kept for good first (a later re-ask resets the satisfaction row), then the
  // question is marked answered; both only for questions still waiting.
  constexpr const char* kWaiting =
      " WHERE ticket_no = ? AND (? = '' OR (channel = ? AND user_id = ?)) AND answer = ''";
  SQLite::Statement keep(db_,
                         std::string("INSERT INTO verdicts(ticket_no, channel, user_id, answer, "
                                     "words, at_ms) SELECT ticket_no, channel, user_id, ?, ?, ? "
                                     "FROM satisfaction") +
                             kWaiting);
  SQLite::Statement mark(
      db_,
      std::string("UPDATE satisfaction SET answer = ?, words = ?, answered_ms = ?") + kWaiting);
  for (SQLite::Statement* s : {&keep, &mark}) {
    s->bind(1, answer);
    s->bind(2, words);
    s->bind(3, at_ms);
    s->bind(4, ticket_no);
    s->bind(5, user);
    s->bind(6, channel);
    s->bind(7, user);
    s->exec();
  }
}

std::vector<TicketFacts> WriterStatements::ticket_facts(const std::string& node, int64_t from_ms,
                                                        int64_t to_ms, bool open_only) {
  return read_facts(db_, node, from_ms, to_ms, open_only);
}

std::vector<TicketFacts> read_facts(SQLite::Database& db, const std::string& node, int64_t from_ms,
                                    int64_t to_ms, bool open_only) {
  std::string cols;
  for (const char* c = kTicketColumns; *c; ++c) cols.push_back(*c);
  // Prefix every ticket column with "t." for the join.
  std::string prefixed;
  size_t start = 0;
  while (start < cols.size()) {
    size_t comma = cols.find(',', start);
    if (comma == std::string::npos) comma = cols.size();
    std::string name = cols.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(' '));
    prefixed += (prefixed.empty() ? "t." : ", t.") + name;
    start = comma + 1;
  }
  SQLite::Statement s(
      db,
      "SELECT " + prefixed +
          ", (SELECT count(*) FROM deadlines d WHERE d.ticket_no = t.no AND d.state = 'missed'),"
          " (SELECT count(*) FROM verdicts a WHERE a.ticket_no = t.no AND a.answer = "
          "'satisfied'),"
          " (SELECT count(*) FROM verdicts a WHERE a.ticket_no = t.no AND a.answer = "
          "'unsatisfied'),"
          " (SELECT count(*) FROM verdicts a WHERE a.ticket_no = t.no AND a.answer = "
          "'default'),"
          " (SELECT min(d.due_ms) FROM deadlines d WHERE d.ticket_no = t.no AND d.state IN "
          "('pending', 'warned') AND d.clock IN ('accept', 'update', 'resolve')) AS due"
          " FROM tickets t WHERE (?1 = '' OR instr(t.origin_path, '/' || ?1 || '/') > 0 OR "
          "t.owner_node = ?1 OR t.department = ?1) AND (CASE WHEN ?4 THEN t.status NOT IN "
          "('resolved', 'confirmed', 'closed') ELSE t.created_ms >= ?2 AND t.created_ms < ?3 END)"
          " ORDER BY due IS NULL, due, t.no");
  s.bind(1, node);
  s.bind(2, from_ms);
  s.bind(3, to_ms);
  s.bind(4, open_only ? 1 : 0);
  std::vector<TicketFacts> out;
  const int n = s.getColumnCount();
  while (s.executeStep()) {
    TicketFacts f;
    f.ticket = ticket_row(s);
    f.misses = s.getColumn(n - 5).getInt();
    f.satisfied = s.getColumn(n - 4).getInt();
    f.unsatisfied = s.getColumn(n - 3).getInt();
    f.defaulted = s.getColumn(n - 2).getInt();
    f.next_due_ms = s.getColumn(n - 1).isNull() ? 0 : s.getColumn(n - 1).getInt64();
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<int64_t> read_next_deadline(SQLite::Database& db) {
  SQLite::Statement s(db,
                      "SELECT min(CASE WHEN state = 'pending' AND warn_ms > 0 AND warn_ms < due_ms "
                      "THEN warn_ms ELSE due_ms END) FROM deadlines WHERE state IN ('pending', "
                      "'warned')");
  if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
  return s.getColumn(0).getInt64();
}

std::vector<Deadline> read_deadlines(SQLite::Database& db, int64_t ticket_no) {
  SQLite::Statement s(db, std::string("SELECT ") + kDeadlineColumns +
                              " FROM deadlines WHERE ticket_no = ? ORDER BY id");
  s.bind(1, ticket_no);
  std::vector<Deadline> out;
  while (s.executeStep()) out.push_back(deadline_row(s));
  return out;
}

}  // namespace gridbot::store::sqlite
