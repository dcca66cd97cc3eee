// GET /media/<name>?exp=…&sig=… (docs/media.md "Links"): a stored medium served to whoever holds a
// signed, unexpired link — heads following a relay, the console. <name> is the file's sha256, or
// a medium's row id (links made before the download ended). No bearer token: the signature is the
// permission, so a link works in a chat app's browser.
#pragma once

#include "base/common/clock.hpp"
#include "base/common/http_types.hpp"
#include "bot/media/files.hpp"
#include "bot/media/signer.hpp"
#include "bot/store/store.hpp"

#include <map>
#include <string>
#include <string_view>

namespace gridbot::api {

/// Thread safety: immutable after construction; handle() is safe from any thread.
class MediaRoute {
 public:
  MediaRoute(store::Store& store, const media::MediaFiles& files, const media::UrlSigner& signer,
             const Clock& clock, int64_t ttl_s, std::string public_url)
      : store_(store),
        files_(files),
        signer_(signer),
        clock_(clock),
        ttl_s_(ttl_s),
        public_url_(std::move(public_url)) {}

  /// `name` is what follows /media/. 403 for a missing, wrong or expired signature; 404 when
  /// the medium is not (or no longer, or not yet) stored; 405 for methods other than GET/HEAD.
  /// A store that cannot answer throws store::ReadError.
  HttpResponse handle(const HttpRequest& request, std::string_view name,
                      const std::map<std::string, std::string>& params) const;
  /// A signed link to `name` good for the configured time: absolute under media.public_url
  /// when it is set, else the path alone.
  std::string link(std::string_view name) const;
  /// The link for a medium: by sha256 once stored, by row id before; "" for failed or expired.
  std::string link(const Media& m) const;
  /// Whether links can be absolute (media.public_url is set): relays only carry those.
  bool has_public_url() const { return !public_url_.empty(); }

 private:
  store::Store& store_;
  const media::MediaFiles& files_;
  const media::UrlSigner& signer_;
  const Clock& clock_;
  int64_t ttl_s_;
  std::string public_url_;
};

}  // namespace gridbot::api
