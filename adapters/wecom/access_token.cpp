// AccessToken: gettoken request, cache and refresh.
#include "adapters/wecom/access_token.hpp"

#include <rapidjson/document.h>

#include <cctype>

namespace gridbot::adapters::wecom {

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
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errcode") ||
      !doc["errcode"].IsInt64())
    return -2;
  return doc["errcode"].GetInt64();
}

bool AccessToken::is_token_error(int64_t errcode) {
  return errcode == 40014 || errcode == 42001 || errcode == 40001;
}

std::optional<HttpRequest> AccessToken::request(int64_t now_ms) const {
  {
    std::lock_guard lk(mu_);
    if (!token_.empty() && now_ms + margin_ms_ < expires_ms_) return std::nullopt;
  }
  HttpRequest r;
  r.method = "GET";
  r.url = base_url_ + "/cgi-bin/gettoken?corpid=" + query_escape(corp_id_) +
          "&corpsecret=" + query_escape(secret_);
  return r;
}

bool AccessToken::accept(const TransportResult& result, int64_t now_ms) {
  if (result.error || result.status != 200) return false;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(result.body.data(), result.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("access_token") ||
      !doc["access_token"].IsString() || doc["access_token"].GetStringLength() == 0)
    return false;
  int64_t expires_s = 7200;
  if (doc.HasMember("expires_in") && doc["expires_in"].IsUint())  // * 1000 cannot overflow
    expires_s = doc["expires_in"].GetUint();
  std::lock_guard lk(mu_);
  token_.assign(doc["access_token"].GetString(), doc["access_token"].GetStringLength());
  expires_ms_ = now_ms + expires_s * 1000;
  return true;
}

std::string AccessToken::current() const {
  std::lock_guard lk(mu_);
  return token_;
}

void AccessToken::drop() {
  std::lock_guard lk(mu_);
  token_.clear();
  expires_ms_ = 0;
}

}  // namespace gridbot::adapters::wecom
