// A WeCom self-built app (自建应用) callback: the XML envelope (ToUserName, Encrypt, AgentID),
// receive id = the corp id (docs/adapters/wecom.md "wecom_app"). Inbound only for now.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/wecom/access_token.hpp"
#include "adapters/wecom/msg_crypt.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gridbot::adapters::wecom {

struct AppOptions {
  std::string corp_id;   // the decrypted receive id must equal it
  std::string agent_id;  // when set, an envelope for another AgentID is refused (400)
  std::vector<std::string> other_bots;
  int64_t max_skew_s = 300;
  /// The app's Secret: with it, photos and voice messages are downloaded by MediaId through
  /// cgi-bin/media/get with an access token; without it only a photo's PicUrl can be fetched.
  std::string secret;
  std::string base_url = "https://qyapi.weixin.qq.com";
};

/// App and appchat text content is at most 2048 bytes (docs/adapters/wecom.md "Limits").
inline constexpr size_t kAppMaxTextBytes = 2048;

/// Thread safety: immutable after construction.
class AppAdapter final : public Adapter {
 public:
  AppAdapter(MsgCrypt crypt, AppOptions options)
      : crypt_(std::move(crypt)), options_(std::move(options)) {
    if (!options_.secret.empty())
      token_ = std::make_unique<AccessToken>(options_.base_url, options_.corp_id, options_.secret);
  }

  // Adapter
  std::string_view type() const override { return "wecom_app"; }
  /// GET: URL verification. POST: text, image and voice → one InboundMessage (chat_id = the user's
  /// id, the app's conversation being one to one); events (enter_agent, subscribe, unsubscribe, …)
  /// and other message types are acknowledged with no message. Errors: 401 signature/replay, 400
  /// malformed XML or crypto, 405 other methods.
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  /// Out of scope (message/send needs an access_token): always errc::bad_request.
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  SendOutcome interpret(const TransportResult& result) const override;
  size_t max_text_bytes() const override { return kAppMaxTextBytes; }
  /// With a secret: the gettoken request when no token is cached (media downloads need one).
  std::optional<HttpRequest> token_request(int64_t now_ms) const override;
  bool accept_token(const TransportResult& result, int64_t now_ms) const override;
  /// GET {base_url}/cgi-bin/media/get?access_token=…&media_id=… when the app has a secret (and a
  /// token: call token_request first), else the photo's PicUrl; bad_request when neither works.
  Result<HttpRequest> media_request(const MediaRef& m, int64_t now_ms) const override;
  /// media/get answers errors as JSON {"errcode"}: a token errcode drops the token and retries,
  /// -1 retries, 45009 throttles, any other fails; anything else is the medium's bytes.
  MediaOutcome interpret_media(const MediaRef& m, TransportResult result) const override;

 private:
  Result<ParseResult> parse_message(std::string_view xml, int64_t now_ms) const;

  MsgCrypt crypt_;
  AppOptions options_;
  std::unique_ptr<AccessToken> token_;  // only with a secret
};

}  // namespace gridbot::adapters::wecom
