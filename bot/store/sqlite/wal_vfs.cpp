// The gathering VFS: forwards everything to the default VFS; a WAL file's adjacent writes wait in
// a buffer until something needs them in the file.
#include "bot/store/sqlite/wal_vfs.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

namespace gridbot::store::sqlite {
namespace {

constexpr size_t kFlushBytes = 4u << 20;

struct File {
  sqlite3_file base;
  sqlite3_file* real;    // the default VFS's file, in the same allocation after this struct
  std::string* pending;  // WAL files only: bytes not yet written, from offset `at`
  sqlite3_int64 at;
  int sync_fd;  // WAL files only: the same file opened again, for a deferred fsync elsewhere
};

// The deferral state of the current thread (DeferSyncs).
thread_local bool t_defer = false;
thread_local int t_deferred_fd = -1;

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs vfs;
sqlite3_io_methods methods;
std::atomic<int64_t> received{0}, written{0};

File* of(sqlite3_file* p) { return reinterpret_cast<File*>(p); }
const sqlite3_io_methods& real(File* f) { return *f->real->pMethods; }

int flush(File* f) {
  if (f->pending == nullptr || f->pending->empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  // The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length), so the run
  // goes in pieces below that.
  constexpr size_t kPiece = 120 * 1024;
  for (size_t done = 0; rc == SQLITE_OK && done < f->pending->size(); done += kPiece) {
    ++written;
    const size_t n = std::min(kPiece, f->pending->size() - done);
    rc = real(f).xWrite(f->real, f->pending->data() + done, static_cast<int>(n),
                        f->at + static_cast<sqlite3_int64>(done));
  }
  f->pending->clear();
  return rc;
}

int x_close(sqlite3_file* p) {
  File* f = of(p);
  const int rc = flush(f);
  const int closed = real(f).xClose(f->real);
  delete f->pending;
  f->pending = nullptr;
  if (f->sync_fd >= 0) ::close(f->sync_fd);
  f->sync_fd = -1;
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* p, void* out, int n, sqlite3_int64 off) {
  File* f = of(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f).xRead(f->real, out, n, off);
}

int x_write(sqlite3_file* p, const void* data, int n, sqlite3_int64 off) {
  File* f = of(p);
  if (f->pending == nullptr) return real(f).xWrite(f->real, data, n, off);
  ++received;
  // Only a write that continues the run joins it; anything else keeps the order by flushing.
  if (!f->pending->empty() && off != f->at + static_cast<sqlite3_int64>(f->pending->size()))
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  if (f->pending->empty()) f->at = off;
  f->pending->append(static_cast<const char*>(data), static_cast<size_t>(n));
  return f->pending->size() >= kFlushBytes ? flush(f) : SQLITE_OK;
}

int x_truncate(sqlite3_file* p, sqlite3_int64 size) {
  File* f = of(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f).xTruncate(f->real, size);
}

int x_sync(sqlite3_file* p, int flags) {
  File* f = of(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  if (t_defer && f->sync_fd >= 0) {
    t_deferred_fd = f->sync_fd;
    return SQLITE_OK;
  }
  return real(f).xSync(f->real, flags);
}

int x_file_size(sqlite3_file* p, sqlite3_int64* size) {
  File* f = of(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f).xFileSize(f->real, size);
}

int x_lock(sqlite3_file* p, int l) { return real(of(p)).xLock(of(p)->real, l); }
int x_unlock(sqlite3_file* p, int l) { return real(of(p)).xUnlock(of(p)->real, l); }
int x_check_reserved_lock(sqlite3_file* p, int* out) {
  return real(of(p)).xCheckReservedLock(of(p)->real, out);
}
int x_file_control(sqlite3_file* p, int op, void* arg) {
  return real(of(p)).xFileControl(of(p)->real, op, arg);
}
int x_sector_size(sqlite3_file* p) { return real(of(p)).xSectorSize(of(p)->real); }
int x_device_characteristics(sqlite3_file* p) {
  return real(of(p)).xDeviceCharacteristics(of(p)->real);
}
int x_shm_map(sqlite3_file* p, int page, int size, int extend, void volatile** out) {
  return real(of(p)).xShmMap(of(p)->real, page, size, extend, out);
}
int x_shm_lock(sqlite3_file* p, int offset, int n, int flags) {
  return real(of(p)).xShmLock(of(p)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* p) { real(of(p)).xShmBarrier(of(p)->real); }
int x_shm_unmap(sqlite3_file* p, int del) { return real(of(p)).xShmUnmap(of(p)->real, del); }
int x_fetch(sqlite3_file* p, sqlite3_int64 off, int n, void** out) {
  File* f = of(p);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real(f).xFetch(f->real, off, n, out);
}
int x_unfetch(sqlite3_file* p, sqlite3_int64 off, void* mem) {
  return real(of(p)).xUnfetch(of(p)->real, off, mem);
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* p, int flags, int* out_flags) {
  File* f = of(p);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->pending = nullptr;
  f->at = 0;
  f->sync_fd = -1;
  const int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  // The default VFS may leave methods set on failure; then SQLite still calls xClose.
  f->base.pMethods = f->real->pMethods != nullptr ? &methods : nullptr;
  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) != 0 && f->real->pMethods->iVersion >= 3) {
    f->pending = new std::string();
    // fsync through any descriptor of a file flushes the file; read-only keeps this one harmless.
    // Without it (an unusual file system) no sync is ever deferred.
    if (name != nullptr) f->sync_fd = ::open(name, O_RDONLY | O_CLOEXEC);
  }
  return rc;
}

void install() {
  real_vfs = sqlite3_vfs_find(nullptr);
  vfs = *real_vfs;  // every other call goes straight to the default VFS
  vfs.zName = "gridbot-gather";
  vfs.szOsFile = static_cast<int>(sizeof(File)) + real_vfs->szOsFile;
  vfs.pNext = nullptr;
  vfs.xOpen = &x_open;
  methods.iVersion = 3;
  methods.xClose = &x_close;
  methods.xRead = &x_read;
  methods.xWrite = &x_write;
  methods.xTruncate = &x_truncate;
  methods.xSync = &x_sync;
  methods.xFileSize = &x_file_size;
  methods.xLock = &x_lock;
  methods.xUnlock = &x_unlock;
  methods.xCheckReservedLock = &x_check_reserved_lock;
  methods.xFileControl = &x_file_control;
  methods.xSectorSize = &x_sector_size;
  methods.xDeviceCharacteristics = &x_device_characteristics;
  methods.xShmMap = &x_shm_map;
  methods.xShmLock = &x_shm_lock;
  methods.xShmBarrier = &x_shm_barrier;
  methods.xShmUnmap = &x_shm_unmap;
  methods.xFetch = &x_fetch;
  methods.xUnfetch = &x_unfetch;
  sqlite3_vfs_register(&vfs, 0);
}

}  // namespace

const char* gathering_vfs() {
  static std::once_flag once;
  std::call_once(once, install);
  return vfs.zName;
}

DeferSyncs::DeferSyncs() {
  t_defer = true;
  t_deferred_fd = -1;
}
DeferSyncs::~DeferSyncs() {
  t_defer = false;
  t_deferred_fd = -1;
}
int DeferSyncs::deferred_fd() const { return t_deferred_fd; }
void DeferSyncs::pause() { t_defer = false; }
void DeferSyncs::resume() { t_defer = true; }

GatherCounts gather_counts_for_test() { return {received.load(), written.load()}; }

}  // namespace gridbot::store::sqlite
