// WeCom app chats (应用群聊, wecom_appchat), outbound only: POST
// {base_url}/cgi-bin/appchat/send?access_token=TOKEN with the chat id as destination; the token
// comes from cgi-bin/gettoken (corp id + the app's secret), cached until shortly before it
// expires and fetched again once on the token errcodes (docs/adapters/wecom.md "wecom_appchat").
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/wecom/access_token.hpp"

#include <string>

namespace gridbot::adapters::wecom {

struct AppchatOptions {
  std::string base_url = "https://qyapi.weixin.qq.com";
  std::string corp_id;
  std::string corp_secret;              // the self-built app's Secret
  int64_t refresh_margin_ms = 300'000;  // fetch a new token this long before expiry
};

inline constexpr size_t kAppchatTextBytes = 2048;
/// The largest image media/upload takes (WeCom: 10 MB, JPG or PNG).
inline constexpr size_t kAppchatImageBytes = 10 * 1024 * 1024;

/// Thread safety: const methods are safe from any thread; the token cache has its own mutex.
class AppchatAdapter final : public Adapter {
 public:
  explicit AppchatAdapter(AppchatOptions options)
      : options_(std::move(options)),
        token_(options_.base_url, options_.corp_id, options_.corp_secret,
               options_.refresh_margin_ms) {}

  // Adapter
  std::string_view type() const override { return "wecom_appchat"; }
  /// App chats have no callback here: always errc::method_not_allowed (405).
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  /// {"chatid", "msgtype":"text", "text":{"content"}, "safe":0} with the cached token; fails with
  /// bad_request when there is no token yet (the outbox fetches one first).
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  /// errcode 0 delivered; 40014/42001/40001 (token invalid or expired) drop the cached token and
  /// retry at once; the rest as the shared WeCom errcode table.
  SendOutcome interpret(const TransportResult& result) const override;
  size_t max_text_bytes() const override { return kAppchatTextBytes; }
  std::optional<HttpRequest> token_request(int64_t now_ms) const override;
  bool accept_token(const TransportResult& result, int64_t now_ms) const override;
  bool sends_images() const override { return true; }
  /// Over kAppchatImageBytes, or neither JPEG nor PNG.
  std::string image_refusal(const OutgoingImage& image) const override;
  /// POST media/upload?access_token=…&type=image, multipart/form-data with one part "media".
  std::optional<HttpRequest> image_upload_request(const OutgoingImage& image,
                                                  int64_t now_ms) const override;
  /// errcode 0 with a media_id: delivered, detail = the media_id; token errcodes as interpret().
  SendOutcome interpret_image_upload(const TransportResult& result) const override;
  /// {"chatid", "msgtype":"image", "image":{"media_id"}, "safe":0}.
  Result<HttpRequest> build_image_send(const OutboxItem& item, const OutgoingImage& image,
                                       int64_t now_ms) const override;

 private:
  Result<HttpRequest> appchat_send(const OutboxItem& item, std::string body) const;
  AppchatOptions options_;
  mutable AccessToken token_;
};

}  // namespace gridbot::adapters::wecom
