// The SQLite WriteTx (statements prepared once, bound and reset per call) and the read queries.
// Private to store/sqlite.
#pragma once

#include "bot/store/sqlite/scope_index.hpp"
#include "bot/store/sqlite/statement_cache.hpp"
#include "bot/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace gridbot::store::sqlite {

/// Thread safety: writer thread only.
class WriterStatements final : public WriteTx {
 public:
  WriterStatements(SQLite::Database& db, const FigurePolicy& policy);

  // WriteTx
  int64_t insert_inbound(const InboundMessage& m) override;
  void set_message_state(int64_t id, std::string_view state) override;
  int64_t enqueue(const OutboxItem& item) override;
  void mark_delivered(int64_t id, int64_t at_ms) override;
  void mark_retry(int64_t id, int64_t next_try_ms, std::string_view error,
                  bool count_attempt) override;
  void mark_final(int64_t id, DeliveryState state, std::string_view error) override;
  void upsert_org_row(std::string_view id, std::string_view csv_row) override;
  void set_org_file_digest(std::string_view path, std::string_view digest) override;
  void delete_org_row(std::string_view id) override;
  std::vector<std::string> load_org_rows() override;
  int64_t prune_inbox(int64_t before_ms) override;
  bool guarded(const std::function<void()>& f) override;
  // Tickets (ticket_statements.cpp)
  int64_t create_ticket(const Ticket& t) override;
  void update_ticket(const Ticket& t) override;
  std::optional<Ticket> load_ticket(int64_t no) override;
  int64_t latest_ticket_of(const std::string& channel, const std::string& user) override;
  std::optional<Ticket> find_open_ticket(const std::string& merge_key, const std::string& unit,
                                         int64_t since_ms) override;
  int reporter_count(int64_t no) override;
  bool add_reporter(int64_t no, const Reporter& r) override;
  void add_event(int64_t no, const TicketEvent& e) override;
  int64_t recent_report_of(const std::string& channel, const std::string& chat,
                           const std::string& user, int64_t since_ms) override;
  int64_t recent_ticket_in(const std::string& channel, const std::string& chat,
                           int64_t since_ms) override;
  void touch_reporter(int64_t no, const std::string& channel, const std::string& user,
                      int64_t at_ms) override;
  void set_location(int64_t no, const std::string& building, const std::string& unit,
                    const std::string& room) override;
  // Media (media_statements.cpp)
  int add_media(int64_t inbox_id, const InboundMessage& m, int64_t now_ms) override;
  int attach_media(int64_t inbox_id, int64_t ticket_no) override;
  int attach_loose_media(const std::string& channel, const std::string& chat,
                         const std::string& sender, int64_t since_ms, int64_t ticket_no) override;
  std::vector<Media> media_of(int64_t ticket_no) override;
  int attach_media_to_update(int64_t inbox_id, int64_t update_id) override;
  std::vector<Media> media_of_update(int64_t update_id) override;
  void media_stored(int64_t id, const std::string& sha256, const std::string& mime, int64_t size,
                    int64_t at_ms) override;
  void media_retry(int64_t id, int64_t next_try_ms, std::string_view error,
                   bool count_attempt) override;
  void media_failed(int64_t id, std::string_view error) override;
  std::vector<std::string> expire_media(int64_t before_ms, int limit) override;
  // Deadlines and satisfaction (deadline_statements.cpp)
  void add_deadline(const Deadline& d) override;
  void stop_deadlines(int64_t ticket_no, std::optional<DeadlineKind> clock) override;
  std::vector<Deadline> due_deadlines(int64_t now_ms, int limit) override;
  void set_deadline_state(int64_t id, DeadlineState state, int64_t fired_ms) override;
  bool has_live_deadline(int64_t ticket_no, DeadlineKind clock, std::string_view node) override;
  int64_t prune_finished(int64_t before_ms, int limit) override;
  void ask_satisfaction(const SatisfactionAnswer& a) override;
  std::vector<SatisfactionAnswer> pending_satisfaction(const std::string& channel,
                                                       const std::string& user) override;
  std::vector<SatisfactionAnswer> satisfaction_of(int64_t ticket_no) override;
  void answer_satisfaction(int64_t ticket_no, const std::string& channel, const std::string& user,
                           const std::string& answer, const std::string& words,
                           int64_t at_ms) override;
  std::vector<TicketFacts> open_tickets(const std::string& node, size_t first = 0,
                                        int64_t* total = nullptr) override;
  Figures figures(const std::string& node, int64_t from_ms, int64_t to_ms) override;
  // Incidents (incident_statements.cpp)
  int64_t create_incident(const Incident& i) override;
  void update_incident(const Incident& i) override;
  std::optional<Incident> load_incident(int64_t no) override;
  int64_t find_incident_by_external(const std::string& external_id) override;
  int64_t add_incident_update(const IncidentUpdate& u) override;
  void review_incident_update(const IncidentUpdate& u) override;
  std::vector<int64_t> open_incidents_at(const std::string& node, const std::string& kind) override;
  std::pair<int64_t, int64_t> recent_update_by(const std::string& author_id,
                                               int64_t since_ms) override;
  void link_to_incident(int64_t no, int64_t inbox_id, const InboundMessage& m,
                        int64_t at_ms) override;
  // Accounts, sessions, API tokens, audit (account_statements.cpp)
  int64_t add_account(const Account& a) override;
  void update_account(const Account& a) override;
  std::optional<Account> load_account(std::string_view name) override;
  void add_session(const Session& s) override;
  void touch_session(std::string_view id_hash, int64_t at_ms) override;
  void end_sessions(std::string_view id_hash, int64_t account_id, int64_t at_ms) override;
  int64_t prune_sessions(int64_t before_ms) override;
  int64_t add_api_token(const ApiToken& t) override;
  int64_t revoke_api_tokens(int64_t account_id, std::string_view label, int64_t at_ms) override;
  int64_t add_audit(const AuditEntry& e) override;

