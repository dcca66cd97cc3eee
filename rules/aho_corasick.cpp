// Aho-Corasick construction: character classes, trie, BFS failure links, then the DFA's
// transitions that differ from the root's, packed double-array style (first fit).
#include "rules/aho_corasick.hpp"

#include <algorithm>
#include <bit>
#include <deque>
#include <map>
#include <numeric>
#include <unordered_map>

namespace gridbot::rules {
namespace {

// The character keys of `s`, as scan() reads them.
std::vector<std::uint32_t> char_keys(const std::string& s) {
  std::vector<std::uint32_t> keys;
  utf8::for_each_char(s, [&](std::uint32_t key, std::size_t, std::size_t) { keys.push_back(key); });
  return keys;
}

constexpr std::uint32_t kEmptyKey = 0xFFFFFFFF;  // no character key is all ones

// Cells or bases of the double array, one bit each (taken or free). window() reads 64 at once, so
// first fit tests 64 bases per step instead of walking, base by base, over the long runs of taken
// cells that every earlier state left.
class Bits {
 public:
  bool test(std::size_t i) const {
    return i / 64 < words_.size() && (words_[i / 64] >> i % 64 & 1);
  }
  void set(std::size_t i) {
    if (words_.size() <= i / 64) words_.resize(i / 64 + 1, 0);
    words_[i / 64] |= std::uint64_t{1} << i % 64;
    end_ = std::max(end_, i + 1);
  }
  /// Bit k is bit i + k, for k in 0..63 (0 past the end).
  std::uint64_t window(std::size_t i) const {
    const std::size_t w = i / 64, shift = i % 64;
    const std::uint64_t lo = w < words_.size() ? words_[w] >> shift : 0;
    const std::uint64_t hi =
        shift != 0 && w + 1 < words_.size() ? words_[w + 1] << (64 - shift) : 0;
    return lo | hi;
  }
  /// One past the highest bit ever set.
  std::size_t end() const { return end_; }

