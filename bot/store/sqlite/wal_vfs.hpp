// The writer connection's VFS: the default one, except that the WAL's adjacent writes are gathered
// into a few large ones. SQLite writes each frame of a commit as two calls (a 24-byte header, then
// the page), so a commit of a few hundred pages cost a thousand system calls before its fsync;
// SQLite has no option that joins them (its batch-atomic writes need F2FS), so this thin shim
// does. Private to store/sqlite.
#pragma once

#include <cstdint>

namespace gridbot::store::sqlite {

/// The name of the VFS to open the writer connection with (registered on first call; never the
/// default). Gathered bytes reach the file before the WAL is synced, read, sized, truncated or
/// closed, and at 4 MiB: a commit is on disk before its sync returns, as with the default VFS.
/// Correct only with synchronous=FULL (configure() sets it): other connections see a commit only
/// after its sync.
const char* gathering_vfs();

/// Writes the WAL received and writes passed to the file, since the process started (tests).
struct GatherCounts {
  int64_t received = 0, written = 0;
};
GatherCounts gather_counts_for_test();

}  // namespace gridbot::store::sqlite
