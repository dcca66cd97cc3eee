// The one reader of JSON that comes from outside (bridge bodies, WeCom AI-bot callbacks and
// frames, incident API submissions). RapidJSON parses; this adds what it lets through: a string
// whose escapes decode to invalid UTF-8 (an unpaired surrogate such as \udc00), U+0000 inside a
// string, a key given twice in one object, nesting deeper than 64 (what reads the document later
// recurses). A UTF-8 byte-order mark before the value is skipped.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

namespace gridbot::adapters {

/// Parses `body` strictly into `doc`. False (and `doc` unusable) on any error above, on bad JSON,
/// or on trailing bytes after the value.
bool parse_json_strict(std::string_view body, rapidjson::Document& doc);

/// A platform id (message, room, user): 1–256 bytes of UTF-8 without control characters (C0,
/// DEL, C1). Ids become stored keys, idempotency keys and outbound header values.
bool is_valid_id(std::string_view id);

/// A URL the media download job may fetch (docs/media.md): http:// or https://, at most 4096
/// bytes, no space or control character (it becomes a request line).
bool is_fetchable_url(std::string_view url);

}  // namespace gridbot::adapters
