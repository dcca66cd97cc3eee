// Aho-Corasick multi-pattern matcher over UTF-8 characters, compiled once into a compact DFA.
// Hand-written: no Aho-Corasick library is packaged in Debian among our dependencies, and the
// automaton is ~250 lines; Hyperscan would be a large dependency for a few thousand keywords.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rules/utf8.hpp"

namespace gridbot::rules {

/// An immutable set of patterns matched in one left-to-right pass over the text, one step per
/// UTF-8 character (not per byte: a Chinese character is one dependent table load, not three).
///
/// Layout (why it is fast: the scan is bound by the latency of one load per character, so the
/// tables must stay in L1/L2):
/// - *Characters*: every character that occurs in a pattern gets a class 1..K; every other
///   character is class 0. The class of a character comes from a small hash table of 64-byte
///   buckets (8 keys, compared at once); it does not depend on the state, so it overlaps with the
///   state chain.
/// - *Transitions*: the DFA's transition from the root on class c is `root_[c]`. A state keeps
///   only the transitions that differ from the root's ("exceptions", ~3 per state), stored
///   double-array style: the cell at `base(state) + c` holds (owner, target) and counts only when
///   its owner is the state. A step is one 4-byte load, a compare and a select.
/// - A state is written as its *code* `base << 1 | has-output`, so the next index is one shift
///   and an add away, and states without outputs never touch the output lists.
///
/// Invalid UTF-8 bytes are characters of their own, so matching is exactly that of the bytes.
///
/// *Thread safety*: immutable after construction; scan() may run concurrently.
class AhoCorasick {
 public:
  /// Compiles `patterns`; a match of patterns[i] is reported as id i. Empty patterns are ignored
  /// (the loader rejects them before they get here).
  explicit AhoCorasick(const std::vector<std::string>& patterns);

  /// Calls `on_match(pattern_id, end_offset)` for every occurrence of every pattern in `text`,
  /// overlapping ones included, in order of their end offset.
  template <class OnMatch>
  void scan(std::string_view text, OnMatch&& on_match) const {
    if (!cells16_.empty()) {
      scan_with(cells16_, root16_, text, on_match);
    } else {
      scan_with(cells32_, root32_, text, on_match);
    }
  }

  /// Number of automaton states (trie nodes over characters), for diagnostics.
  std::size_t state_count() const { return states_; }
  /// Number of character classes (characters of the patterns + 1), for diagnostics.
  std::size_t class_count() const { return root16_.empty() ? root32_.size() : root16_.size(); }
  /// Bytes of the tables the scan reads (transitions, roots, character classes).
  std::size_t table_bytes() const;

 private:
  // One bucket of the character-class hash: 8 keys (0xFFFFFFFF = empty, never a character key)
  // and their classes; cls[8] = 0 is the answer when no key matches.
  struct alignas(64) ClassBucket {
    std::uint32_t key[8];
    std::uint16_t cls[9];
  };

  static std::uint32_t bucket_of(std::uint32_t key, std::uint32_t shift) {
    return (key * 0x9E3779B1u) >> shift;
  }

  std::uint32_t char_class(std::uint32_t key) const {
    const ClassBucket& b = classes_[bucket_of(key, class_shift_)];
#if defined(__SSE2__)
    const __m128i k = _mm_set1_epi32(static_cast<int>(key));
    const auto* p = reinterpret_cast<const __m128i*>(b.key);
    const std::uint64_t hit =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi32(_mm_load_si128(p), k))) |
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi32(_mm_load_si128(p + 1), k)))
            << 16;
    return b.cls[static_cast<unsigned>(__builtin_ctzll(hit | 1ull << 32)) / 4];
#else
    for (int i = 0; i < 8; ++i) {
      if (b.key[i] == key) return b.cls[i];
    }
    return 0;
#endif
  }

  template <class Code, class OnMatch>
  void scan_with(const std::vector<Code>& cells, const std::vector<Code>& root,
                 std::string_view text, OnMatch& on_match) const {
    // cells[2 * i] is the owner's code, cells[2 * i + 1] the target's code.
    const Code* const c2 = cells.data();
    const Code* const r = root.data();
    std::uint32_t code = root_code_;
    const std::size_t n = text.size();
    const char* const p = text.data();
    std::size_t i = 0;
    const auto step = [&](std::uint32_t w) {
      std::uint32_t len;
      const std::uint32_t cls = char_class(utf8::char_key(w, len));
      const std::size_t at = 2 * ((code >> 1) + cls);
      code = c2[at] == code ? c2[at + 1] : r[cls];
      i += len;
      if ((code & 1u) != 0) {
        for (std::uint32_t o = out_begin_[code >> 1]; o < out_begin_[(code >> 1) + 1]; ++o) {
          on_match(out_[o], i);
        }
      }
    };
    for (std::uint32_t w; i + 4 <= n;) {
      std::memcpy(&w, p + i, 4);
      step(w);
    }
    while (i < n) {  // the last 1-3 bytes, zero-padded
      std::uint32_t w = 0;
      std::memcpy(&w, p + i, n - i);
      step(w);
    }
  }

  std::size_t states_ = 1;
  std::uint32_t root_code_ = 0;
  std::uint32_t class_shift_ = 31;
  std::vector<ClassBucket> classes_;
  std::vector<std::uint16_t> cells16_, root16_;  // 16-bit codes when they fit, or
  std::vector<std::uint32_t> cells32_, root32_;  // the same with 32-bit codes
  std::vector<std::uint32_t> out_begin_;         // outputs of base b: out_[out_begin_[b] .. [b+1])
  std::vector<std::uint32_t> out_;               // pattern ids, suffix outputs already merged in
};

}  // namespace gridbot::rules
