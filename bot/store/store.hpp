// The Store seam: SQLite now, PostgreSQL later (docs/design.md). All
// writes go through one writer that group-commits; the outbox row is written in the same
// transaction as the change that caused it.
#pragma once

#include "base/model/account.hpp"
#include "base/model/inbound_message.hpp"
#include "base/model/incident.hpp"
#include "base/model/outbox_item.hpp"
#include "base/model/deadline.hpp"
#include "base/model/figures.hpp"
#include "base/model/media.hpp"
#include "base/model/ticket.hpp"

#include <cstdint>
#include <functional>
#include <utility>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace gridbot::store {

/// A ticket with what the stats and lists need beside it.
struct TicketFacts {
  Ticket ticket;
  int misses = 0;  // deadlines missed
  /// Verdicts on the ticket's resolutions, each reporter's one per resolution (an unsatisfied
  /// one reopened the ticket).
  int satisfied = 0, unsatisfied = 0, defaulted = 0;
  int64_t next_due_ms = 0;  // earliest live deadline, 0 when none
  int reporters = 0;        // residents who reported it (the ticket's reporters are not read)
};

/// How the store counts a ticket into its node's figures: the local day it was reported on, and
/// whether it was accepted in time.
struct FigurePolicy {
  int64_t utc_offset_ms = 8 * 3600 * 1000LL;
  int64_t accept_window_ms = 2 * 3600 * 1000LL;
};

/// The facets of one write transaction, one per concern, so a workflow's signature shows what it
/// may touch. Only valid inside Store::write's work function, on the writer thread. Methods throw
/// on database failure; the store rolls back that work item.

/// The inbox: every inbound message, deduplicated.
class InboxTx {
 public:
  virtual ~InboxTx() = default;
  /// Inserts into the inbox unless (channel, chat_id, msg_id) is already there.
  /// Returns the new row id, or 0 for a duplicate (nothing written).
  virtual int64_t insert_inbound(const InboundMessage& m) = 0;
  virtual void set_message_state(int64_t id, std::string_view state) = 0;
  /// Deletes inbox rows received before `before_ms`. Returns how many.
  virtual int64_t prune_inbox(int64_t before_ms) = 0;
};

/// The outbox: every outgoing message, and what became of it.
class OutboxTx {
 public:
  virtual ~OutboxTx() = default;
  /// Queues an outgoing message. Returns its id, or 0 when the idempotency key already exists
  /// (nothing queued: a re-run of the same change never sends twice).
  virtual int64_t enqueue(const OutboxItem& item) = 0;
  virtual void mark_delivered(int64_t id, int64_t at_ms) = 0;
  /// Puts a row back to pending at next_try_ms; count_attempt is false for throttling.
  virtual void mark_retry(int64_t id, int64_t next_try_ms, std::string_view error,
                          bool count_attempt) = 0;
  /// Ends a row as failed or disabled with the reason.
  virtual void mark_final(int64_t id, DeliveryState state, std::string_view error) = 0;
};

/// The org tree's rows.
class OrgTx {
 public:
  virtual ~OrgTx() = default;
  /// Inserts or replaces an org node, stored as its org CSV row (a row equal to the stored one
  /// is left as it is: a look-up, no write).
  virtual void upsert_org_row(std::string_view id, std::string_view csv_row) = 0;
  /// Records the digest of an org CSV file as imported, so an unchanged file is not read again.
  virtual void set_org_file_digest(std::string_view path, std::string_view digest) = 0;
  /// Removes an org node's row (a console import that replaces a subtree).
  virtual void delete_org_row(std::string_view id) = 0;
  /// The stored rows as Store::org_rows, read inside this transaction: an import checks that the
  /// org is still the one it previewed, with no other import able to slip in between.
  virtual std::vector<std::string> load_org_rows() = 0;
};

