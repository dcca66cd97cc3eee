// SQLite for deadlines, satisfaction answers and the ticket facts behind lists and stats. These run
// rarely (commands, timers, stats), so statements are prepared per call rather than kept.
#include "bot/store/sqlite/statements.hpp"

#include <algorithm>
#include <cstdint>

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
  // next_ms: when the timer must look at it next (its warning, else its due time).
  auto s = cache_.use(
      "INSERT INTO deadlines(ticket_no, clock, node, due_ms, warn_ms, state, "
      "created_ms, next_ms) VALUES(?1, ?2, ?3, ?4, ?5, 'pending', ?6, CASE WHEN ?5 "
      "> 0 AND ?5 < ?4 THEN ?5 ELSE ?4 END) ON CONFLICT DO NOTHING");
  s->bind(1, d.ticket_no);
  s->bind(2, to_string(d.clock));
  s->bind(3, d.node);
  s->bind(4, d.due_ms);
  s->bind(5, d.warn_ms);
  s->bind(6, d.created_ms);
  if (s->exec() > 0) scope_->touch(d.ticket_no);
}

void WriterStatements::stop_deadlines(int64_t ticket_no, std::optional<DeadlineKind> clock) {
  auto s = cache_.use(
      "UPDATE deadlines SET state = 'done' WHERE ticket_no = ? AND state IN "
      "('pending', 'warned') AND (? = '' OR clock = ?)");
  s->bind(1, ticket_no);
  const std::string name = clock ? to_string(*clock) : "";
  s->bind(2, name);
  s->bind(3, name);
  if (s->exec() > 0) scope_->touch(ticket_no);
}

std::vector<Deadline> WriterStatements::due_deadlines(int64_t now_ms, int limit) {
  return read_due_deadlines(db_, now_ms, limit);
}

std::vector<Deadline> read_due_deadlines(SQLite::Database& db, int64_t now_ms, int limit) {
  SQLite::Statement s(db, std::string("SELECT ") + kDeadlineColumns +
                              " FROM deadlines WHERE state IN ('pending', 'warned') AND next_ms "
                              "<= ?1 ORDER BY next_ms, id LIMIT ?2");
  s.bind(1, now_ms);
  s.bind(2, limit);
  std::vector<Deadline> out;
  while (s.executeStep()) out.push_back(deadline_row(s));
  return out;
}

void WriterStatements::set_deadline_state(int64_t id, DeadlineState state, int64_t fired_ms) {
  auto s = cache_.use(
      "UPDATE deadlines SET state = ?1, fired_ms = ?2, next_ms = due_ms WHERE id = "
      "?3 AND state <> ?1 RETURNING ticket_no");
  s->bind(1, to_string(state));
  s->bind(2, fired_ms);
  s->bind(3, id);
  if (!s->executeStep()) return;
  const int64_t ticket_no = s->getColumn(0).getInt64();
  // A miss counts once, into the figures of the ticket's day.
  if (state == DeadlineState::missed && ticket_no != 0) scope_->count_miss(ticket_no);
  // A warning leaves the clock live and its due time as it was.
  if (state != DeadlineState::warned) scope_->touch(ticket_no);
}

int64_t WriterStatements::prune_finished(int64_t before_ms, int limit) {
  // Ticket numbers grow with time, so the old tickets' rows are a prefix of each index; a bounded
  // batch per call keeps the writer free for residents between batches.
  const int64_t first_kept = no_range(db_, before_ms, 0).first;
  SQLite::Statement clocks(
      db_,
      "DELETE FROM deadlines WHERE id IN (SELECT id FROM deadlines INDEXED BY deadlines_ticket "
      "WHERE ticket_no < ?1 AND state IN ('done', 'missed') AND (ticket_no > 0 OR due_ms < ?2) "
      "LIMIT ?3)");
  clocks.bind(1, first_kept);
  clocks.bind(2, before_ms);
  clocks.bind(3, limit);
  int64_t gone = clocks.exec();
  SQLite::Statement answers(db_,
                            "DELETE FROM satisfaction WHERE rowid IN (SELECT rowid FROM "
                            "satisfaction WHERE ticket_no < ?1 AND answer <> '' LIMIT ?2)");
  answers.bind(1, first_kept);
  answers.bind(2, limit);
  gone += answers.exec();
  return gone;
}

