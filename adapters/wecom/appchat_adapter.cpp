// wecom_appchat: token cache and appchat/send.
#include "adapters/wecom/appchat_adapter.hpp"

#include "adapters/wecom/errcode.hpp"
#include "base/common/errors.hpp"
#include "base/common/json_writer.hpp"

namespace gridbot::adapters::wecom {

Result<ParseResult> AppchatAdapter::parse(const HttpRequest&, int64_t) const {
  return make_error_code(errc::method_not_allowed);
}

std::optional<HttpRequest> AppchatAdapter::token_request(int64_t now_ms) const {
  return token_.request(now_ms);
}

bool AppchatAdapter::accept_token(const TransportResult& result, int64_t now_ms) const {
  return token_.accept(result, now_ms);
}

Result<HttpRequest> AppchatAdapter::build_send(const OutboxItem& item, int64_t) const {
  const std::string token = token_.current();
  if (token.empty() || item.chat_id.empty()) return make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  w.key("chatid").value(item.chat_id);
  w.key("msgtype").value("text");
  w.key("text").begin_object().key("content").value(item.text).end_object();
  w.key("safe").value(0);
  w.end_object();
  HttpRequest r;
  r.method = "POST";
  r.url = options_.base_url + "/cgi-bin/appchat/send?access_token=" + query_escape(token);
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = w.take();
  return r;
}

SendOutcome AppchatAdapter::interpret(const TransportResult& result) const {
  if (!result.error && result.status == 200) {
    const int64_t code = errcode_of(result.body);
    if (AccessToken::is_token_error(code)) {
      // The token was revoked or expired early: forget it; the next send fetches a new one.
      token_.drop();
      return {Verdict::retry, 1, "errcode " + std::to_string(code) + ": access token refreshed"};
    }
  }
  return interpret_send_answer(result, SendTarget::response_url);
}

}  // namespace gridbot::adapters::wecom
