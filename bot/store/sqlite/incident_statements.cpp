// SQLite statements for incidents, their targets, updates and linked reports, and the
// outbox's supersede step. Prepared on first use so that stores that never see an incident pay
// nothing.
#include "bot/store/sqlite/statements.hpp"

namespace gridbot::store::sqlite {
namespace {

constexpr const char* kIncidentColumns =
    "no, kind, scope, cause, status, expected_restore, origin_channel, origin_chat, "
    "COALESCE(external_id, ''), households, created_ms, updated_ms, restored_ms, "
    "(SELECT count(*) FROM incident_links l WHERE l.incident_no = incidents.no)";
constexpr const char* kUpdateColumns =
    "id, incident_no, kind, text, photo_url, expected_restore, author_id, author_name, source, "
    "COALESCE(external_id, ''), review, reviewer_id, reject_reason, created_ms, reviewed_ms";

Incident incident_row(SQLite::Statement& s) {
  Incident i;
  int c = 0;
  i.no = s.getColumn(c++).getInt64();
  i.kind = s.getColumn(c++).getString();
  i.scope = s.getColumn(c++).getString();
  i.cause = s.getColumn(c++).getString();
  i.status = parse_incident_status(s.getColumn(c++).getString()).value_or(IncidentStatus::open);
  i.expected_restore = s.getColumn(c++).getString();
  i.origin_channel = s.getColumn(c++).getString();
  i.origin_chat = s.getColumn(c++).getString();
  i.external_id = s.getColumn(c++).getString();
  i.households = s.getColumn(c++).getInt();
  i.created_ms = s.getColumn(c++).getInt64();
  i.updated_ms = s.getColumn(c++).getInt64();
  i.restored_ms = s.getColumn(c++).getInt64();
  i.links = s.getColumn(c++).getInt64();
  return i;
}

IncidentUpdate update_row(SQLite::Statement& s) {
  IncidentUpdate u;
  int c = 0;
  u.id = s.getColumn(c++).getInt64();
  u.incident_no = s.getColumn(c++).getInt64();
  u.kind = s.getColumn(c++).getString();
  u.text = s.getColumn(c++).getString();
  u.photo_url = s.getColumn(c++).getString();
  u.expected_restore = s.getColumn(c++).getString();
  u.author_id = s.getColumn(c++).getString();
  u.author_name = s.getColumn(c++).getString();
  u.source = s.getColumn(c++).getString();
  u.external_id = s.getColumn(c++).getString();
  u.review = parse_review_state(s.getColumn(c++).getString()).value_or(ReviewState::pending);
  u.reviewer_id = s.getColumn(c++).getString();
  u.reject_reason = s.getColumn(c++).getString();
  u.created_ms = s.getColumn(c++).getInt64();
  u.reviewed_ms = s.getColumn(c++).getInt64();
  return u;
}

std::vector<IncidentTarget> read_targets(SQLite::Statement& s, int64_t no) {
  s.bind(1, no);
  std::vector<IncidentTarget> out;
  while (s.executeStep()) {
    IncidentTarget t;
    t.node = s.getColumn(0).getString();
    t.level = parse_level(s.getColumn(1).getString()).value_or(Level::building);
    t.group = {s.getColumn(2).getString(), s.getColumn(3).getString()};
    t.households = s.getColumn(4).getInt();
    t.reachable = s.getColumn(5).getInt() != 0;
    out.push_back(std::move(t));
  }
  s.reset();
  return out;
}

std::vector<IncidentUpdate> read_updates(SQLite::Statement& s, int64_t no) {
  s.bind(1, no);
  std::vector<IncidentUpdate> out;
  while (s.executeStep()) out.push_back(update_row(s));
  s.reset();
  return out;
}

constexpr const char* kSelectTargets =
    "SELECT node, level, channel, chat_id, households, reachable FROM incident_targets "
    "WHERE incident_no = ? "
    "ORDER BY rowid";

std::string select_updates() {
  return std::string("SELECT ") + kUpdateColumns +
         " FROM incident_updates WHERE incident_no = ? ORDER BY id";
}

void bind_text_or_null(SQLite::Statement& s, int i, const std::string& v) {
  if (v.empty())
    s.bind(i);  // NULL: the UNIQUE constraints only apply to ids a system gave
  else
    s.bind(i, v);
}

}  // namespace

struct WriterStatements::IncidentStatements {
  explicit IncidentStatements(SQLite::Database& db)
      : next_no(db, "SELECT COALESCE(MAX(no), 0) + 1 FROM incidents"),
        insert(db,
               "INSERT INTO incidents(no, kind, scope, cause, status, expected_restore, "
               "origin_channel, origin_chat, external_id, households, created_ms, updated_ms, "
               "restored_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        insert_target(db,
                      "INSERT OR IGNORE INTO incident_targets(incident_no, node, level, channel, "
                      "chat_id, households, reachable) VALUES(?, ?, ?, ?, ?, ?, ?)"),
        update(db,
               "UPDATE incidents SET status = ?, expected_restore = ?, cause = ?, updated_ms = ?, "
               "restored_ms = ? WHERE no = ?"),
        select(db, std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE no = ?"),
        select_targets(db, kSelectTargets),
        select_updates(db, sqlite::select_updates()),
        by_external(db, "SELECT no FROM incidents WHERE external_id = ?"),
        insert_update(db,
                      "INSERT INTO incident_updates(incident_no, kind, text, photo_url, "
                      "expected_restore, author_id, author_name, source, external_id, review, "
                      "reviewer_id, reject_reason, created_ms, reviewed_ms) "
                      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
        review(db,
               "UPDATE incident_updates SET review = ?, reviewer_id = ?, reject_reason = ?, "
               "reviewed_ms = ? WHERE id = ?"),
        open_at(db,
                "SELECT i.no FROM incident_targets t JOIN incidents i ON i.no = t.incident_no "
                "WHERE t.node = ? AND i.kind = ? AND i.status = 'open' ORDER BY i.no DESC"),
        link(db,
             "INSERT OR IGNORE INTO incident_links(incident_no, inbox_id, channel, chat_id, "
             "user_id, at_ms) VALUES(?, ?, ?, ?, ?, ?)"),
        supersede(
            db,
            "UPDATE outbox SET state = 'superseded', last_error = :by WHERE channel = :channel "
            "AND chat_id = :chat AND supersede_key = :skey AND state = 'pending' AND id < :id "
            "AND idem_key <> :base AND substr(idem_key, 1, length(:base) + 1) <> :base || '#'") {}

  SQLite::Statement next_no, insert, insert_target, update, select, select_targets, select_updates,
      by_external, insert_update, review, open_at, link, supersede;
};

WriterStatements::IncidentStatements& WriterStatements::inc() {
  if (!inc_) inc_ = std::make_shared<IncidentStatements>(db_);
  return *inc_;
}

void WriterStatements::supersede_older(const OutboxItem& row) {
  auto& s = inc().supersede;
  s.bind(":by", "superseded by " + row.idempotency_key);
  s.bind(":channel", row.channel);
  s.bind(":chat", row.chat_id);
  s.bind(":skey", row.supersede_key);
  s.bind(":id", row.id);
  s.bind(":base", idempotency_base(row.idempotency_key));
  s.exec();
  s.reset();
}

int64_t WriterStatements::create_incident(const Incident& i) {
  auto& st = inc();
  st.next_no.executeStep();
  const int64_t no = st.next_no.getColumn(0).getInt64();
  st.next_no.reset();
  auto& s = st.insert;
  int c = 1;
  s.bind(c++, no);
  s.bind(c++, i.kind);
  s.bind(c++, i.scope);
  s.bind(c++, i.cause);
  s.bind(c++, to_string(i.status));
  s.bind(c++, i.expected_restore);
  s.bind(c++, i.origin_channel);
  s.bind(c++, i.origin_chat);
  bind_text_or_null(s, c++, i.external_id);
  s.bind(c++, i.households);
  s.bind(c++, i.created_ms);
  s.bind(c++, i.updated_ms);
  s.bind(c++, i.restored_ms);
  s.exec();
  s.reset();
  auto& t = st.insert_target;
  for (const auto& target : i.targets) {
    t.bind(1, no);
    t.bind(2, target.node);
    t.bind(3, to_string(target.level));
    t.bind(4, target.group.channel);
    t.bind(5, target.group.chat_id);
    t.bind(6, target.households);
    t.bind(7, target.reachable ? 1 : 0);
    t.exec();
    t.reset();
  }
  return no;
}

void WriterStatements::update_incident(const Incident& i) {
  auto& s = inc().update;
  s.bind(1, to_string(i.status));
  s.bind(2, i.expected_restore);
  s.bind(3, i.cause);
  s.bind(4, i.updated_ms);
  s.bind(5, i.restored_ms);
  s.bind(6, i.no);
  s.exec();
  s.reset();
}

std::optional<Incident> WriterStatements::load_incident(int64_t no) {
  auto& st = inc();
  st.select.bind(1, no);
  std::optional<Incident> i;
  if (st.select.executeStep()) i = incident_row(st.select);
  st.select.reset();
  if (!i) return i;
  i->targets = read_targets(st.select_targets, no);
  i->updates = read_updates(st.select_updates, no);
  return i;
}

int64_t WriterStatements::find_incident_by_external(const std::string& external_id) {
  auto& s = inc().by_external;
  s.bind(1, external_id);
  int64_t no = 0;
  if (s.executeStep()) no = s.getColumn(0).getInt64();
  s.reset();
  return no;
}

int64_t WriterStatements::add_incident_update(const IncidentUpdate& u) {
  auto& s = inc().insert_update;
  int c = 1;
  s.bind(c++, u.incident_no);
  s.bind(c++, u.kind);
  s.bind(c++, u.text);
  s.bind(c++, u.photo_url);
  s.bind(c++, u.expected_restore);
  s.bind(c++, u.author_id);
  s.bind(c++, u.author_name);
  s.bind(c++, u.source);
  bind_text_or_null(s, c++, u.external_id);
  s.bind(c++, to_string(u.review));
  s.bind(c++, u.reviewer_id);
  s.bind(c++, u.reject_reason);
  s.bind(c++, u.created_ms);
  s.bind(c++, u.reviewed_ms);
  const int changed = s.exec();
  s.reset();
  return changed == 0 ? 0 : db_.getLastInsertRowid();
}

void WriterStatements::review_incident_update(const IncidentUpdate& u) {
  auto& s = inc().review;
  s.bind(1, to_string(u.review));
  s.bind(2, u.reviewer_id);
  s.bind(3, u.reject_reason);
  s.bind(4, u.reviewed_ms);
  s.bind(5, u.id);
  s.exec();
  s.reset();
}

std::pair<int64_t, int64_t> WriterStatements::recent_update_by(const std::string& author_id,
                                                               int64_t since_ms) {
  SQLite::Statement s(db_,
                      "SELECT incident_no, id FROM incident_updates WHERE author_id = ? AND "
                      "created_ms >= ? ORDER BY created_ms DESC, id DESC LIMIT 1");
  s.bind(1, author_id);
  s.bind(2, since_ms);
  if (!s.executeStep()) return {0, 0};
  return {s.getColumn(0).getInt64(), s.getColumn(1).getInt64()};
}

std::vector<int64_t> WriterStatements::open_incidents_at(const std::string& node,
                                                         const std::string& kind) {
  auto& s = inc().open_at;
  s.bind(1, node);
  s.bind(2, kind);
  std::vector<int64_t> out;
  while (s.executeStep()) out.push_back(s.getColumn(0).getInt64());
  s.reset();
  return out;
}

void WriterStatements::link_to_incident(int64_t no, int64_t inbox_id, const InboundMessage& m,
                                        int64_t at_ms) {
  auto& s = inc().link;
  s.bind(1, no);
  s.bind(2, inbox_id);
  s.bind(3, m.channel);
  s.bind(4, m.chat_id);
  s.bind(5, m.sender_id);
  s.bind(6, at_ms);
  s.exec();
  s.reset();
}

std::vector<Incident> read_incidents(SQLite::Database& db, const IncidentQuery& q) {
  SQLite::Statement s(db, std::string("SELECT ") + kIncidentColumns +
                              " FROM incidents WHERE (:status = '' OR status = :status) AND "
                              "(:before = 0 OR no < :before) ORDER BY no DESC LIMIT :limit");
  s.bind(":status", q.status ? to_string(*q.status) : "");
  s.bind(":before", q.before_no);
  s.bind(":limit", q.limit);
  std::vector<Incident> out;
  while (s.executeStep()) out.push_back(incident_row(s));
  SQLite::Statement targets(db, kSelectTargets);
  for (auto& i : out) i.targets = read_targets(targets, i.no);
  return out;
}

std::optional<Incident> read_incident(SQLite::Database& db, int64_t no) {
  SQLite::Statement s(db,
                      std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE no = ?");
  s.bind(1, no);
  if (!s.executeStep()) return std::nullopt;
  Incident i = incident_row(s);
  SQLite::Statement targets(db, kSelectTargets);
  i.targets = read_targets(targets, no);
  SQLite::Statement updates(db, select_updates());
  i.updates = read_updates(updates, no);
  return i;
}

}  // namespace gridbot::store::sqlite
