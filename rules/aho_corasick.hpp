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
    with_cursor([&](auto cursor) {
      utf8::for_each_char(text, [&](std::uint32_t key, std::size_t at, std::uint32_t len) {
        cursor.step(key, at + len, on_match);
      });
    });
  }

  /// A scan in progress, one character at a time, for callers that walk the characters
  /// themselves (classify() feeds the same characters to the n-gram model).
  template <class Code>
  class Cursor {
   public:
    explicit Cursor(const AhoCorasick& ac, const std::vector<Code>& cells,
                    const std::vector<Code>& root)
        : ac_(&ac), cells_(cells.data()), root_(root.data()), code_(ac.root_code_) {}
    /// Feeds the character `key` (utf8::char_key) that ends at byte `end`.
    template <class OnMatch>
    void step(std::uint32_t key, std::size_t end, OnMatch& on_match) {
      if (has_output(advance(key)))
        for_each_output(code_, [&](std::uint32_t id) { on_match(id, end); });
    }
    /// Feeds the character `key` and returns the new state's code; no outputs are reported
    /// (callers that collect the codes with has_output() and report them later with
    /// for_each_output() keep an unpredictable branch out of the character loop).
    std::uint32_t advance(std::uint32_t key) {
      const std::uint32_t cls = ac_->char_class(key);
      // cells_[2 * i] is the owner's code, cells_[2 * i + 1] the target's code.
      const std::size_t at = 2 * ((code_ >> 1) + cls);
      // A select, not a branch (GCC makes the ?: a jump, mispredicted at random characters).
      const std::uint32_t own = 0u - static_cast<std::uint32_t>(cells_[at] == code_);
      code_ = (cells_[at + 1] & own) | (root_[cls] & ~own);
      return code_;
    }
    static bool has_output(std::uint32_t code) { return (code & 1u) != 0; }
    /// Calls `f(pattern_id)` for every pattern that ends in the state `code`.
    template <class F>
    void for_each_output(std::uint32_t code, F&& f) const {
      const std::uint32_t* const ob = ac_->out_begin_.data() + (code >> 1);
      for (std::uint32_t o = ob[0]; o < ob[1]; ++o) f(ac_->out_[o]);
    }

   private:
    const AhoCorasick* ac_;
    const Code* cells_;
    const Code* root_;
    std::uint32_t code_;
  };

  /// Calls `f(cursor)` with a Cursor at the start of a text (its type depends on the table's
  /// width).
  template <class F>
  void with_cursor(F&& f) const {
    if (!cells16_.empty()) {
      f(Cursor<std::uint16_t>(*this, cells16_, root16_));
    } else {
      f(Cursor<std::uint32_t>(*this, cells32_, root32_));
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
