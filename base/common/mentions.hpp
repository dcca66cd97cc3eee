// @-mentions as platforms write them into text: "@name" followed by a space. What counts as that
// space is defined here once (WeChat puts U+2005 after a name, WeCom U+2005 or U+00A0, people type
// ASCII or ideographic spaces), for the command parser, the adapters and the classifier alike.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot {

/// Byte length of the mention-ending space at s[i] (ASCII space, tab, CR, LF, U+00A0, U+2005,
/// U+2006, U+3000), or 0.
inline std::size_t mention_space_len(std::string_view s, std::size_t i) {
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
  if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') return 2;
  if (i + 2 >= s.size()) return 0;
  if (c == '\xE2' && s[i + 1] == '\x80' && (s[i + 2] == '\x85' || s[i + 2] == '\x86')) return 3;
  if (c == '\xE3' && s[i + 1] == '\x80' && s[i + 2] == '\x80') return 3;
  return 0;
}

/// Byte length of the @ sign at s[i] ('@' or the full-width U+FF20), or 0.
inline std::size_t at_sign_len(std::string_view s, std::size_t i) {
  if (s[i] == '@') return 1;
  return s.substr(i, 3) == "\xEF\xBC\xA0" ? 3 : 0;
}

/// `s` without the mention spaces at its start.
std::string_view skip_mention_spaces(std::string_view s);

/// The text after every leading "@name " (and the spaces around them). An "@" with no space after
/// its name is the text itself, and is kept.
std::string_view strip_leading_mentions(std::string_view text);

/// The text after one leading "@name " — exactly "@<name> " when `name` is given, else any — or
/// the text unchanged when it does not start so. A text that is only the mention becomes "".
std::string_view strip_leading_mention(std::string_view text, std::string_view name);

/// Someone a message @-mentions: the platform id it is sent with and the name it shows.
struct Mention {
  std::string id;
  std::string name;  // empty: shown by id
};

/// "@name @name" as shown in the text (a name, else the id), one ASCII space between.
std::string mention_text(const std::vector<Mention>& who);
/// The ids of `who`, in order, for the platform's mention list.
std::vector<std::string> mention_ids(const std::vector<Mention>& who);

}  // namespace gridbot
