// Splitting outgoing text to a platform's byte limit before it is queued (docs/design.md "Never
// the same thing twice, never nothing").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gridbot::adapters {

/// Cuts `text` into pieces of at most max_bytes bytes, never inside a UTF-8 character, preferring
/// to cut after a newline, then after Chinese or ASCII punctuation. When more than one piece comes
/// out, each ends with a "(i/n)" marker that fits within the limit. Invalid UTF-8 bytes are
/// replaced by U+FFFD first. max_bytes must be at least 32.
std::vector<std::string> split_text(std::string_view text, size_t max_bytes);

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or stray bytes).
bool valid_utf8(std::string_view text);

/// Replaces invalid UTF-8 sequences with U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace gridbot::adapters