bool WriterStatements::has_live_deadline(int64_t ticket_no, DeadlineKind clock,
                                         std::string_view node) {
  auto s = cache_.use(
      "SELECT 1 FROM deadlines WHERE ticket_no = ? AND clock = ? AND node = ? AND "
      "state IN ('pending', 'warned') LIMIT 1");
  s->bind(1, ticket_no);
  s->bind(2, to_string(clock));
  s->bind(3, std::string(node));
  return s->executeStep();
}

void WriterStatements::ask_satisfaction(const SatisfactionAnswer& a) {
  auto s = cache_.use(
      "INSERT INTO satisfaction(ticket_no, channel, user_id, asked_ms) "
      "VALUES(?, ?, ?, ?) ON CONFLICT DO UPDATE SET asked_ms = excluded.asked_ms, "
      "answer = '', answered_ms = 0");
  s->bind(1, a.ticket_no);
  s->bind(2, a.channel);
  s->bind(3, a.user_id);
  s->bind(4, a.asked_ms);
  s->exec();
}

std::vector<SatisfactionAnswer> WriterStatements::pending_satisfaction(const std::string& channel,
                                                                       const std::string& user) {
  auto s = cache_.use(std::string("SELECT ") + kAnswerColumns +
                      " FROM satisfaction WHERE channel = ? AND user_id = ? AND answer = '' "
                      "ORDER BY asked_ms");
  s->bind(1, channel);
  s->bind(2, user);
  std::vector<SatisfactionAnswer> out;
  while (s->executeStep()) out.push_back(answer_row(*s));
  return out;
}

std::vector<SatisfactionAnswer> WriterStatements::satisfaction_of(int64_t ticket_no) {
  auto s = cache_.use(std::string("SELECT ") + kAnswerColumns +
                      " FROM satisfaction WHERE ticket_no = ? ORDER BY asked_ms, rowid");
  s->bind(1, ticket_no);
  std::vector<SatisfactionAnswer> out;
  while (s->executeStep()) out.push_back(answer_row(*s));
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
  // Counted into the figures: how many verdicts this call gives, and whether it is the ticket's
  // first unsatisfied one (a reopening).
  bool first_unsatisfied = false;
  if (answer == "unsatisfied") {
    SQLite::Statement seen(db_,
                           "SELECT 1 FROM verdicts WHERE ticket_no = ? AND answer = 'unsatisfied'");
    seen.bind(1, ticket_no);
    first_unsatisfied = !seen.executeStep();
  }
  int64_t given = 0;
  for (SQLite::Statement* s : {&keep, &mark}) {
    s->bind(1, answer);
    s->bind(2, words);
    s->bind(3, at_ms);
    s->bind(4, ticket_no);
    s->bind(5, user);
    s->bind(6, channel);
    s->bind(7, user);
    const int changed = s->exec();
    if (s == &keep) given = changed;
  }
  if (given > 0) scope_->count_verdicts(ticket_no, answer, given, first_unsatisfied);
}

std::vector<TicketFacts> WriterStatements::open_tickets(const std::string& node, size_t first,
                                                        int64_t* total) {
  return read_open_tickets(db_, node, first, total);
}

Figures WriterStatements::figures(const std::string& node, int64_t from_ms, int64_t to_ms) {
  return read_figures_ms(db_, policy_, node, from_ms, to_ms);
}

Figures read_figures_ms(SQLite::Database& db, const FigurePolicy& policy, const std::string& node,
                        int64_t from_ms, int64_t to_ms) {
  if (to_ms <= from_ms) return {};
  return read_figures(db, node, local_day(from_ms, policy.utc_offset_ms),
                      local_day(to_ms - 1, policy.utc_offset_ms));
}

namespace {

// The earliest live clock of a ticket, as an SQL expression over `t.no` or `s.no`.
std::string due_of(const char* no) {
  return std::string(
             "(SELECT min(d.due_ms) FROM deadlines d INDEXED BY deadlines_ticket WHERE "
             "d.ticket_no = ") +
         no +
         " AND d.state IN ('pending', 'warned') AND d.clock IN ('accept', 'update', 'resolve'))";
}

std::vector<TicketFacts> facts_where(SQLite::Database& db, const std::string& node, int64_t from_ms,
                                     int64_t to_ms, bool open_only, const std::string& numbers);

// These tickets with their facts, by due.
std::vector<TicketFacts> facts_of(SQLite::Database& db, const std::vector<int64_t>& numbers) {
  if (numbers.empty()) return {};
  std::string list;
  for (const int64_t no : numbers) list += (list.empty() ? "" : ",") + std::to_string(no);
  return facts_where(db, "", 0, 0, false, list);
}

}  // namespace

