// Bridge protocol: verify timestamp and HMAC, parse the room message, sign outbound sends.
#include "adapters/bridge/adapter.hpp"

#include "base/common/mentions.hpp"
#include "base/common/strict_int.hpp"

#include "adapters/common/crypto.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/text.hpp"
#include "adapters/wecom/msg_crypt.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

namespace gridbot::adapters::bridge {
namespace {

using rapidjson::Value;

// Accepts a JSON string, or a number (some bridges send numeric ids).
bool read_id(const Value& obj, const char* key, std::string& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return false;
  if (it->value.IsString())
    out.assign(it->value.GetString(), it->value.GetStringLength());
  else if (it->value.IsInt64())
    out = std::to_string(it->value.GetInt64());
  else if (it->value.IsUint64())
    out = std::to_string(it->value.GetUint64());
  else
    return false;
  return is_valid_id(out);
}

std::string read_str(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

// The largest media list one message may carry: WeChat posts at most nine photos at once.
constexpr size_t kMaxMedia = 9;

// One item of the `media` list (docs/adapters/bridge.md "Media"); false when malformed.
bool read_media(const Value& v, MediaRef& out) {
  if (!v.IsObject()) return false;
  auto type = v.FindMember("type");
  if (type == v.MemberEnd() || !type->value.IsString()) return false;
  auto kind = parse_media_kind({type->value.GetString(), type->value.GetStringLength()});
  if (!kind) return false;
  out.kind = *kind;
  const bool has_url = v.HasMember("url"), has_data = v.HasMember("data");
  if (has_url == has_data) return false;  // exactly one source
  if (has_url) {
    if (!v["url"].IsString()) return false;
    out.url.assign(v["url"].GetString(), v["url"].GetStringLength());
    if (!is_fetchable_url(out.url)) return false;
  } else {
    if (!v["data"].IsString()) return false;
    auto bytes = wecom::base64_decode({v["data"].GetString(), v["data"].GetStringLength()});
    if (!bytes) return false;
    out.data = std::move(*bytes);
  }
  if (auto mime = v.FindMember("mime"); mime != v.MemberEnd()) {
    if (!mime->value.IsString() || mime->value.GetStringLength() > 100) return false;
    out.mime.assign(mime->value.GetString(), mime->value.GetStringLength());
    if (!is_valid_id(out.mime)) return false;
  }
  if (auto size = v.FindMember("size"); size != v.MemberEnd()) {
    if (!size->value.IsInt64() || size->value.GetInt64() < 0) return false;
    out.declared_size = size->value.GetInt64();
  }
  if (auto name = v.FindMember("name"); name != v.MemberEnd()) {
    if (!name->value.IsString() || name->value.GetStringLength() > 256) return false;
    out.name = sanitize_utf8({name->value.GetString(), name->value.GetStringLength()});
  }
  return true;
}

}  // namespace

std::string sign(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string data(timestamp);
  data.push_back('\n');
  data.append(body);
  return "sha256=" + to_hex(hmac_sha256(secret, data));
}

std::error_code verify_signed(const HttpRequest& req, std::string_view secret, int64_t now_s,
                              int64_t max_skew_s) {
  const auto ts_text = header_value(req.headers, "X-Gridbot-Timestamp");
  const auto sig = header_value(req.headers, "X-Gridbot-Signature");
  const auto ts = parse_int(ts_text);
  if (sig.empty() || !ts) return make_error_code(errc::bad_signature);
  // Signature before freshness: an attacker learns nothing about the clock from unsigned probes.
  if (!constant_time_equal(sign(secret, ts_text, req.body), sig))
    return make_error_code(errc::bad_signature);
  if (*ts < now_s - max_skew_s || *ts > now_s + max_skew_s)
    return make_error_code(errc::stale_timestamp);
  return {};
}

std::string without_mentions(const OutboxItem& item) {
  std::string text = item.text;
  for (size_t i = 0; i < item.mentions.size(); ++i) {
    const std::string& name = i < item.mention_names.size() && !item.mention_names[i].empty()
                                  ? item.mention_names[i]
                                  : item.mentions[i];
    const std::string token = "@" + name;
    // The whole token only: "@张" must not cut into "@张大爷".
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + 1)) {
      const size_t end = at + token.size();
      if (end < text.size() && mention_space_len(text, end) == 0) continue;
      text.erase(at, end < text.size() ? end + mention_space_len(text, end) - at : end - at);
      break;
    }
  }
  return std::string(skip_mention_spaces(text));
}

