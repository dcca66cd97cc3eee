// The schema, one migration per entry; never edit a shipped entry, append a new one.
#include "bot/store/sqlite/schema.hpp"

#include "bot/store/sqlite/scope_index.hpp"

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
    // 3: tickets, their reporters and their history.
    R"sql(
CREATE TABLE tickets(
  no INTEGER PRIMARY KEY,
  text TEXT NOT NULL, category TEXT NOT NULL, tier TEXT NOT NULL,
  urgent INTEGER NOT NULL DEFAULT 0, leader_marked INTEGER NOT NULL DEFAULT 0,
  building TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '', room TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  origin_node TEXT NOT NULL, origin_channel TEXT NOT NULL, origin_chat TEXT NOT NULL,
  origin_msg_id TEXT NOT NULL, origin_path TEXT NOT NULL,
  owner_level TEXT NOT NULL, owner_node TEXT NOT NULL, department TEXT NOT NULL DEFAULT '',
  merge_key TEXT NOT NULL,
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  accepted_ms INTEGER NOT NULL DEFAULT 0, resolved_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX tickets_merge ON tickets(merge_key, created_ms);
CREATE INDEX tickets_status ON tickets(status, no);
CREATE TABLE ticket_reporters(
  ticket_no INTEGER NOT NULL REFERENCES tickets(no), channel TEXT NOT NULL, user_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '', chat_id TEXT NOT NULL, joined_ms INTEGER NOT NULL,
  PRIMARY KEY(ticket_no, channel, user_id));
CREATE TABLE ticket_events(
  id INTEGER PRIMARY KEY, ticket_no INTEGER NOT NULL REFERENCES tickets(no),
  at_ms INTEGER NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '',
  from_status TEXT NOT NULL DEFAULT '', to_status TEXT NOT NULL DEFAULT '');
CREATE INDEX ticket_events_no ON ticket_events(ticket_no, id);
)sql",
    // 4: deadlines (every clock is a row), satisfaction answers, supervision and assignees.
    R"sql(
ALTER TABLE tickets ADD COLUMN supervised INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
CREATE TABLE deadlines(
  id INTEGER PRIMARY KEY, ticket_no INTEGER NOT NULL, clock TEXT NOT NULL, node TEXT NOT NULL,
  due_ms INTEGER NOT NULL, warn_ms INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending',
  created_ms INTEGER NOT NULL, fired_ms INTEGER NOT NULL DEFAULT 0,
  UNIQUE(ticket_no, clock, node, due_ms));
CREATE INDEX deadlines_live ON deadlines(state, due_ms) WHERE state IN ('pending', 'warned');
CREATE INDEX deadlines_ticket ON deadlines(ticket_no);
CREATE TABLE satisfaction(
  ticket_no INTEGER NOT NULL, channel TEXT NOT NULL, user_id TEXT NOT NULL,
  asked_ms INTEGER NOT NULL, answer TEXT NOT NULL DEFAULT '', answered_ms INTEGER NOT NULL DEFAULT 0,
  words TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(ticket_no, channel, user_id));
CREATE INDEX satisfaction_pending ON satisfaction(channel, user_id) WHERE answer = '';
)sql",
    // 5: incidents, the groups they reach, their reviewed updates, the
    // residents'
    // reports linked to them; outbox rows that a later notice to the same group replaces.
    R"sql(
ALTER TABLE outbox ADD COLUMN supersede_key TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_supersede ON outbox(channel, chat_id, supersede_key)
  WHERE state = 'pending' AND supersede_key <> '';
CREATE TABLE incidents(
  no INTEGER PRIMARY KEY, kind TEXT NOT NULL, scope TEXT NOT NULL, cause TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL, expected_restore TEXT NOT NULL DEFAULT '',
  origin_channel TEXT NOT NULL DEFAULT '', origin_chat TEXT NOT NULL DEFAULT '',
  external_id TEXT UNIQUE, households INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, restored_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX incidents_status ON incidents(status, no);
CREATE TABLE incident_targets(
  incident_no INTEGER NOT NULL REFERENCES incidents(no), node TEXT NOT NULL, level TEXT NOT NULL,
  channel TEXT NOT NULL, chat_id TEXT NOT NULL, households INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(incident_no, channel, chat_id));
CREATE INDEX incident_targets_node ON incident_targets(node, incident_no);
CREATE TABLE incident_updates(
  id INTEGER PRIMARY KEY, incident_no INTEGER NOT NULL REFERENCES incidents(no),
  kind TEXT NOT NULL, text TEXT NOT NULL DEFAULT '', photo_url TEXT NOT NULL DEFAULT '',
  expected_restore TEXT NOT NULL DEFAULT '', author_id TEXT NOT NULL,
  author_name TEXT NOT NULL DEFAULT '', source TEXT NOT NULL, external_id TEXT,
  review TEXT NOT NULL, reviewer_id TEXT NOT NULL DEFAULT '', reject_reason TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL, reviewed_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX incident_updates_no ON incident_updates(incident_no, id);
CREATE UNIQUE INDEX incident_updates_external ON incident_updates(incident_no, external_id)
  WHERE external_id IS NOT NULL;
CREATE TABLE incident_links(
  incident_no INTEGER NOT NULL REFERENCES incidents(no), inbox_id INTEGER NOT NULL,
  channel TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT NOT NULL, at_ms INTEGER NOT NULL,
  PRIMARY KEY(incident_no, inbox_id));
)sql",
    // A target whose channel cannot post unprompted is kept, marked, and skipped by the fan-out.
    R"sql(
ALTER TABLE incident_targets ADD COLUMN reachable INTEGER NOT NULL DEFAULT 1;
)sql",
    // The names the text shows each mention by, so a bridge can render mentions itself.
    R"sql(
