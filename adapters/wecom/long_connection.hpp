// The AI bot's long connection (WebSocket API mode, docs/adapters/wecom.md "Webhook or long
// connection"): the JSON frames {"cmd", "headers": {"req_id"}, "body"} and the acknowledgements
// {"headers", "errcode", "errmsg"}.
// Plain functions on strings; the socket lives in bot/http/websocket_client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridbot::adapters::wecom {

/// The platform's endpoint (WC-AIBOT 101463); config `ws_url` overrides it (tests).
inline constexpr std::string_view kLongConnectionUrl = "wss://openws.work.weixin.qq.com";
/// The platform wants a ping every 30 s (101463, 保持心跳).
inline constexpr int64_t kHeartbeatMs = 30'000;
/// Prefix of InboundMessage::reply_token for a message pushed over the connection: the reply
/// goes back as aibot_respond_msg with the callback's req_id.
inline constexpr std::string_view kWsReplyPrefix = "wsreq:";
/// URL scheme of the HttpRequests build_send makes for the connection ("wecom-ws://<channel>");
/// the transport hands them to the channel's connection instead of the HTTP client.
inline constexpr std::string_view kWsUrlScheme = "wecom-ws://";
/// The request header carrying the frame's req_id, which its acknowledgement echoes.
inline constexpr std::string_view kWsReqIdHeader = "X-Wecom-Req-Id";

struct LongConnFrame {
  std::string cmd;     // "" for an acknowledgement
  std::string req_id;  // headers.req_id
  bool has_errcode = false;
  int64_t errcode = 0;
  std::string errmsg;
  std::string body;        // the body object re-serialised ("" when absent)
  std::string event_type;  // body.event.eventtype of aibot_event_callback
};

/// Parses one text frame; nullopt when it is not a JSON object with headers.req_id.
std::optional<LongConnFrame> parse_long_conn_frame(std::string_view text);
/// {"cmd":"aibot_subscribe","headers":{"req_id"},"body":{"bot_id","secret"}}
std::string subscribe_frame(std::string_view bot_id, std::string_view secret,
                            std::string_view req_id);
/// {"cmd":"ping","headers":{"req_id"}}
std::string ping_frame(std::string_view req_id);

}  // namespace gridbot::adapters::wecom
