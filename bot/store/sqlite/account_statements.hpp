// Reads of console accounts, sessions, API tokens and the audit log (account_statements.cpp).
// Private to store/sqlite.
#pragma once

#include "bot/store/store.hpp"

#include <SQLiteCpp/Database.h>

namespace gridbot::store::sqlite {

/// By name when `name` is not empty, else by id.
std::optional<Account> read_account(SQLite::Database& db, std::string_view name, int64_t id);
std::vector<Account> read_accounts(SQLite::Database& db);
std::optional<Session> read_session(SQLite::Database& db, std::string_view id_hash);
std::optional<ApiToken> read_api_token(SQLite::Database& db, std::string_view hash);
std::vector<AuditEntry> read_audit(SQLite::Database& db, const AuditQuery& q);

}  // namespace gridbot::store::sqlite
