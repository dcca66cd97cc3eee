// Location extraction by a single forward scan over numbers and the suffix that follows each.
#include "rules/location_extractor.hpp"

#include <algorithm>
#include <array>

namespace gridbot::rules {
namespace {

struct NumeralChar {
  std::string_view utf8;
  int value;  // 0-9 digits, 10/100/1000 multipliers
};

constexpr std::array<NumeralChar, 15> kNumerals{{{"零", 0},
                                                 {"〇", 0},
                                                 {"一", 1},
                                                 {"二", 2},
                                                 {"两", 2},
                                                 {"三", 3},
                                                 {"四", 4},
                                                 {"五", 5},
                                                 {"六", 6},
                                                 {"七", 7},
                                                 {"八", 8},
                                                 {"九", 9},
                                                 {"十", 10},
                                                 {"百", 100},
                                                 {"千", 1000}}};

// The numeral character at `at`, or nullptr.
const NumeralChar* numeral_at(std::string_view text, std::size_t at) {
  for (const auto& n : kNumerals) {
    if (text.substr(at, n.utf8.size()) == n.utf8) return &n;
  }
  return nullptr;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return c >= 'a' && c <= 'z'; }

// Offset just past the UTF-8 character starting at `at`.
std::size_t next_char(std::string_view text, std::size_t at) {
  const auto b = static_cast<unsigned char>(text[at]);
  const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  return std::min(text.size(), at + len);
}

// Length of the first suffix in `list` starting at `at`, or 0.
std::size_t suffix_at(std::string_view text, std::size_t at, const std::vector<std::string>& list) {
  for (const auto& s : list) {
    if (text.substr(at, s.size()) == s) return s.size();
  }
  return 0;
}

std::size_t digit_run(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && is_digit(text[end])) ++end;
  return end - at;
}

std::string strip_zeros(std::string_view digits) {
  const std::size_t nz = digits.find_first_not_of('0');
  return nz == std::string_view::npos ? std::string("0") : std::string(digits.substr(nz));
}

}  // namespace

std::optional<int> parse_chinese_numeral(std::string_view text) {
  std::vector<int> values;
  for (std::size_t i = 0; i < text.size();) {
    const NumeralChar* n = numeral_at(text, i);
    if (n == nullptr) return std::nullopt;
    values.push_back(n->value);
    i += n->utf8.size();
  }
  if (values.empty()) return std::nullopt;
  const bool positional = std::none_of(values.begin(), values.end(), [](int v) { return v >= 10; });
  int total = 0;
  if (positional) {  // 五零二 -> 502
    for (const int v : values) total = total * 10 + v;
    return total;
  }
  int current = 0;  // 二十一 -> 21, 十二 -> 12, 一百零三 -> 103
  for (const int v : values) {
    if (v < 10) {
      current = v;
    } else {
      total += (current == 0 ? 1 : current) * v;
      current = 0;
    }
  }
  return total + current;
}

