// UTF-8-safe splitting of outgoing text.
#include "adapters/common/text.hpp"

#include <algorithm>

namespace gridbot::adapters {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t sequence_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  const auto c1 = static_cast<unsigned char>(s[i + 1 < s.size() ? i + 1 : i]);
  if (n == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)))
    return 0;  // overlong, or a UTF-16 surrogate
  if (n == 4 && (c > 0xF4 || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)))
    return 0;  // overlong, or beyond U+10FFFF
  return n;
}

bool good_cut_after(std::string_view s, size_t end) {
  // end is a character boundary; look at the character just before it.
  static constexpr std::string_view kPunct[] = {"\n", "。", "！", "？", "；", "，",
                                                "、", ". ", "! ", "? ", "; ", ", "};
  for (auto p : kPunct)
    if (end >= p.size() && s.substr(end - p.size(), p.size()) == p) return true;
  return false;
}

}  // namespace

bool valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = sequence_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

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
      const size_t n = sequence_length(text, end);
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