ALTER TABLE outbox ADD COLUMN mention_names TEXT NOT NULL DEFAULT '';
)sql",
    // Every verdict a reporter gave, one per resolution (满意率 counts each round's verdict; a
    // re-ask after a reopening resets the satisfaction row but not these).
    R"sql(
CREATE TABLE verdicts(
  ticket_no INTEGER NOT NULL, channel TEXT NOT NULL, user_id TEXT NOT NULL, answer TEXT NOT NULL,
  words TEXT NOT NULL DEFAULT '', at_ms INTEGER NOT NULL);
CREATE INDEX verdicts_ticket ON verdicts(ticket_no, answer);
INSERT INTO verdicts(ticket_no, channel, user_id, answer, words, at_ms)
  SELECT ticket_no, channel, user_id, answer, words, answered_ms FROM satisfaction
  WHERE answer <> '';
)sql",
    // Reads that follow the answer: each node's tickets as an index range (ticket_scope, its open
    // ones a partial index), each node's figures per local day (node_days), tickets by time, a
    // reporter's tickets, and the timer's next look at a deadline as one indexed column. Filled
    // from the rows already stored by rebuild_scope_index once every migration is applied.
    R"sql(
ALTER TABLE tickets ADD COLUMN handed TEXT NOT NULL DEFAULT '';
CREATE TABLE ticket_scope(
  node TEXT NOT NULL, no INTEGER NOT NULL, open INTEGER NOT NULL,
  PRIMARY KEY(node, no)) WITHOUT ROWID;
CREATE INDEX ticket_scope_open ON ticket_scope(node, no) WHERE open = 1;
CREATE TABLE node_days(
  node TEXT NOT NULL, day INTEGER NOT NULL,
  received INTEGER NOT NULL DEFAULT 0, accepted_in_time INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0, satisfied INTEGER NOT NULL DEFAULT 0,
  unsatisfied INTEGER NOT NULL DEFAULT 0, defaulted INTEGER NOT NULL DEFAULT 0,
  misses INTEGER NOT NULL DEFAULT 0, reopened INTEGER NOT NULL DEFAULT 0,
  categories TEXT NOT NULL DEFAULT '', tiers TEXT NOT NULL DEFAULT '',
  accept_hist TEXT NOT NULL DEFAULT '', resolve_hist TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(node, day)) WITHOUT ROWID;
CREATE INDEX tickets_created ON tickets(created_ms);
CREATE INDEX ticket_reporters_user ON ticket_reporters(channel, user_id, joined_ms);
ALTER TABLE deadlines ADD COLUMN next_ms INTEGER NOT NULL DEFAULT 0;
UPDATE deadlines SET next_ms = CASE WHEN state = 'pending' AND warn_ms > 0 AND warn_ms < due_ms
  THEN warn_ms ELSE due_ms END;
DROP INDEX deadlines_live;
CREATE INDEX deadlines_next ON deadlines(next_ms) WHERE state IN ('pending', 'warned');
CREATE INDEX outbox_state ON outbox(state, id);
)sql",
    // The request that queued each outbox row, named by the dispatcher's log lines.
    R"sql(
ALTER TABLE outbox ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
)sql",
    // The digest of each org CSV file as last imported: an unchanged file is not read again.
    R"sql(
CREATE TABLE org_files(path TEXT PRIMARY KEY, digest TEXT NOT NULL);
)sql",
    // Console accounts, their sessions and API tokens (only hashes of the secrets), and the audit
    // log of every change made through the console.
    R"sql(
CREATE TABLE accounts(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL DEFAULT '',
  node TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE sessions(
  id_hash TEXT PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),
  csrf TEXT NOT NULL, address TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL, ended_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE TABLE api_tokens(
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id),
  hash TEXT NOT NULL UNIQUE, label TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL,
  revoked_ms INTEGER NOT NULL DEFAULT 0);