/// Tickets, their reporters, events and satisfaction answers.
class TicketTx {
 public:
  virtual ~TicketTx() = default;
  /// Creates a ticket numbered one past the highest so far (the first is 1001), with its first
  /// reporter (t.reporters[0]). Returns the number. Events are added with add_event.
  virtual int64_t create_ticket(const Ticket& t) = 0;
  /// Writes status, owner, department, category, tier, marks and timestamps of an existing
  /// ticket.
  virtual void update_ticket(const Ticket& t) = 0;
  /// The ticket with its reporters (no events), as of this transaction.
  virtual std::optional<Ticket> load_ticket(int64_t no) = 0;
  /// The newest open ticket with this merge key created at or after since_ms whose unit is
  /// `unit`, or where either side names no unit; without its reporters (reporter_count counts
  /// them), as a report merging into it needs only how many there are.
  virtual std::optional<Ticket> find_open_ticket(const std::string& merge_key,
                                                 const std::string& unit, int64_t since_ms) = 0;
  /// How many reporters the ticket has, as of this transaction.
  virtual int reporter_count(int64_t no) = 0;
  /// The number of the ticket this person joined last as a reporter, 0 when none.
  virtual int64_t latest_ticket_of(const std::string& channel, const std::string& user) = 0;
  /// Adds a reporter; false when (channel, user) already reported this ticket.
  virtual bool add_reporter(int64_t no, const Reporter& r) = 0;
  virtual void add_event(int64_t no, const TicketEvent& e) = 0;
  virtual void ask_satisfaction(const SatisfactionAnswer& a) = 0;
  /// Questions still waiting for this reporter's answer.
  virtual std::vector<SatisfactionAnswer> pending_satisfaction(const std::string& channel,
                                                               const std::string& user) = 0;
  virtual std::vector<SatisfactionAnswer> satisfaction_of(int64_t ticket_no) = 0;
  virtual void answer_satisfaction(int64_t ticket_no, const std::string& channel,
                                   const std::string& user, const std::string& answer,
                                   const std::string& words, int64_t at_ms) = 0;
  /// The open tickets `node` holds: reported in its subtree, or handed to it and not handed on.
  /// Ordered by earliest live deadline, then number. With `first` > 0 only the first that many
  /// are read in full (a street's hundreds of open tickets cost an index look-up each, not a
  /// full row and its counts), and *total, when given, gets how many there are in all.
  virtual std::vector<TicketFacts> open_tickets(const std::string& node, size_t first = 0,
                                                int64_t* total = nullptr) = 0;
  /// As Store::figures, as of this transaction.
  virtual Figures figures(const std::string& node, int64_t from_ms, int64_t to_ms) = 0;

  // Follow-ups (docs/media.md "Follow-ups").
  /// The open ticket this reporter last added to from (channel, chat) at or after since_ms, or
  /// 0 when none.
  virtual int64_t recent_report_of(const std::string& channel, const std::string& chat,
                                   const std::string& user, int64_t since_ms) = 0;
  /// The open ticket anyone in (channel, chat) last added to at or after since_ms, or 0.
  virtual int64_t recent_ticket_in(const std::string& channel, const std::string& chat,
                                   int64_t since_ms) = 0;
  /// Records that the reporter added to ticket `no` at at_ms (a follow-up).
  virtual void touch_reporter(int64_t no, const std::string& channel, const std::string& user,
                              int64_t at_ms) = 0;
  /// Writes a ticket's location (a follow-up filled or refined it).
  virtual void set_location(int64_t no, const std::string& building, const std::string& unit,
                            const std::string& room) = 0;
};

/// Media of inbound messages and the download job's progress (docs/media.md).
class MediaTx {
 public:
  virtual ~MediaTx() = default;
  /// Stores m.media as pending rows of inbox row `inbox_id`. Returns how many.
  virtual int add_media(int64_t inbox_id, const InboundMessage& m, int64_t now_ms) = 0;
  /// Attaches the media of inbox row `inbox_id` to ticket `no`. Returns how many.
  virtual int attach_media(int64_t inbox_id, int64_t ticket_no) = 0;
  /// Attaches media that `sender` sent in (channel, chat) at or after since_ms and that no
  /// ticket holds yet. Returns how many.
  virtual int attach_loose_media(const std::string& channel, const std::string& chat,
                                 const std::string& sender, int64_t since_ms,
                                 int64_t ticket_no) = 0;
  /// The media ticket `no` holds, oldest first, failed ones left out (no inline bytes).
  virtual std::vector<Media> media_of(int64_t ticket_no) = 0;
  /// Joins the media of inbox row `inbox_id` to incident update `update_id`. Returns how many.
  virtual int attach_media_to_update(int64_t inbox_id, int64_t update_id) = 0;
  /// The media incident update `update_id` holds, oldest first, failed ones left out.
  virtual std::vector<Media> media_of_update(int64_t update_id) = 0;
  /// The download job's outcomes: stored under its sha256 (inline bytes dropped), retried later
  /// (count_attempt false for a throttle), failed for good.
  virtual void media_stored(int64_t id, const std::string& sha256, const std::string& mime,
                            int64_t size, int64_t at_ms) = 0;
  virtual void media_retry(int64_t id, int64_t next_try_ms, std::string_view error,
                           bool count_attempt) = 0;
  virtual void media_failed(int64_t id, std::string_view error) = 0;
  /// Marks up to `limit` media created before before_ms as expired (pending ones failed).
  /// Returns the sha256 of the files no stored row names any more: the caller deletes them.
  virtual std::vector<std::string> expire_media(int64_t before_ms, int limit) = 0;
};

