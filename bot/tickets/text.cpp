// Ticket text helpers.
#include "bot/tickets/text.hpp"

namespace gridbot::tickets {
namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::string mask_phones(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // A number starts after a non-digit, or after the country code 86 (+86 or a bare 86).
    const bool after_86 =
        i >= 2 && text.substr(i - 2, 2) == "86" && (i == 2 || !is_digit(text[i - 3]));
    if (text[i] == '1' && (i == 0 || !is_digit(text[i - 1]) || after_86)) {
      // Collect up to 11 digits, allowing one space or dash between groups.
      std::vector<size_t> pos;
      size_t j = i;
      while (j < text.size() && pos.size() < 11) {
        if (is_digit(text[j])) {
          pos.push_back(j++);
        } else if ((text[j] == ' ' || text[j] == '-') && j + 1 < text.size() &&
                   is_digit(text[j + 1]) && (pos.size() == 3 || pos.size() == 7)) {
          ++j;
        } else {
          break;
        }
      }
      const bool whole = pos.size() == 11 && (j >= text.size() || !is_digit(text[j]));
      if (whole) {
        std::string number(text.substr(i, j - i));
        for (size_t k = 3; k < 7; ++k) number[pos[k] - i] = '*';
        out += number;
        i = j;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::string quote_up(std::string_view text, size_t max_chars) {
  std::string masked = mask_phones(text);
  size_t chars = 0;
  for (size_t i = 0; i < masked.size(); ++i) {
    if ((static_cast<unsigned char>(masked[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars++ == max_chars) {
      masked.resize(i);
      return masked + "…";
    }
  }
  return masked;
}

std::string location_text(const knowledge::Templates& tpl, const Ticket& t) {
  std::string s;
  auto numeric = [](const std::string& v) {
    return !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
  };
  // A bare number (or letter) is a building number and gets its word; "5栋", "A座" stay as written.
  if (!t.building.empty())
    s += numeric(t.building) || t.building.size() == 1
             ? tpl.render("location.building", {{"n", t.building}})
             : t.building;
  if (!t.unit.empty()) s += tpl.render("location.unit", {{"n", t.unit}});
  if (!t.room.empty()) s += tpl.render("location.room", {{"n", t.room}});
  return s;
}

}  // namespace gridbot::tickets
