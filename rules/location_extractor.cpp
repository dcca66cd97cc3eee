// Location extraction by a single forward scan over numbers and the suffix that follows each.
#include "rules/location_extractor.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace gridbot::rules {

// Decodes the code point once: this runs at every character of every report.
int numeral_at(std::string_view text, std::size_t at) {
  if (at + 3 > text.size()) return -1;
  const auto b0 = static_cast<unsigned char>(text[at]);
  if (b0 < 0xE3 || b0 > 0xE9) return -1;
  const auto b1 = static_cast<unsigned char>(text[at + 1]);
  const auto b2 = static_cast<unsigned char>(text[at + 2]);
  const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
  switch (cp) {
    case 0x96F6:
      return 0;  // 零
    case 0x3007:
      return 0;  // 〇
    case 0x4E00:
      return 1;  // 一
    case 0x4E8C:
      return 2;  // 二
    case 0x4E24:
      return 2;  // 两
    case 0x4E09:
      return 3;  // 三
    case 0x56DB:
      return 4;  // 四
    case 0x4E94:
      return 5;  // 五
    case 0x516D:
      return 6;  // 六
    case 0x4E03:
      return 7;  // 七
    case 0x516B:
      return 8;  // 八
    case 0x4E5D:
      return 9;  // 九
    case 0x5341:
      return 10;  // 十
    case 0x5EFF:
      return 20;  // 廿 (廿三栋: 23, Wu and older usage)
    case 0x5345:
      return 30;  // 卅
    case 0x767E:
      return 100;  // 百
    case 0x5343:
      return 1000;  // 千
    default:
      return -1;
  }
}

namespace {

constexpr std::size_t kNumeralBytes = 3;  // every numeral above is a 3-byte UTF-8 sequence

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return c >= 'a' && c <= 'z'; }
// A building letter as it is written out: normalised text holds it lower-case (a栋 is building A).
char upper(char c) { return static_cast<char>(c - 'a' + 'A'); }

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

// Past at most two spaces after a number (「51 幢」), or `end` when no more follow.
std::size_t spaced(std::string_view text, std::size_t end) {
  std::size_t at = end;
  while (at < text.size() && at - end < 2 && text[at] == ' ') ++at;
  return at;
}

// A board masks digits with '*' (3-1-3**, *01室, 150*): a run of digits touching one is no number.
bool masked(std::string_view text, std::size_t at, std::size_t end) {
  return (at > 0 && text[at - 1] == '*') || (end < text.size() && text[end] == '*');
}

std::string strip_zeros(std::string_view digits) {
  const std::size_t nz = digits.find_first_not_of('0');
  return nz == std::string_view::npos ? std::string("0") : std::string(digits.substr(nz));
}

}  // namespace

std::optional<int> parse_chinese_numeral(std::string_view text) {
  std::array<int, 8> values{};  // no location number has more than 8 numeral characters
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); i += kNumeralBytes) {
    const int n = numeral_at(text, i);
    if (n < 0 || count == values.size()) return std::nullopt;
    values[count++] = n;
  }
  if (count == 0) return std::nullopt;
  return numeral_total(std::span(values.data(), count));
}