std::vector<TicketFacts> read_open_tickets(SQLite::Database& db, const std::string& node,
                                           size_t first, int64_t* total) {
  if (first == 0) {
    auto all = read_facts(db, node, 0, 0, true);
    if (total) *total = static_cast<int64_t>(all.size());
    return all;
  }
  if (node.empty()) {
    // The whole deployment: every open ticket's clock, then only the first `first` in full.
    SQLite::Statement s(db, "SELECT t.no, " + due_of("t.no") +
                                " FROM tickets t WHERE t.status IN ('new', 'accepted', "
                                "'transferred', 'escalated', 'returned', 'reopened')");
    std::vector<std::pair<int64_t, int64_t>> due_no;  // (due or INT64_MAX when none, number)
    while (s.executeStep())
      due_no.emplace_back(s.getColumn(1).isNull() ? INT64_MAX : s.getColumn(1).getInt64(),
                          s.getColumn(0).getInt64());
    if (total) *total = static_cast<int64_t>(due_no.size());
    const size_t n = std::min(first, due_no.size());
    std::partial_sort(due_no.begin(), due_no.begin() + static_cast<std::ptrdiff_t>(n),
                      due_no.end());
    std::vector<int64_t> numbers;
    for (size_t i = 0; i < n; ++i) numbers.push_back(due_no[i].second);
    return facts_of(db, numbers);
  }
  // A node's open scope rows carry their ticket's earliest due: the first `first` are the start
  // of an index range; the count is the node's node_open row.
  SQLite::Statement s(db,
                      "SELECT no FROM ticket_scope INDEXED BY ticket_scope_due WHERE node = ? AND "
                      "open = 1 ORDER BY due, no LIMIT ?");
  s.bind(1, node);
  s.bind(2, static_cast<int64_t>(first));
  std::vector<int64_t> numbers;
  while (s.executeStep()) numbers.push_back(s.getColumn(0).getInt64());
  if (total) {
    SQLite::Statement count(db, "SELECT n FROM node_open WHERE node = ?");
    count.bind(1, node);
    *total = count.executeStep() ? count.getColumn(0).getInt64() : 0;
  }
  return facts_of(db, numbers);
}

std::vector<TicketFacts> read_open_tickets_where(SQLite::Database& db, const std::string& node,
                                                 size_t first, const BoardFilter& filter) {
  const auto kept = [&filter](const Ticket& t) {
    return (filter.category.empty() || t.category == filter.category) &&
           (filter.tier.empty() || to_string(t.tier) == filter.tier) &&
           (filter.level.empty() || t.owner_level == filter.level) &&
           (!filter.keep || filter.keep(t));
  };
  if (node.empty()) {
    auto all = read_facts(db, node, 0, 0, true);
    std::erase_if(all, [&](const TicketFacts& f) { return !kept(f.ticket); });
    if (all.size() > first) all.resize(first);
    return all;
  }
  SQLite::Statement s(db, open_tickets_where_sql(filter));
  s.bind(":node", node);
  if (!filter.category.empty()) s.bind(":category", filter.category);
  if (!filter.tier.empty()) s.bind(":tier", filter.tier);
  if (!filter.level.empty()) s.bind(":level", filter.level);
  if (!filter.keep) s.bind(":limit", static_cast<int64_t>(first));
  std::vector<int64_t> numbers;
  while (numbers.size() < first && s.executeStep()) {
    if (!filter.keep) {
      numbers.push_back(s.getColumn(0).getInt64());
      continue;
    }
    const Ticket t = ticket_row(s);
    if (filter.keep(t)) numbers.push_back(t.no);
  }
  return facts_of(db, numbers);
}

