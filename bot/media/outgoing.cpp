// Media out: an image row's photo, read for the outbox when the row is due.
#include "bot/media/outgoing.hpp"

namespace gridbot::media {

delivery::ImageLookup image_lookup(store::Store& store, const MediaFiles& files, int64_t id) {
  using State = delivery::ImageLookup::State;
  delivery::ImageLookup out;
  std::optional<Media> row;
  try {
    row = store.media(id);
  } catch (const store::ReadError&) {
    out.state = State::pending;  // the store could not answer now: look again later
    return out;
  }
  if (!row) {
    out.why = "no such medium";
    return out;
  }
  switch (row->state) {
    case MediaState::pending:
      out.state = State::pending;
      return out;
    case MediaState::failed:
    case MediaState::expired:
      out.why = std::string("the photo is ") + to_string(row->state) +
                (row->last_error.empty() ? "" : ": " + row->last_error);
      return out;
    case MediaState::stored:
      break;
  }
  auto bytes = files.read(row->sha256);
  if (!bytes) {
    out.why = "the photo's file is gone";
    return out;
  }
  out.state = State::ready;
  out.image.bytes = std::move(*bytes);
  out.image.mime = row->mime;
  out.image.sha256 = row->sha256;
  return out;
}

}  // namespace gridbot::media
