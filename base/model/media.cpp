// Names of media kinds and states, as the API and the store spell them.
#include "base/model/media.hpp"

namespace gridbot {

const char* to_string(MediaKind k) {
  switch (k) {
    case MediaKind::image:
      return "image";
    case MediaKind::voice:
      return "voice";
    case MediaKind::file:
      return "file";
  }
  return "file";
}

std::optional<MediaKind> parse_media_kind(std::string_view s) {
  for (auto k : {MediaKind::image, MediaKind::voice, MediaKind::file})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

const char* to_string(MediaState s) {
  switch (s) {
    case MediaState::pending:
      return "pending";
    case MediaState::stored:
      return "stored";
    case MediaState::failed:
      return "failed";
    case MediaState::expired:
      return "expired";
  }
  return "pending";
}

std::optional<MediaState> parse_media_state(std::string_view s) {
  for (auto st : {MediaState::pending, MediaState::stored, MediaState::failed, MediaState::expired})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

}  // namespace gridbot