CREATE TABLE audit(
  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, account_id INTEGER NOT NULL,
  account TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '');
CREATE INDEX audit_account ON audit(account_id, id);
CREATE INDEX audit_target ON audit(target, id);
)sql",
    // Media the messages carried (docs/media.md): one row per photo, voice message or file, kept
    // from the message's commit (pending) through its download (stored under its sha256, or
    // failed with the reason) to its expiry; inline bytes wait in `data` until written to disk.
    // A reporter's latest addition to a ticket, so a follow-up within the window finds it.
    R"sql(
CREATE TABLE media(
  id INTEGER PRIMARY KEY, inbox_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  channel TEXT NOT NULL, chat_id TEXT NOT NULL, msg_id TEXT NOT NULL, sender_id TEXT NOT NULL,
  ticket_no INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL, declared_mime TEXT NOT NULL DEFAULT '',
  declared_size INTEGER NOT NULL DEFAULT 0, name TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '', media_id TEXT NOT NULL DEFAULT '', data BLOB,
  aes_key TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_try_ms INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '', mime TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL, stored_ms INTEGER NOT NULL DEFAULT 0,
  UNIQUE(inbox_id, seq));
CREATE INDEX media_due ON media(next_try_ms) WHERE state = 'pending';
CREATE INDEX media_ticket ON media(ticket_no, id) WHERE ticket_no <> 0;
CREATE INDEX media_sender ON media(channel, chat_id, sender_id, created_ms);
CREATE INDEX media_sha ON media(sha256) WHERE state = 'stored';
CREATE INDEX media_created ON media(created_ms);
ALTER TABLE ticket_reporters ADD COLUMN last_ms INTEGER NOT NULL DEFAULT 0;
UPDATE ticket_reporters SET last_ms = joined_ms;
CREATE INDEX ticket_reporters_last ON ticket_reporters(channel, chat_id, user_id, last_ms);
)sql",
    // An outbox row that sends a medium as an image names its media row.
    R"sql(
ALTER TABLE outbox ADD COLUMN media_id INTEGER NOT NULL DEFAULT 0;
)sql",
    // A crew's photo joins the incident update it follows (docs/incidents.md "Photos").
    R"sql(
ALTER TABLE media ADD COLUMN incident_update INTEGER NOT NULL DEFAULT 0;
CREATE INDEX media_update ON media(incident_update, id) WHERE incident_update <> 0;
CREATE INDEX incident_updates_author ON incident_updates(author_id, created_ms);
)sql",
    // Each open scope row carries its ticket's earliest live clock (the largest integer when it
    // has none), so a node's open tickets by due -- 待办, the console's board -- are an index
    // range read as far as the answer needs.
    R"sql(
ALTER TABLE ticket_scope ADD COLUMN due INTEGER NOT NULL DEFAULT 9223372036854775807;
UPDATE ticket_scope SET due = coalesce((SELECT min(d.due_ms) FROM deadlines d
  INDEXED BY deadlines_ticket WHERE d.ticket_no = ticket_scope.no
  AND d.state IN ('pending', 'warned') AND d.clock IN ('accept', 'update', 'resolve')),
  9223372036854775807) WHERE open = 1;
CREATE INDEX ticket_scope_due ON ticket_scope(node, due, no) WHERE open = 1;
)sql",
    // Each node's count of the open tickets it holds, kept with its scope rows.
    R"sql(
CREATE TABLE node_open(node TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO node_open(node, n) SELECT node, count(*) FROM ticket_scope WHERE open = 1
  GROUP BY node;
)sql",
    // Each scope row carries what the board and the lists filter by -- the ticket's category,
    // tier, holder's level and status -- so a filtered board (by due) and a filtered list (newest
    // first) are a range of an index whose rows all match, not a walk over the node's tickets.
    // The four are small integers, each text's code in `codes` (given the first time the text is
    // written, never changed or reused), so fifty million scope rows and their indexes do not
    // repeat the words. Here the texts the tickets hold are given codes, the most frequent first
    // (0 and 1 take no bytes in a row, the rest one), each ticket's codes read once into a small
    // table, and the scope table made again in key order (an append, not fifty million rows
    // rewritten in place), each row's codes read by its ticket's number. The board's indexes end
    // with the columns it also tests (open among them), so they answer without a look at the
    // table.
    R"sql(
CREATE TABLE codes(
  kind TEXT NOT NULL, text TEXT NOT NULL, code INTEGER NOT NULL,
  PRIMARY KEY(kind, text), UNIQUE(kind, code)) WITHOUT ROWID;
