// Serving media files behind signed links.
#include "bot/api/media_route.hpp"

#include "base/common/errors.hpp"
#include "base/common/strict_int.hpp"
#include "bot/media/sniff.hpp"

namespace gridbot::api {

std::string MediaRoute::link(std::string_view name) const {
  return public_url_ + signer_.path(name, clock_.now_ms() / 1000, ttl_s_);
}

std::string MediaRoute::link(const Media& m) const {
  if (m.state == MediaState::stored) return link(m.sha256);
  if (m.state == MediaState::pending) return link(std::to_string(m.id));
  return {};
}

HttpResponse MediaRoute::handle(const HttpRequest& req, std::string_view name,
                                const std::map<std::string, std::string>& params) const {
  if (req.method != "GET" && req.method != "HEAD")
    return error_response(make_error_code(errc::method_not_allowed));
  const auto param = [&params](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  // The signature before anything about the medium: an unsigned probe learns nothing.
  if (!signer_.verify(name, param("exp"), param("sig"), clock_.now_ms() / 1000))
    return error_response(make_error_code(errc::forbidden), "a valid, unexpired signed link");
  std::string sha;
  if (media::MediaFiles::is_sha256(name)) {
    if (store_.media_stored_as(std::string(name))) sha = name;
  } else if (auto id = parse_int<int64_t>(name, 1)) {
    if (auto m = store_.media(*id); m && m->state == MediaState::stored) sha = m->sha256;
  }
  auto bytes = sha.empty() ? std::nullopt : files_.read(sha);
  if (!bytes) return error_response(make_error_code(errc::not_found), "medium");
  const std::string mime = media::sniff_mime(*bytes);
  HttpResponse r;
  r.status = 200;
  const bool inline_ok = mime.rfind("image/", 0) == 0 || mime.rfind("audio/", 0) == 0;
  r.headers = {{"Content-Type", mime.empty() ? "application/octet-stream" : mime},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy", "default-src 'none'; sandbox"},
               {"Cache-Control", "private, max-age=3600"},
               {"Content-Disposition", inline_ok ? "inline" : "attachment"}};
  if (req.method == "GET") r.body = std::move(*bytes);
  return r;
}

}  // namespace gridbot::api
