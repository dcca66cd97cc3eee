// Aho-Corasick construction: trie, BFS failure links, then a dense DFA with merged outputs.
#include "rules/aho_corasick.hpp"

#include <deque>

namespace gridbot::rules {

AhoCorasick::AhoCorasick(const std::vector<std::string>& patterns) {
  // Byte classes: every byte used by a pattern gets its own class, the rest share class 0.
  for (const auto& p : patterns) {
    for (const char c : p) {
      auto& cls = byte_class_[static_cast<unsigned char>(c)];
      if (cls == 0) cls = num_classes_++;
    }
  }
  const std::uint32_t k = num_classes_;

  // Trie in the dense table directly; 0 means "no child" while building (the root is never a
  // child).
  std::vector<std::uint32_t> next_;
  std::vector<std::vector<std::uint32_t>> outputs(1);
  next_.assign(k, 0);
  for (std::uint32_t id = 0; id < patterns.size(); ++id) {
    if (patterns[id].empty()) continue;
    std::uint32_t s = 0;
    for (const char c : patterns[id]) {
      const std::uint32_t cls = byte_class_[static_cast<unsigned char>(c)];
      if (next_[s * k + cls] == 0) {
        next_[s * k + cls] = static_cast<std::uint32_t>(outputs.size());
        outputs.emplace_back();
        next_.resize(next_.size() + k, 0);
      }
      s = next_[s * k + cls];
    }
    outputs[s].push_back(id);
  }

  // BFS: a missing transition takes the failure state's transition, so scanning never backtracks.
  std::vector<std::uint32_t> fail(outputs.size(), 0);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t c = 0; c < k; ++c) {
    if (const std::uint32_t child = next_[c]; child != 0) queue.push_back(child);
  }
  while (!queue.empty()) {
    const std::uint32_t s = queue.front();
    queue.pop_front();
    // fail[s] is final (it is shallower), so its outputs are already merged.
    const auto& inherited = outputs[fail[s]];
    outputs[s].insert(outputs[s].end(), inherited.begin(), inherited.end());
    for (std::uint32_t c = 0; c < k; ++c) {
      const std::uint32_t child = next_[s * k + c];
      if (child != 0) {
        fail[child] = next_[fail[s] * k + c];
        queue.push_back(child);
      } else {
        next_[s * k + c] = next_[fail[s] * k + c];
      }
    }
  }

  // Flag states that report something (see scan_with()) and pick the narrowest entry type.
  for (auto& target : next_) target = target << 1 | (outputs[target].empty() ? 0u : 1u);
  if (outputs.size() < (1u << 15)) {
    next16_.assign(next_.begin(), next_.end());
  } else {
    next32_ = std::move(next_);
  }
  next_ = {};

  out_begin_.reserve(outputs.size() + 1);
  for (const auto& o : outputs) {
    out_begin_.push_back(static_cast<std::uint32_t>(out_.size()));
    out_.insert(out_.end(), o.begin(), o.end());
  }
  out_begin_.push_back(static_cast<std::uint32_t>(out_.size()));
}

}  // namespace gridbot::rules
