// The errcode table of WeCom sends. Each row is deliberate; unknown codes fail the message (the
// operator sees errcode and errmsg in the deliveries API) rather than hammering the platform.
#include "adapters/wecom/errcode.hpp"

#include <rapidjson/document.h>

#include <string>

namespace gridbot::adapters::wecom {
namespace {

std::string short_body(const std::string& body) { return body.substr(0, 200); }

}  // namespace

SendOutcome interpret_send_answer(const TransportResult& r, SendTarget target) {
  if (r.error) return {Verdict::retry, 0, "transport: " + r.error.message()};
  const std::string http = "HTTP " + std::to_string(r.status);
  if (r.status == 429) return {Verdict::throttled, kThrottleWaitMs, http};
  if (r.status >= 500 || r.status == 408) return {Verdict::retry, 0, http};
  if (r.status < 200 || r.status >= 300)
    return {Verdict::failed, 0, http + ": " + short_body(r.body)};

  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(r.body.data(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errcode") ||
      !doc["errcode"].IsInt64())
    // A 200 that is not WeCom's answer is a proxy or captive portal: worth another try.
    return {Verdict::retry, 0, http + " without an errcode: " + short_body(r.body)};
  const int64_t code = doc["errcode"].GetInt64();
  std::string errmsg;
  if (doc.HasMember("errmsg") && doc["errmsg"].IsString())
    errmsg.assign(doc["errmsg"].GetString(), doc["errmsg"].GetStringLength());
  const std::string detail = "errcode " + std::to_string(code) + ": " + errmsg.substr(0, 200);

  switch (code) {
    case 0:
      return {Verdict::delivered, 0, {}};
    case 45009:   // api freq out of limit: the 20-per-minute robot window
    case 130101:  // "send too fast" on the DingTalk-style robots; treated alike
      return {Verdict::throttled, kThrottleWaitMs, detail};
    case -1:  // system busy
      return {Verdict::retry, 0, detail};
    case 93000:  // invalid webhook URL: robot removed from the group or key revoked
      return {target == SendTarget::robot_webhook ? Verdict::disabled : Verdict::failed, 0, detail};
    default:
      // 40058 too long / out of range, 40008 bad message type, 44001 empty, 40035 bad
      // parameter, and anything unknown: sending the same bytes again cannot succeed.
      return {Verdict::failed, 0, detail};
  }
}

}  // namespace gridbot::adapters::wecom
