#include "base/common/mentions.hpp"

namespace gridbot {

std::string_view skip_mention_spaces(std::string_view s) {
  while (!s.empty())
    if (const std::size_t n = mention_space_len(s, 0); n != 0)
      s.remove_prefix(n);
    else
      break;
  return s;
}

std::string_view strip_leading_mentions(std::string_view text) {
  text = skip_mention_spaces(text);
  while (!text.empty() && at_sign_len(text, 0) != 0) {
    size_t end = at_sign_len(text, 0);
    while (end < text.size() && mention_space_len(text, end) == 0) ++end;
    if (end == text.size()) return text;  // "@" with nothing after: keep it as text
    text = skip_mention_spaces(text.substr(end));
  }
  return text;
}

std::string_view strip_leading_mention(std::string_view text, std::string_view name) {
  std::string_view t = skip_mention_spaces(text);
  const size_t at = t.empty() ? 0 : at_sign_len(t, 0);
  if (at == 0) return text;
  size_t end = at;
  if (!name.empty()) {
    if (t.substr(at, name.size()) != name) return text;
    end = at + name.size();
    if (end < t.size() && mention_space_len(t, end) == 0) return text;
  } else {
    while (end < t.size() && mention_space_len(t, end) == 0) ++end;
  }
  return skip_mention_spaces(t.substr(end));
}

std::string mention_text(const std::vector<Mention>& who) {
  std::string out;
  for (const auto& m : who) {
    if (!out.empty()) out += ' ';
    out += '@';
    out += m.name.empty() ? m.id : m.name;
  }
  return out;
}

std::vector<std::string> mention_ids(const std::vector<Mention>& who) {
  std::vector<std::string> ids;
  ids.reserve(who.size());
  for (const auto& m : who) ids.push_back(m.id);
  return ids;
}

}  // namespace gridbot