INSERT INTO codes(kind, text, code)
  WITH seen AS (SELECT category, tier, owner_level, status, count(*) AS n FROM tickets
    GROUP BY category, tier, owner_level, status),
  texts AS (SELECT 'category' AS kind, category AS text, sum(n) AS n FROM seen GROUP BY category
    UNION ALL SELECT 'tier', tier, sum(n) FROM seen GROUP BY tier
    UNION ALL SELECT 'level', owner_level, sum(n) FROM seen GROUP BY owner_level
    UNION ALL SELECT 'status', status, sum(n) FROM seen GROUP BY status)
  SELECT kind, text, row_number() OVER (PARTITION BY kind ORDER BY n DESC, text) - 1 FROM texts;
CREATE TEMP TABLE ticket_codes(
  no INTEGER PRIMARY KEY, category INTEGER, tier INTEGER, level INTEGER, status INTEGER);
INSERT INTO temp.ticket_codes(no, category, tier, level, status)
  SELECT t.no, c.code, r.code, l.code, s.code
  FROM tickets t CROSS JOIN codes c CROSS JOIN codes r CROSS JOIN codes l CROSS JOIN codes s
  WHERE c.kind = 'category' AND c.text = t.category AND r.kind = 'tier' AND r.text = t.tier
    AND l.kind = 'level' AND l.text = t.owner_level AND s.kind = 'status' AND s.text = t.status
  ORDER BY t.no;
CREATE TABLE ticket_scope_filtered(
  node TEXT NOT NULL, no INTEGER NOT NULL, open INTEGER NOT NULL,
  due INTEGER NOT NULL DEFAULT 9223372036854775807,
  category INTEGER NOT NULL DEFAULT -1, tier INTEGER NOT NULL DEFAULT -1,
  level INTEGER NOT NULL DEFAULT -1, status INTEGER NOT NULL DEFAULT -1,
  PRIMARY KEY(node, no)) WITHOUT ROWID;
INSERT INTO ticket_scope_filtered(node, no, open, due, category, tier, level, status)
  SELECT s.node, s.no, s.open, s.due, coalesce(k.category, -1), coalesce(k.tier, -1),
    coalesce(k.level, -1), coalesce(k.status, -1)
  FROM ticket_scope s LEFT JOIN temp.ticket_codes k ON k.no = s.no ORDER BY s.node, s.no;
DROP TABLE temp.ticket_codes;
DROP TABLE ticket_scope;
ALTER TABLE ticket_scope_filtered RENAME TO ticket_scope;
CREATE INDEX ticket_scope_open ON ticket_scope(node, no) WHERE open = 1;
CREATE INDEX ticket_scope_due ON ticket_scope(node, due, no) WHERE open = 1;
CREATE INDEX ticket_scope_category ON ticket_scope(node, category, no, status);
CREATE INDEX ticket_scope_status ON ticket_scope(node, status, no);
CREATE INDEX ticket_scope_open_category ON ticket_scope(node, category, no, open) WHERE open = 1;
CREATE INDEX ticket_scope_due_category
  ON ticket_scope(node, category, due, no, tier, level, open) WHERE open = 1;
CREATE INDEX ticket_scope_due_tier ON ticket_scope(node, tier, due, no, level, open)
  WHERE open = 1;
CREATE INDEX ticket_scope_due_level ON ticket_scope(node, level, due, no, open) WHERE open = 1;
)sql",
    // The pending outbox rows are the start of outbox_state(state, id), which the deliveries API
    // needs anyway: a second index of them cost every queued and every delivered row one more
    // index write in the writer.
    R"sql(
DROP INDEX IF EXISTS outbox_pending;
)sql",
    // The whole deployment's list of one category, newest first, is a range of this index (of
    // one status, of tickets_status) rather than a walk over every ticket.
    R"sql(
CREATE INDEX tickets_category ON tickets(category, no);
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

void migrate(SQLite::Database& db, const FigurePolicy& policy) {
  int version = db.execAndGet("PRAGMA user_version").getInt();
  const int last = static_cast<int>(kMigrations.size());
  if (version == 0) {
    // A new store takes every step in one transaction: one synced commit instead of one per
    // step, and if it fails the store is left as empty as it was.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    for (const char* step : kMigrations) db.exec(step);
    db.exec("PRAGMA user_version=" + std::to_string(last));
    tx.commit();
    version = last;
  }
  for (int v = version; v < last; ++v) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(kMigrations[static_cast<size_t>(v)]);
    db.exec("PRAGMA user_version=" + std::to_string(v + 1));
    tx.commit();
  }
  // A store whose tickets predate the scope index gets it filled from its rows, after every
  // migration (so the rows read have today's columns), in one transaction: a crash redoes it.
  const bool unindexed = db.execAndGet(
                               "SELECT EXISTS(SELECT 1 FROM tickets) AND NOT EXISTS(SELECT 1 FROM "
                               "ticket_scope)")
                             .getInt() != 0;
  if (unindexed) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    rebuild_scope_index(db, policy);
    tx.commit();
  }
}

}  // namespace gridbot::store::sqlite
