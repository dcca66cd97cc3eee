// Splitting outgoing text to a platform's byte limit before it is queued (docs/design.md "Never
// the same thing twice, never nothing").
#pragma once

#include "base/common/utf8.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gridbot::adapters {

/// Cuts `text` into pieces of at most max_bytes bytes, never inside a UTF-8 character, preferring
/// to cut after a newline, then after Chinese or ASCII punctuation. When more than one piece comes
/// out, each ends with a "(i/n)" marker that fits within the limit. Invalid UTF-8 bytes are
/// replaced by U+FFFD first. max_bytes must be at least 32.
std::vector<std::string> split_text(std::string_view text, size_t max_bytes);

// The UTF-8 checks live in base/common (the log needs them too); adapters name them as before.
using gridbot::sanitize_utf8;
using gridbot::valid_utf8;

}  // namespace gridbot::adapters
