// What a downloaded medium really is, read from its first bytes and never from its name or the
// sender's word: a page of HTML named photo.jpg is refused (docs/media.md "What is kept").
// Hand-written: a dozen fixed signatures; libmagic is not a dependency worth adding for them.
#pragma once

#include "base/model/media.hpp"

#include <string>
#include <string_view>

namespace gridbot::media {

/// The MIME type the bytes' signature names ("image/jpeg", "audio/amr", "application/pdf", …),
/// "text/html" for a page, or "" when none is known.
std::string sniff_mime(std::string_view bytes);

/// Whether a medium of `kind` may be kept as `mime`: photos as JPEG, PNG, GIF or WebP; voice as
/// AMR, SILK, MP3, Ogg, WAV or M4A; files as any of those, PDF, or a ZIP container (Office
/// documents). HTML and unknown types never.
bool allowed(MediaKind kind, std::string_view mime);

}  // namespace gridbot::media
