// The page-cache shim: every method forwards to the default cache; fetch and rekey trade the
// lock-byte page's number for 0 (see page_cache.hpp for why).
#include "bot/store/sqlite/page_cache.hpp"

#include <sqlite3.h>

#include <atomic>

namespace gridbot::store::sqlite {
namespace {

// SQLite's PENDING_BYTE: the lock-byte page is the page that holds it.
constexpr unsigned kPendingByte = 0x40000000u;

sqlite3_pcache_methods2 g_inner;
std::atomic<int64_t> g_substitutions{0};

struct Cache {
  sqlite3_pcache* inner;
  unsigned lock_page;
};

Cache* cache(sqlite3_pcache* p) { return reinterpret_cast<Cache*>(p); }

unsigned key(const Cache* c, unsigned page) {
  if (page != c->lock_page) return page;
  g_substitutions.fetch_add(1, std::memory_order_relaxed);
  return 0;
}

int x_init(void*) { return g_inner.xInit ? g_inner.xInit(g_inner.pArg) : SQLITE_OK; }

void x_shutdown(void*) {
  if (g_inner.xShutdown) g_inner.xShutdown(g_inner.pArg);
}

sqlite3_pcache* x_create(int page_size, int extra, int purgeable) {
  sqlite3_pcache* inner = g_inner.xCreate(page_size, extra, purgeable);
  if (!inner) return nullptr;
  auto* c = static_cast<Cache*>(sqlite3_malloc(sizeof(Cache)));
  if (!c) {
    g_inner.xDestroy(inner);
    return nullptr;
  }
  c->inner = inner;
  c->lock_page = kPendingByte / static_cast<unsigned>(page_size) + 1;
  return reinterpret_cast<sqlite3_pcache*>(c);
}

void x_cachesize(sqlite3_pcache* p, int n) { g_inner.xCachesize(cache(p)->inner, n); }

int x_pagecount(sqlite3_pcache* p) { return g_inner.xPagecount(cache(p)->inner); }

sqlite3_pcache_page* x_fetch(sqlite3_pcache* p, unsigned page, int create) {
  Cache* c = cache(p);
  return g_inner.xFetch(c->inner, key(c, page), create);
}

void x_unpin(sqlite3_pcache* p, sqlite3_pcache_page* pg, int discard) {
  g_inner.xUnpin(cache(p)->inner, pg, discard);
}

void x_rekey(sqlite3_pcache* p, sqlite3_pcache_page* pg, unsigned from, unsigned to) {
  Cache* c = cache(p);
  g_inner.xRekey(c->inner, pg, key(c, from), key(c, to));
}

void x_truncate(sqlite3_pcache* p, unsigned limit) { g_inner.xTruncate(cache(p)->inner, limit); }

void x_destroy(sqlite3_pcache* p) {
  g_inner.xDestroy(cache(p)->inner);
  sqlite3_free(p);
}

void x_shrink(sqlite3_pcache* p) {
  if (g_inner.xShrink) g_inner.xShrink(cache(p)->inner);
}

}  // namespace

bool install_page_cache() {
  static std::atomic<bool> installed{false};
  if (installed.load()) return true;  // never a shim in front of itself
  sqlite3_pcache_methods2 inner{};
  if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner) != SQLITE_OK || !inner.xCreate) return false;
  g_inner = inner;
  // SQLite copies the methods it is given.
  sqlite3_pcache_methods2 shim{1,           nullptr,     x_init,  x_shutdown, x_create,
                               x_cachesize, x_pagecount, x_fetch, x_unpin,    x_rekey,
                               x_truncate,  x_destroy,   x_shrink};
  if (sqlite3_config(SQLITE_CONFIG_PCACHE2, &shim) != SQLITE_OK) return false;
  installed.store(true);
  return true;
}

int64_t page_cache_substitutions() { return g_substitutions.load(std::memory_order_relaxed); }

}  // namespace gridbot::store::sqlite
