// Magic-byte signatures of the types gridbot keeps.
#include "bot/media/sniff.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace gridbot::media {
namespace {

bool starts(std::string_view b, std::string_view sig, size_t at = 0) {
  return b.size() >= at + sig.size() && b.substr(at, sig.size()) == sig;
}

// An HTML page (an error page, a captive portal, a login form) after optional whitespace or a BOM.
bool looks_like_html(std::string_view b) {
  if (starts(b, "\xEF\xBB\xBF")) b.remove_prefix(3);
  while (!b.empty() && std::isspace(static_cast<unsigned char>(b.front()))) b.remove_prefix(1);
  std::string head(b.substr(0, 16));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return starts(head, "<!doctype html") || starts(head, "<html") || starts(head, "<head") ||
         starts(head, "<body") || starts(head, "<script") || starts(head, "<?xml") ||
         starts(head, "<svg");
}

}  // namespace

std::string sniff_mime(std::string_view b) {
  if (starts(b, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts(b, "\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts(b, "GIF87a") || starts(b, "GIF89a")) return "image/gif";
  if (starts(b, "RIFF") && starts(b, "WEBP", 8)) return "image/webp";
  if (starts(b, "RIFF") && starts(b, "WAVE", 8)) return "audio/wav";
  if (starts(b, "#!AMR\n")) return "audio/amr";
  // WeChat's voice notes are SILK v3, often with a leading 0x02 byte.
  if (starts(b, "#!SILK_V3") || starts(b, "\x02#!SILK_V3")) return "audio/silk";
  if (starts(b, "ID3")) return "audio/mpeg";
  // An MPEG audio frame without an ID3 tag: 11 sync bits, then a layer that is not "reserved".
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFF &&
      (static_cast<unsigned char>(b[1]) & 0xE0) == 0xE0 &&
      (static_cast<unsigned char>(b[1]) & 0x06) != 0)
    return "audio/mpeg";
  if (starts(b, "OggS")) return "audio/ogg";
  if (starts(b, "ftypM4A", 4)) return "audio/mp4";
  if (starts(b, "ftyp", 4)) return "video/mp4";
  if (starts(b, "%PDF-")) return "application/pdf";
  if (starts(b, std::string_view("PK\x03\x04", 4))) return "application/zip";
  if (looks_like_html(b)) return "text/html";
  return {};
}

bool allowed(MediaKind kind, std::string_view mime) {
  static constexpr std::array<std::string_view, 4> kImages{"image/jpeg", "image/png", "image/gif",
                                                           "image/webp"};
  static constexpr std::array<std::string_view, 6> kAudio{"audio/amr", "audio/silk", "audio/mpeg",
                                                          "audio/ogg", "audio/wav",  "audio/mp4"};
  static constexpr std::array<std::string_view, 3> kFiles{"application/pdf", "application/zip",
                                                          "video/mp4"};
  const auto in = [mime](const auto& set) {
    return std::find(set.begin(), set.end(), mime) != set.end();
  };
  switch (kind) {
    case MediaKind::image:
      return in(kImages);
    case MediaKind::voice:
      return in(kAudio);
    case MediaKind::file:
      return in(kImages) || in(kAudio) || in(kFiles);
  }
  return false;
}

}  // namespace gridbot::media
