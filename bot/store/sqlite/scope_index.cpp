#include "bot/store/sqlite/scope_index.hpp"

#include "bot/store/sqlite/statements.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <utility>

namespace gridbot::store::sqlite {
namespace {

constexpr int64_t kDayMs = 86'400'000;

void split_path(const std::string& path, std::vector<std::string>* out) {
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      std::string node = path.substr(start, end - start);
      if (std::find(out->begin(), out->end(), node) == out->end()) out->push_back(std::move(node));
    }
    start = end + 1;
  }
}

bool in_path(const std::string& path, const std::string& node) {
  return !node.empty() && path.find("/" + node + "/") != std::string::npos;
}

// Whether `node` still holds the ticket: open, and on its path or its current holder.
bool open_for(const Ticket& t, const std::string& node) {
  return is_open(t.status) &&
         (in_path(t.origin_path, node) || node == t.owner_node || node == t.department);
}

// A node_days row in the column order of kDayColumns.
Figures day_row(SQLite::Statement& s) {
  Figures f;
  int c = 0;
  for (int64_t* v : {&f.received, &f.accepted_in_time, &f.resolved, &f.satisfied, &f.unsatisfied,
                     &f.defaulted, &f.misses, &f.reopened})
    *v = s.getColumn(c++).getInt64();
  parse_counts(s.getColumn(c++).getString(), &f.by_category);
  parse_counts(s.getColumn(c++).getString(), &f.by_tier);
  f.accept.parse(s.getColumn(c++).getString());
  f.resolve.parse(s.getColumn(c++).getString());
  return f;
}

constexpr const char* kDayColumns =
    "received, accepted_in_time, resolved, satisfied, unsatisfied, defaulted, misses, reopened, "
    "categories, tiers, accept_hist, resolve_hist";

}  // namespace

std::vector<std::string> scope_nodes(const Ticket& t) {
  std::vector<std::string> out;
  split_path(t.origin_path, &out);
  split_path(t.handed, &out);
  return out;
}

int64_t local_day(int64_t ms, int64_t utc_offset_ms) {
  const int64_t local = ms + utc_offset_ms;
  return local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
}

