// The Adapter seam's media defaults: a download is a plain GET of the URL the platform gave; a
// platform that shows no images builds no image send.
#include "adapters/adapter.hpp"

#include "adapters/bridge/adapter.hpp"
#include "base/common/errors.hpp"

namespace gridbot::adapters {

Result<HttpRequest> Adapter::media_request(const MediaRef& m, int64_t /*now_ms*/) const {
  if (m.url.rfind("https://", 0) != 0 && m.url.rfind("http://", 0) != 0)
    return make_error_code(errc::bad_request);
  HttpRequest req;
  req.method = "GET";
  req.url = m.url;
  return req;
}

MediaOutcome Adapter::interpret_media(const MediaRef& /*m*/, TransportResult r) const {
  if (r.error) {
    // Over the download limit is final: the same bytes come back however often we ask.
    if (r.error == make_error_code(errc::body_too_large))
      return {Verdict::failed, {}, 0, "over the size limit"};
    return {Verdict::retry, {}, 0, "transport: " + r.error.message()};
  }
  const std::string detail = "HTTP " + std::to_string(r.status);
  if (r.status >= 200 && r.status < 300) return {Verdict::delivered, std::move(r.body), 0, {}};
  if (r.status == 429) return {Verdict::throttled, {}, bridge::retry_after_ms(r.headers), detail};
  if (r.status >= 500 || r.status == 408)
    return {Verdict::retry, {}, bridge::retry_after_ms(r.headers), detail};
  return {Verdict::failed, {}, 0, detail};
}

std::string image_limits(const OutgoingImage& image, size_t max_bytes, bool jpeg_png_only,
                         std::string_view platform, std::string_view limit) {
  if (jpeg_png_only && image.mime != "image/jpeg" && image.mime != "image/png")
    return std::string(platform) + " shows JPEG and PNG only, not " + image.mime +
           ": the link stands";
  if (image.bytes.size() > max_bytes)
    return "over " + std::string(platform) + "'s " + std::string(limit) + " image limit (" +
           std::to_string(image.bytes.size()) + " bytes): the link stands";
  return {};
}

Result<HttpRequest> Adapter::build_image_send(const OutboxItem& /*item*/,
                                              const OutgoingImage& /*image*/,
                                              int64_t /*now_ms*/) const {
  return make_error_code(errc::bad_request);
}

}  // namespace gridbot::adapters
