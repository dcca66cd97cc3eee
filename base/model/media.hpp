// A medium a message carried (a photo, a voice message, a file): what the platform said of it when
// the message came in, and what became of it once the download job fetched it (docs/media.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridbot {

/// What a resident sent. Written "image", "voice", "file" at the edges.
enum class MediaKind { image, voice, file };

const char* to_string(MediaKind k);
std::optional<MediaKind> parse_media_kind(std::string_view s);

/// pending: waiting for the download job; stored: on disk under its sha256; failed: will never
/// be fetched (last_error says why); expired: past media.retention_days, its file deleted.
enum class MediaState { pending, stored, failed, expired };

const char* to_string(MediaState s);
std::optional<MediaState> parse_media_state(std::string_view s);

/// Where a medium comes from, as its adapter parsed it. Exactly one source is set: a platform URL,
/// a platform media id (fetched with the channel's access token) or the bytes themselves.
struct MediaRef {
  MediaKind kind = MediaKind::image;
  std::string mime;           // as declared by the sender; the stored type is read from the bytes
  int64_t declared_size = 0;  // bytes, as declared; 0 when unknown
  std::string name;           // a file's name, shown to heads only
  std::string url;
  std::string media_id;
  std::string data;     // inline bytes (decoded from the bridge's base64)
  std::string aes_key;  // a per-message key (WeCom AI bot on the long connection), Base64
};

/// A medium as the store holds it.
struct Media {
  int64_t id = 0;
  int64_t inbox_id = 0;  // the message that carried it
  std::string channel, chat_id, msg_id, sender_id;
  int64_t ticket_no = 0;  // the ticket it is attached to, 0 when none (yet)
  MediaRef ref;
  MediaState state = MediaState::pending;
  int attempts = 0;
  int64_t next_try_ms = 0;
  std::string sha256;  // hex, set once stored: the file's name
  std::string mime;    // read from the bytes once stored
  int64_t size = 0;    // bytes stored
  std::string last_error;
  int64_t created_ms = 0;
  int64_t stored_ms = 0;
};

}  // namespace gridbot
