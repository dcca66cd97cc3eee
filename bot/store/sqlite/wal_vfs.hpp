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
/// after its sync, so its frames are in the file by then.
const char* gathering_vfs();

/// While one lives on a thread, a WAL sync that SQLite asks for on that thread (a commit's) writes
/// the gathered frames to the file but leaves the fsync to the caller: the writer hands it to a
/// thread of its own and goes on with the next transaction while the disk flushes, and answers
/// the first only after it (sqlite_store.cpp). Every other sync — a checkpoint's, before it copies
/// frames into the database; any sync on another thread — stays a real one. SQLite's WAL keeps the
/// store consistent if power fails before the deferred fsync (it is synchronous=NORMAL's case);
/// what the fsync adds is that the commit survives, and nobody is told it did before that.
class DeferSyncs {
 public:
  DeferSyncs();
  ~DeferSyncs();
  DeferSyncs(const DeferSyncs&) = delete;
  DeferSyncs& operator=(const DeferSyncs&) = delete;
  /// The descriptor to fdatasync for the syncs deferred while this lived (a second descriptor of
  /// the WAL file, owned by the VFS until the connection closes), or -1 when none was.
  int deferred_fd() const;
  /// A real sync again from here on (a checkpoint the writer runs itself, from the WAL hook).
  void pause();
  void resume();
};

/// Writes the WAL received and writes passed to the file, since the process started (tests).
struct GatherCounts {
  int64_t received = 0, written = 0;
};
GatherCounts gather_counts_for_test();

}  // namespace gridbot::store::sqlite
