// The WeCom 智能机器人 (AI bot) in API mode: encrypted JSON callbacks in, answers through each
// message's one-shot response_url out (docs/adapters/wecom.md "wecom_aibot").
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/wecom/msg_crypt.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gridbot::adapters::wecom {

struct AibotOptions {
  std::string base_url = "https://qyapi.weixin.qq.com";  // response_url must start with it
  std::string bot_name;  // display name; its leading "@name " is stripped from group texts
  std::vector<std::string> other_bots;
  int64_t max_skew_s = 300;
  /// Long-connection mode (docs/adapters/wecom.md "Webhook or long connection"): replies and
  /// proactive sends are frames on the channel's WebSocket (build_send makes
  /// "wecom-ws://<channel>" requests for the transport).
  bool websocket = false;
  std::string channel;  // the configured channel name, for those requests
};

/// The largest markdown content a response_url takes (WC-AIBOT 101138: 20480 bytes).
inline constexpr size_t kAibotMaxTextBytes = 20480;

/// Thread safety: immutable after construction.
class AibotAdapter final : public Adapter {
 public:
  /// Without `crypt` (long connection only) the webhook answers 405.
  AibotAdapter(std::optional<MsgCrypt> crypt, AibotOptions options)
      : crypt_(std::move(crypt)), options_(std::move(options)) {}

  // Adapter
  std::string_view type() const override { return "wecom_aibot"; }
  /// GET: URL verification (reply = the decrypted echostr, no messages). POST: a verified
  /// {"encrypt"} callback; text, image, mixed, voice (its speech-to-text as the text) and file →
  /// one InboundMessage with its media; events, stream polls and video → none. Errors:
  /// bad_signature/stale_timestamp (401), malformed (400), method_not_allowed (405).
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  /// POSTs {"msgtype":"markdown","markdown":{"content":…}} to item.reply_token (the message's
  /// response_url). Fails with errc::bad_request when there is no reply_token, or when it does not
  /// start with base_url (it is a one-shot URL the platform gave us; nothing else is trusted).
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  SendOutcome interpret(const TransportResult& result) const override;
  size_t max_text_bytes() const override { return kAibotMaxTextBytes; }
  /// The download is AES-256-CBC under the message's aeskey, or the channel's key (decrypt_media).
  MediaOutcome interpret_media(const MediaRef& m, TransportResult result) const override;
  bool can_post_unprompted() const override { return options_.websocket; }

  /// The body of an aibot_msg_callback frame (the same message JSON as a decrypted callback) →
  /// at most one message whose reply_token answers it over the connection (kWsReplyPrefix +
  /// req_id). Errors: malformed (400).
  Result<std::vector<InboundMessage>> parse_pushed(std::string_view body, std::string_view req_id,
                                                   int64_t now_ms) const;
  const AibotOptions& options() const { return options_; }

 private:
  Result<ParseResult> parse_callback(const HttpRequest& request, int64_t now_ms) const;
  Result<ParseResult> parse_message(std::string_view json, int64_t now_ms) const;

  Result<HttpRequest> build_frame(const OutboxItem& item) const;

  std::optional<MsgCrypt> crypt_;
  AibotOptions options_;
};

/// Removes a leading "@name" and the space after it (ASCII space, U+2005 or U+00A0, as WeCom
/// clients write mentions). With an empty bot_name, the first @-token is removed.
std::string strip_leading_mention(std::string_view text, std::string_view bot_name);

}  // namespace gridbot::adapters::wecom
