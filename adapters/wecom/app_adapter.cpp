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
  if (msgtype != "text") {
    log::debug("wecom_app: acknowledged a {} message without storing it", msgtype);
    return out;
  }
  InboundMessage m;
  m.msg_id = child_text(root, "MsgId");
  m.sender_id = child_text(root, "FromUserName");
  if (!is_valid_id(m.msg_id) || !is_valid_id(m.sender_id) || !root.child("Content"))
    return gridbot::make_error_code(errc::malformed);
  m.chat_id = m.sender_id;  // an app conversation is one to one
  m.text = sanitize_utf8(child_text(root, "Content"));
  m.mentions_bot = true;  // everything said to the app is addressed to it
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

SendOutcome AppAdapter::interpret(const TransportResult& result) const {
  return interpret_send_answer(result, SendTarget::response_url);
}

}  // namespace gridbot::adapters::wecom