LocationExtractor::LocationExtractor(LocationVocab vocab) : vocab_(std::move(vocab)) {
  // Longest suffix first, so 号楼 wins over 号 and 栋楼 over 栋.
  for (auto* list : {&vocab_.building_suffixes, &vocab_.unit_prefixed_building_suffixes,
                     &vocab_.unit_suffixes, &vocab_.room_suffixes, &vocab_.floor_suffixes}) {
    std::stable_sort(list->begin(), list->end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
}

std::optional<LocationExtractor::Number> LocationExtractor::read_number(std::string_view text,
                                                                       std::size_t at) const {
  if (is_digit(text[at])) {
    const std::size_t n = digit_run(text, at);
    return Number{std::string(text.substr(at, n)), at + n, true};
  }
  if (is_alpha(text[at])) {
    if (at + 1 < text.size() && is_alpha(text[at + 1])) return std::nullopt;
    return Number{std::string(1, static_cast<char>(text[at] - 'a' + 'A')), at + 1, false};
  }
  std::size_t end = at;
  while (end < text.size()) {
    const NumeralChar* n = numeral_at(text, end);
    if (n == nullptr) break;
    end += n->utf8.size();
  }
  if (end == at) return std::nullopt;
  const auto value = parse_chinese_numeral(text.substr(at, end - at));
  if (!value) return std::nullopt;
  return Number{std::to_string(*value), end, false};
}

bool LocationExtractor::read_dashed(std::string_view text, std::size_t at, Location& loc) const {
  // b-u-r: building up to 3 digits, unit up to 2, room room_min..room_max digits.
  const std::size_t b = digit_run(text, at);
  if (b == 0 || b > 3 || at + b >= text.size() || text[at + b] != '-') return false;
  const std::size_t u_at = at + b + 1;
  const std::size_t u = digit_run(text, u_at);
  if (u == 0 || u > 2 || u_at + u >= text.size() || text[u_at + u] != '-') return false;
  const std::size_t r_at = u_at + u + 1;
  const std::size_t r = digit_run(text, r_at);
  if (r < static_cast<std::size_t>(vocab_.room_min_digits) ||
      r > static_cast<std::size_t>(vocab_.room_max_digits)) {
    return false;
  }
  if (loc.building.empty()) loc.building = strip_zeros(text.substr(at, b));
  if (loc.unit.empty()) loc.unit = strip_zeros(text.substr(u_at, u));
  if (loc.room.empty()) loc.room = std::string(text.substr(r_at, r));
  return true;
}

std::size_t LocationExtractor::read_room_after(std::string_view text, std::size_t at,
                                               Location& loc) const {
  // 「2单元1502」, 「9栋301」: a 3-4 digit number straight after, unless it is a floor (「1201楼」).
  const std::size_t n = digit_run(text, at);
  if (n < static_cast<std::size_t>(vocab_.room_min_digits) ||
      n > static_cast<std::size_t>(vocab_.room_max_digits)) {
    return at;
  }
  if (suffix_at(text, at + n, vocab_.floor_suffixes) != 0 &&
      suffix_at(text, at + n, vocab_.building_suffixes) == 0) {
    return at;
  }
  if (loc.room.empty()) loc.room = std::string(text.substr(at, n));
  return at + n + suffix_at(text, at + n, vocab_.room_suffixes);
}

Location LocationExtractor::extract(std::string_view text) const {
  Location loc;
  std::size_t i = 0;
  bool prev_numeric = false;  // a number may not start inside another one (138xxxx5678, 渝a)
  while (i < text.size()) {
    const bool starts = !prev_numeric;
    prev_numeric = is_digit(text[i]) || is_alpha(text[i]) || numeral_at(text, i) != nullptr;
    if (!starts) {
      i = next_char(text, i);
      continue;
    }
    if (is_digit(text[i]) && read_dashed(text, i, loc)) break;
    const auto num = read_number(text, i);
    if (!num) {
      i = next_char(text, i);
      continue;
    }
    const std::size_t end = num->end;
    const bool letter = !num->ascii_digits && is_alpha(text[i]);
    const std::string value = num->ascii_digits ? strip_zeros(num->value) : num->value;
    if (const std::size_t s = suffix_at(text, end, vocab_.building_suffixes); s != 0) {
      if (loc.building.empty()) loc.building = value;
      i = read_room_after(text, end + s, loc);
    } else if (const std::size_t u = suffix_at(text, end, vocab_.unit_suffixes); u != 0 && !letter) {
      if (loc.unit.empty()) loc.unit = value;
      i = read_room_after(text, end + u, loc);
    } else if (const std::size_t r = suffix_at(text, end, vocab_.room_suffixes);
               r != 0 && num->ascii_digits) {
      if (loc.room.empty()) loc.room = num->value;
      i = end + r;
    } else if (const std::size_t h = suffix_at(text, end, vocab_.unit_prefixed_building_suffixes);
               h != 0 && !letter) {
      // 「5号2单元」: 号 alone is a building only when a unit follows (「12月31号」 is a date).
      const auto unit = end + h < text.size() ? read_number(text, end + h) : std::nullopt;
      if (unit && suffix_at(text, unit->end, vocab_.unit_suffixes) != 0 && loc.building.empty()) {
        loc.building = value;
      }
      i = end + h;
    } else {
      i = end;  // a floor (「住18楼」), a count, a date: not a location
    }
    prev_numeric = false;
  }
  return loc;
}

}  // namespace gridbot::rules
