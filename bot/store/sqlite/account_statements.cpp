// SQLite statements for console accounts, sessions, API tokens and the audit log. Prepared on
// first use, like the incident statements: a store that never sees the console pays nothing.
#include "bot/store/sqlite/account_statements.hpp"

#include "bot/store/sqlite/statements.hpp"

namespace gridbot::store::sqlite {
namespace {

constexpr const char* kAccountColumns =
    "id, name, display_name, node, role, password_hash, disabled, created_ms, updated_ms";
constexpr const char* kSessionColumns =
    "id_hash, account_id, csrf, address, created_ms, last_seen_ms, ended_ms";
constexpr const char* kTokenColumns = "id, account_id, hash, label, created_ms, revoked_ms";
constexpr const char* kAuditColumns =
    "id, at_ms, account_id, account, action, target, detail, result, address";

Account account_row(SQLite::Statement& s) {
  Account a;
  int c = 0;
  a.id = s.getColumn(c++).getInt64();
  a.name = s.getColumn(c++).getString();
  a.display_name = s.getColumn(c++).getString();
  a.node = s.getColumn(c++).getString();
  a.role = parse_account_role(s.getColumn(c++).getString()).value_or(AccountRole::viewer);
  a.password_hash = s.getColumn(c++).getString();
  a.disabled = s.getColumn(c++).getInt() != 0;
  a.created_ms = s.getColumn(c++).getInt64();
  a.updated_ms = s.getColumn(c++).getInt64();
  return a;
}

Session session_row(SQLite::Statement& s) {
  Session x;
  int c = 0;
  x.id_hash = s.getColumn(c++).getString();
  x.account_id = s.getColumn(c++).getInt64();
  x.csrf = s.getColumn(c++).getString();
  x.address = s.getColumn(c++).getString();
  x.created_ms = s.getColumn(c++).getInt64();
  x.last_seen_ms = s.getColumn(c++).getInt64();
  x.ended_ms = s.getColumn(c++).getInt64();
  return x;
}

ApiToken token_row(SQLite::Statement& s) {
  ApiToken t;
  int c = 0;
  t.id = s.getColumn(c++).getInt64();
  t.account_id = s.getColumn(c++).getInt64();
  t.hash = s.getColumn(c++).getString();
  t.label = s.getColumn(c++).getString();
  t.created_ms = s.getColumn(c++).getInt64();
  t.revoked_ms = s.getColumn(c++).getInt64();
  return t;
}

AuditEntry audit_row(SQLite::Statement& s) {
  AuditEntry e;
  int c = 0;
  e.id = s.getColumn(c++).getInt64();
  e.at_ms = s.getColumn(c++).getInt64();
  e.account_id = s.getColumn(c++).getInt64();
  e.account = s.getColumn(c++).getString();
  e.action = s.getColumn(c++).getString();
  e.target = s.getColumn(c++).getString();
  e.detail = s.getColumn(c++).getString();
  e.result = s.getColumn(c++).getString();
  e.address = s.getColumn(c++).getString();
  return e;
}

std::string select_from(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

}  // namespace

struct WriterStatements::AccountStatements {
  explicit AccountStatements(SQLite::Database& db)
      : insert_account(db,
                       "INSERT INTO accounts(name, display_name, node, role, password_hash, "
                       "disabled, created_ms, updated_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(name) DO NOTHING"),
        update_account(db,
                       "UPDATE accounts SET display_name = ?, node = ?, role = ?, "
                       "password_hash = ?, disabled = ?, updated_ms = ? WHERE id = ?"),
        select_account(db, select_from(kAccountColumns, "FROM accounts WHERE name = ?")),
        insert_session(db,
                       "INSERT INTO sessions(id_hash, account_id, csrf, address, created_ms, "
                       "last_seen_ms) VALUES(?, ?, ?, ?, ?, ?)"),
        touch_session(db,
                      "UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ? AND ended_ms = 0"),
        end_one(db, "UPDATE sessions SET ended_ms = ? WHERE id_hash = ? AND ended_ms = 0"),
        end_all(db, "UPDATE sessions SET ended_ms = ? WHERE account_id = ? AND ended_ms = 0"),
        prune(db,
              "DELETE FROM sessions WHERE (ended_ms <> 0 AND ended_ms < ?1) OR "
              "last_seen_ms < ?1"),
        insert_token(db,
                     "INSERT INTO api_tokens(account_id, hash, label, created_ms) VALUES(?, ?, ?, "
                     "?)"),
        revoke_tokens(db,
                      "UPDATE api_tokens SET revoked_ms = ?1 WHERE account_id = ?2 AND "
                      "revoked_ms = 0 AND (?3 = '' OR label = ?3)"),
        insert_audit(db,
                     "INSERT INTO audit(at_ms, account_id, account, action, target, detail, "
                     "result, address) VALUES(?, ?, ?, ?, ?, ?, ?, ?)") {}
  SQLite::Statement insert_account, update_account, select_account;
  SQLite::Statement insert_session, touch_session, end_one, end_all, prune;
  SQLite::Statement insert_token, revoke_tokens, insert_audit;
};

WriterStatements::AccountStatements& WriterStatements::acc() {
  if (!acc_) acc_ = std::make_shared<AccountStatements>(db_);
  return *acc_;
}

namespace {
int64_t run_changes(SQLite::Statement& s) {
  const int n = s.exec();
  s.reset();
  return n;
}
}  // namespace

int64_t WriterStatements::add_account(const Account& a) {
  auto& s = acc().insert_account;
  int c = 1;
  s.bind(c++, a.name);
  s.bind(c++, a.display_name);
  s.bind(c++, a.node);
  s.bind(c++, to_string(a.role));
  s.bind(c++, a.password_hash);
  s.bind(c++, a.disabled ? 1 : 0);
  s.bind(c++, a.created_ms);
  s.bind(c++, a.updated_ms);
  return run_changes(s) == 0 ? 0 : db_.getLastInsertRowid();
}

void WriterStatements::update_account(const Account& a) {
  auto& s = acc().update_account;
  int c = 1;
  s.bind(c++, a.display_name);
  s.bind(c++, a.node);
  s.bind(c++, to_string(a.role));
  s.bind(c++, a.password_hash);
  s.bind(c++, a.disabled ? 1 : 0);
  s.bind(c++, a.updated_ms);
  s.bind(c++, a.id);
  run_changes(s);
}

std::optional<Account> WriterStatements::load_account(std::string_view name) {
  auto& s = acc().select_account;
  s.bind(1, std::string(name));
  std::optional<Account> a;
  if (s.executeStep()) a = account_row(s);
  s.reset();
  return a;
}

void WriterStatements::add_session(const Session& x) {
  auto& s = acc().insert_session;
  int c = 1;
  s.bind(c++, x.id_hash);
  s.bind(c++, x.account_id);
  s.bind(c++, x.csrf);
  s.bind(c++, x.address);
  s.bind(c++, x.created_ms);
  s.bind(c++, x.last_seen_ms);
  run_changes(s);
}

void WriterStatements::touch_session(std::string_view id_hash, int64_t at_ms) {
  auto& s = acc().touch_session;
  s.bind(1, at_ms);
  s.bind(2, std::string(id_hash));
  run_changes(s);
}

void WriterStatements::end_sessions(std::string_view id_hash, int64_t account_id, int64_t at_ms) {
  auto& s = id_hash.empty() ? acc().end_all : acc().end_one;
  s.bind(1, at_ms);
  if (id_hash.empty())
    s.bind(2, account_id);
  else
    s.bind(2, std::string(id_hash));
  run_changes(s);
}

int64_t WriterStatements::prune_sessions(int64_t before_ms) {
  auto& s = acc().prune;
  s.bind(1, before_ms);
  return run_changes(s);
}

int64_t WriterStatements::add_api_token(const ApiToken& t) {
  auto& s = acc().insert_token;
  s.bind(1, t.account_id);
  s.bind(2, t.hash);
  s.bind(3, t.label);
  s.bind(4, t.created_ms);
  run_changes(s);
  return db_.getLastInsertRowid();
}

int64_t WriterStatements::revoke_api_tokens(int64_t account_id, std::string_view label,
                                            int64_t at_ms) {
  auto& s = acc().revoke_tokens;
  s.bind(1, at_ms);
  s.bind(2, account_id);
  s.bind(3, std::string(label));
  return run_changes(s);
}

int64_t WriterStatements::add_audit(const AuditEntry& e) {
  auto& s = acc().insert_audit;
  int c = 1;
  s.bind(c++, e.at_ms);
  s.bind(c++, e.account_id);
  s.bind(c++, e.account);
  s.bind(c++, e.action);
  s.bind(c++, e.target);
  s.bind(c++, e.detail);
  s.bind(c++, e.result);
  s.bind(c++, e.address);
  run_changes(s);
  return db_.getLastInsertRowid();
}

std::optional<Account> read_account(SQLite::Database& db, std::string_view name, int64_t id) {
  SQLite::Statement s(db,
                      select_from(kAccountColumns, name.empty() ? "FROM accounts WHERE id = ?"
                                                                : "FROM accounts WHERE name = ?"));
  if (name.empty())
    s.bind(1, id);
  else
    s.bind(1, std::string(name));
  if (!s.executeStep()) return std::nullopt;
  return account_row(s);
}

std::vector<Account> read_accounts(SQLite::Database& db) {
  SQLite::Statement s(db, select_from(kAccountColumns, "FROM accounts ORDER BY name"));
  std::vector<Account> out;
  while (s.executeStep()) out.push_back(account_row(s));
  return out;
}

std::optional<Session> read_session(SQLite::Database& db, std::string_view id_hash) {
  SQLite::Statement s(db, select_from(kSessionColumns, "FROM sessions WHERE id_hash = ?"));
  s.bind(1, std::string(id_hash));
  if (!s.executeStep()) return std::nullopt;
  return session_row(s);
}

std::optional<ApiToken> read_api_token(SQLite::Database& db, std::string_view hash) {
  SQLite::Statement s(db, select_from(kTokenColumns, "FROM api_tokens WHERE hash = ?"));
  s.bind(1, std::string(hash));
  if (!s.executeStep()) return std::nullopt;
  return token_row(s);
}

std::vector<AuditEntry> read_audit(SQLite::Database& db, const AuditQuery& q) {
  SQLite::Statement s(db,
                      select_from(kAuditColumns,
                                  "FROM audit WHERE (:account = 0 OR account_id = :account) "
                                  "AND (:target = '' OR target = :target) AND "
                                  "(:before = 0 OR id < :before) ORDER BY id DESC LIMIT :limit"));
  s.bind(":account", q.account_id);
  s.bind(":target", q.target);
  s.bind(":before", q.before_id);
  s.bind(":limit", q.limit);
  std::vector<AuditEntry> out;
  while (s.executeStep()) out.push_back(audit_row(s));
  return out;
}

}  // namespace gridbot::store::sqlite