/// The clocks: every deadline of a ticket, and the digest's daily row.
class DeadlineTx {
 public:
  virtual ~DeadlineTx() = default;
  /// Adds a deadline; an identical one (ticket, clock, node, due) is kept once.
  virtual void add_deadline(const Deadline& d) = 0;
  /// Stops the ticket's live clocks (state done): every clock when `clock` is nullopt.
  virtual void stop_deadlines(int64_t ticket_no, std::optional<DeadlineKind> clock) = 0;
  /// Live deadlines whose warning or due time has come, oldest first.
  virtual std::vector<Deadline> due_deadlines(int64_t now_ms, int limit) = 0;
  virtual void set_deadline_state(int64_t id, DeadlineState state, int64_t fired_ms) = 0;
  /// Deletes up to `limit` finished clocks (done or missed) created before `before_ms`, and
  /// answered satisfaction questions of tickets reported before it (their verdicts and the
  /// figures stay). Returns how many rows went; call again while it returns `limit`.
  virtual int64_t prune_finished(int64_t before_ms, int limit) = 0;
  /// Whether a live deadline of this clock and node exists (for jobs such as the digest).
  virtual bool has_live_deadline(int64_t ticket_no, DeadlineKind clock, std::string_view node) = 0;
};

/// Incidents, their targets, updates and the reports linked to them.
class IncidentTx {
 public:
  virtual ~IncidentTx() = default;
  /// Creates an incident numbered one past the highest so far (E1 first) with its targets.
  virtual int64_t create_incident(const Incident& i) = 0;
  /// Writes status, expected restore time and timestamps of an existing incident.
  virtual void update_incident(const Incident& i) = 0;
  /// The incident with its targets and updates, as of this transaction.
  virtual std::optional<Incident> load_incident(int64_t no) = 0;
  /// The incident a utility system opened with this id, or 0.
  virtual int64_t find_incident_by_external(const std::string& external_id) = 0;
  /// Adds an update; returns its id, or 0 when (incident, external_id) already exists.
  virtual int64_t add_incident_update(const IncidentUpdate& u) = 0;
  /// Writes the review state, reviewer, reason and time of an update.
  virtual void review_incident_update(const IncidentUpdate& u) = 0;
  /// Open incidents of `kind` whose targets include the node `node`, newest first.
  virtual std::vector<int64_t> open_incidents_at(const std::string& node,
                                                 const std::string& kind) = 0;
  /// The latest update `author_id` wrote at or after since_ms (its incident, its id), or {0, 0}.
  virtual std::pair<int64_t, int64_t> recent_update_by(const std::string& author_id,
                                                       int64_t since_ms) = 0;
  /// Links a resident's message (inbox row) to an incident instead of a ticket (inhibition).
  virtual void link_to_incident(int64_t no, int64_t inbox_id, const InboundMessage& m,
                                int64_t at_ms) = 0;
};

/// Console accounts, their sessions and API tokens, and the audit log (docs/console.md).
class AccountTx {
 public:
  virtual ~AccountTx() = default;
  /// Adds an account; returns its id, or 0 when the name is taken (nothing written).
  virtual int64_t add_account(const Account& a) = 0;
  /// Writes display name, node, role, password hash and disabled of an existing account.
  virtual void update_account(const Account& a) = 0;
  virtual std::optional<Account> load_account(std::string_view name) = 0;
  virtual void add_session(const Session& s) = 0;
  /// Moves the idle clock of a live session on.
  virtual void touch_session(std::string_view id_hash, int64_t at_ms) = 0;
  /// Ends one session (logout), or every live one of an account (id_hash empty).
  virtual void end_sessions(std::string_view id_hash, int64_t account_id, int64_t at_ms) = 0;
  /// Deletes sessions that ended or were last seen before `before_ms`. Returns how many.
  virtual int64_t prune_sessions(int64_t before_ms) = 0;
  /// Returns the token's id.
  virtual int64_t add_api_token(const ApiToken& t) = 0;
  /// Revokes every live token of the account with this label ("" : all of them). Returns how many.
  virtual int64_t revoke_api_tokens(int64_t account_id, std::string_view label, int64_t at_ms) = 0;
  /// Returns the entry's id.
  virtual int64_t add_audit(const AuditEntry& e) = 0;
};

