// Group-robot sends: the webhook URL from the destination's key, the text or markdown body.
#include "adapters/wecom/robot_adapter.hpp"

#include "adapters/common/crypto.hpp"
#include "adapters/wecom/errcode.hpp"
#include "adapters/wecom/msg_crypt.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

#include <vector>

namespace gridbot::adapters::wecom {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

// The key is a UUID in practice; anything else is escaped so it cannot add query parameters.
std::string url_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

bool looks_like_mobile(std::string_view m) {
  if (m.size() == 11 && m[0] == '1' && all_digits(m)) return true;
  return m.size() >= 9 && m.size() <= 16 && m[0] == '+' && all_digits(m.substr(1));
}

Result<ParseResult> RobotAdapter::parse(const HttpRequest& /*request*/, int64_t /*now_ms*/) const {
  return gridbot::make_error_code(errc::method_not_allowed);
}

HttpRequest RobotAdapter::webhook_post(const OutboxItem& item, std::string body) const {
  HttpRequest req;
  req.method = "POST";
  req.url = options_.base_url + "/cgi-bin/webhook/send?key=" + url_escape(item.chat_id);
  req.body = std::move(body);
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  return req;
}

std::string RobotAdapter::image_refusal(const OutgoingImage& image) const {
  return image_limits(image, kRobotImageBytes, true, "a group robot", "2 MB");
}

Result<HttpRequest> RobotAdapter::build_image_send(const OutboxItem& item,
                                                   const OutgoingImage& image,
                                                   int64_t /*now_ms*/) const {
  if (item.chat_id.empty() || !image_refusal(image).empty())
    return gridbot::make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  w.key("msgtype").value("image");
  w.key("image").begin_object();
  w.key("base64").value(base64_encode(image.bytes));
  w.key("md5").value(to_hex(md5(image.bytes)));
  w.end_object();
  w.end_object();
  return webhook_post(item, w.take());
}

Result<HttpRequest> RobotAdapter::build_send(const OutboxItem& item, int64_t /*now_ms*/) const {
  if (item.chat_id.empty()) return gridbot::make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  if (options_.mode == RobotMode::text) {
    w.key("msgtype").value("text");
    w.key("text").begin_object().key("content").value(item.text);
    std::vector<std::string_view> users, mobiles;
    for (const auto& m : item.mentions) (looks_like_mobile(m) ? mobiles : users).push_back(m);
    if (!users.empty()) {
      w.key("mentioned_list").begin_array();
      for (auto u : users) w.value(u);
      w.end_array();
    }
    if (!mobiles.empty()) {
      w.key("mentioned_mobile_list").begin_array();
      for (auto u : mobiles) w.value(u);
      w.end_array();
    }
    w.end_object();
  } else {
    std::string content = item.text;
    for (const auto& m : item.mentions) {
      if (looks_like_mobile(m)) continue;  // markdown mentions take userids only
      std::string tag = " <@" + m + ">";
      if (content.size() + tag.size() > kRobotMarkdownBytes) break;
      content += tag;
    }
    w.key("msgtype").value("markdown");
    w.key("markdown").begin_object().key("content").value(content).end_object();
  }
  w.end_object();
  return webhook_post(item, w.take());
}

SendOutcome RobotAdapter::interpret(const TransportResult& result) const {
  return interpret_send_answer(result, SendTarget::robot_webhook);
}

size_t RobotAdapter::max_text_bytes() const {
  return options_.mode == RobotMode::text ? kRobotTextBytes
                                          : kRobotMarkdownBytes - kRobotMentionReserve;
}

}  // namespace gridbot::adapters::wecom
