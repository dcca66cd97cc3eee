// The one strict integer parser for outside text (query parameters, headers, command numbers,
// CSV cells): the whole string is ASCII digits (a leading '-' only when lo < 0), the value lies
// in [lo, hi]. Anything else — blanks, a sign where none belongs, trailing bytes, overflow — is
// nullopt, never a partial number.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace gridbot {

template <typename T = int64_t>
std::optional<T> parse_int(std::string_view s, T lo = std::numeric_limits<T>::min(),
                           T hi = std::numeric_limits<T>::max()) {
  if (s.empty() || s[0] == '+' || (s[0] == '-' && lo >= 0)) return std::nullopt;
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace gridbot
