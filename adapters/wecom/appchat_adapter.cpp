// wecom_appchat: token cache and appchat/send.
#include "adapters/wecom/appchat_adapter.hpp"

#include "adapters/wecom/errcode.hpp"
#include "bot/common/errors.hpp"
#include "bot/common/json_writer.hpp"

#include <rapidjson/document.h>

namespace gridbot::adapters::wecom {
namespace {

// Percent-encodes a query value (the secret may hold '+', '/', '=').
std::string query_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

int64_t errcode_of(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errcode") ||
      !doc["errcode"].IsInt64())
    return -2;
  return doc["errcode"].GetInt64();
}

}  // namespace

Result<ParseResult> AppchatAdapter::parse(const HttpRequest&, int64_t) const {
  return make_error_code(errc::method_not_allowed);
}

std::optional<HttpRequest> AppchatAdapter::token_request(int64_t now_ms) const {
  {
    std::lock_guard lk(mu_);
    if (!token_.empty() && now_ms + options_.refresh_margin_ms < token_expires_ms_)
      return std::nullopt;
  }
  HttpRequest r;
  r.method = "GET";
  r.url = options_.base_url + "/cgi-bin/gettoken?corpid=" + query_escape(options_.corp_id) +
          "&corpsecret=" + query_escape(options_.corp_secret);
  return r;
}

bool AppchatAdapter::accept_token(const TransportResult& result, int64_t now_ms) const {
  if (result.error || result.status != 200) return false;
  rapidjson::Document doc;
  doc.Parse(result.body.data(), result.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("access_token") ||
      !doc["access_token"].IsString() || doc["access_token"].GetStringLength() == 0)
    return false;
  int64_t expires_s = 7200;
  if (doc.HasMember("expires_in") && doc["expires_in"].IsInt64())
    expires_s = doc["expires_in"].GetInt64();
  std::lock_guard lk(mu_);
  token_ = doc["access_token"].GetString();
  token_expires_ms_ = now_ms + expires_s * 1000;
  return true;
}

Result<HttpRequest> AppchatAdapter::build_send(const OutboxItem& item, int64_t) const {
  std::string token;
  {
    std::lock_guard lk(mu_);
    token = token_;
  }
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
    if (code == 40014 || code == 42001 || code == 40001) {
      // The token was revoked or expired early: forget it; the next send fetches a new one.
      std::lock_guard lk(mu_);
      token_.clear();
      token_expires_ms_ = 0;
      return {Verdict::retry, 1, "errcode " + std::to_string(code) + ": access token refreshed"};
    }
  }
  return interpret_send_answer(result, SendTarget::response_url);
}

}  // namespace gridbot::adapters::wecom
