// A WeCom self-built app (自建应用) callback: the XML envelope (ToUserName, Encrypt, AgentID),
// receive id = the corp id (docs/adapters/wecom.md "wecom_app"). Inbound only for now.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/wecom/msg_crypt.hpp"

#include <string>
#include <vector>

namespace gridbot::adapters::wecom {

struct AppOptions {
  std::string corp_id;   // the decrypted receive id must equal it
  std::string agent_id;  // when set, an envelope for another AgentID is refused (400)
  std::vector<std::string> other_bots;
  int64_t max_skew_s = 300;
};

/// App and appchat text content is at most 2048 bytes (docs/adapters/wecom.md "Limits").
inline constexpr size_t kAppMaxTextBytes = 2048;

/// Thread safety: immutable after construction.
class AppAdapter final : public Adapter {
 public:
  AppAdapter(MsgCrypt crypt, AppOptions options)
      : crypt_(std::move(crypt)), options_(std::move(options)) {}

  // Adapter
  std::string_view type() const override { return "wecom_app"; }
  /// GET: URL verification. POST: text → one InboundMessage (chat_id = the user's id, the app's
  /// conversation being one to one); events (enter_agent, subscribe, unsubscribe, …) and other
  /// message types are acknowledged with no message. Errors: 401 signature/replay, 400 malformed
  /// XML or crypto, 405 other methods.
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  /// Out of scope (message/send needs an access_token): always errc::bad_request.
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  SendOutcome interpret(const TransportResult& result) const override;
  size_t max_text_bytes() const override { return kAppMaxTextBytes; }

 private:
  Result<ParseResult> parse_message(std::string_view xml, int64_t now_ms) const;

  MsgCrypt crypt_;
  AppOptions options_;
};

}  // namespace gridbot::adapters::wecom