  /// The end of one piece of work, inside its savepoint: what the work's changes imply for the
  /// indexes (each touched ticket's earliest due) is written. discard_work: it was rolled back.
  void finish_work() { scope_->flush(); }
  void discard_work() { scope_->discard(); }

  /// Outbox rows queued in the current transaction (the store hands them to its listener).
  std::vector<OutboxItem> queued;

  /// Marks older pending rows with the same (channel, chat, supersede key) as superseded, except
  /// the other pieces of the same message (incident_statements.cpp).
  void supersede_older(const OutboxItem& row);

 private:
  struct IncidentStatements;  // prepared on first use (incident_statements.cpp)
  IncidentStatements& inc();
  std::shared_ptr<IncidentStatements> inc_;
  struct MediaStatements;  // prepared on first use (media_statements.cpp)
  MediaStatements& med();
  std::shared_ptr<MediaStatements> med_;
  struct AccountStatements;  // prepared on first use (account_statements.cpp)
  AccountStatements& acc();
  std::shared_ptr<AccountStatements> acc_;
  SQLite::Database& db_;
  StatementCache cache_;  // the statements below that are not members
  FigurePolicy policy_;
  std::unique_ptr<ScopeIndex> scope_;
  SQLite::Statement insert_inbound_;
  SQLite::Statement set_message_state_;
  SQLite::Statement enqueue_;
  SQLite::Statement delivered_;
  SQLite::Statement retry_;
  SQLite::Statement final_;
  SQLite::Statement upsert_org_;
  SQLite::Statement prune_;
  SQLite::Statement next_no_, insert_ticket_, update_ticket_, select_ticket_, find_open_;
  SQLite::Statement insert_reporter_, select_reporters_, insert_event_;
  SQLite::Statement guard_savepoint_, guard_release_, guard_rollback_;
};

/// Column list and row reader shared by the writer and the reads.
extern const char* const kTicketColumns;
/// kTicketColumns, each as "t.<name>", for queries that join tickets as t.
const std::string& prefixed_ticket_columns();
/// SQL for the code the scope rows store for the text bound to `param` among `kind` (category,
/// tier, level, status): NULL, which no row equals, for a text no ticket ever had. The filter's
/// text is turned into its code by the statement itself, once.
std::string scope_code(const char* kind, const char* param);
/// The ticket numbers reported in [from_ms, to_ms) as [lo, hi) (0 bounds: unbounded).
std::pair<int64_t, int64_t> no_range(SQLite::Database& db, int64_t from_ms, int64_t to_ms);
Ticket ticket_row(SQLite::Statement& s);
std::vector<Reporter> read_reporters(SQLite::Statement& select_by_no, int64_t no);
std::vector<Ticket> read_tickets(SQLite::Database& db, const TicketQuery& q);
/// The statement read_tickets reads with (:node, :lo, :below, :limit and the filters the query
/// has); its plan is checked by the tests.
std::string tickets_sql(const TicketQuery& q);
std::optional<Ticket> read_ticket(SQLite::Database& db, int64_t no);
/// Open tickets `node` holds (open_only) or tickets of its scope reported in [from, to).
std::vector<TicketFacts> read_facts(SQLite::Database& db, const std::string& node, int64_t from_ms,
                                    int64_t to_ms, bool open_only);
/// TicketTx::open_tickets: every one, or the first `first` by due and the count of all.
std::vector<TicketFacts> read_open_tickets(SQLite::Database& db, const std::string& node,
                                           size_t first, int64_t* total);
/// Store::open_tickets_where.
std::vector<TicketFacts> read_open_tickets_where(SQLite::Database& db, const std::string& node,
                                                 size_t first, const BoardFilter& filter);
/// The statement read_open_tickets_where reads a node's rows with (:node, and :category, :tier,
/// :level, :limit as the filter has them); its plan is checked by the tests.
std::string open_tickets_where_sql(const BoardFilter& filter);
Figures read_figures_ms(SQLite::Database& db, const FigurePolicy& policy, const std::string& node,
                        int64_t from_ms, int64_t to_ms);
std::optional<int64_t> read_next_deadline(SQLite::Database& db);
std::vector<Deadline> read_deadlines(SQLite::Database& db, int64_t ticket_no);
std::vector<Deadline> read_due_deadlines(SQLite::Database& db, int64_t now_ms, int limit);

std::vector<StoredMessage> read_messages(SQLite::Database& db, const MessageQuery& q);
std::vector<OutboxItem> read_deliveries(SQLite::Database& db, const DeliveryQuery& q);
std::vector<OutboxItem> read_pending(SQLite::Database& db);
std::vector<Incident> read_incidents(SQLite::Database& db, const IncidentQuery& q);
std::optional<Incident> read_incident(SQLite::Database& db, int64_t no);
std::vector<std::string> read_org_rows(SQLite::Database& db);
void each_org_row(SQLite::Database& db, const std::function<void(std::string_view)>& fn);
std::map<std::string, std::string> read_org_file_digests(SQLite::Database& db);
std::vector<Media> read_due_media(SQLite::Database& db, int64_t now_ms, int limit);
std::vector<Media> read_ticket_media(SQLite::Database& db, int64_t no);
std::optional<Media> read_media(SQLite::Database& db, int64_t id);
bool read_media_stored_as(SQLite::Database& db, const std::string& sha256);

std::string join_lines(const std::vector<std::string>& v);
std::vector<std::string> split_lines(const std::string& s);

}  // namespace gridbot::store::sqlite
