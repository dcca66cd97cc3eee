// The schema, one migration per entry; never edit a shipped entry, append a new one.
#include "bot/store/sqlite/schema.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <array>
#include <string>

namespace gridbot::store::sqlite {
namespace {

constexpr std::array kMigrations = {
    // 1: inbox, outbox, org.
    R"sql(
CREATE TABLE inbox(
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL, chat_id TEXT NOT NULL, msg_id TEXT NOT NULL,
  chat_name TEXT NOT NULL DEFAULT '', sender_id TEXT NOT NULL, sender_name TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL, mentions TEXT NOT NULL DEFAULT '',
  mentions_bot INTEGER NOT NULL DEFAULT 0, from_bot INTEGER NOT NULL DEFAULT 0,
  sent_at_s INTEGER NOT NULL DEFAULT 0, received_ms INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'received',
  UNIQUE(channel, chat_id, msg_id));
CREATE INDEX inbox_chat ON inbox(chat_id, id);
CREATE INDEX inbox_received ON inbox(received_ms);
CREATE TABLE outbox(
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL, chat_id TEXT NOT NULL, text TEXT NOT NULL,
  mentions TEXT NOT NULL DEFAULT '', priority INTEGER NOT NULL DEFAULT 0,
  idem_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0, next_try_ms INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL, delivered_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '');
CREATE INDEX outbox_pending ON outbox(id) WHERE state = 'pending';
CREATE INDEX outbox_chat ON outbox(chat_id, id);
CREATE TABLE org_nodes(id TEXT PRIMARY KEY, row TEXT NOT NULL);
)sql",
    // 2: per-message reply handles (WeCom AI bot response_url and the like).
    R"sql(
ALTER TABLE inbox ADD COLUMN reply_token TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reply_token TEXT NOT NULL DEFAULT '';
)sql",
};

}  // namespace

void configure(SQLite::Database& db) {
  db.exec("PRAGMA journal_mode=WAL");
  // FULL: the WAL is fsync'd at every commit, so a 2xx given after commit survives power loss.
  db.exec("PRAGMA synchronous=FULL");
  db.exec("PRAGMA foreign_keys=ON");
  db.setBusyTimeout(5000);
}

void migrate(SQLite::Database& db) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  for (int v = version; v < static_cast<int>(kMigrations.size()); ++v) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(kMigrations[static_cast<size_t>(v)]);
    db.exec("PRAGMA user_version=" + std::to_string(v + 1));
    tx.commit();
  }
}

}  // namespace gridbot::store::sqlite