 private:
  std::vector<std::uint64_t> words_;
  std::size_t end_ = 0;
};

}  // namespace

AhoCorasick::AhoCorasick(const std::vector<std::string>& patterns) {
  // Character classes: 1..K in order of first appearance, 0 for every other character.
  std::unordered_map<std::uint32_t, std::uint32_t> class_of;
  std::vector<std::vector<std::uint32_t>> words(patterns.size());
  for (std::size_t id = 0; id < patterns.size(); ++id) {
    for (const std::uint32_t key : char_keys(patterns[id])) {
      const auto [it, fresh] =
          class_of.emplace(key, static_cast<std::uint32_t>(class_of.size() + 1));
      words[id].push_back(it->second);
    }
  }
  const std::uint32_t k = static_cast<std::uint32_t>(class_of.size() + 1);

  // Class hash: the smallest power-of-two bucket count (at least 2 and K / 4) with no bucket
  // holding more than 8 keys.
  for (std::uint32_t bits = 1;; ++bits) {
    const std::uint32_t buckets = 1u << bits;
    if (buckets * 4 < class_of.size()) continue;
    ClassBucket empty{};
    std::fill(std::begin(empty.key), std::end(empty.key), kEmptyKey);
    classes_.assign(buckets, empty);
    class_shift_ = 32 - bits;
    std::vector<std::uint8_t> fill(buckets, 0);
    bool fits = true;
    for (const auto& [key, cls] : class_of) {
      const std::uint32_t b = bucket_of(key, class_shift_);
      if (fill[b] == 8) {
        fits = false;
        break;
      }
      classes_[b].key[fill[b]] = key;
      classes_[b].cls[fill[b]++] = static_cast<std::uint16_t>(cls);
    }
    if (fits) break;
  }

  // Trie over classes.
  std::vector<std::map<std::uint32_t, std::uint32_t>> child(1);
  std::vector<std::vector<std::uint32_t>> outputs(1);
  for (std::uint32_t id = 0; id < words.size(); ++id) {
    if (words[id].empty()) continue;
    std::uint32_t s = 0;
    for (const std::uint32_t c : words[id]) {
      auto it = child[s].find(c);
      if (it == child[s].end()) {
        it = child[s].emplace(c, static_cast<std::uint32_t>(child.size())).first;
        child.emplace_back();
        outputs.emplace_back();
      }
      s = it->second;
    }
    outputs[s].push_back(id);
  }
  states_ = child.size();

  // BFS: the DFA row of s is the root's row overlaid with exceptions[s] = exceptions[fail(s)]
  // overlaid with s's own children (a child is deeper than any root transition, so it always
  // differs from the root's).
  std::vector<std::uint32_t> root_next(k, 0);
  for (const auto& [c, t] : child[0]) root_next[c] = t;
  std::vector<std::uint32_t> fail(states_, 0);
  std::vector<std::map<std::uint32_t, std::uint32_t>> exceptions(states_);
  std::deque<std::uint32_t> queue;
  for (const auto& [c, t] : child[0]) {
    exceptions[t] = child[t];
    queue.push_back(t);
  }
  while (!queue.empty()) {
    const std::uint32_t s = queue.front();
    queue.pop_front();
    for (const auto& [c, t] : child[s]) {
      // fail(t) = delta(fail(s), c). Every state at most as deep as s is already settled, and
      // fail(t) is one of them.
      const auto& up = exceptions[fail[s]];
      const auto e = up.find(c);
      fail[t] = e != up.end() ? e->second : root_next[c];
      exceptions[t] = exceptions[fail[t]];
      for (const auto& [cc, tt] : child[t]) exceptions[t][cc] = tt;
      const auto& inherited = outputs[fail[t]];
      outputs[t].insert(outputs[t].end(), inherited.begin(), inherited.end());
      queue.push_back(t);
    }
  }

  // Double-array placement, first fit, the states with most exceptions first. Base 0 is the
  // root's (it has no exceptions); bases are unique, so a cell's owner identifies its state.
  std::vector<std::uint32_t> order(states_);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return exceptions[a].size() > exceptions[b].size();
  });
  std::vector<std::uint32_t> base(states_, 0);
  Bits cells_taken, bases_taken;
  bases_taken.set(0);
  std::size_t first_free = 0;          // every cell below it is taken
  std::vector<std::uint32_t> classes;  // the exceptions' classes of the state being placed
  for (const std::uint32_t s : order) {
    if (s == 0) continue;
    classes.clear();
    for (const auto& [c, t] : exceptions[s]) classes.push_back(c);
    std::size_t b = 1;
    if (!classes.empty()) {
      while (cells_taken.test(first_free)) ++first_free;
      b = first_free > classes.front() ? first_free - classes.front() : 1;
    }
    // The lowest base from b on that is free and whose cells are all free (bit k of `taken`:
    // base b + k fails), 64 bases per step: the bases testing them one by one would find.
    for (;; b += 64) {
      std::uint64_t taken = bases_taken.window(b);
      for (const std::uint32_t c : classes) taken |= cells_taken.window(b + c);
      if (taken != ~std::uint64_t{0}) {
        b += static_cast<std::size_t>(std::countr_one(taken));
        break;
      }
    }
    base[s] = static_cast<std::uint32_t>(b);
    bases_taken.set(b);
    for (const std::uint32_t c : classes) cells_taken.set(b + c);
  }
  const std::uint32_t max_base = *std::max_element(base.begin(), base.end());
  const auto code = [&](std::uint32_t s) { return base[s] << 1 | (outputs[s].empty() ? 0u : 1u); };
  root_code_ = code(0);

  const std::size_t ncells = std::max<std::size_t>(max_base + k, cells_taken.end());
  std::vector<std::uint32_t> cells(2 * ncells, 0xFFFFFFFF), root(k);
  for (std::uint32_t s = 1; s < states_; ++s) {
    for (const auto& [c, t] : exceptions[s]) {
      cells[2 * (base[s] + c)] = code(s);
      cells[2 * (base[s] + c) + 1] = code(t);
    }
  }
  for (std::uint32_t c = 0; c < k; ++c) root[c] = code(root_next[c]);
  if ((max_base << 1 | 1u) < 0xFFFF) {  // 0xFFFF stays the empty owner
    cells16_.assign(cells.begin(), cells.end());
    root16_.assign(root.begin(), root.end());
  } else {
    cells32_ = std::move(cells);
    root32_ = std::move(root);
  }

  std::vector<std::uint32_t> state_at(max_base + 1, 0xFFFFFFFF);
  for (std::uint32_t s = 0; s < states_; ++s) state_at[base[s]] = s;
  out_begin_.reserve(max_base + 2);
  for (std::uint32_t b = 0; b <= max_base; ++b) {
    out_begin_.push_back(static_cast<std::uint32_t>(out_.size()));
    if (state_at[b] != 0xFFFFFFFF) {
      const auto& o = outputs[state_at[b]];
      out_.insert(out_.end(), o.begin(), o.end());
    }
  }
  out_begin_.push_back(static_cast<std::uint32_t>(out_.size()));
}

std::size_t AhoCorasick::table_bytes() const {
  return cells16_.size() * 2 + root16_.size() * 2 + cells32_.size() * 4 + root32_.size() * 4 +
         classes_.size() * sizeof(ClassBucket);
}

}  // namespace gridbot::rules
