// count_before() and count_fires(): the number before a unit word, read backwards.
#include "rules/scope_counts.hpp"

#include <algorithm>
#include <array>

#include "rules/location_extractor.hpp"

namespace gridbot::rules {
namespace {

// Code points read around a count; every one is a 3-byte UTF-8 sequence.
constexpr char32_t kMore = U'多', kOver = U'余', kAbout = U'来';  // 二十多户, 20余户, 十来年
constexpr char32_t kHalf = U'半', kUpper = U'上', kLower = U'下';  // 大半年; not 上半年, 下半年
constexpr char32_t kFew = U'几', kSeveral = U'数';  // 几百户, 数十户: read as 三

// The code point of the 3-byte character that ends at byte `at`, or 0. Decoded once per step:
// this runs for every occurrence of a counted word (人 and 年 are common in chat).
char32_t cp_before(std::string_view text, std::size_t at) {
  if (at < 3 || at > text.size()) return 0;
  const auto b0 = static_cast<unsigned char>(text[at - 3]);
  if ((b0 & 0xF0u) != 0xE0u) return 0;
  const auto b1 = static_cast<unsigned char>(text[at - 2]);
  const auto b2 = static_cast<unsigned char>(text[at - 1]);
  return static_cast<char32_t>(((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<double> count_before(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  char32_t cp = cp_before(text, at);
  if (cp == kMore || cp == kOver || cp == kAbout) {
    at -= 3;
    cp = cp_before(text, at);
  }
  if (cp == kHalf) {
    const char32_t before = cp_before(text, at - 3);
    if (before == kUpper || before == kLower) return std::nullopt;
    return 0.5;
  }
  std::size_t start = at;
  while (start > 0 && is_digit(text[start - 1])) --start;
  if (start < at) {
    if (at - start > 6) return std::nullopt;  // a phone or an account number
    double v = 0;
    for (std::size_t i = start; i < at; ++i) v = v * 10 + (text[i] - '0');
    return v;
  }
  std::array<int, 8> values{};  // read backwards, stored from the end
  std::size_t count = 0;
  while (count < values.size() && start >= 3) {
    int v = numeral_at(text, start - 3);
    if (v < 0) {
      const char32_t c = cp_before(text, start);
      if (c != kFew && c != kSeveral) break;
      v = 3;
    }
    values[values.size() - 1 - count++] = v;
    start -= 3;
  }
  if (count == 0) return std::nullopt;
  const std::span<const int> used(values.data() + values.size() - count, count);
  // 三四年, 一两年, 七八户: a range, read as its upper end (not 34, 12, 78).
  if (count > 1 && std::all_of(used.begin(), used.end(), [](int v) { return v < 10; })) {
    return *std::max_element(used.begin(), used.end());
  }
  return numeral_total(used);
}

bool count_fires_at(const CountCue& cue, std::string_view text, std::size_t at) {
  const auto n = count_before(text, at);
  if (!n || *n < cue.min || *n > cue.max) return false;
  const std::size_t end = std::min(text.size(), at + cue.word.size());
  if (end < text.size() && is_digit(text[end])) return false;  // 18年3月: a date
  return std::none_of(cue.not_after.begin(), cue.not_after.end(),
                      [&](const std::string& w) { return text.substr(end, w.size()) == w; });
}

bool count_fires(const CountCue& cue, std::string_view text) {
  for (std::size_t at = text.find(cue.word); at != std::string_view::npos;
       at = text.find(cue.word, at + 1)) {
    if (count_fires_at(cue, text, at)) return true;
  }
  return false;
}

}  // namespace gridbot::rules
