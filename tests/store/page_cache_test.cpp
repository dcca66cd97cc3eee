#include "bot/store/sqlite/page_cache.hpp"

#include "../temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <map>
#include <random>
#include <string>

using namespace gridbot;

TEST_CASE("the page cache shim keeps the lock page's number out of the cache and changes no data") {
  // SQLite takes a page cache only before it starts: when an earlier test of this process (all of
  // them in one run) started it with every connection closed since, stop it first.
  if (!store::sqlite::install_page_cache()) {
    REQUIRE(sqlite3_shutdown() == SQLITE_OK);
    REQUIRE(store::sqlite::install_page_cache());
  }
  const int64_t before = store::sqlite::page_cache_substitutions();
  test::TempDir dir;
  SQLite::Database db(dir.file("p.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA cache_size=-65536");
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)");
  db.exec("CREATE INDEX t_k ON t(k)");
  // Random keys with deletes between: balances take pages back from the free list out of order,
  // which is when SQLite swaps page numbers through the lock page's.
  std::mt19937 rng(7);
  std::map<int64_t, std::string> model;
  SQLite::Statement ins(db, "INSERT INTO t(id, k, v) VALUES(?, ?, ?)");
  SQLite::Statement del(db, "DELETE FROM t WHERE id = ?");
  int64_t next = 1;
  for (int round = 0; round < 60; ++round) {
    db.exec("BEGIN");
    for (int i = 0; i < 400; ++i) {
      const std::string k = std::to_string(rng()) + std::string(40, 'k');
      const std::string v(static_cast<size_t>(rng() % 300), 'v');
      ins.bind(1, next);
      ins.bind(2, k);
      ins.bind(3, v);
      ins.exec();
      ins.reset();
      model[next++] = k + "|" + v;
    }
    for (int i = 0; i < 250 && !model.empty(); ++i) {
      auto it = model.lower_bound(static_cast<int64_t>(rng() % static_cast<unsigned>(next)));
      if (it == model.end()) it = model.begin();
      del.bind(1, it->first);
      del.exec();
      del.reset();
      model.erase(it);
    }
    db.exec("COMMIT");
  }
  CHECK(store::sqlite::page_cache_substitutions() > before);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  SQLite::Statement all(db, "SELECT id, k || '|' || v FROM t ORDER BY id");
  auto it = model.begin();
  size_t rows = 0;
  while (all.executeStep()) {
    REQUIRE(it != model.end());
    CHECK(all.getColumn(0).getInt64() == it->first);
    CHECK(all.getColumn(1).getString() == it->second);
    ++it;
    ++rows;
  }
  CHECK(rows == model.size());
}
