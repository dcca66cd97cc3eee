// App callbacks: the XML envelope and the decrypted XML message, read with pugixml (which expands
// no external entities, so a hostile DOCTYPE reads nothing from disk).
#include "adapters/wecom/app_adapter.hpp"

#include "adapters/common/json.hpp"

#include "base/common/strict_int.hpp"

#include "adapters/common/text.hpp"
#include "adapters/wecom/callback.hpp"
#include "adapters/wecom/errcode.hpp"
#include "base/common/errors.hpp"
#include "base/common/log.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>

namespace gridbot::adapters::wecom {
namespace {

// pugixml does not check UTF-8; a message that is not UTF-8 is refused before it is parsed.
bool load(pugi::xml_document& doc, std::string_view text) {
  if (!adapters::valid_utf8(text)) return false;
  return doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8)
             .status == pugi::status_ok;
}

std::string child_text(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

}  // namespace

Result<ParseResult> AppAdapter::parse(const HttpRequest& req, int64_t now_ms) const {
  if (req.method == "GET")
    return answer_url_verification(crypt_, req.target, options_.corp_id, now_ms,
                                   options_.max_skew_s, type());
  if (req.method != "POST") return gridbot::make_error_code(errc::method_not_allowed);

  auto q = read_callback_query(req.target, false);
  if (!q) return q.error();
  pugi::xml_document env;
  if (!load(env, req.body)) return gridbot::make_error_code(errc::malformed);
  const pugi::xml_node root = env.child("xml");
  const std::string encrypt = child_text(root, "Encrypt");
  if (!root || encrypt.empty()) return gridbot::make_error_code(errc::malformed);
  if (auto ec = verify_callback(crypt_, *q, encrypt, now_ms, options_.max_skew_s)) return ec;
  // AgentID sits outside the signed ciphertext, so it only routes; the decrypted copy is checked.
  auto plain = open_envelope(crypt_, encrypt, options_.corp_id, type());
  if (!plain) return plain.error();
  return parse_message(*plain, now_ms);
}

Result<ParseResult> AppAdapter::parse_message(std::string_view xml, int64_t now_ms) const {
  pugi::xml_document doc;
  if (!load(doc, xml)) return gridbot::make_error_code(errc::malformed);
  const pugi::xml_node root = doc.child("xml");
  if (!root) return gridbot::make_error_code(errc::malformed);
  ParseResult out;
  out.reply = empty_ack();

  const std::string agent = child_text(root, "AgentID");
  if (!options_.agent_id.empty() && !agent.empty() && agent != options_.agent_id) {
    log::warn("wecom_app: callback for AgentID {} on a channel for {}", agent, options_.agent_id);
    return gridbot::make_error_code(errc::malformed);
  }
  const std::string msgtype = child_text(root, "MsgType");
  if (msgtype.empty()) return gridbot::make_error_code(errc::malformed);
  if (msgtype == "event") {
    // enter_agent (user opened the app), subscribe/unsubscribe, menu clicks…: none of them is a
    // message the pipeline acts on yet; acknowledged so that WeCom does not retry them.
    log::debug("wecom_app: acknowledged event {}", child_text(root, "Event"));
    return out;
  }
  InboundMessage m;
  if (msgtype == "text") {
    if (!root.child("Content")) return gridbot::make_error_code(errc::malformed);
    m.text = sanitize_utf8(child_text(root, "Content"));
  } else if (msgtype == "image" || msgtype == "voice") {
    // A photo has a PicUrl and a MediaId, a voice message a MediaId (AMR) and, when the app has
    // speech recognition on, its text in Recognition (WC-APP 90239).
    MediaRef ref;
    ref.kind = msgtype == "image" ? MediaKind::image : MediaKind::voice;
    ref.media_id = child_text(root, "MediaId");
    if (ref.kind == MediaKind::image) ref.url = child_text(root, "PicUrl");
    if (ref.kind == MediaKind::voice) m.text = sanitize_utf8(child_text(root, "Recognition"));
    const bool id_ok = is_valid_id(ref.media_id);
    const bool url_ok = !ref.url.empty() && is_fetchable_url(ref.url);
    if (!id_ok && !url_ok) return gridbot::make_error_code(errc::malformed);
    if (!id_ok) ref.media_id.clear();
    if (!url_ok) ref.url.clear();
    m.media.push_back(std::move(ref));
  } else {
    log::debug("wecom_app: acknowledged a {} message without storing it", msgtype);
    return out;
  }
  m.msg_id = child_text(root, "MsgId");
  m.sender_id = child_text(root, "FromUserName");
  if (!is_valid_id(m.msg_id) || !is_valid_id(m.sender_id))
    return gridbot::make_error_code(errc::malformed);
  m.chat_id = m.sender_id;  // an app conversation is one to one
  m.mentions_bot = true;    // everything said to the app is addressed to it
  m.from_bot = std::find(options_.other_bots.begin(), options_.other_bots.end(), m.sender_id) !=
               options_.other_bots.end();
  const std::string created = child_text(root, "CreateTime");
  m.sent_at_s = parse_int<int64_t>(created).value_or(now_ms / 1000);
  m.received_at_ms = now_ms;
  out.messages.push_back(std::move(m));
  return out;
}

Result<HttpRequest> AppAdapter::build_send(const OutboxItem& /*item*/, int64_t /*now_ms*/) const {
  // TODO(wecom): message/send and appchat/send with a cached access_token (issue 5).
  return gridbot::make_error_code(errc::bad_request);
}

std::optional<HttpRequest> AppAdapter::token_request(int64_t now_ms) const {
  return token_ ? token_->request(now_ms) : std::nullopt;
}

bool AppAdapter::accept_token(const TransportResult& result, int64_t now_ms) const {
  return token_ && token_->accept(result, now_ms);
}

Result<HttpRequest> AppAdapter::media_request(const MediaRef& m, int64_t now_ms) const {
  if (token_ && !m.media_id.empty()) {
    const std::string token = token_->current();
    if (token.empty()) return gridbot::make_error_code(errc::bad_request);
    HttpRequest req;
    req.method = "GET";
    req.url = options_.base_url + "/cgi-bin/media/get?access_token=" + query_escape(token) +
              "&media_id=" + query_escape(m.media_id);
    return req;
  }
  return Adapter::media_request(m, now_ms);
}

MediaOutcome AppAdapter::interpret_media(const MediaRef& m, TransportResult result) const {
  const auto type = header_value(result.headers, "Content-Type");
  const bool json_answer = type.find("json") != std::string_view::npos ||
                           type.find("text/plain") != std::string_view::npos;
  if (result.error || result.status != 200 || !json_answer)
    return Adapter::interpret_media(m, std::move(result));
  // An error comes back as HTTP 200 with a JSON body instead of the file.
  const int64_t code = errcode_of(result.body);
  const std::string detail = "errcode " + std::to_string(code);
  if (token_ && AccessToken::is_token_error(code)) {
    token_->drop();
    return {Verdict::retry, {}, 0, detail};
  }
  if (code == -1 || code == -2) return {Verdict::retry, {}, 0, detail};
  if (code == 45009) return {Verdict::throttled, {}, 60'000, detail};
  return {Verdict::failed, {}, 0, detail};
}

SendOutcome AppAdapter::interpret(const TransportResult& result) const {
  return interpret_send_answer(result, SendTarget::response_url);
}

}  // namespace gridbot::adapters::wecom
