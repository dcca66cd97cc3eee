// The bridge adapter: generic signed JSON for personal-WeChat bridges such as a Wechaty bot
// (docs/adapters/bridge.md).
#pragma once

#include "adapters/adapter.hpp"

namespace gridbot::adapters::bridge {

struct Options {
  std::string secret;        // HMAC-SHA256 key, shared with the bridge
  std::string outbound_url;  // where replies are POSTed
  std::string bot_id;        // the bot's own talker id on the bridge
  std::vector<std::string> other_bots;
  int64_t max_skew_s = 300;
  size_t max_text_bytes = 4096;
};

/// The largest image sent to a bridge in a body's `media` list (the bytes inline, in Base64).
inline constexpr size_t kBridgeImageBytes = 10 * 1024 * 1024;

/// Signs as the protocol says: "sha256=" + hex(HMAC-SHA256(secret, timestamp + "\n" + body)).
std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body);

/// The text without its "@name" for each mention (and the space after it), for a bridge that
/// renders mentions itself (Wechaty's room.say(text, ...contacts) puts "@name " in front).
std::string without_mentions(const OutboxItem& item);

/// Checks a request signed that way (X-Gridbot-Timestamp, X-Gridbot-Signature): the signature
/// first, in constant time, then the timestamp within max_skew_s of now_s. The one check for
/// the bridge's hooks and the incident API alike.
std::error_code verify_signed(const HttpRequest& request, std::string_view secret, int64_t now_s,
                              int64_t max_skew_s);

/// Thread safety: immutable after construction.
class BridgeAdapter final : public Adapter {
 public:
  explicit BridgeAdapter(Options options) : options_(std::move(options)) {}

  // Adapter
  std::string_view type() const override { return "bridge"; }
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  SendOutcome interpret(const TransportResult& result) const override;
  size_t max_text_bytes() const override { return options_.max_text_bytes; }
  bool sends_images() const override { return true; }
  /// Over kBridgeImageBytes.
  std::string image_refusal(const OutgoingImage& image) const override;
  /// The send body with "text": "" and "media": [{"type":"image","mime","size","sha256","data"}]
  /// (docs/adapters/bridge.md "Media out").
  Result<HttpRequest> build_image_send(const OutboxItem& item, const OutgoingImage& image,
                                       int64_t now_ms) const override;

 private:
  HttpRequest signed_post(const OutboxItem& item, std::string body, int64_t now_ms) const;
  Options options_;
};

/// Parses a Retry-After header given in seconds; returns 0 when absent or not a number.
int64_t retry_after_ms(const Headers& headers);

}  // namespace gridbot::adapters::bridge