/// One write transaction: every facet, and nested savepoints.
class WriteTx : public InboxTx,
                public OutboxTx,
                public OrgTx,
                public TicketTx,
                public DeadlineTx,
                public IncidentTx,
                public AccountTx,
                public MediaTx {
 public:
  /// Runs `f` in a nested savepoint: if it throws, only its changes are undone, the error is
  /// logged, and false comes back; the rest of the transaction goes on.
  virtual bool guarded(const std::function<void()>& f) = 0;
};

/// A read that the database could not answer (disk failure, a corrupt or vanished file). Reads
/// never turn a failure into an empty answer: the API answers it 503.
class ReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MessageQuery {
  std::string channel;    // empty: any
  std::string chat;       // empty: any
  int64_t before_id = 0;  // paging: rows with a smaller id; 0: newest
  int limit = 100;
};

struct DeliveryQuery {
  std::string chat;
  std::optional<DeliveryState> state;
  int64_t before_id = 0;
  int limit = 100;
};

struct TicketQuery {
  std::optional<TicketStatus> status;
  bool open_only = false;
  std::string node;         // tickets whose origin is in this node's subtree, or that it owns
  std::string category;     // "" : any
  std::string tier, level;  // "" : any; level: the holder's (owner_level)
  int64_t from_ms = 0, to_ms = 0;  // reported in [from, to); 0: unbounded
  int64_t before_no = 0;           // paging
  int limit = 100;
};

/// What the console's board narrows a node's open tickets to ("" : any).
struct BoardFilter {
  std::string category, tier, level;  // level: the holder's (owner_level)
  /// A further test on each ticket the fields let through (the board's text search); empty:
  /// none.
  std::function<bool(const Ticket&)> keep;
};

struct AuditQuery {
  int64_t account_id = 0;  // 0: every account
  std::string target;      // empty: any
  int64_t before_id = 0;   // paging
  int limit = 100;
};

struct IncidentQuery {
  std::optional<IncidentStatus> status;
  int64_t before_no = 0;  // paging
  int limit = 100;
};

/// Thread safety: write() and the read methods are safe from any thread. Reads see committed data
/// (a commit may be visible a moment before it is durable: its writer is told only after) and
/// throw ReadError when the database cannot answer.
class Store {
 public:
  using Work = std::function<void(WriteTx&)>;
  /// Called once per write, on the store's completion thread, after the transaction is durable (or
  /// failed), in commit order: post to your own executor and return; never block or call
  /// write_sync from it.
  using Done = std::function<void(std::error_code)>;
  /// Called on the completion thread once each commit is durable, with the outbox rows it queued
  /// (ids set); before that commit's Done calls.
  using OutboxListener = std::function<void(const std::vector<OutboxItem>&)>;

  virtual ~Store() = default;

  /// Queues `work` for the writer thread. Work items queued together share one transaction and one
  /// fsync (group commit); each runs in its own savepoint, so one that throws rolls back alone and
  /// gets errc::internal. A failed commit gives every item errc::store_unavailable; a failed fsync
  /// gives it to every item not yet answered and to every write after it (until a restart).
  /// After close() it completes at once with errc::store_unavailable. `work` and `done` run under
  /// the caller's log::request_id(), so what they log and queue names the caller's request.
  virtual void write(Work work, Done done) = 0;
  /// Blocks until `work` is durable. Not from the writer or completion thread.
  std::error_code write_sync(Work work);

  virtual void set_outbox_listener(OutboxListener listener) = 0;