ScopeIndex::ScopeIndex(SQLite::Database& db, const FigurePolicy& policy)
    : db_(db),
      cache_(db),
      policy_(policy),
      insert_scope_(db,
                    "INSERT INTO ticket_scope(node, no, open, category, tier, level, status) "
                    "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(node, no) DO UPDATE SET open = "
                    "excluded.open, category = excluded.category, tier = excluded.tier, level = "
                    "excluded.level, status = excluded.status"),
      set_filters_(db,
                   "UPDATE ticket_scope SET category = ?3, tier = ?4, level = ?5, status = ?6 "
                   "WHERE node = ?1 AND no = ?2"),
      add_counts_(db,
                  "INSERT INTO node_days(node, day, received, accepted_in_time, resolved, "
                  "satisfied, unsatisfied, defaulted, misses, reopened) VALUES(?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?) ON CONFLICT(node, day) DO UPDATE SET received = received + "
                  "excluded.received, accepted_in_time = accepted_in_time + "
                  "excluded.accepted_in_time, resolved = resolved + excluded.resolved, "
                  "satisfied = satisfied + excluded.satisfied, unsatisfied = unsatisfied + "
                  "excluded.unsatisfied, defaulted = defaulted + excluded.defaulted, misses = "
                  "misses + excluded.misses, reopened = reopened + excluded.reopened"),
      select_texts_(db,
                    "SELECT categories, tiers, accept_hist, resolve_hist FROM node_days WHERE "
                    "node = ? AND day = ?"),
      set_texts_(db,
                 "UPDATE node_days SET categories = ?, tiers = ?, accept_hist = ?, "
                 "resolve_hist = ? WHERE node = ? AND day = ?"),
      select_ticket_(db, std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE no = ?"),
      select_due_(db,
                  "SELECT min(due_ms) FROM deadlines INDEXED BY deadlines_ticket WHERE ticket_no "
                  "= ? AND state IN ('pending', 'warned') AND clock IN ('accept', 'update', "
                  "'resolve')"),
      select_path_(db, "SELECT origin_path, handed FROM tickets WHERE no = ?"),
      set_due_(db, "UPDATE ticket_scope SET due = ?1 WHERE node = ?2 AND no = ?3 AND due <> ?1"),
      add_open_(db,
                "INSERT INTO node_open(node, n) VALUES(?1, ?2) ON CONFLICT(node) DO UPDATE SET "
                "n = n + excluded.n"),
      select_code_(db, "SELECT code FROM codes WHERE kind = ? AND text = ?"),
      insert_code_(db,
                   "INSERT INTO codes(kind, text, code) SELECT ?1, ?2, coalesce(max(code) + 1, 0) "
                   "FROM codes WHERE kind = ?1") {}

int64_t ScopeIndex::code(const char* kind, const std::string& text) {
  auto key = std::make_pair(std::string(kind), text);
  if (auto it = codes_.find(key); it != codes_.end()) return it->second;
  // A text not seen before takes the kind's next code, in this transaction: the row and every
  // scope row using it commit or roll back together (discard forgets what was cached).
  for (int attempt = 0;; ++attempt) {
    select_code_.bind(1, kind);
    select_code_.bind(2, text);
    const bool found = select_code_.executeStep();
    const int64_t code = found ? select_code_.getColumn(0).getInt64() : -1;
    select_code_.reset();
    if (found) return codes_[std::move(key)] = code;
    if (attempt > 0) throw std::runtime_error("codes: no code for " + key.first);
    insert_code_.bind(1, kind);
    insert_code_.bind(2, text);
    insert_code_.exec();
    insert_code_.reset();
  }
}

void ScopeIndex::bind_filters(SQLite::Statement& s, int first, const Ticket& t) {
  s.bind(first, code("category", t.category));
  s.bind(first + 1, code("tier", to_string(t.tier)));
  s.bind(first + 2, code("level", t.owner_level));
  s.bind(first + 3, code("status", to_string(t.status)));
}

void ScopeIndex::discard() {
  touched_.clear();
  codes_.clear();
}

void ScopeIndex::touch(int64_t ticket_no) {
  // A repeat is harmless (flush writes only what differs); consecutive ones are the common case.
  if (ticket_no > 0 && (touched_.empty() || touched_.back() != ticket_no))
    touched_.push_back(ticket_no);
}

void ScopeIndex::flush() {
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  for (const int64_t no : touched_) {
    select_due_.bind(1, no);
    int64_t due = INT64_MAX;  // no live clock: after every ticket that has one
    if (select_due_.executeStep() && !select_due_.getColumn(0).isNull())
      due = select_due_.getColumn(0).getInt64();
    select_due_.reset();
    select_path_.bind(1, no);
    std::vector<std::string> nodes;
    if (select_path_.executeStep()) {
      split_path(select_path_.getColumn(0).getString(), &nodes);
      split_path(select_path_.getColumn(1).getString(), &nodes);
    }
    select_path_.reset();
    for (const auto& node : nodes) {
      set_due_.bind(1, due);
      set_due_.bind(2, node);
      set_due_.bind(3, no);
      set_due_.exec();
      set_due_.reset();
    }
  }
  touched_.clear();
}

Figures ScopeIndex::share(const Ticket& t) const {
  Figures f;
  f.received = 1;
  f.by_category[t.category] = 1;
  f.by_tier[to_string(t.tier)] = 1;
  if (t.accepted_ms > 0) {
    const int64_t took = t.accepted_ms - t.created_ms;
    f.accept.add(took);
    if (took <= policy_.accept_window_ms) f.accepted_in_time = 1;
  }
  if (t.resolved_ms > 0) {
    f.resolved = 1;
    f.resolve.add(t.resolved_ms - t.created_ms);
  }
  return f;
}

void ScopeIndex::set_scope(const std::string& node, const Ticket& t, bool open, bool was_open) {
  const int64_t no = t.no;
  insert_scope_.bind(1, node);
  insert_scope_.bind(2, no);
  insert_scope_.bind(3, open ? 1 : 0);
  bind_filters(insert_scope_, 4, t);
  insert_scope_.exec();
  insert_scope_.reset();
  touch(no);
  if (open == was_open) return;
  // The node's count of open tickets, kept with its rows: 待办's number is one row.
  add_open_.bind(1, node);
  add_open_.bind(2, open ? 1 : -1);
  add_open_.exec();
  add_open_.reset();
}

void ScopeIndex::add(const Ticket& t) {
  auto nodes = scope_nodes(t);
  for (const auto& n : nodes) set_scope(n, t, open_for(t, n), false);
  apply(nodes, local_day(t.created_ms, policy_.utc_offset_ms), share(t));
}

void ScopeIndex::change(const Ticket& before, Ticket& after) {
  after.handed = before.handed;
  const auto old_nodes = scope_nodes(before);
  const int64_t day = local_day(before.created_ms, policy_.utc_offset_ms);
  // Nodes reached for the first time: a department it was handed to, a holder off its path.
  std::vector<std::string> fresh;
  for (const auto* holder : {&after.owner_node, &after.department}) {
    if (holder->empty() ||
        std::find(old_nodes.begin(), old_nodes.end(), *holder) != old_nodes.end() ||
        std::find(fresh.begin(), fresh.end(), *holder) != fresh.end())
      continue;
    fresh.push_back(*holder);
    after.handed += (after.handed.empty() ? "/" : "") + *holder + "/";
  }
  // A row whose openness changes is written whole; the others only when what the board and the
  // lists filter by changed (a status, a holder's level, a tier or a category).
  const bool filters = before.category != after.category || before.tier != after.tier ||
                       before.owner_level != after.owner_level || before.status != after.status;
  for (const auto& n : old_nodes) {
    if (open_for(before, n) != open_for(after, n)) {
      set_scope(n, after, open_for(after, n), open_for(before, n));
    } else if (filters) {
      set_filters_.bind(1, n);
      set_filters_.bind(2, after.no);
      bind_filters(set_filters_, 3, after);
      set_filters_.exec();
      set_filters_.reset();
    }
  }
  Figures delta = share(after);
  delta.add(share(before), -1);
  apply(old_nodes, day, delta);
  if (fresh.empty()) return;
  // A new node takes the ticket's whole share so far, misses and verdicts included.
  Figures whole = share(after);
  auto counts = cache_.use(
      "SELECT (SELECT count(*) FROM deadlines WHERE ticket_no = ?1 AND state = 'missed'), "
      "(SELECT count(*) FROM verdicts WHERE ticket_no = ?1 AND answer = 'satisfied'), "
      "(SELECT count(*) FROM verdicts WHERE ticket_no = ?1 AND answer = 'unsatisfied'), "
      "(SELECT count(*) FROM verdicts WHERE ticket_no = ?1 AND answer = 'default')");
  counts->bind(1, after.no);
  if (counts->executeStep()) {
    whole.misses = counts->getColumn(0).getInt64();
    whole.satisfied = counts->getColumn(1).getInt64();
    whole.unsatisfied = counts->getColumn(2).getInt64();
    whole.defaulted = counts->getColumn(3).getInt64();
    whole.reopened = whole.unsatisfied > 0 ? 1 : 0;
  }
  for (const auto& n : fresh) set_scope(n, after, open_for(after, n), false);
  apply(fresh, day, whole, false);
}

void ScopeIndex::apply_to_ticket(int64_t ticket_no, const Figures& delta) {
  select_ticket_.bind(1, ticket_no);
  std::optional<Ticket> t;
  if (select_ticket_.executeStep()) t = ticket_row(select_ticket_);
  select_ticket_.reset();
  if (t) apply(scope_nodes(*t), local_day(t->created_ms, policy_.utc_offset_ms), delta);
}

void ScopeIndex::count_miss(int64_t ticket_no) {
  Figures d;
  d.misses = 1;
  apply_to_ticket(ticket_no, d);
}

void ScopeIndex::count_verdicts(int64_t ticket_no, const std::string& answer, int64_t n,
                                bool first_unsatisfied) {
  Figures d;
  (answer == "satisfied" ? d.satisfied : answer == "unsatisfied" ? d.unsatisfied : d.defaulted) = n;
  d.reopened = first_unsatisfied ? 1 : 0;
  apply_to_ticket(ticket_no, d);
}

void ScopeIndex::apply(const std::vector<std::string>& nodes, int64_t day, const Figures& delta,
                       bool with_root) {
  if (delta == Figures{}) return;
  // Counters are added in SQL; the text columns are read and rewritten only when the change
  // touches them (a report: categories and tiers; an acceptance or a resolution: a histogram).
  const bool cats = !delta.by_category.empty() || !delta.by_tier.empty();
  const bool hists = !delta.accept.buckets().empty() || !delta.resolve.buckets().empty();
  for (size_t i = 0; i < nodes.size() + (with_root ? 1 : 0); ++i) {
    const std::string node = i < nodes.size() ? nodes[i] : std::string();
    auto& u = add_counts_;
    int c = 1;
    u.bind(c++, node);
    u.bind(c++, day);
    for (int64_t v : {delta.received, delta.accepted_in_time, delta.resolved, delta.satisfied,
                      delta.unsatisfied, delta.defaulted, delta.misses, delta.reopened})
      u.bind(c++, v);
    u.exec();
    u.reset();
    if (!cats && !hists) continue;
    select_texts_.bind(1, node);
    select_texts_.bind(2, day);
    std::array<std::string, 4> text;
    if (select_texts_.executeStep())
      for (int k = 0; k < 4; ++k) text[k] = select_texts_.getColumn(k).getString();
    select_texts_.reset();
    if (cats) {
      for (auto [k, add] : {std::pair{0, &delta.by_category}, std::pair{1, &delta.by_tier}}) {
        std::map<std::string, int64_t> m;
        parse_counts(text[k], &m);
        for (const auto& [code, n] : *add)
          if ((m[code] += n) == 0) m.erase(code);
        text[k] = encode_counts(m);
      }
    }
    if (hists) {
      for (auto [k, add] : {std::pair{2, &delta.accept}, std::pair{3, &delta.resolve}}) {
        if (add->buckets().empty()) continue;
        DurationHistogram h;
        h.parse(text[k]);
        for (size_t b = 0; b < add->buckets().size(); ++b)
          h.add_bucket(static_cast<int>(b), add->buckets()[b]);
        text[k] = h.encode();
      }
    }
    for (int k = 0; k < 4; ++k) set_texts_.bind(k + 1, text[k]);
    set_texts_.bind(5, node);
    set_texts_.bind(6, day);
    set_texts_.exec();
    set_texts_.reset();
  }
}

Figures read_figures(SQLite::Database& db, const std::string& node, int64_t from_day,
                     int64_t to_day) {
  SQLite::Statement s(db, std::string("SELECT ") + kDayColumns +
                              " FROM node_days WHERE node = ? AND day BETWEEN ? AND ?");
  s.bind(1, node);
  s.bind(2, from_day);
  s.bind(3, to_day);
  Figures total;
  while (s.executeStep()) total.add(day_row(s));
  return total;
}

void rebuild_scope_index(SQLite::Database& db, const FigurePolicy& policy) {
  db.exec("DELETE FROM ticket_scope; DELETE FROM node_days; DELETE FROM node_open;");
  ScopeIndex index(db, policy);
  SQLite::Statement tickets(db, std::string("SELECT ") + kTicketColumns + " FROM tickets");
  SQLite::Statement save(db, "UPDATE tickets SET handed = ? WHERE no = ?");
  while (tickets.executeStep()) {
    Ticket t = ticket_row(tickets);
    // Holders off the origin path count as handed to, as the writer would have recorded.
    t.handed.clear();
    for (const auto* holder : {&t.owner_node, &t.department})
      if (!holder->empty() && !in_path(t.origin_path, *holder) && !in_path(t.handed, *holder))
        t.handed += (t.handed.empty() ? "/" : "") + *holder + "/";
    index.add(t);
    save.bind(1, t.handed);
    save.bind(2, t.no);
    save.exec();
    save.reset();
    index.flush();
  }
  SQLite::Statement misses(
      db, "SELECT ticket_no, count(*) FROM deadlines WHERE state = 'missed' GROUP BY ticket_no");
  while (misses.executeStep())
    for (int64_t i = 0; i < misses.getColumn(1).getInt64(); ++i)
      index.count_miss(misses.getColumn(0).getInt64());
  SQLite::Statement verdicts(
      db, "SELECT ticket_no, answer, count(*) FROM verdicts GROUP BY ticket_no, answer");
  while (verdicts.executeStep()) {
    const std::string answer = verdicts.getColumn(1).getString();
    index.count_verdicts(verdicts.getColumn(0).getInt64(), answer, verdicts.getColumn(2).getInt64(),
                         answer == "unsatisfied");
  }
}

}  // namespace gridbot::store::sqlite
