// What keeps a node's tickets and figures one index range away: every node a ticket belongs to
// (its origin path, and any node it was handed to) gets a ticket_scope row, open while the node
// still holds it, with what the board and the lists filter by; and the node's row of the day the
// ticket was reported (node_days) carries the ticket's share of the figures. Both are written in
// the transaction that changes the ticket, so they are never behind it (docs/design.md "Reads that
// follow the answer").
#pragma once

#include "base/model/figures.hpp"
#include "base/model/ticket.hpp"
#include "bot/store/sqlite/statement_cache.hpp"
#include "bot/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gridbot::store::sqlite {

/// The nodes a ticket belongs to: its origin path's nodes, then the ones it was handed to.
std::vector<std::string> scope_nodes(const Ticket& t);

/// The local day a time falls on (days since the epoch at the deployment's UTC offset).
int64_t local_day(int64_t ms, int64_t utc_offset_ms);

/// Thread safety: writer connection only.
class ScopeIndex {
 public:
  ScopeIndex(SQLite::Database& db, const FigurePolicy& policy);

  /// A new ticket (its number set).
  void add(const Ticket& t);
  /// The ticket changed from `before` to `after` (same number). Writes after.handed when the
  /// ticket reached a node outside its scope.
  void change(const Ticket& before, Ticket& after);
  /// One of the ticket's deadlines was missed.
  void count_miss(int64_t ticket_no);
  /// `n` verdicts `answer` on the ticket; first_unsatisfied: the ticket's first unsatisfied one.
  void count_verdicts(int64_t ticket_no, const std::string& answer, int64_t n,
                      bool first_unsatisfied);

  /// The ticket's share of its day's figures, as far as its row tells (no misses or verdicts).
  Figures share(const Ticket& t) const;

  /// The ticket's clocks or scope rows changed: its rows' earliest due is brought up to date at
  /// the next flush (once per ticket however many clocks one piece of work changed).
  void touch(int64_t ticket_no);
  /// Writes the earliest live due of every ticket touched since the last flush into its open
  /// scope rows. Called at the end of each piece of work, inside its savepoint.
  void flush();
  /// Forgets what was touched and the codes cached (the piece of work, or the transaction, was
  /// rolled back: a code given in it is gone).
  void discard();

 private:
  /// Adds `delta` to each node's row of `day`, and to the whole deployment's when with_root.
  void apply(const std::vector<std::string>& nodes, int64_t day, const Figures& delta,
             bool with_root = true);
  void apply_to_ticket(int64_t ticket_no, const Figures& delta);
  /// `was_open`: whether the row was open before (false for a new row).
  void set_scope(const std::string& node, const Ticket& t, bool open, bool was_open);
  /// The code of `text` among the scope rows' `kind` (category, tier, level, status), given one
  /// if it has none yet.
  int64_t code(const char* kind, const std::string& text);
  /// Binds the codes of what the board and the lists filter by from parameter `first` on:
  /// category, tier, the holder's level, status.
  void bind_filters(SQLite::Statement& s, int first, const Ticket& t);

  SQLite::Database& db_;
  StatementCache cache_;
  FigurePolicy policy_;
  SQLite::Statement insert_scope_, set_filters_, add_counts_, select_texts_, set_texts_,
      select_ticket_;
  SQLite::Statement select_due_, select_path_, set_due_, add_open_, select_code_, insert_code_;
  std::vector<int64_t> touched_;
  std::map<std::pair<std::string, std::string>, int64_t> codes_;  // (kind, text) -> code
};

/// The figures of `node` ("" for every ticket) for the local days [from_day, to_day].
Figures read_figures(SQLite::Database& db, const std::string& node, int64_t from_day,
                     int64_t to_day);

/// Fills ticket_scope and node_days from the tickets, deadlines and verdicts already stored.
void rebuild_scope_index(SQLite::Database& db, const FigurePolicy& policy);

}  // namespace gridbot::store::sqlite
