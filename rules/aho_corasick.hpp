// Aho-Corasick multi-pattern matcher over UTF-8 bytes, compiled once into a dense DFA.
// Hand-written: no Aho-Corasick library is packaged in Debian among our dependencies, and the
// automaton is ~150 lines; Hyperscan would be a large dependency for a few thousand keywords.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot::rules {

/// An immutable set of byte patterns matched in one left-to-right pass over the text.
///
/// Bytes that occur in no pattern share one equivalence class, so the transition table is
/// states x (distinct pattern bytes + 1) instead of states x 256.
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
    if (!next16_.empty()) {
      scan_with(next16_, text, on_match);
    } else {
      scan_with(next32_, text, on_match);
    }
  }

  /// Number of automaton states (trie nodes), for diagnostics.
  std::size_t state_count() const { return out_begin_.size() - 1; }
  /// Number of byte classes (columns of the transition table), for diagnostics.
  std::size_t class_count() const { return num_classes_; }

 private:
  // One dependent load per byte: an entry is (next state << 1 | has-output), so states without
  // outputs never touch out_begin_. The table is 16-bit when the states fit (half the cache
  // footprint; the scan is bound by the latency of that load), else 32-bit.
  template <class Entry, class OnMatch>
  void scan_with(const std::vector<Entry>& next, std::string_view text, OnMatch& on_match) const {
    std::uint32_t state = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const std::uint32_t entry =
          next[state * num_classes_ + byte_class_[static_cast<unsigned char>(text[i])]];
      state = entry >> 1;
      if ((entry & 1u) != 0) {
        for (std::uint32_t o = out_begin_[state]; o < out_begin_[state + 1]; ++o) {
          on_match(out_[o], i + 1);
        }
      }
    }
  }

  std::array<std::uint32_t, 256> byte_class_{};
  std::uint32_t num_classes_ = 1;
  std::vector<std::uint16_t> next16_;  // dense DFA [state * num_classes_ + class], or
  std::vector<std::uint32_t> next32_;  // the same with 32-bit entries for large rule sets
  std::vector<std::uint32_t>
      out_begin_;                   // outputs of state s: out_[out_begin_[s] .. out_begin_[s+1])
  std::vector<std::uint32_t> out_;  // pattern ids, suffix outputs already merged in
};

}  // namespace gridbot::rules
