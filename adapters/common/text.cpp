// UTF-8-safe splitting of outgoing text.
#include "adapters/common/text.hpp"

#include <algorithm>

namespace gridbot::adapters {
namespace {

bool good_cut_after(std::string_view s, size_t end) {
  // end is a character boundary; look at the character just before it.
  static constexpr std::string_view kPunct[] = {"\n", "。", "！", "？", "；", "，",
                                                "、", ". ", "! ", "? ", "; ", ", "};
  for (auto p : kPunct)
    if (end >= p.size() && s.substr(end - p.size(), p.size()) == p) return true;
  return false;
}

}  // namespace

std::vector<std::string> split_text(std::string_view input, size_t max_bytes) {
  const std::string text = sanitize_utf8(input);
  max_bytes = std::max<size_t>(max_bytes, 32);
  if (text.size() <= max_bytes) return {text};
  // Room for the " (99/99)" marker.
  const size_t budget = max_bytes - 16;  // room for the "（99/99）" marker (6 + 5 bytes)
  std::vector<std::string> pieces;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = pos, last_good = 0;
    while (end < text.size()) {
      const size_t n = utf8_sequence_length(text, end);
      if (end + n - pos > budget) break;
      end += n;
      if (good_cut_after(text, end)) last_good = end;
    }
    // Prefer a punctuation cut unless it would leave the piece under half full.
    if (end < text.size() && last_good > pos + budget / 2) end = last_good;
    pieces.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  const size_t n = pieces.size();
  for (size_t i = 0; i < n; ++i)
    pieces[i] += "（" + std::to_string(i + 1) + "/" + std::to_string(n) + "）";
  return pieces;
}

}  // namespace gridbot::adapters
