// The Adapter seam: one implementation per platform, pure functions on plain structs (no sockets),
// so adapters compile fast and are tested without a network (docs/design.md "The adapter seam").
#pragma once

#include "base/common/http_types.hpp"
#include "base/model/inbound_message.hpp"
#include "base/model/outbox_item.hpp"

#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace gridbot::config {
struct ChannelConfig;
}

namespace gridbot::adapters {

template <typename T>
using Result = boost::system::result<T, std::error_code>;

/// A verified webhook request.
struct ParseResult {
  /// Messages to commit; may be empty (events that matter to nobody, URL checks).
  std::vector<InboundMessage> messages;
  /// What to answer the platform once the messages are durable.
  HttpResponse reply;
};

enum class Verdict {
  delivered,  // the platform took it
  retry,      // transient: try again after backoff (counts as an attempt)
  throttled,  // the platform said "too fast": wait retry_after_ms, does not count as an attempt
  failed,     // permanent for this message: record and stop
  disabled,   // permanent for the destination (bot removed from the group): stop all its rows
  awaiting,   // the platform took it as a task a person must confirm; detail names the task
};

/// What became of a task a person must confirm (Verdict::awaiting).
enum class Confirmation {
  pending,    // not carried out yet: ask again later
  confirmed,  // carried out: the row counts as delivered at `at_ms`
  failed,     // the platform says it will never be carried out: the row fails with `detail`
  unknown,    // the question itself failed (network, token, errcode): ask again later
};

struct ConfirmationOutcome {
  Confirmation state = Confirmation::unknown;
  int64_t at_ms = 0;
  std::string detail;
};

/// What a media download came back as (docs/media.md).
struct MediaOutcome {
  Verdict verdict = Verdict::retry;  // delivered (bytes hold the medium), retry, throttled, failed
  std::string bytes;
  int64_t retry_after_ms = 0;  // 0: the download job's own backoff
  std::string detail;          // recorded as the medium's last_error
};

/// A stored photo an image row sends (docs/media.md "Media out"), read from the files when the row
/// is sent.
struct OutgoingImage {
  std::string bytes;
  std::string mime;    // read from the bytes (image/jpeg, image/png, image/gif, image/webp)
  std::string sha256;  // hex: the file's name
  /// The platform's id for the bytes once uploaded (a WeCom app chat's media_id), else "".
  std::string platform_id;
};

/// The usual image_refusal: "" when `image` is at most `max_bytes` and (when `jpeg_png_only`)
/// JPEG or PNG, else the reason, naming `platform` ("the group robot") and `limit` ("2 MB").
std::string image_limits(const OutgoingImage& image, size_t max_bytes, bool jpeg_png_only,
                         std::string_view platform, std::string_view limit);

struct SendOutcome {
  Verdict verdict = Verdict::retry;
  int64_t retry_after_ms = 0;  // 0: the outbox's own backoff
  std::string detail;          // recorded as the row's last_error
};

/// Thread safety: const methods are safe from any thread; adapters hold only immutable config.
class Adapter {
 public:
  virtual ~Adapter() = default;

  virtual std::string_view type() const = 0;

  /// Verifies and parses one webhook request at time now_ms. Expected failures come back as
  /// gridbot::errc values (bad_signature, stale_timestamp → 401; malformed → 400;
  /// method_not_allowed → 405). On success the caller must commit `messages` before sending
  /// `reply`.
  virtual Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const = 0;

  /// Builds the request that delivers `item` (url, headers, body, signature). Fails with
  /// errc::bad_request when the item cannot be expressed on this platform.
  virtual Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const = 0;

  /// Classifies the platform's answer to a request made by build_send.
  virtual SendOutcome interpret(const TransportResult& result) const = 0;

  /// The most bytes of text one outgoing message may carry; longer text is split before queueing.
  virtual size_t max_text_bytes() const = 0;

