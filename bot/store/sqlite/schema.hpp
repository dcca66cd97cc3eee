// Versioned migrations of the SQLite schema (PRAGMA user_version holds the version applied).
#pragma once

#include "bot/store/store.hpp"

namespace SQLite {
class Database;
}

namespace gridbot::store::sqlite {

/// Applies every migration newer than the database's version, each in its own transaction.
/// Throws SQLite::Exception on failure (the caller converts it).
void migrate(SQLite::Database& db, const FigurePolicy& policy);

/// WAL, synchronous=FULL (ack means durable), busy timeout, foreign keys.
void configure(SQLite::Database& db);

}  // namespace gridbot::store::sqlite
