// wecom_customer_group: group-send tasks the owner confirms.
#include "adapters/wecom/customer_group_adapter.hpp"

#include "adapters/wecom/errcode.hpp"
#include "bot/common/errors.hpp"
#include "bot/common/json_writer.hpp"

#include <rapidjson/document.h>

namespace gridbot::adapters::wecom {

Result<ParseResult> CustomerGroupAdapter::parse(const HttpRequest&, int64_t) const {
  return make_error_code(errc::method_not_allowed);
}

Result<HttpRequest> CustomerGroupAdapter::build_send(const OutboxItem& item, int64_t) const {
  const std::string token = token_.current();
  const auto slash = item.chat_id.find('/');
  if (token.empty() || slash == std::string::npos || slash == 0 || slash + 1 == item.chat_id.size())
    return make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  w.key("chat_type").value("group");
  w.key("sender").value(item.chat_id.substr(0, slash));
  w.key("chat_id_list").begin_array().value(item.chat_id.substr(slash + 1)).end_array();
  w.key("text").begin_object().key("content").value(item.text).end_object();
  w.end_object();
  HttpRequest r;
  r.method = "POST";
  r.url = options_.base_url +
          "/cgi-bin/externalcontact/add_msg_template?access_token=" + query_escape(token);
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = w.take();
  return r;
}

SendOutcome CustomerGroupAdapter::interpret(const TransportResult& result) const {
  if (!result.error && result.status == 200) {
    rapidjson::Document doc;
    doc.Parse(result.body.data(), result.body.size());
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("errcode") &&
        doc["errcode"].IsInt64()) {
      const int64_t code = doc["errcode"].GetInt64();
      if (code == 0 && doc.HasMember("msgid") && doc["msgid"].IsString())
        return {Verdict::awaiting, 0, std::string("task ") + doc["msgid"].GetString()};
      if (AccessToken::is_token_error(code)) {
        token_.drop();
        return {Verdict::retry, 1, "errcode " + std::to_string(code) + ": access token refreshed"};
      }
    }
  }
  return interpret_send_answer(result, SendTarget::response_url);
}

}  // namespace gridbot::adapters::wecom