int numeral_total(std::span<const int> used) {
  const bool positional = std::none_of(used.begin(), used.end(), [](int v) { return v >= 10; });
  int total = 0;
  if (positional) {  // 五零二 -> 502
    for (const int v : used) total = total * 10 + v;
    return total;
  }
  int current = 0;  // 二十一 -> 21, 十二 -> 12, 一百零三 -> 103
  for (const int v : used) {
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
  for (auto* list :
       {&vocab_.building_suffixes, &vocab_.unit_prefixed_building_suffixes, &vocab_.unit_suffixes,
        &vocab_.room_suffixes, &vocab_.floor_suffixes, &vocab_.unit_after_building_suffixes}) {
    std::stable_sort(list->begin(), list->end(), [](const std::string& a, const std::string& b) {
      return a.size() > b.size();
    });
  }
}

bool LocationExtractor::bare_room(std::string_view text, std::size_t at, std::size_t end) const {
  const std::size_t n = end - at;
  if (n < static_cast<std::size_t>(vocab_.room_min_digits) ||
      n > static_cast<std::size_t>(vocab_.room_max_digits)) {
    return false;
  }
  const std::string_view before = text.substr(0, at);
  const bool prefixed = std::any_of(vocab_.room_prefixes.begin(), vocab_.room_prefixes.end(),
                                    [&](const std::string& p) { return before.ends_with(p); });
  if (prefixed && (end == text.size() || suffix_at(text, end, vocab_.room_prefix_ends) != 0)) {
    return true;
  }
  return std::any_of(vocab_.room_owner_prefixes.begin(), vocab_.room_owner_prefixes.end(),
                     [&](const std::string& p) { return before.ends_with(p); }) &&
         (end == text.size() || suffix_at(text, end, vocab_.room_owner_not_ends) == 0);
}

std::optional<LocationExtractor::Number> LocationExtractor::read_number(std::string_view text,
                                                                        std::size_t at) const {
  if (is_digit(text[at])) {
    const std::size_t n = digit_run(text, at);
    return Number{std::string(text.substr(at, n)), at + n, true};
  }
  if (is_alpha(text[at])) {
    if (at + 1 < text.size() && is_alpha(text[at + 1])) return std::nullopt;
    std::string value(1, upper(text[at]));
    // A12栋: the letter and its digits name the building. A longer run is a plate or a code
    // (渝a12345), and its digits are read on their own.
    const std::size_t d = digit_run(text, at + 1);
    if (d >= 1 && d <= 3) {
      value += strip_zeros(text.substr(at + 1, d));
      return Number{std::move(value), at + 1 + d, false, d};
    }
    return Number{std::move(value), at + 1, false, 0};
  }
  std::size_t end = at;
  while (end < text.size()) {
    if (numeral_at(text, end) < 0) break;
    end += kNumeralBytes;
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
  std::size_t shown = r_at;  // 「5-1-3**」, 「7-1-*01」: the room masked, building and unit shown
  while (shown < text.size() && (is_digit(text[shown]) || text[shown] == '*')) ++shown;
  if (shown - r_at >= static_cast<std::size_t>(vocab_.room_min_digits) &&
      shown - r_at <= static_cast<std::size_t>(vocab_.room_max_digits) &&
      text.substr(r_at, shown - r_at).find('*') != std::string_view::npos) {
    if (loc.building.empty()) loc.building = strip_zeros(text.substr(at, b));
    if (loc.unit.empty()) loc.unit = strip_zeros(text.substr(u_at, u));
    return true;
  }
  if (r < static_cast<std::size_t>(vocab_.room_min_digits) ||
      r > static_cast<std::size_t>(vocab_.room_max_digits)) {
    return false;
  }
  if (loc.building.empty()) loc.building = strip_zeros(text.substr(at, b));
  if (loc.unit.empty()) loc.unit = strip_zeros(text.substr(u_at, u));
  if (loc.room.empty()) loc.room = std::string(text.substr(r_at, r));
  return true;
}

bool LocationExtractor::read_dashed_unit(std::string_view text, std::size_t at,
                                         Location& loc) const {
  // b-u: building up to 3 digits, unit up to 2, then (after spaces) one of dash_unit_ends; not
  // the tail of a longer dashed run (2024-3-2).
  if (at > 0 && text[at - 1] == '-') return false;
  const std::size_t b = digit_run(text, at);
  if (b == 0 || b > 3 || at + b >= text.size() || text[at + b] != '-') return false;
  const std::size_t u_at = at + b + 1;
  const std::size_t u = digit_run(text, u_at);
  if (u == 0 || u > 2) return false;
  std::size_t end = u_at + u;
  if (end < text.size() && text[end] == '-') return false;
  while (end < text.size() && text[end] == ' ') ++end;
  if (end >= text.size() || suffix_at(text, end, vocab_.dash_unit_ends) == 0) return false;
  if (loc.building.empty()) loc.building = strip_zeros(text.substr(at, b));
  if (loc.unit.empty()) loc.unit = strip_zeros(text.substr(u_at, u));
  return true;
}

bool LocationExtractor::read_dashed_room(std::string_view text, std::size_t at,
                                         Location& loc) const {
  // b-r: building up to 3 digits, room room_min..room_max digits, then one of dash_room_ends
  // (5-104号); not the tail of a longer dashed run.
  if (vocab_.dash_room_ends.empty() || (at > 0 && text[at - 1] == '-')) return false;
  const std::size_t b = digit_run(text, at);
  if (b == 0 || b > 3 || at + b >= text.size() || text[at + b] != '-') return false;
  const std::size_t r_at = at + b + 1;
  const std::size_t r = digit_run(text, r_at);
  if (r < static_cast<std::size_t>(vocab_.room_min_digits) ||
      r > static_cast<std::size_t>(vocab_.room_max_digits) ||
      suffix_at(text, r_at + r, vocab_.dash_room_ends) == 0) {
    return false;
  }
  if (loc.building.empty()) loc.building = strip_zeros(text.substr(at, b));
  if (loc.room.empty()) loc.room = std::string(text.substr(r_at, r));
  return true;
}

std::size_t LocationExtractor::letter_room(std::string_view text, std::size_t at,
                                           Location& loc) const {
  // 「A2203住户」, 「c304的业主」, 「C-1302室」: building A, room 2203 (the southern shorthand).
  std::size_t j = at + 1;
  if (j < text.size() && text[j] == '-') ++j;
  const std::size_t d = digit_run(text, j);
  if (d < static_cast<std::size_t>(vocab_.room_min_digits) ||
      d > static_cast<std::size_t>(vocab_.room_max_digits)) {
    return 0;
  }
  std::size_t s = suffix_at(text, j + d, vocab_.letter_room_ends);
  if (s == 0) s = suffix_at(text, j + d, vocab_.room_suffixes);
  if (s == 0) return 0;
  if (loc.building.empty()) loc.building = std::string(1, upper(text[at]));
  if (loc.room.empty()) loc.room = std::string(text.substr(j, d));
  return j + d + s;
}

bool LocationExtractor::letter_building(std::string_view text, const Number& num) const {
  // 「A楼」, 「A1楼1606」: 楼 after a letter names a building; 「B1楼」 is a basement level.
  if (suffix_at(text, num.end, vocab_.letter_building_suffixes) == 0) return false;
  if (num.letter_digits == 0) return true;
  return std::none_of(
      vocab_.basement_letters.begin(), vocab_.basement_letters.end(),
      [&](const std::string& b) { return b.size() == 1 && upper(b[0]) == num.value[0]; });
}

bool LocationExtractor::a_building(std::string_view text, std::size_t at, std::size_t end,
                                   std::size_t word, std::size_t after) const {
  // 「一栋在建民房」, 「一幢10层楼房」, 「一座商业楼」: 一 before a building word is "a building"
  // when what the building is or how tall it is follows; 「一栋八楼」, 「一栋801」, 「一栋的业主」
  // and 「一栋楼道」 stay building 1.
  if (end != at + kNumeralBytes || numeral_at(text, at) != 1) return false;
  // 「一座桥」, 「一座城市」, 「一座老楼」: after 一, 座 is the measure word of a bridge, a hill, a
  // city or a building, never building 1 (that is 1座 or A座).
  if (suffix_at(text, word, vocab_.one_counters) == after - word) return true;
  if (suffix_at(text, after, vocab_.not_floor_words) != 0) return false;
  if (suffix_at(text, after, vocab_.one_building_words) != 0) return true;
  const auto floors = after < text.size() ? read_number(text, after) : std::nullopt;
  return floors && !is_alpha(text[after]) && text.substr(floors->end).starts_with("层");
}

bool LocationExtractor::listed_building(std::string_view text, std::size_t end) const {
  // 「11/12栋」, 「11、12、13号楼」, 「111号、105号、99号楼」: after this number, list separators
  // and numbers (each with its own 号 or not) up to one with a building suffix.
  std::size_t at = end;
  for (int item = 0; item < 8; ++item) {
    const std::size_t sep = suffix_at(text, at, vocab_.building_list_separators);
    if (sep == 0 || at + sep >= text.size()) return false;
    const auto next = read_number(text, at + sep);
    if (!next) return false;
    if (suffix_at(text, spaced(text, next->end), vocab_.building_suffixes) != 0) return true;
    if (!next->ascii_digits && is_alpha(text[at + sep]) && letter_building(text, *next))
      return true;  // 「A，B楼」
    at = next->end + suffix_at(text, next->end, vocab_.unit_prefixed_building_suffixes);
  }
  return false;
}

std::size_t LocationExtractor::read_dashed_after_building(std::string_view text, std::size_t at,
                                                          Location& loc) const {
  // Northern usage after a building: unit-room (「3号楼2-902室」, 「m栋1-302的」) or
  // unit-floor-door (「27号楼3-1-3」, 「7号楼5-2-4号」), the unit first. A range of floors, units
  // or shops (「26栋1-4楼」, 「13栋1-4单元」, 「A栋1-3号商铺」) names none.
  const std::size_t u = digit_run(text, at);
  if (u == 0 || u > 2 || at + u >= text.size() || text[at + u] != '-') return 0;
  std::size_t p = at + u, second = 0, second_len = 0;
  int parts = 1;
  while (parts < 3 && p + 1 < text.size() && text[p] == '-') {
    const std::size_t d = digit_run(text, p + 1);
    if (d == 0 || d > static_cast<std::size_t>(vocab_.room_max_digits)) break;
    if (parts == 1) {
      second = p + 1;
      second_len = d;
    }
    p += 1 + d;
    ++parts;
  }
  if (parts < 2 || (p < text.size() && (text[p] == '-' || is_digit(text[p])))) return 0;
  const std::size_t w = spaced(text, p);
  for (const auto* words : {&vocab_.floor_suffixes, &vocab_.unit_suffixes,
                            &vocab_.building_suffixes, &vocab_.unit_after_building_suffixes}) {
    if (suffix_at(text, w, *words) != 0 && suffix_at(text, w, vocab_.not_floor_words) == 0)
      return 0;
  }
  if (parts == 2 && suffix_at(text, w, vocab_.unit_prefixed_building_suffixes) != 0) return 0;
  if (loc.unit.empty()) loc.unit = strip_zeros(text.substr(at, u));
  if (parts == 2 && second_len >= static_cast<std::size_t>(vocab_.room_min_digits) &&
      loc.room.empty() && !masked(text, second, second + second_len)) {
    loc.room = std::string(text.substr(second, second_len));
  }
  return p + suffix_at(text, p, vocab_.room_suffixes);
}

std::size_t LocationExtractor::read_room_after(std::string_view text, std::size_t at,
                                               Location& loc) const {
  if (const std::size_t after = read_dashed_after_building(text, at, loc); after != 0) return after;
  // 「11号楼2门」: a unit after a building in northern usage (not 「3栋2门口」, a doorway).
  if (at < text.size() && !vocab_.unit_after_building_suffixes.empty()) {
    if (const auto num = read_number(text, at); num && (num->ascii_digits || !is_alpha(text[at]))) {
      const std::size_t s = suffix_at(text, num->end, vocab_.unit_after_building_suffixes);
      if (s != 0 && suffix_at(text, num->end, vocab_.not_unit_words) == 0) {
        if (loc.unit.empty()) loc.unit = num->ascii_digits ? strip_zeros(num->value) : num->value;
        return read_room_after_unit(text, num->end + s, loc);
      }
    }
  }
  return read_room_after_unit(text, at, loc);
}

std::size_t LocationExtractor::read_room_after_unit(std::string_view text, std::size_t at,
                                                    Location& loc) const {
  // 「2单元1502」, 「9栋301」: a 3-4 digit number straight after, unless it is a floor
  // (「1201楼」); 「5栋302楼上」 is a room: 楼上 / 楼下 (not_floor_words) begin with 楼 but name no
  // floor.
  const std::size_t n = digit_run(text, at);
  if (n < static_cast<std::size_t>(vocab_.room_min_digits) ||
      n > static_cast<std::size_t>(vocab_.room_max_digits) || masked(text, at, at + n)) {
    return at;
  }
  if (suffix_at(text, at + n, vocab_.floor_suffixes) != 0 &&
      suffix_at(text, at + n, vocab_.building_suffixes) == 0 &&
      suffix_at(text, at + n, vocab_.not_floor_words) == 0) {
    return at;
  }
  if (loc.room.empty()) loc.room = std::string(text.substr(at, n));
  return at + n + suffix_at(text, at + n, vocab_.room_suffixes);
}

Location LocationExtractor::extract(std::string_view text, std::size_t first_word,
                                    std::size_t last_word) const {
  Location loc;
  // Back from the first location word over number characters (digits, letters, numerals): the
  // character before is no number, so the full scan would arrive there with nothing found and
  // prev_numeric false (a number or a jump never crosses a non-number character before the
  // first location word).
  const auto list_separator_before = [&](std::string_view t, std::size_t at) -> std::size_t {
    for (const auto& s : vocab_.building_list_separators) {
      if (s.size() <= at && t.substr(at - s.size(), s.size()) == s) return s.size();
    }
    return 0;
  };
  const auto number_char_before = [&](std::string_view t, std::size_t at) {
    return is_digit(t[at - 1]) || is_alpha(t[at - 1]) ||
           (at >= kNumeralBytes && numeral_at(t, at - kNumeralBytes) >= 0);
  };
  // 「A、B栋」: a list of letters, not a letter before a list of numbers (渝a、3栋).
  const auto next_item_letter = [&](std::string_view t, std::size_t at) {
    const std::size_t sep = suffix_at(t, at, vocab_.building_list_separators);
    return sep != 0 && at + sep < t.size() && is_alpha(t[at + sep]);
  };
  // Bytes of 「号、」 ending at `at` when a number comes before them, else 0.
  const auto sep_after_item = [&](std::string_view t, std::size_t at) -> std::size_t {
    const std::size_t sep = list_separator_before(t, at);
    if (sep == 0) return 0;
    for (const auto& h : vocab_.unit_prefixed_building_suffixes) {
      const std::size_t n = sep + h.size();
      if (n < at && t.substr(at - n, h.size()) == h && number_char_before(t, at - n)) return n;
    }
    return 0;
  };
  std::size_t i = std::min(first_word, text.size());
  for (int n = 0; n < 2 && i > 0 && text[i - 1] == ' '; ++n) --i;  // 「51 幢」
  while (i > 0) {
    if (is_digit(text[i - 1]) || is_alpha(text[i - 1]) ||
        (text[i - 1] == '-' && i >= 2 && is_alpha(text[i - 2]))) {
      --i;  // 「C-1302室」: the letter's dash too
    } else if (i >= kNumeralBytes && numeral_at(text, i - kNumeralBytes) >= 0) {
      i -= kNumeralBytes;
    } else if (const std::size_t sep = list_separator_before(text, i);
               sep != 0 && i - sep > 0 && number_char_before(text, i - sep)) {
      i -= sep;  // 「11/12栋」: the list's first number is scanned too
    } else if (const std::size_t item = sep_after_item(text, i); item != 0) {
      i -= item;  // 「111号、99号楼」: an item's own 号 before the separator
    } else {
      break;
    }
  }
  // A number at or after the last location word has none after it: nothing to find there.
  // A suffix word starts with no number character, so a number may start at `end` only after a
  // room prefix (classify() gives a prefix's end: 我是|1402).
  const std::size_t end = std::min(last_word + 1, text.size());
  bool prev_numeric = false;  // a number may not start inside another one (138xxxx5678, 渝a)
  while (i < end) {
    const bool numeric = is_digit(text[i]) || is_alpha(text[i]) || numeral_at(text, i) >= 0;
    if (!numeric || prev_numeric) {
      prev_numeric = numeric;
      i = next_char(text, i);
      continue;
    }
    prev_numeric = true;
    if (is_alpha(text[i])) {
      if (const std::size_t after = letter_room(text, i, loc); after != 0) {
        i = after;
        prev_numeric = false;
        continue;
      }
    }
    if (is_digit(text[i]) && read_dashed(text, i, loc)) break;
    if (is_digit(text[i]) && read_dashed_room(text, i, loc)) break;
    if (is_digit(text[i]) && read_dashed_unit(text, i, loc)) {
      i = next_char(text, i);
      continue;
    }
    const auto num = read_number(text, i);
    if (!num) {
      i = next_char(text, i);
      continue;
    }
    const std::size_t end = num->end;
    const bool letter = !num->ascii_digits && is_alpha(text[i]);
    // 「A2单元」, 「A5号2单元」: a letter with digits before a unit word reads as before, its
    // digits the unit and the letter with them the building.
    const bool bare_letter = letter && num->letter_digits == 0;
    // 两 counts and never numbers: 两栋楼 is two buildings, building 2 is 二栋.
    const bool pair = text.substr(i).starts_with("两");
    const std::string value = num->ascii_digits ? strip_zeros(num->value) : num->value;
    // 「51 幢 3 单元」: a formal letter may space a number from its word (up to two spaces).
    const std::size_t word = spaced(text, end);
    if (const std::size_t s = suffix_at(text, word, vocab_.building_suffixes); s != 0) {
      std::string_view before = text.substr(0, i);
      while (before.ends_with(' ')) before.remove_suffix(1);  // 「共 5 栋」 is a count too
      const bool count =
          std::any_of(vocab_.building_count_prefixes.begin(), vocab_.building_count_prefixes.end(),
                      [&](const std::string& p) { return before.ends_with(p); });
      if (count || pair || a_building(text, i, end, word, word + s)) {
        i = word + s;  // 「一共14幢」, 「两栋」, 「一栋在建民房」: how many, not which
        prev_numeric = false;
        continue;
      }
      if (loc.building.empty()) loc.building = value;
      i = read_room_after(text, word + s, loc);
    } else if (letter && letter_building(text, *num)) {
      if (loc.building.empty()) loc.building = value;
      i = read_room_after(text, end + suffix_at(text, end, vocab_.letter_building_suffixes), loc);
    } else if (const std::size_t u = suffix_at(text, word, vocab_.unit_suffixes);
               u != 0 && !bare_letter && !pair) {
      if (loc.unit.empty()) loc.unit = letter ? value.substr(1) : value;
      i = read_room_after_unit(text, word + u, loc);
    } else if (const std::size_t r = suffix_at(text, word, vocab_.room_suffixes);
               r != 0 && num->ascii_digits) {
      if (loc.room.empty() && !masked(text, i, end)) loc.room = num->value;  // not 「*01室」
      i = word + r;
    } else if (const std::size_t h = suffix_at(text, end, vocab_.unit_prefixed_building_suffixes);
               h != 0 && !bare_letter) {
      // 「5号2单元」: 号 alone is a building only when a unit follows (「12月31号」 is a date).
      const auto unit = end + h < text.size() ? read_number(text, end + h) : std::nullopt;
      if (unit && suffix_at(text, unit->end, vocab_.unit_suffixes) != 0 && loc.building.empty()) {
        loc.building = value;
      } else if (loc.building.empty() && value.size() <= 3 && listed_building(text, end + h)) {
        loc.building = value;  // 「111号、105号、99号楼」: the first of the list
      }
      i = end + h;
    } else if ((!letter || next_item_letter(text, end)) && loc.building.empty() &&
               value.size() <= 3 && listed_building(text, end)) {
      loc.building = value;  // 「11/12栋」, 「A、B栋」: the first of the list
      i = end;
    } else {
      // 「我是1402的」, 「住1402」: a bare room number after a room prefix. Else a floor
      // (「住18楼」), a count, a year, a date: not a location.
      if (num->ascii_digits && loc.room.empty() && bare_room(text, i, end)) loc.room = num->value;
      i = end;
    }
    prev_numeric = false;
  }
  return loc;
}

}  // namespace gridbot::rules