  /// Whether the bot may post into a group unprompted (a relay, a notice). A WeCom AI bot in
  /// webhook mode can only answer the message it was given; the core then skips such groups when
  /// it relays, rather than queueing rows that can only fail.
  virtual bool can_post_unprompted() const { return true; }

  /// Platforms whose sends carry an access token (WeCom app chats): a request that fetches a
  /// fresh token when the cached one is missing or about to expire, or nullopt when sends may go
  /// now. The outbox sends it first (one at a time per channel) and hands the answer back.
  virtual std::optional<HttpRequest> token_request(int64_t /*now_ms*/) const {
    return std::nullopt;
  }
  /// Takes the answer to token_request(); false when no token came back (sends wait and retry).
  virtual bool accept_token(const TransportResult& /*result*/, int64_t /*now_ms*/) const {
    return true;
  }

  /// Media of inbound messages (docs/media.md): the request that fetches `m` (call
  /// token_request first on platforms with access tokens), or errc::bad_request when this
  /// channel cannot fetch it. Default: GET m.url, which must be http:// or https://.
  virtual Result<HttpRequest> media_request(const MediaRef& m, int64_t now_ms) const;
  /// Classifies the answer to media_request(m) and turns its body into the medium's bytes,
  /// decrypted where the platform encrypts them. Default: 2xx → the body as it is; 429
  /// throttled; 5xx, 408 and transport errors retry; any other status failed.
  virtual MediaOutcome interpret_media(const MediaRef& m, TransportResult result) const;

  /// Images (docs/media.md "Media out"). Whether this channel can show a photo in a group at all;
  /// the core queues image rows only for those that can (the others keep the relay's link).
  virtual bool sends_images() const { return false; }
  /// Why `image` cannot go as an image here (over the platform's size limit, a format it does
  /// not take), or "" when it can. The row then fails with this reason: the link stands.
  virtual std::string image_refusal(const OutgoingImage& /*image*/) const {
    return "this platform shows no images";
  }
  /// Platforms that take an image by an id from an upload (WeCom app chats): the upload of
  /// `image`, sent before build_image_send (after token_request), else nullopt.
  virtual std::optional<HttpRequest> image_upload_request(const OutgoingImage& /*image*/,
                                                          int64_t /*now_ms*/) const {
    return std::nullopt;
  }
  /// Reads the upload's answer: delivered with detail = the platform's id for the bytes, or
  /// retry / throttled / failed as for a send.
  virtual SendOutcome interpret_image_upload(const TransportResult& /*result*/) const {
    return {Verdict::failed, 0, "no upload"};
  }
  /// Builds the request that shows `image` in item's group (item.media_id != 0; image.platform_id
  /// set after an upload). interpret() reads its answer.
  /// Default: errc::bad_request.
  virtual Result<HttpRequest> build_image_send(const OutboxItem& item, const OutgoingImage& image,
                                               int64_t now_ms) const;

  /// Platforms that take a message as a task a person confirms (Verdict::awaiting; a WeCom
  /// customer-group send): the request that asks whether the task of `item` (an awaiting row,
  /// its task in last_error) was carried out, or nullopt when there is nothing to ask (no token
  /// yet: call token_request first). The core's confirmation poller sends it.
  virtual std::optional<HttpRequest> confirmation_request(const OutboxItem& /*item*/,
                                                          int64_t /*now_ms*/) const {
    return std::nullopt;
  }
  /// Classifies the answer to confirmation_request(item).
  virtual ConfirmationOutcome interpret_confirmation(const OutboxItem& /*item*/,
                                                     const TransportResult& /*result*/) const {
    return {};
  }
};

/// The explicit adapter table (adapters/registry.cpp): builds the adapter for a configured
/// channel, or returns nullptr with one error line per problem in the channel's options.
std::unique_ptr<Adapter> make_adapter(const config::ChannelConfig& channel,
                                      const std::string& config_file,
                                      std::vector<std::string>* errors);

/// The adapter types the registry knows, for error messages and docs.
std::vector<std::string> adapter_types();

}  // namespace gridbot::adapters
