// The cost of a small commit on a store whose pages fill the writer's cache, with SQLite's default
// page cache and with the store's shim in front of it (bot/store/sqlite/page_cache.hpp). Each side
// runs in a process of its own (a page cache is chosen before SQLite starts), alternately, on the
// same workload: a table with a random-keyed index grown to ROWS rows with deletes between (so a
// balance takes pages back from the free list), then COMMITS transactions of 8 inserts and 4
// deletes each, the shape of a batch of the writer's. The file is not synced (CPU, not the disk).
//
//   page_cache_bench [ROWS=600000] [COMMITS=3000]
#include "bot/store/sqlite/page_cache.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    std::exit(1);
  }
}

struct Work {
  sqlite3* db;
  sqlite3_stmt* ins;
  sqlite3_stmt* del;
  std::mt19937_64 rng{42};
  int64_t next = 1;
  void insert() {
    const std::string k = std::to_string(rng()) + "-key-of-some-length";
    const std::string v(static_cast<size_t>(60 + rng() % 200), 'v');
    sqlite3_bind_int64(ins, 1, next++);
    sqlite3_bind_text(ins, 2, k.data(), static_cast<int>(k.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  void remove() {
    sqlite3_bind_int64(del, 1, static_cast<int64_t>(rng() % static_cast<uint64_t>(next)));
    sqlite3_step(del);
    sqlite3_reset(del);
  }
};

int child(bool shim, long rows, long commits, const fs::path& dir) {
  if (shim && !gridbot::store::sqlite::install_page_cache()) return 2;
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  if (sqlite3_open((dir / "b.db").c_str(), &db) != SQLITE_OK) return 1;
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=OFF");
  exec(db, "PRAGMA cache_size=-65536");  // the writer's (SqliteOptions::writer_cache_kib)
  exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)");
  exec(db, "CREATE INDEX t_k ON t(k)");
  Work w{db, nullptr, nullptr};
  sqlite3_prepare_v2(db, "INSERT INTO t(id, k, v) VALUES(?, ?, ?)", -1, &w.ins, nullptr);
  sqlite3_prepare_v2(db, "DELETE FROM t WHERE id = ?", -1, &w.del, nullptr);
  while (w.next <= rows) {
    exec(db, "BEGIN");
    for (int i = 0; i < 5000; ++i) w.insert();
    for (int i = 0; i < 1500; ++i) w.remove();
    exec(db, "COMMIT");
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const auto t0 = Steady::now();
  for (long c = 0; c < commits; ++c) {
    exec(db, "BEGIN");
    for (int i = 0; i < 8; ++i) w.insert();
    for (int i = 0; i < 4; ++i) w.remove();
    exec(db, "COMMIT");
  }
  const double us = std::chrono::duration<double, std::micro>(Steady::now() - t0).count();
  int cached = 0, high = 0;
  sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &cached, &high, 0);
  std::printf("  %-22s %8.1f us per commit   cache %5.1f MB   lock-page numbers kept out: %lld\n",
              shim ? "shim" : "default page cache", us / static_cast<double>(commits),
              cached / 1048576.0,
              static_cast<long long>(gridbot::store::sqlite::page_cache_substitutions()));
  std::fflush(stdout);
  sqlite3_finalize(w.ins);
  sqlite3_finalize(w.del);
  sqlite3_close(db);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]).rfind("--child=", 0) == 0) {
    const std::string mode = std::string(argv[1]).substr(8);
    return child(mode == "shim", std::atol(argv[2]), std::atol(argv[3]), argv[4]);
  }
  const long rows = argc > 1 ? std::atol(argv[1]) : 600'000;
  const long commits = argc > 2 ? std::atol(argv[2]) : 3'000;
  const fs::path dir =
      fs::temp_directory_path() / ("gridbot-page-cache-bench-" + std::to_string(getpid()));
  std::printf("page cache bench: %ld rows, then %ld commits of 8 inserts and 4 deletes\n", rows,
              commits);
  std::fflush(stdout);
  for (int round = 0; round < 2; ++round)
    for (const char* mode : {"default", "shim"}) {
      fs::remove_all(dir);
      const std::string arg = std::string("--child=") + mode;
      const std::string r = std::to_string(rows), c = std::to_string(commits);
      const pid_t pid = fork();
      if (pid == 0) {
        execl("/proc/self/exe", argv[0], arg.c_str(), r.c_str(), c.c_str(), dir.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
      }
      int status = 0;
      waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "%s run failed\n", mode);
        return 1;
      }
    }
  fs::remove_all(dir);
  return 0;
}
