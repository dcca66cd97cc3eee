// An open-addressing index of element numbers: 4 bytes a slot and no allocation per entry, for
// tables of hundreds of thousands of rows (a city's org) where a node-based hash map costs more
// in allocations and cache misses than the data it indexes. The elements live elsewhere; the
// caller gives each look-up the key's hash and a test that an element number has that key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace gridbot {

class FlatIndex {
 public:
  static constexpr uint32_t npos = 0xffffffffu;

  /// Empties the index and sizes it for up to `n` entries (kept at most half full; the index
  /// does not grow, since only the caller can hash its elements again).
  void reset(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, 0);
    size_ = 0;
  }

  /// The element stored under `hash` for which `same(element)` holds, or npos.
  template <typename Same>
  uint32_t find(size_t hash, Same&& same) const {
    if (slots_.empty()) return npos;
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == 0) return npos;
      if (same(slots_[i] - 1)) return slots_[i] - 1;
    }
  }

  /// Stores `element` under `hash`, or replaces the element for which `same` holds. Returns the
  /// element it replaced, or npos.
  template <typename Same>
  uint32_t put(size_t hash, uint32_t element, Same&& same) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask; !slots_.empty(); i = (i + 1) & mask) {
      if (slots_[i] == 0) break;
      if (same(slots_[i] - 1)) {
        const uint32_t old = slots_[i] - 1;
        slots_[i] = element + 1;
        return old;
      }
    }
    if ((size_ + 1) * 2 > slots_.size())
      throw std::length_error("FlatIndex: more entries than reset() was sized for");
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == 0) {
        slots_[i] = element + 1;
        ++size_;
        return npos;
      }
    }
  }

  size_t size() const { return size_; }

 private:
  std::vector<uint32_t> slots_;  // element + 1; 0 is free
  size_t size_ = 0;
};

}  // namespace gridbot
