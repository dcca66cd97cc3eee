// Prepared statements of the writer and the read queries.
#include "bot/store/sqlite/statements.hpp"

#include "base/common/log.hpp"

namespace gridbot::store::sqlite {
namespace {

// The statements run for every message bind their parameters by position (naming one is a
// search through the statement's names) and their strings without a copy (each argument outlives
// the exec that follows).
void bind_at(SQLite::Statement& s, int i, const std::string& v) { s.bindNoCopy(i, v); }
void bind_at(SQLite::Statement& s, int i, int64_t v) { s.bind(i, v); }
void bind_at(SQLite::Statement& s, int i, int v) { s.bind(i, v); }
void bind_at(SQLite::Statement& s, int i, bool v) { s.bind(i, v ? 1 : 0); }

template <class... Values>
void bind_all(SQLite::Statement& s, const Values&... values) {
  int i = 0;
  (bind_at(s, ++i, values), ...);
}

constexpr const char* kInsertTicket =
    "INSERT INTO tickets(no, text, category, tier, urgent, leader_marked, building, unit, room, "
    "status, origin_node, origin_channel, origin_chat, origin_msg_id, origin_path, owner_level, "
    "owner_node, department, merge_key, created_ms, updated_ms, accepted_ms, resolved_ms, handed) "
    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateTicket =
    "UPDATE tickets SET status = ?, owner_level = ?, owner_node = ?, department = ?, "
    "leader_marked = ?, urgent = ?, tier = ?, updated_ms = ?, accepted_ms = ?, resolved_ms = ?, "
    "supervised = ?, assignee = ?, handed = ?, category = ? WHERE no = ?";

constexpr const char* kOutboxColumns =
    "id, channel, chat_id, text, mentions, priority, idem_key, state, attempts, next_try_ms, "
    "created_ms, delivered_ms, last_error, reply_token, supersede_key, mention_names, request_id, "
    "media_id";

OutboxItem outbox_row(SQLite::Statement& s) {
  OutboxItem o;
  o.id = s.getColumn(0).getInt64();
  o.channel = s.getColumn(1).getString();
  o.chat_id = s.getColumn(2).getString();
  o.text = s.getColumn(3).getString();
  o.mentions = split_lines(s.getColumn(4).getString());
  o.priority = s.getColumn(5).getInt();
  o.idempotency_key = s.getColumn(6).getString();
  parse_delivery_state(s.getColumn(7).getString(), o.state);
  o.attempts = s.getColumn(8).getInt();
  o.next_try_ms = s.getColumn(9).getInt64();
  o.created_ms = s.getColumn(10).getInt64();
  o.delivered_ms = s.getColumn(11).getInt64();
  o.last_error = s.getColumn(12).getString();
  o.reply_token = s.getColumn(13).getString();
  o.supersede_key = s.getColumn(14).getString();
  o.mention_names = split_lines(s.getColumn(15).getString());
  o.request_id = s.getColumn(16).getString();
  o.media_id = s.getColumn(17).getInt64();
  return o;
}

}  // namespace

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    auto j = s.find('\n', i);
    if (j == std::string::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

WriterStatements::WriterStatements(SQLite::Database& db, const FigurePolicy& policy)
    : db_(db),
      cache_(db),
      policy_(policy),
      scope_(std::make_unique<ScopeIndex>(db, policy)),
      insert_inbound_(
          db,
          "INSERT INTO inbox(channel, chat_id, msg_id, chat_name, sender_id, "
          "sender_name, text, mentions, mentions_bot, from_bot, sent_at_s, received_ms, "
          "reply_token) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
          "ON CONFLICT(channel, chat_id, msg_id) DO NOTHING"),
      set_message_state_(db, "UPDATE inbox SET state = :state WHERE id = :id"),
      enqueue_(db,
               "INSERT INTO outbox(channel, chat_id, text, mentions, priority, idem_key, "
               "next_try_ms, created_ms, reply_token, supersede_key, mention_names, request_id, "
               "media_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
               "ON CONFLICT(idem_key) DO NOTHING"),
      delivered_(
          db,
          "UPDATE outbox SET state = 'delivered', delivered_ms = :at, attempts = attempts + 1, "
          "last_error = '' WHERE id = :id"),
      retry_(db,
             "UPDATE outbox SET state = 'pending', next_try_ms = :next, last_error = :err, "
             "attempts = attempts + :inc WHERE id = :id"),
      final_(db,
             "UPDATE outbox SET state = :state, last_error = :err, attempts = attempts + 1 "
             "WHERE id = :id"),
      upsert_org_(db,
                  "INSERT INTO org_nodes(id, row) VALUES(:id, :row) "
                  "ON CONFLICT(id) DO UPDATE SET row = excluded.row WHERE row <> excluded.row"),
      prune_(db, "DELETE FROM inbox WHERE received_ms < :before"),
      next_no_(db, "SELECT COALESCE(MAX(no), 1000) + 1 FROM tickets"),
      insert_ticket_(db, kInsertTicket),
      update_ticket_(db, kUpdateTicket),
      select_ticket_(db, std::string("SELECT ") + kTicketColumns + " FROM tickets WHERE no = ?"),
      // Newest by creation, then number: the order of tickets_merge itself, so no sorter is
      // opened for the merge window's rows.
      find_open_(
          db,
          std::string("SELECT ") + kTicketColumns +
              " FROM tickets WHERE merge_key = ?1 AND created_ms >= ?2 AND (unit = '' OR ?3 = '' "
              "OR unit = ?3) AND status NOT IN "
              "('resolved', 'confirmed', 'closed') ORDER BY created_ms DESC, no DESC LIMIT 1"),
      insert_reporter_(db,
                       "INSERT INTO ticket_reporters(ticket_no, channel, user_id, name, chat_id, "
                       "joined_ms, last_ms) VALUES(?, ?, ?, ?, ?, ?, ?6) ON CONFLICT DO NOTHING"),
      select_reporters_(db,
                        "SELECT channel, user_id, name, chat_id, joined_ms FROM ticket_reporters "
                        "WHERE ticket_no = ? ORDER BY joined_ms, rowid"),
      insert_event_(db,
                    "INSERT INTO ticket_events(ticket_no, at_ms, actor_id, actor_name, kind, "
                    "detail, from_status, to_status) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"),
      guard_savepoint_(db, "SAVEPOINT guarded"),
      guard_release_(db, "RELEASE guarded"),
      guard_rollback_(db, "ROLLBACK TO guarded") {}

int64_t WriterStatements::insert_inbound(const InboundMessage& m) {
  auto& s = insert_inbound_;
  const std::string mentions = join_lines(m.mentions);
  bind_all(s, m.channel, m.chat_id, m.msg_id, m.chat_name, m.sender_id, m.sender_name, m.text,
           mentions, m.mentions_bot, m.from_bot, m.sent_at_s, m.received_at_ms, m.reply_token);
  const int changed = s.exec();
  s.reset();
  return changed == 0 ? 0 : db_.getLastInsertRowid();
}

void WriterStatements::set_message_state(int64_t id, std::string_view state) {
  set_message_state_.bind(":state", std::string(state));
  set_message_state_.bind(":id", id);
  set_message_state_.exec();
  set_message_state_.reset();
}

int64_t WriterStatements::enqueue(const OutboxItem& item) {
  auto& s = enqueue_;
  const std::string mentions = join_lines(item.mentions);
  const std::string names = join_lines(item.mention_names);
  bind_all(s, item.channel, item.chat_id, item.text, mentions, item.priority, item.idempotency_key,
           item.next_try_ms, item.created_ms, item.reply_token, item.supersede_key, names,
           item.request_id, item.media_id);
  const int changed = s.exec();
  s.reset();
  if (changed == 0) return 0;
  OutboxItem copy = item;
  copy.id = db_.getLastInsertRowid();
  copy.state = DeliveryState::pending;
  if (!copy.supersede_key.empty()) supersede_older(copy);
  queued.push_back(std::move(copy));
  return queued.back().id;
}

void WriterStatements::mark_delivered(int64_t id, int64_t at_ms) {
  delivered_.bind(":at", at_ms);
  delivered_.bind(":id", id);
  delivered_.exec();
  delivered_.reset();
}

void WriterStatements::mark_retry(int64_t id, int64_t next_try_ms, std::string_view error,
                                  bool count_attempt) {
  retry_.bind(":next", next_try_ms);
  retry_.bind(":err", std::string(error));
  retry_.bind(":inc", count_attempt ? 1 : 0);
  retry_.bind(":id", id);
  retry_.exec();
  retry_.reset();
}

void WriterStatements::mark_final(int64_t id, DeliveryState state, std::string_view error) {
  final_.bind(":state", to_string(state));
  final_.bind(":err", std::string(error));
  final_.bind(":id", id);
  final_.exec();
  final_.reset();
}

void WriterStatements::upsert_org_row(std::string_view id, std::string_view csv_row) {
  upsert_org_.bind(":id", std::string(id));
  upsert_org_.bind(":row", std::string(csv_row));
  upsert_org_.exec();
  upsert_org_.reset();
}

int64_t WriterStatements::prune_inbox(int64_t before_ms) {
  prune_.bind(":before", before_ms);
  const int n = prune_.exec();
  prune_.reset();
  return n;
}

bool WriterStatements::guarded(const std::function<void()>& f) {
  const size_t mark = queued.size();
  // Prepared once: every processed message runs in one of these.
  auto run = [](SQLite::Statement& s) {
    s.exec();
    s.reset();
  };
  run(guard_savepoint_);
  try {
    f();
    run(guard_release_);
    return true;
  } catch (const std::exception& e) {
    log::error("store: a guarded step was rolled back: {}", e.what());
    run(guard_rollback_);
    run(guard_release_);
    queued.resize(mark);
    return false;
  }
}

std::vector<StoredMessage> read_messages(SQLite::Database& db, const MessageQuery& q) {
  SQLite::Statement s(
      db,
      "SELECT id, channel, chat_id, msg_id, chat_name, sender_id, sender_name, "
      "text, mentions, mentions_bot, from_bot, sent_at_s, received_ms, state, reply_token "
      "FROM inbox WHERE (:chan = '' OR channel = :chan) AND (:chat = '' OR "
      "chat_id = :chat) AND (:before = 0 OR id < :before) ORDER BY id DESC "
      "LIMIT :limit");
  s.bind(":chan", q.channel);
  s.bind(":chat", q.chat);
  s.bind(":before", q.before_id);
  s.bind(":limit", q.limit);
  std::vector<StoredMessage> out;
  while (s.executeStep()) {
    StoredMessage m;
    m.id = s.getColumn(0).getInt64();
    auto& msg = m.message;
    msg.channel = s.getColumn(1).getString();
    msg.chat_id = s.getColumn(2).getString();
    msg.msg_id = s.getColumn(3).getString();
    msg.chat_name = s.getColumn(4).getString();
    msg.sender_id = s.getColumn(5).getString();
    msg.sender_name = s.getColumn(6).getString();
    msg.text = s.getColumn(7).getString();
    msg.mentions = split_lines(s.getColumn(8).getString());
    msg.mentions_bot = s.getColumn(9).getInt() != 0;
    msg.from_bot = s.getColumn(10).getInt() != 0;
    msg.sent_at_s = s.getColumn(11).getInt64();
    msg.received_at_ms = s.getColumn(12).getInt64();
    m.state = s.getColumn(13).getString();
    msg.reply_token = s.getColumn(14).getString();
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<OutboxItem> read_deliveries(SQLite::Database& db, const DeliveryQuery& q) {
  // Only the filters given are in the SQL, so (chat, id) or (state, id) serves the page.
  std::string where = q.before_id > 0 ? "id < :before" : "1";
  if (!q.chat.empty()) where += " AND chat_id = :chat";
  if (q.state) where += " AND state = :state";
  SQLite::Statement s(db, std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE " + where +
                              " ORDER BY id DESC LIMIT :limit");
  if (!q.chat.empty()) s.bind(":chat", q.chat);
  if (q.state) s.bind(":state", to_string(*q.state));
  if (q.before_id > 0) s.bind(":before", q.before_id);
  s.bind(":limit", q.limit);
  std::vector<OutboxItem> out;
  while (s.executeStep()) out.push_back(outbox_row(s));
  return out;
}

std::vector<OutboxItem> read_pending(SQLite::Database& db) {
  SQLite::Statement s(db, std::string("SELECT ") + kOutboxColumns +
                              " FROM outbox WHERE state = 'pending' ORDER BY id");
  std::vector<OutboxItem> out;
  while (s.executeStep()) out.push_back(outbox_row(s));
  return out;
}

void WriterStatements::set_org_file_digest(std::string_view path, std::string_view digest) {
  SQLite::Statement s(db_,
                      "INSERT INTO org_files(path, digest) VALUES(?, ?) ON CONFLICT(path) DO "
                      "UPDATE SET digest = excluded.digest");
  s.bind(1, std::string(path));
  s.bind(2, std::string(digest));
  s.exec();
}

void WriterStatements::delete_org_row(std::string_view id) {
  SQLite::Statement s(db_, "DELETE FROM org_nodes WHERE id = ?");
  s.bind(1, std::string(id));
  s.exec();
}

std::vector<std::string> WriterStatements::load_org_rows() { return read_org_rows(db_); }

std::map<std::string, std::string> read_org_file_digests(SQLite::Database& db) {
  SQLite::Statement s(db, "SELECT path, digest FROM org_files");
  std::map<std::string, std::string> out;
  while (s.executeStep()) out[s.getColumn(0).getString()] = s.getColumn(1).getString();
  return out;
}

void each_org_row(SQLite::Database& db, const std::function<void(std::string_view)>& fn) {
  SQLite::Statement s(db, "SELECT row FROM org_nodes ORDER BY rowid");
  while (s.executeStep()) {
    const auto col = s.getColumn(0);
    fn(std::string_view(static_cast<const char*>(col.getBlob()),
                        static_cast<size_t>(col.getBytes())));
  }
}

std::vector<std::string> read_org_rows(SQLite::Database& db) {
  SQLite::Statement s(db, "SELECT row FROM org_nodes ORDER BY rowid");
  std::vector<std::string> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getString());
  return out;
}

}  // namespace gridbot::store::sqlite
