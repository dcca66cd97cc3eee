// The WeCom group robot (群机器人), outbound only: POST {base_url}/cgi-bin/webhook/send?key=KEY
// where each destination chat_id IS the robot's key (docs/adapters/wecom.md "wecom_robot").
#pragma once

#include "adapters/adapter.hpp"

#include <string>

namespace gridbot::adapters::wecom {

enum class RobotMode { text, markdown };

struct RobotOptions {
  std::string base_url = "https://qyapi.weixin.qq.com";
  RobotMode mode = RobotMode::text;
};

inline constexpr size_t kRobotTextBytes = 2048;      // text.content
inline constexpr size_t kRobotMarkdownBytes = 4096;  // markdown.content
/// Bytes kept free in markdown mode for the "<@userid>" mention tags appended to the content.
inline constexpr size_t kRobotMentionReserve = 256;

/// The largest image a robot sends, before Base64 (WeCom: 2 MB, JPG or PNG).
inline constexpr size_t kRobotImageBytes = 2 * 1024 * 1024;

/// True for what WeCom's mentioned_mobile_list takes rather than a userid: 11 digits starting with
/// 1 (a mainland mobile), or '+' and 8–15 digits.
bool looks_like_mobile(std::string_view mention);

/// Thread safety: immutable after construction.
class RobotAdapter final : public Adapter {
 public:
  explicit RobotAdapter(RobotOptions options) : options_(std::move(options)) {}

  // Adapter
  std::string_view type() const override { return "wecom_robot"; }
  /// A robot has no callback: always errc::method_not_allowed (405).
  Result<ParseResult> parse(const HttpRequest& request, int64_t now_ms) const override;
  /// text mode: {"msgtype":"text","text":{"content","mentioned_list","mentioned_mobile_list"}};
  /// markdown mode: {"msgtype":"markdown","markdown":{"content": text + " <@id>"…}} (mobiles
  /// cannot be mentioned in markdown and are dropped). Fails with bad_request on an empty key.
  Result<HttpRequest> build_send(const OutboxItem& item, int64_t now_ms) const override;
  /// The errcode table of errcode.hpp, with 93000 disabling the destination.
  SendOutcome interpret(const TransportResult& result) const override;
  /// 2048 in text mode; 4096 − 256 in markdown mode (room for the mention tags).
  size_t max_text_bytes() const override;
  bool sends_images() const override { return true; }
  /// Over kRobotImageBytes, or neither JPEG nor PNG.
  std::string image_refusal(const OutgoingImage& image) const override;
  /// {"msgtype":"image","image":{"base64": the bytes in Base64, "md5": hex MD5 of the bytes}}.
  Result<HttpRequest> build_image_send(const OutboxItem& item, const OutgoingImage& image,
                                       int64_t now_ms) const override;

 private:
  HttpRequest webhook_post(const OutboxItem& item, std::string body) const;
  RobotOptions options_;
};

}  // namespace gridbot::adapters::wecom
