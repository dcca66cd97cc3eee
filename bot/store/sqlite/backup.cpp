// A consistent copy of a live store (SQLite's online backup API, through SQLiteCpp): taken in one
// read transaction, so a server writing at the same time (WAL) neither blocks nor tears it.
#include "bot/store/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <filesystem>

namespace gridbot::store {

bool backup_sqlite_store(const std::string& path, const std::string& dest, std::string* error) {
  namespace fs = std::filesystem;
  const std::string tmp = dest + ".partial";
  try {
    if (!fs::exists(path)) {
      *error = path + ": no such store";
      return false;
    }
    std::error_code ec;
    fs::remove(tmp, ec);
    {
      SQLite::Database src(path, SQLite::OPEN_READWRITE);
      src.setBusyTimeout(10'000);
      src.backup(tmp.c_str(), SQLite::Database::Save);
    }
    {
      SQLite::Database copy(tmp, SQLite::OPEN_READWRITE);
      const std::string check = copy.execAndGet("PRAGMA integrity_check").getString();
      if (check != "ok") {
        *error = tmp + ": integrity check: " + check;
        return false;
      }
      copy.exec("PRAGMA journal_mode=DELETE");  // one self-contained file
    }
    fs::rename(tmp, dest);  // whole or not at all
    return true;
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    *error = e.what();
    return false;
  }
}

}  // namespace gridbot::store
