// count_before() and count_fires(): the number before a unit word, read backwards.
#include "rules/scope_counts.hpp"

#include <algorithm>
#include <array>

#include "rules/location_extractor.hpp"

namespace gridbot::rules {
namespace {

// Numeral characters parse_chinese_numeral() reads; 几 and 数 ("a few") count as 三.
constexpr std::array<std::string_view, 16> kNumerals{
    "零", "〇", "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "几"};
constexpr std::string_view kFew = "几", kSeveral = "数", kHalf = "半";
// Written after a number and before the unit they approximate: 二十多户, 20余户, 十来年.
constexpr std::array<std::string_view, 3> kApprox{"多", "余", "来"};
// 上半年, 下半年: a half of this year, no duration.
constexpr std::array<std::string_view, 2> kNotHalf{"上", "下"};

bool ends_with_at(std::string_view text, std::size_t at, std::string_view word) {
  return at >= word.size() && text.substr(at - word.size(), word.size()) == word;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<double> count_before(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  for (const auto a : kApprox) {
    if (ends_with_at(text, at, a)) {
      at -= a.size();
      break;
    }
  }
  if (ends_with_at(text, at, kHalf)) {
    const std::size_t before = at - kHalf.size();
    for (const auto w : kNotHalf) {
      if (ends_with_at(text, before, w)) return std::nullopt;
    }
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
  std::string numeral;  // 三 for 几 and 数, in text order
  std::array<int, 8> small{};
  std::size_t count = 0;
  bool positional = true;
  while (count < small.size()) {
    std::string_view hit;
    for (const auto n : kNumerals) {
      if (ends_with_at(text, start, n)) hit = n;
    }
    if (hit.empty() && ends_with_at(text, start, kSeveral)) hit = kSeveral;
    if (hit.empty()) break;
    start -= hit.size();
    const std::string_view as = hit == kFew || hit == kSeveral ? std::string_view("三") : hit;
    numeral.insert(0, as);
    const auto v = parse_chinese_numeral(as);
    if (!v || *v >= 10) positional = false;
    small[count++] = v.value_or(0);
  }
  if (count == 0) return std::nullopt;
  // 三四年, 一两年, 七八户: a range, read as its upper end (not 34, 12, 78).
  if (positional && count > 1) return *std::max_element(small.begin(), small.begin() + count);
  const auto v = parse_chinese_numeral(numeral);
  if (!v) return std::nullopt;
  return *v;
}

bool count_fires(const CountCue& cue, std::string_view text) {
  for (std::size_t at = text.find(cue.word); at != std::string_view::npos;
       at = text.find(cue.word, at + 1)) {
    const std::size_t end = at + cue.word.size();
    if (end < text.size() && is_digit(text[end])) continue;  // 18年3月: a date
    if (std::any_of(cue.not_after.begin(), cue.not_after.end(),
                    [&](const std::string& w) { return text.substr(end, w.size()) == w; })) {
      continue;
    }
    const auto n = count_before(text, at);
    if (n && *n >= cue.min && *n <= cue.max) return true;
  }
  return false;
}

}  // namespace gridbot::rules
