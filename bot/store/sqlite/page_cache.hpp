// SQLite's default page cache behind a thin shim that keeps one page number out of it. Private to
// store/sqlite.
//
// When a b-tree balance gives its new pages ascending numbers it swaps two of them through the
// number of the lock-byte page (1 GiB into the file: 262,145 with 4 KiB pages) as a temporary. The
// default cache (pcache1) remembers the largest number it ever held, and at the end of every
// transaction it drops the pages above the database's size: with that number remembered, the
// next commit walks its whole hash table and every cached page, instead of the few slots above
// the end. For the writer, whose cache holds most of the database, that walk was 6-10 % of its
// time at the size of a benchmark's store and grows with the cache. SQLite has no setting for it;
// the shim hands the cache page number 0 (which SQLite never uses) in place of the lock page's, so
// the largest number stays the database's.
#pragma once

#include <cstdint>

namespace gridbot::store::sqlite {

/// Puts the shim in front of SQLite's default page cache, for every connection of the process.
/// Must run before SQLite starts (the first connection or VFS registration); false when it is too
/// late or SQLite refuses, and the default cache stays as it is. Once in, later calls return true.
bool install_page_cache();

/// How many times the shim stood in for the lock page's number since the process started (tests).
int64_t page_cache_substitutions();

}  // namespace gridbot::store::sqlite
