// SQLite statements for media (docs/media.md): the rows a message's media become, their
// attachment to tickets, the download job's outcomes and their expiry. Prepared on first use, like
// the incident statements.
#include "bot/store/sqlite/statements.hpp"

#include <algorithm>

namespace gridbot::store::sqlite {
namespace {

constexpr const char* kMediaColumns =
    "id, inbox_id, channel, chat_id, msg_id, sender_id, ticket_no, kind, declared_mime, "
    "declared_size, name, url, media_id, aes_key, state, attempts, next_try_ms, last_error, "
    "sha256, mime, size, created_ms, stored_ms";

Media media_row(SQLite::Statement& s, bool with_data) {
  Media m;
  int c = 0;
  m.id = s.getColumn(c++).getInt64();
  m.inbox_id = s.getColumn(c++).getInt64();
  m.channel = s.getColumn(c++).getString();
  m.chat_id = s.getColumn(c++).getString();
  m.msg_id = s.getColumn(c++).getString();
  m.sender_id = s.getColumn(c++).getString();
  m.ticket_no = s.getColumn(c++).getInt64();
  m.ref.kind = parse_media_kind(s.getColumn(c++).getString()).value_or(MediaKind::file);
  m.ref.mime = s.getColumn(c++).getString();
  m.ref.declared_size = s.getColumn(c++).getInt64();
  m.ref.name = s.getColumn(c++).getString();
  m.ref.url = s.getColumn(c++).getString();
  m.ref.media_id = s.getColumn(c++).getString();
  m.ref.aes_key = s.getColumn(c++).getString();
  m.state = parse_media_state(s.getColumn(c++).getString()).value_or(MediaState::pending);
  m.attempts = s.getColumn(c++).getInt();
  m.next_try_ms = s.getColumn(c++).getInt64();
  m.last_error = s.getColumn(c++).getString();
  m.sha256 = s.getColumn(c++).getString();
  m.mime = s.getColumn(c++).getString();
  m.size = s.getColumn(c++).getInt64();
  m.created_ms = s.getColumn(c++).getInt64();
  m.stored_ms = s.getColumn(c++).getInt64();
  if (with_data) {
    const auto col = s.getColumn(c);
    if (!col.isNull())
      m.ref.data.assign(static_cast<const char*>(col.getBlob()),
                        static_cast<size_t>(col.getBytes()));
  }
  return m;
}

}  // namespace

struct WriterStatements::MediaStatements {
  explicit MediaStatements(SQLite::Database& db)
      : insert(db,
               "INSERT INTO media(inbox_id, seq, channel, chat_id, msg_id, sender_id, kind, "
               "declared_mime, declared_size, name, url, media_id, data, aes_key, next_try_ms, "
               "created_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT(inbox_id, seq) DO NOTHING"),
        attach(db, "UPDATE media SET ticket_no = ? WHERE inbox_id = ? AND ticket_no = 0"),
        attach_loose(db,
                     "UPDATE media SET ticket_no = ?5 WHERE channel = ?1 AND chat_id = ?2 AND "
                     "sender_id = ?3 AND created_ms >= ?4 AND ticket_no = 0"),
        of(db, std::string("SELECT ") + kMediaColumns +
                   " FROM media WHERE ticket_no = ? AND state <> 'failed' ORDER BY id"),
        attach_update(db,
                      "UPDATE media SET incident_update = ? WHERE inbox_id = ? AND "
                      "incident_update = 0 AND ticket_no = 0"),
        of_update(db,
                  std::string("SELECT ") + kMediaColumns +
                      " FROM media WHERE incident_update = ? AND state <> 'failed' ORDER BY id"),
        stored(db,
               "UPDATE media SET state = 'stored', sha256 = ?, mime = ?, size = ?, stored_ms = ?, "
               "data = NULL, attempts = attempts + 1, last_error = '' WHERE id = ?"),
        retry(db,
              "UPDATE media SET next_try_ms = ?, last_error = ?, attempts = attempts + ? "
              "WHERE id = ? AND state = 'pending'"),
        failed(db,
               "UPDATE media SET state = 'failed', last_error = ?, data = NULL, "
               "attempts = attempts + 1 WHERE id = ? AND state = 'pending'") {}
  SQLite::Statement insert, attach, attach_loose, of, attach_update, of_update, stored, retry,
      failed;
};

WriterStatements::MediaStatements& WriterStatements::med() {
  if (!med_) med_ = std::make_shared<MediaStatements>(db_);
  return *med_;
}

int WriterStatements::add_media(int64_t inbox_id, const InboundMessage& m, int64_t now_ms) {
  auto& s = med().insert;
  int added = 0;
  for (size_t i = 0; i < m.media.size(); ++i) {
    const MediaRef& r = m.media[i];
    s.bind(1, inbox_id);
    s.bind(2, static_cast<int64_t>(i));
    s.bind(3, m.channel);
    s.bind(4, m.chat_id);
    s.bind(5, m.msg_id);
    s.bind(6, m.sender_id);
    s.bind(7, to_string(r.kind));
    s.bind(8, r.mime);
    s.bind(9, r.declared_size);
    s.bind(10, r.name);
    s.bind(11, r.url);
    s.bind(12, r.media_id);
    if (r.data.empty())
      s.bind(13);  // NULL: nothing inline
    else
      s.bind(13, r.data.data(), static_cast<int>(r.data.size()));
    s.bind(14, r.aes_key);
    s.bind(15, now_ms);
    s.bind(16, now_ms);
    added += s.exec();
    s.reset();
  }
  return added;
}

int WriterStatements::attach_media(int64_t inbox_id, int64_t ticket_no) {
  auto& s = med().attach;
  s.bind(1, ticket_no);
  s.bind(2, inbox_id);
  const int n = s.exec();
  s.reset();
  return n;
}

int WriterStatements::attach_loose_media(const std::string& channel, const std::string& chat,
                                         const std::string& sender, int64_t since_ms,
                                         int64_t ticket_no) {
  auto& s = med().attach_loose;
  s.bind(1, channel);
  s.bind(2, chat);
  s.bind(3, sender);
  s.bind(4, since_ms);
  s.bind(5, ticket_no);
  const int n = s.exec();
  s.reset();
  return n;
}

int WriterStatements::attach_media_to_update(int64_t inbox_id, int64_t update_id) {
  auto& s = med().attach_update;
  s.bind(1, update_id);
  s.bind(2, inbox_id);
  const int n = s.exec();
  s.reset();
  return n;
}

std::vector<Media> WriterStatements::media_of_update(int64_t update_id) {
  auto& s = med().of_update;
  s.bind(1, update_id);
  std::vector<Media> out;
  while (s.executeStep()) out.push_back(media_row(s, false));
  s.reset();
  return out;
}

std::vector<Media> WriterStatements::media_of(int64_t ticket_no) {
  auto& s = med().of;
  s.bind(1, ticket_no);
  std::vector<Media> out;
  while (s.executeStep()) out.push_back(media_row(s, false));
  s.reset();
  return out;
}

void WriterStatements::media_stored(int64_t id, const std::string& sha256, const std::string& mime,
                                    int64_t size, int64_t at_ms) {
  auto& s = med().stored;
  s.bind(1, sha256);
  s.bind(2, mime);
  s.bind(3, size);
  s.bind(4, at_ms);
  s.bind(5, id);
  s.exec();
  s.reset();
}

void WriterStatements::media_retry(int64_t id, int64_t next_try_ms, std::string_view error,
                                   bool count_attempt) {
  auto& s = med().retry;
  s.bind(1, next_try_ms);
  s.bind(2, std::string(error));
  s.bind(3, count_attempt ? 1 : 0);
  s.bind(4, id);
  s.exec();
  s.reset();
}

void WriterStatements::media_failed(int64_t id, std::string_view error) {
  auto& s = med().failed;
  s.bind(1, std::string(error));
  s.bind(2, id);
  s.exec();
  s.reset();
}

std::vector<std::string> WriterStatements::expire_media(int64_t before_ms, int limit) {
  // Rare (the hourly janitor): prepared per call.
  SQLite::Statement pick(db_,
                         "SELECT id, state, sha256 FROM media WHERE created_ms < ? AND state IN "
                         "('pending', 'stored') ORDER BY created_ms LIMIT ?");
  pick.bind(1, before_ms);
  pick.bind(2, limit);
  std::vector<std::pair<int64_t, std::string>> rows;  // id, sha256 of a stored one
  while (pick.executeStep())
    rows.emplace_back(pick.getColumn(0).getInt64(), pick.getColumn(1).getString() == "stored"
                                                        ? pick.getColumn(2).getString()
                                                        : std::string{});
  SQLite::Statement expire(db_,
                           "UPDATE media SET state = CASE state WHEN 'stored' THEN 'expired' "
                           "ELSE 'failed' END, data = NULL, last_error = CASE state WHEN "
                           "'pending' THEN 'expired before it could be fetched' ELSE last_error "
                           "END WHERE id = ?");
  SQLite::Statement still(db_,
                          "SELECT EXISTS(SELECT 1 FROM media WHERE sha256 = ? AND "
                          "state = 'stored')");
  std::vector<std::string> gone;
  for (const auto& [id, sha] : rows) {
    expire.bind(1, id);
    expire.exec();
    expire.reset();
  }
  for (const auto& [id, sha] : rows) {
    if (sha.empty()) continue;
    still.bind(1, sha);
    // Another message may have sent the very same bytes later: its row keeps the file.
    const bool kept = still.executeStep() && still.getColumn(0).getInt() != 0;
    still.reset();
    if (!kept && std::find(gone.begin(), gone.end(), sha) == gone.end()) gone.push_back(sha);
  }
  return gone;
}

std::vector<Media> read_due_media(SQLite::Database& db, int64_t now_ms, int limit) {
  SQLite::Statement s(db, std::string("SELECT ") + kMediaColumns +
                              ", data FROM media WHERE state = 'pending' AND next_try_ms <= ? "
                              "ORDER BY next_try_ms, id LIMIT ?");
  s.bind(1, now_ms);
  s.bind(2, limit);
  std::vector<Media> out;
  while (s.executeStep()) out.push_back(media_row(s, true));
  return out;
}

std::vector<Media> read_ticket_media(SQLite::Database& db, int64_t no) {
  SQLite::Statement s(
      db, std::string("SELECT ") + kMediaColumns + " FROM media WHERE ticket_no = ? ORDER BY id");
  s.bind(1, no);
  std::vector<Media> out;
  while (s.executeStep()) out.push_back(media_row(s, false));
  return out;
}

std::optional<Media> read_media(SQLite::Database& db, int64_t id) {
  SQLite::Statement s(db, std::string("SELECT ") + kMediaColumns + " FROM media WHERE id = ?");
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return media_row(s, false);
}

bool read_media_stored_as(SQLite::Database& db, const std::string& sha256) {
  SQLite::Statement s(db,
                      "SELECT EXISTS(SELECT 1 FROM media WHERE sha256 = ? AND state = 'stored')");
  s.bind(1, sha256);
  return s.executeStep() && s.getColumn(0).getInt() != 0;
}

}  // namespace gridbot::store::sqlite
