// AI-bot callbacks: verify, decrypt (receive id ""), parse the message JSON; replies go to the
// message's response_url.
#include "adapters/wecom/aibot_adapter.hpp"

#include "adapters/common/json.hpp"

#include "base/common/mentions.hpp"

#include "adapters/common/text.hpp"
#include "adapters/wecom/callback.hpp"
#include "adapters/wecom/errcode.hpp"
#include "adapters/wecom/long_connection.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"
#include "base/common/log.hpp"

#include <rapidjson/document.h>

#include <algorithm>

namespace gridbot::adapters::wecom {
namespace {

using rapidjson::Value;

// The AI bot's ciphertexts carry an empty receive id (WC-AIBOT 101033; the official demo builds
// its crypto object with receiveid "").
constexpr std::string_view kAibotReceiveId = "";

std::string read_str(const Value& obj, const char* key) {
  if (!obj.IsObject()) return {};
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

const Value* member(const Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// A mixed message holds a few items (text and photos); more than this is not a real message.
constexpr rapidjson::SizeType kMaxMixedItems = 64;

// An image or file structure: {"url": …, "aeskey": …} (aeskey only on the long connection,
// where each message carries its own key; on a webhook the channel's EncodingAESKey decrypts).
bool read_medium(const Value& body, MediaKind kind, MediaRef& out) {
  out.kind = kind;
  out.url = read_str(body, "url");
  out.aes_key = read_str(body, "aeskey");
  if (!out.aes_key.empty() && !media_key(out.aes_key)) return false;
  return is_fetchable_url(out.url);
}
}  // namespace

std::string strip_leading_mention(std::string_view text, std::string_view bot_name) {
  return std::string(gridbot::strip_leading_mention(text, bot_name));
}

Result<ParseResult> AibotAdapter::parse(const HttpRequest& req, int64_t now_ms) const {
  // A bot on the long connection alone has no callback URL, and no key to check one with.
  if (!crypt_) return gridbot::make_error_code(errc::method_not_allowed);
  if (req.method == "GET")
    return answer_url_verification(*crypt_, req.target, kAibotReceiveId, now_ms,
                                   options_.max_skew_s, type());
  if (req.method != "POST") return gridbot::make_error_code(errc::method_not_allowed);
  return parse_callback(req, now_ms);
}

Result<ParseResult> AibotAdapter::parse_callback(const HttpRequest& req, int64_t now_ms) const {
  auto q = read_callback_query(req.target, false);
  if (!q) return q.error();
  rapidjson::Document env;
  if (!parse_json_strict(req.body, env) || !env.IsObject())
    return gridbot::make_error_code(errc::malformed);
  const std::string encrypt = read_str(env, "encrypt");
  if (encrypt.empty()) return gridbot::make_error_code(errc::malformed);
  if (auto ec = verify_callback(*crypt_, *q, encrypt, now_ms, options_.max_skew_s)) return ec;
  auto plain = open_envelope(*crypt_, encrypt, kAibotReceiveId, type());
  if (!plain) return plain.error();
  return parse_message(*plain, now_ms);
}

Result<ParseResult> AibotAdapter::parse_message(std::string_view json, int64_t now_ms) const {
  rapidjson::Document doc;
  if (!parse_json_strict(json, doc) || !doc.IsObject())
    return gridbot::make_error_code(errc::malformed);
  ParseResult out;
  out.reply = empty_ack();  // no passive reply: answers go through the outbox and response_url

  const std::string msgtype = read_str(doc, "msgtype");
  if (msgtype.empty()) return gridbot::make_error_code(errc::malformed);
  // What the message says and carries: text, a photo, a photo with words (mixed), a voice
  // message (WeCom's own speech-to-text in voice.content), a file.
  std::string raw;
  std::vector<MediaRef> media;
  bool understood = true;
  if (msgtype == "text") {
    const Value* text = member(doc, "text");
    const Value* content = text ? member(*text, "content") : nullptr;
    if (!content || !content->IsString()) return gridbot::make_error_code(errc::malformed);
    raw = sanitize_utf8({content->GetString(), content->GetStringLength()});
  } else if (msgtype == "voice") {
    const Value* voice = member(doc, "voice");
    const Value* content = voice ? member(*voice, "content") : nullptr;
    if (!content || !content->IsString()) return gridbot::make_error_code(errc::malformed);
    raw = sanitize_utf8({content->GetString(), content->GetStringLength()});
  } else if (msgtype == "image" || msgtype == "file") {
    const Value* body = member(doc, msgtype.c_str());
    MediaRef ref;
    if (!body || !read_medium(*body, msgtype == "image" ? MediaKind::image : MediaKind::file, ref))
      return gridbot::make_error_code(errc::malformed);
    media.push_back(std::move(ref));
  } else if (msgtype == "mixed") {
    const Value* mixed = member(doc, "mixed");
    const Value* items = mixed ? member(*mixed, "msg_item") : nullptr;
    if (!items || !items->IsArray() || items->Size() > kMaxMixedItems)
      return gridbot::make_error_code(errc::malformed);
    for (const auto& item : items->GetArray()) {
      const std::string type = read_str(item, "msgtype");
      const Value* body = member(item, type.c_str());
      if (type == "text") {
        const Value* content = body ? member(*body, "content") : nullptr;
        if (!content || !content->IsString()) return gridbot::make_error_code(errc::malformed);
        if (!raw.empty()) raw += "\n";
        raw += sanitize_utf8({content->GetString(), content->GetStringLength()});
      } else if (type == "image") {
        MediaRef ref;
        if (!body || !read_medium(*body, MediaKind::image, ref))
          return gridbot::make_error_code(errc::malformed);
        media.push_back(std::move(ref));
      }  // other item types (none documented today) are skipped, the rest kept
    }
  } else {
    understood = false;
  }
  if (!understood) {
    // Events (enter_chat, template_card_event, feedback_event), stream refresh polls, video:
    // acknowledged so that WeCom does not retry, and nothing is stored.
    log::debug("wecom_aibot: acknowledged a {} callback without a message", msgtype);
    return out;
  }

  InboundMessage m;
  m.msg_id = read_str(doc, "msgid");
  const Value* from = member(doc, "from");
  m.sender_id = from ? read_str(*from, "userid") : std::string{};
  if (!is_valid_id(m.msg_id) || !is_valid_id(m.sender_id))
    return gridbot::make_error_code(errc::malformed);
  m.media = std::move(media);
  const std::string chattype = read_str(doc, "chattype");
  if (chattype == "group") {
    m.chat_id = read_str(doc, "chatid");
    if (!is_valid_id(m.chat_id)) return gridbot::make_error_code(errc::malformed);
    // In a group the bot is only called when @-mentioned, and the text starts with that mention
    // (a mixed message's first text item too).
    m.text = raw.empty() ? raw : strip_leading_mention(raw, options_.bot_name);
  } else {
    // A single chat has no chatid: the conversation is the user.
    m.chat_id = m.sender_id;
    m.text = raw;
  }
  // Every AI-bot message is addressed to the bot: group messages arrive only when it is
  // @-mentioned, single-chat messages are to it by definition.
  m.mentions_bot = true;
  m.from_bot = std::find(options_.other_bots.begin(), options_.other_bots.end(), m.sender_id) !=
               options_.other_bots.end();
  m.reply_token = read_str(doc, "response_url");
  if (const Value* ct = member(doc, "create_time"); ct && ct->IsInt64())
    m.sent_at_s = ct->GetInt64();
  else
    m.sent_at_s = now_ms / 1000;
  m.received_at_ms = now_ms;
  out.messages.push_back(std::move(m));
  return out;
}

Result<std::vector<InboundMessage>> AibotAdapter::parse_pushed(std::string_view body,
                                                               std::string_view req_id,
                                                               int64_t now_ms) const {
  auto parsed = parse_message(body, now_ms);
  if (!parsed) return parsed.error();
  for (auto& m : parsed->messages)
    m.reply_token = std::string(kWsReplyPrefix) + std::string(req_id);
  return std::move(parsed->messages);
}

// Long connection: a reply to a pushed message is aibot_respond_msg with the callback's req_id
// (a finished stream, the reply form the connection takes); anything else is a proactive
// aibot_send_msg into the chat (markdown; group chats, as relays go to groups).
Result<HttpRequest> AibotAdapter::build_frame(const OutboxItem& item) const {
  JsonWriter w;
  std::string req_id;
  w.begin_object();
  if (item.reply_token.rfind(kWsReplyPrefix, 0) == 0) {
    req_id = item.reply_token.substr(kWsReplyPrefix.size());
    w.key("cmd").value("aibot_respond_msg");
    w.key("headers").begin_object().key("req_id").value(req_id).end_object();
    w.key("body").begin_object().key("msgtype").value("stream");
    w.key("stream").begin_object().key("id").value("gridbot-" + std::to_string(item.id));
    w.key("finish").value(true).key("content").value(item.text).end_object();
    w.end_object();
  } else {
    if (item.chat_id.empty()) return gridbot::make_error_code(errc::bad_request);
    // Unique per attempt: the acknowledgement is matched on it.
    req_id = "gridbot-" + std::to_string(item.id) + "-" + std::to_string(item.attempts);
    w.key("cmd").value("aibot_send_msg");
    w.key("headers").begin_object().key("req_id").value(req_id).end_object();
    w.key("body").begin_object().key("chatid").value(item.chat_id).key("chat_type").value(2);
    w.key("msgtype").value("markdown");
    w.key("markdown").begin_object().key("content").value(item.text).end_object();
    w.end_object();
  }
  w.end_object();
  HttpRequest req;
  req.method = "POST";
  req.url = std::string(kWsUrlScheme) + options_.channel;
  req.headers = {{std::string(kWsReqIdHeader), req_id}};
  req.body = w.take();
  return req;
}

Result<HttpRequest> AibotAdapter::build_send(const OutboxItem& item, int64_t /*now_ms*/) const {
  if (options_.websocket &&
      (item.reply_token.empty() || item.reply_token.rfind(kWsReplyPrefix, 0) == 0))
    return build_frame(item);
  // Without a response_url the AI bot has no way to speak unprompted (API mode); the core routes
  // such messages to another channel (a group robot).
  if (item.reply_token.empty()) return gridbot::make_error_code(errc::bad_request);
  if (item.reply_token.rfind(options_.base_url + "/", 0) != 0) {
    log::warn("wecom_aibot: response_url outside {} refused", options_.base_url);
    return gridbot::make_error_code(errc::bad_request);
  }
  JsonWriter w;
  w.begin_object();
  w.key("msgtype").value("markdown");
  w.key("markdown").begin_object().key("content").value(item.text).end_object();
  w.end_object();
  HttpRequest req;
  req.method = "POST";
  req.url = item.reply_token;
  req.body = w.take();
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  return req;
}

MediaOutcome AibotAdapter::interpret_media(const MediaRef& m, TransportResult result) const {
  MediaOutcome out = Adapter::interpret_media(m, std::move(result));
  if (out.verdict != Verdict::delivered) return out;
  // Downloads are encrypted (docs/adapters/wecom.md "Media"): with the message's own key, or on a
  // webhook with the channel's EncodingAESKey.
  std::array<unsigned char, 32> key{};
  if (!m.aes_key.empty()) {
    auto k = media_key(m.aes_key);
    if (!k) return {Verdict::failed, {}, 0, "cannot decrypt: " + k.error().message()};
    key = *k;
  } else if (crypt_) {
    key = crypt_->key();
  } else {
    return {Verdict::failed, {}, 0, "cannot decrypt: no aeskey and no encoding_aes_key"};
  }
  auto plain = decrypt_media(key, out.bytes);
  if (!plain) return {Verdict::failed, {}, 0, "cannot decrypt: " + plain.error().message()};
  out.bytes = std::move(*plain);
  return out;
}

SendOutcome AibotAdapter::interpret(const TransportResult& result) const {
  return interpret_send_answer(result, SendTarget::response_url);
}

}  // namespace gridbot::adapters::wecom