  virtual std::vector<StoredMessage> messages(const MessageQuery& q) = 0;
  virtual std::vector<OutboxItem> deliveries(const DeliveryQuery& q) = 0;
  /// Every pending outbox row, for the dispatcher's start-up.
  virtual std::vector<OutboxItem> pending_outbox() = 0;
  virtual std::vector<std::string> org_rows() = 0;
  /// The same rows one at a time, in order (`fn`'s view is valid during the call): a city's org
  /// is read without holding all of its rows.
  virtual void for_each_org_row(const std::function<void(std::string_view row)>& fn) = 0;
  /// The digest each org CSV file had when it was last imported, by path.
  virtual std::map<std::string, std::string> org_file_digests() = 0;
  virtual int64_t count_inbox() = 0;
  /// Tickets newest first, with reporters.
  virtual std::vector<Ticket> tickets(const TicketQuery& q) = 0;
  /// One ticket with reporters and its full event history.
  virtual std::optional<Ticket> ticket(int64_t no) = 0;
  /// The earliest time a live deadline warns or falls due, if any.
  virtual std::optional<int64_t> next_deadline_ms() = 0;
  virtual std::vector<Deadline> deadlines(int64_t ticket_no) = 0;
  /// As DeadlineTx::due_deadlines, on committed data (work to prepare before the timer's write).
  virtual std::vector<Deadline> due_deadlines(int64_t now_ms, int limit) = 0;
  /// As TicketTx::open_tickets, on committed data.
  virtual std::vector<TicketFacts> open_tickets(const std::string& node, size_t first = 0,
                                                int64_t* total = nullptr) = 0;
  /// The first `first` of `node`'s open tickets that `filter` accepts, by earliest due (none
  /// last): the open tickets of the filter's category, tier or level are one index range, read
  /// only as far as the answer needs (and only those rows tried by its `keep`).
  virtual std::vector<TicketFacts> open_tickets_where(const std::string& node, size_t first,
                                                      const BoardFilter& filter) = 0;
  /// Tickets of `node`'s subtree (or handed to it) reported in [from, to), with their facts.
  virtual std::vector<TicketFacts> facts(const std::string& node, int64_t from_ms,
                                         int64_t to_ms) = 0;
  /// The figures of `node` ("" for all) for the tickets reported on the local days that
  /// [from_ms, to_ms) touches, read from per-node per-day rows (their cost follows the days).
  virtual Figures figures(const std::string& node, int64_t from_ms, int64_t to_ms) = 0;
  /// Incidents newest first, with targets (no updates).
  virtual std::vector<Incident> incidents(const IncidentQuery& q) = 0;
  /// One incident with targets and every update.
  virtual std::optional<Incident> incident(int64_t no) = 0;
  /// Console accounts (docs/console.md): by login name, by id, all of them by name.
  virtual std::optional<Account> account(std::string_view name) = 0;
  virtual std::optional<Account> account_by_id(int64_t id) = 0;
  virtual std::vector<Account> accounts() = 0;
  /// The session with this id hash, live or not (the caller checks its times).
  virtual std::optional<Session> session(std::string_view id_hash) = 0;
  /// The API token with this hash, revoked or not.
  virtual std::optional<ApiToken> api_token(std::string_view hash) = 0;
  /// The audit log, newest first.
  virtual std::vector<AuditEntry> audit(const AuditQuery& q) = 0;
  /// Pending media whose next try is due at now_ms, earliest first, with their inline bytes.
  virtual std::vector<Media> due_media(int64_t now_ms, int limit) = 0;
  /// The media attached to ticket `no`, oldest first (no inline bytes).
  virtual std::vector<Media> ticket_media(int64_t no) = 0;
  /// One medium (no inline bytes).
  virtual std::optional<Media> media(int64_t id) = 0;
  /// Whether a stored medium has this sha256 (a file is served only then).
  virtual bool media_stored_as(const std::string& sha256) = 0;

  /// Stops the reads running now with a ReadError; later reads run. Shutdown calls it first so
  /// no read holds it up.
  virtual void interrupt_reads() = 0;

  /// Stops reads, finishes queued writes, then stops the writer. Idempotent.
  virtual void close() = 0;

  /// Checkpoint passes of the checkpointer thread that copied frames (tests: checkpoints run
  /// off the writer).
  virtual int64_t checkpoints_for_test() const { return 0; }
};

struct SqliteOptions {
  size_t group_commit_max = 512;
  /// Test hook (Beast fail_count): the n-th commit from now fails as if the disk did; -1 never.
  int fail_commit_for_test = -1;
  /// Test hook: the n-th deferred WAL fsync from now fails as if the disk did; -1 never.
  int fail_sync_for_test = -1;
  /// Test hook: runs on the syncing thread before each deferred WAL fsync.
  std::function<void()> before_sync_for_test;
  FigurePolicy figures;
  /// Read connections (reads run side by side, never behind the writer).
  int readers = 4;
  /// A read that runs longer is stopped and answered as a ReadError.
  int64_t read_time_limit_ms = 10'000;
  /// The writer connection's page cache.
  int64_t writer_cache_kib = 64 * 1024;
  /// A checkpoint is started on its own thread once the WAL holds this many pages (64 MB of
  /// 4 KiB pages); the writer copies the short tail it leaves, and at twice this the writer
  /// checkpoints itself. Each tail stalls the writer for two fsyncs: the fewer, the better.
  int checkpoint_frames = 16000;
};

/// Opens (creating and migrating) a SQLite store at `path`. Returns nullptr and sets *error when
/// the file cannot be opened or migrated.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options,
                                         std::string* error);

/// Copies the store at `path` to `dest` consistently while a server may be writing to it
/// (`gridbot backup`); the copy is checked (integrity_check) and appears whole or not at all.
bool backup_sqlite_store(const std::string& path, const std::string& dest, std::string* error);

}  // namespace gridbot::store