Result<ParseResult> BridgeAdapter::parse(const HttpRequest& req, int64_t now_ms) const {
  if (req.method != "POST") return make_error_code(errc::method_not_allowed);
  if (auto ec = verify_signed(req, options_.secret, now_ms / 1000, options_.max_skew_s)) return ec;

  rapidjson::Document doc;
  if (!parse_json_strict(req.body, doc) || !doc.IsObject()) return make_error_code(errc::malformed);
  InboundMessage m;
  m.channel = "";  // set by the pipeline, which knows the channel name
  if (!read_id(doc, "id", m.msg_id)) return make_error_code(errc::malformed);
  auto room = doc.FindMember("room");
  if (room == doc.MemberEnd() || !room->value.IsObject() || !read_id(room->value, "id", m.chat_id))
    return make_error_code(errc::malformed);
  m.chat_name = read_str(room->value, "topic");
  auto talker = doc.FindMember("talker");
  if (talker == doc.MemberEnd() || !talker->value.IsObject() ||
      !read_id(talker->value, "id", m.sender_id))
    return make_error_code(errc::malformed);
  m.sender_name = read_str(talker->value, "name");
  auto text = doc.FindMember("text");
  if (text == doc.MemberEnd() || !text->value.IsString()) return make_error_code(errc::malformed);
  m.text = sanitize_utf8({text->value.GetString(), text->value.GetStringLength()});
  if (auto men = doc.FindMember("mentions"); men != doc.MemberEnd()) {
    if (!men->value.IsArray()) return make_error_code(errc::malformed);
    for (const auto& v : men->value.GetArray()) {
      if (!v.IsString() || !is_valid_id({v.GetString(), v.GetStringLength()}))
        return make_error_code(errc::malformed);
      m.mentions.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  if (auto media = doc.FindMember("media"); media != doc.MemberEnd()) {
    if (!media->value.IsArray() || media->value.Size() > kMaxMedia)
      return make_error_code(errc::malformed);
    for (const auto& v : media->value.GetArray()) {
      MediaRef ref;
      if (!read_media(v, ref)) return make_error_code(errc::malformed);
      m.media.push_back(std::move(ref));
    }
  }
  if (auto t = doc.FindMember("timestamp"); t != doc.MemberEnd()) {
    // Unix seconds, a whole number from 0 to year 9999: 1e300 or -5 is malformed, never cast.
    constexpr double kMax = 253402300799.0;
    if (!t->value.IsNumber() || t->value.GetDouble() < 0 || t->value.GetDouble() > kMax)
      return make_error_code(errc::malformed);
    m.sent_at_s = static_cast<int64_t>(t->value.GetDouble());
  }
  const bool self_flag = doc.HasMember("self") && doc["self"].IsBool() && doc["self"].GetBool();
  m.from_bot = self_flag || (!options_.bot_id.empty() && m.sender_id == options_.bot_id) ||
               std::find(options_.other_bots.begin(), options_.other_bots.end(), m.sender_id) !=
                   options_.other_bots.end();
  m.mentions_bot = !options_.bot_id.empty() && std::find(m.mentions.begin(), m.mentions.end(),
                                                         options_.bot_id) != m.mentions.end();
  m.received_at_ms = now_ms;

  ParseResult out;
  out.messages.push_back(std::move(m));
  out.reply = json_response(200, R"({"ok":true})");
  return out;
}

Result<HttpRequest> BridgeAdapter::build_send(const OutboxItem& item, int64_t now_ms) const {
  JsonWriter w;
  w.begin_object();
  w.key("id").value(item.idempotency_key);
  w.key("room").value(item.chat_id);
  w.key("text").value(item.text);
  w.key("mentions").begin_array();
  for (const auto& m : item.mentions) w.value(m);
  w.end_array();
  if (!item.mentions.empty()) w.key("plain_text").value(without_mentions(item));
  w.end_object();
  return signed_post(item, w.take(), now_ms);
}

std::string BridgeAdapter::image_refusal(const OutgoingImage& image) const {
  return image_limits(image, kBridgeImageBytes, false, "the bridge", "10 MB");
}

Result<HttpRequest> BridgeAdapter::build_image_send(const OutboxItem& item,
                                                    const OutgoingImage& image,
                                                    int64_t now_ms) const {
  if (!image_refusal(image).empty()) return make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  w.key("id").value(item.idempotency_key);
  w.key("room").value(item.chat_id);
  w.key("text").value("");
  w.key("mentions").begin_array().end_array();
  w.key("media").begin_array().begin_object();
  w.key("type").value("image");
  w.key("mime").value(image.mime);
  w.key("size").value(static_cast<int64_t>(image.bytes.size()));
  w.key("sha256").value(image.sha256);
  w.key("data").value(wecom::base64_encode(image.bytes));
  w.end_object().end_array();
  w.end_object();
  return signed_post(item, w.take(), now_ms);
}

HttpRequest BridgeAdapter::signed_post(const OutboxItem& item, std::string body,
                                       int64_t now_ms) const {
  HttpRequest req;
  req.method = "POST";
  req.url = options_.outbound_url;
  req.body = std::move(body);
  const auto ts = std::to_string(now_ms / 1000);
  req.headers = {{"Content-Type", "application/json; charset=utf-8"},
                 {"X-Gridbot-Timestamp", ts},
                 {"X-Gridbot-Signature", sign(options_.secret, ts, req.body)},
                 {"Idempotency-Key", item.idempotency_key}};
  return req;
}

SendOutcome BridgeAdapter::interpret(const TransportResult& r) const {
  if (r.error) return {Verdict::retry, 0, "transport: " + r.error.message()};
  const std::string detail = "HTTP " + std::to_string(r.status);
  if (r.status >= 200 && r.status < 300) return {Verdict::delivered, 0, {}};
  if (r.status == 429) return {Verdict::throttled, retry_after_ms(r.headers), detail};
  if (r.status >= 500 || r.status == 408)
    return {Verdict::retry, retry_after_ms(r.headers), detail};
  return {Verdict::failed, 0, detail + ": " + r.body.substr(0, 200)};
}

int64_t retry_after_ms(const Headers& headers) {
  const auto s = parse_int<int64_t>(header_value(headers, "Retry-After"), 0);
  return s ? std::min<int64_t>(*s, 86400) * 1000 : 0;
}

}  // namespace gridbot::adapters::bridge
