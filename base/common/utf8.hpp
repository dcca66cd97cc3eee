// UTF-8 checks shared by the adapters (outside text) and the log (JSON lines must be UTF-8).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gridbot {

/// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms, no
/// UTF-16 surrogates, nothing beyond U+10FFFF), or 0 when it is invalid. i < s.size().
size_t utf8_sequence_length(std::string_view s, size_t i);

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or stray bytes).
bool valid_utf8(std::string_view text);

/// Replaces invalid UTF-8 sequences with U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace gridbot
