// Byte-level normaliser: no allocation beyond `out`, no locale, no regex.
#include "rules/normalizer.hpp"

#include "base/common/mentions.hpp"

#include <algorithm>

namespace gridbot::rules {
namespace {

constexpr std::size_t kMaxMentionBytes = 32;

// The spaces that end a mention are the project's one definition (base/common/mentions.hpp).
std::size_t space_len(std::string_view s, std::size_t i) {
  return gridbot::mention_space_len(s, i);
}

// If a mention starts at `at` ('@'), returns the offset just past it, else `at`.
std::size_t skip_mention(std::string_view s, std::size_t at) {
  const std::size_t limit = std::min(s.size(), at + 1 + kMaxMentionBytes);
  for (std::size_t i = at + 1; i < limit; ++i) {
    if (const std::size_t n = space_len(s, i); n != 0) return i == at + 1 ? at : i + n;
  }
  return at;
}

}  // namespace

void normalize(std::string_view in, std::string& out) {
  // The output never grows, so write through a pointer into a buffer sized once.
  out.resize(in.size());
  char* w = out.data();
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      if (b == '@') {
        if (const std::size_t end = skip_mention(in, i); end != i) {
          i = end;
          continue;
        }
      }
      *w++ = b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : static_cast<char>(b);
      ++i;
      continue;
    }
    if (b >= 0xE4 && b <= 0xE9 && i + 2 < in.size()) {  // CJK ideographs: copy the whole character
      w[0] = in[i];
      w[1] = in[i + 1];
      w[2] = in[i + 2];
      w += 3;
      i += 3;
      continue;
    }
    if (b == 0xEF && i + 2 < in.size()) {
      // U+FF01..U+FF5E are EF BC 81..BF and EF BD 80..9E; they map to 0x21..0x7E.
      const auto b1 = static_cast<unsigned char>(in[i + 1]);
      const auto b2 = static_cast<unsigned char>(in[i + 2]);
      unsigned cp = 0;
      if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) cp = 0xFF00u + (b2 - 0x80u);
      if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) cp = 0xFF40u + (b2 - 0x80u);
      if (cp != 0) {
        auto c = static_cast<unsigned char>(cp - 0xFEE0u);
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
        *w++ = static_cast<char>(c);
        i += 3;
        continue;
      }
    }
    if ((b == 0xE3 || b == 0xE2) && space_len(in, i) == 3) {  // U+3000, U+2005
      *w++ = ' ';
      i += 3;
      continue;
    }
    *w++ = static_cast<char>(b);
    ++i;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
}

std::string normalized(std::string_view in) {
  std::string out;
  normalize(in, out);
  return out;
}

}  // namespace gridbot::rules
