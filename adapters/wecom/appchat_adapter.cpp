// wecom_appchat: token cache and appchat/send.
#include "adapters/wecom/appchat_adapter.hpp"

#include "adapters/common/json.hpp"
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

Result<HttpRequest> AppchatAdapter::appchat_send(const OutboxItem& item, std::string body) const {
  const std::string token = token_.current();
  if (token.empty() || item.chat_id.empty()) return make_error_code(errc::bad_request);
  HttpRequest r;
  r.method = "POST";
  r.url = options_.base_url + "/cgi-bin/appchat/send?access_token=" + query_escape(token);
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

Result<HttpRequest> AppchatAdapter::build_send(const OutboxItem& item, int64_t) const {
  JsonWriter w;
  w.begin_object();
  w.key("chatid").value(item.chat_id);
  w.key("msgtype").value("text");
  w.key("text").begin_object().key("content").value(item.text).end_object();
  w.key("safe").value(0);
  w.end_object();
  return appchat_send(item, w.take());
}

std::string AppchatAdapter::image_refusal(const OutgoingImage& image) const {
  return image_limits(image, kAppchatImageBytes, true, "an app chat", "10 MB");
}

std::optional<HttpRequest> AppchatAdapter::image_upload_request(const OutgoingImage& image,
                                                                int64_t) const {
  const std::string token = token_.current();
  if (token.empty()) return std::nullopt;
  // The boundary is named after the bytes, which never hold their own digest.
  const std::string boundary = "gridbot-" + image.sha256.substr(0, 32);
  const std::string name =
      image.sha256.substr(0, 16) + (image.mime == "image/png" ? ".png" : ".jpg");
  HttpRequest r;
  r.method = "POST";
  r.url = options_.base_url + "/cgi-bin/media/upload?access_token=" + query_escape(token) +
          "&type=image";
  r.headers = {{"Content-Type", "multipart/form-data; boundary=" + boundary}};
  r.body = "--" + boundary + "\r\n" +
           "Content-Disposition: form-data; name=\"media\"; filename=\"" + name +
           "\"; filelength=" + std::to_string(image.bytes.size()) + "\r\n" +
           "Content-Type: " + image.mime + "\r\n\r\n";
  r.body += image.bytes;
  r.body += "\r\n--" + boundary + "--\r\n";
  return r;
}

SendOutcome AppchatAdapter::interpret_image_upload(const TransportResult& result) const {
  SendOutcome o = interpret(result);
  if (o.verdict != Verdict::delivered) return o;
  rapidjson::Document doc;
  if (!parse_json_strict(result.body, doc) || !doc.IsObject() || !doc.HasMember("media_id") ||
      !doc["media_id"].IsString() || doc["media_id"].GetStringLength() == 0)
    return {Verdict::retry, 0, "media/upload answered without a media_id"};
  return {Verdict::delivered, 0, {doc["media_id"].GetString(), doc["media_id"].GetStringLength()}};
}

Result<HttpRequest> AppchatAdapter::build_image_send(const OutboxItem& item,
                                                     const OutgoingImage& image, int64_t) const {
  if (image.platform_id.empty()) return make_error_code(errc::bad_request);
  JsonWriter w;
  w.begin_object();
  w.key("chatid").value(item.chat_id);
  w.key("msgtype").value("image");
  w.key("image").begin_object().key("media_id").value(image.platform_id).end_object();
  w.key("safe").value(0);
  w.end_object();
  return appchat_send(item, w.take());
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
