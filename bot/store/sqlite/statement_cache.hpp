// The writer's statements that are not members: prepared on first use and kept, so that no write
// parses SQL again (docs/conventions.md "SQLite"). Private to store/sqlite.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>

namespace gridbot::store::sqlite {

/// Thread safety: the connection's thread only.
class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}

  /// One use of a cached statement: bind every parameter, step, read; it is reset when the use
  /// ends, so the next use starts fresh.
  class Use {
   public:
    explicit Use(SQLite::Statement& s) : s_(s) {}
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use() { s_.tryReset(); }
    SQLite::Statement* operator->() { return &s_; }
    SQLite::Statement& operator*() { return s_; }

   private:
    SQLite::Statement& s_;
  };

  /// The statement for `sql`, prepared the first time it is asked for.
  Use use(const std::string& sql) {
    auto& slot = cache_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    return Use(*slot);
  }

 private:
  SQLite::Database& db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

}  // namespace gridbot::store::sqlite
