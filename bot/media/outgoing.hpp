// Media out (docs/media.md "Media out"): what an image row of the outbox finds when it is due — the
// photo still downloading, stored (its bytes read from the files), or gone for good.
#pragma once

#include "bot/delivery/outbox.hpp"
#include "bot/media/files.hpp"
#include "bot/store/store.hpp"

namespace gridbot::media {

/// Reads media row `id` (a read of the store) and, once stored, its file.
/// Thread safety: any thread (the store's reads and the files are).
delivery::ImageLookup image_lookup(store::Store& store, const MediaFiles& files, int64_t id);

}  // namespace gridbot::media