std::string open_tickets_where_sql(const BoardFilter& filter) {
  // The node's open rows of the filter's category (else tier, else level) in due order are one
  // index range; the other fields are columns of that index, so only matching rows are read, and
  // a ticket's own row only when `keep` must look at it.
  const char* index = !filter.category.empty() ? "ticket_scope_due_category"
                      : !filter.tier.empty()   ? "ticket_scope_due_tier"
                      : !filter.level.empty()  ? "ticket_scope_due_level"
                                               : "ticket_scope_due";
  std::string where = " WHERE s.node = :node AND s.open = 1";
  if (!filter.category.empty()) where += " AND s.category = " + scope_code("category", ":category");
  if (!filter.tier.empty()) where += " AND s.tier = " + scope_code("tier", ":tier");
  if (!filter.level.empty()) where += " AND s.level = " + scope_code("level", ":level");
  const std::string from = std::string(" FROM ticket_scope s INDEXED BY ") + index;
  return filter.keep ? "SELECT " + prefixed_ticket_columns() + from +
                           " JOIN tickets t ON t.no = s.no" + where + " ORDER BY s.due, s.no"
                     : "SELECT s.no" + from + where + " ORDER BY s.due, s.no LIMIT :limit";
}

std::vector<TicketFacts> read_facts(SQLite::Database& db, const std::string& node, int64_t from_ms,
                                    int64_t to_ms, bool open_only) {
  return facts_where(db, node, from_ms, to_ms, open_only, "");
}

namespace {

std::vector<TicketFacts> facts_where(SQLite::Database& db, const std::string& node, int64_t from_ms,
                                     int64_t to_ms, bool open_only, const std::string& numbers) {
  // Each ticket's counts come from its own rows (INDEXED BY: the planner once walked every live
  // deadline of the store for each ticket instead).
  std::string from_where;
  if (!numbers.empty())
    from_where = " FROM tickets t WHERE t.no IN (" + numbers + ")";
  else if (node.empty())
    from_where = open_only ? " FROM tickets t WHERE t.status IN ('new', 'accepted', "
                             "'transferred', 'escalated', 'returned', 'reopened')"
                           : " FROM tickets t WHERE t.no >= :lo AND t.no < :hi";
  else
    from_where = std::string(
                     " FROM ticket_scope s JOIN tickets t ON t.no = s.no WHERE s.node = "
                     ":node AND ") +
                 (open_only ? "s.open = 1" : "s.no >= :lo AND s.no < :hi");
  SQLite::Statement s(
      db, "SELECT " + prefixed_ticket_columns() +
              ", (SELECT count(*) FROM ticket_reporters r WHERE r.ticket_no = t.no)" +
              ", (SELECT count(*) FROM deadlines d INDEXED BY deadlines_ticket WHERE d.ticket_no = "
              "t.no AND d.state = 'missed'),"
              " (SELECT count(*) FROM verdicts a WHERE a.ticket_no = t.no AND a.answer = "
              "'satisfied'),"
              " (SELECT count(*) FROM verdicts a WHERE a.ticket_no = t.no AND a.answer = "
              "'unsatisfied'),"
              " (SELECT count(*) FROM verdicts a WHERE a.ticket_no = t.no AND a.answer = "
              "'default'),"
              " " +
              due_of("t.no") + " AS next_due" + from_where +
              " ORDER BY next_due IS NULL, next_due, t.no");
  if (!node.empty()) s.bind(":node", node);
  if (!open_only && numbers.empty()) {
    const auto [lo, hi] = no_range(db, from_ms, to_ms);
    s.bind(":lo", lo);
    s.bind(":hi", hi);
  }
  std::vector<TicketFacts> out;
  const int n = s.getColumnCount();
  while (s.executeStep()) {
    TicketFacts f;
    f.ticket = ticket_row(s);
    f.reporters = s.getColumn(n - 6).getInt();
    f.misses = s.getColumn(n - 5).getInt();
    f.satisfied = s.getColumn(n - 4).getInt();
    f.unsatisfied = s.getColumn(n - 3).getInt();
    f.defaulted = s.getColumn(n - 2).getInt();
    f.next_due_ms = s.getColumn(n - 1).isNull() ? 0 : s.getColumn(n - 1).getInt64();
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::optional<int64_t> read_next_deadline(SQLite::Database& db) {
  SQLite::Statement s(db,
                      "SELECT min(next_ms) FROM deadlines WHERE state IN ('pending', 'warned')");
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
