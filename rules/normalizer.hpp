// Text normalisation applied to messages and to rule keywords alike, so both meet in one form.
#pragma once

#include <string>
#include <string_view>

namespace gridbot::rules {

/// Rewrites `in` into `out` (cleared first):
///  - full-width ASCII forms (U+FF01..U+FF5E: ０-９, Ａ-Ｚ, ！, ？, －, ：…) become ASCII, and the
///    ideographic space U+3000 and WeChat's mention space U+2005 become ' ';
///  - ASCII letters are lower-cased;
///  - @mentions ("@网格助手 ", "@所有人 ") are removed up to and including the space that ends
///    them; an '@' with no space within 32 bytes is kept as text.
/// The output never grows past the input size. Invalid UTF-8 is copied through unchanged.
void normalize(std::string_view in, std::string& out);

/// Convenience form of normalize() returning a new string.
std::string normalized(std::string_view in);

}  // namespace gridbot::rules
