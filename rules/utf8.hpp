// One UTF-8 character at a time, as a 32-bit key: the shared unit of the keyword automaton and
// the n-gram model. Hand-written: a few branch-light lines on the hot path; ICU or <codecvt>
// would decode to code points we never need.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace gridbot::rules::utf8 {

static_assert(std::endian::native == std::endian::little, "char_key packs bytes little-endian");

/// The character at the start of `w` (the next 4 bytes of the text, little-endian, zero past
/// its end): its UTF-8 bytes packed in a 32-bit key, and its length in `len`. An invalid or
/// truncated sequence is its first byte alone, so keys of valid text never start inside a
/// character. No key is 0xFFFFFFFF.
inline std::uint32_t char_key(std::uint32_t w, std::uint32_t& len) {
  // Length from the lead byte's top 5 bits: ASCII 1, continuation 1 (stray), C0-DF 2, E0-EF 3,
  // F0-F7 4, F8-FF 1 (invalid). A table, not a test: in mixed text (数字 among Chinese) a
  // branch on ASCII would be mispredicted.
  static constexpr std::uint8_t kLen[32] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                            1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 1};
  std::uint32_t n = kLen[(w & 0xFF) >> 3];
  // Continuation bytes must be 10xxxxxx (a truncated sequence meets the zero padding).
  static constexpr std::uint32_t kCheck[5] = {0, 0, 0xC000, 0xC0C000, 0xC0C0C000};
  static constexpr std::uint32_t kWant[5] = {0, 0, 0x8000, 0x808000, 0x80808000};
  if ((w & kCheck[n]) != kWant[n]) n = 1;
  static constexpr std::uint32_t kMask[5] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF};
  len = n;
  return w & kMask[n];
}

/// text[i .. i+4) as a little-endian word, zero-padded past the end (i < text.size()).
inline std::uint32_t load4(std::string_view text, std::size_t i) {
  std::uint32_t w = 0;
  const std::size_t n = text.size() - i;
  if (n >= 4) [[likely]] {
    std::memcpy(&w, text.data() + i, 4);
    return w;
  }
  for (std::size_t k = 0; k < n; ++k) {
    w |= static_cast<std::uint32_t>(static_cast<unsigned char>(text[i + k])) << (8 * k);
  }
  return w;
}

/// Calls `f(key, begin, len)` for every character of `text`.
template <class F>
void for_each_char(std::string_view text, F&& f) {
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t len;
    const std::uint32_t key = char_key(load4(text, i), len);
    f(key, i, len);
    i += len;
  }
}

}  // namespace gridbot::rules::utf8
