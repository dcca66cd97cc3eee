// Query parsing, signature/replay checks and the URL-verification handshake for WeCom callbacks.
// The query is decoded by hand (a dozen lines) because WeCom's Base64 values need '+' kept as '+',
// which form decoders (Boost.URL's params() among them by default) turn into spaces.
#include "adapters/wecom/callback.hpp"

#include "base/common/strict_int.hpp"

#include "base/common/errors.hpp"
#include "base/common/log.hpp"

#include <charconv>

namespace gridbot::adapters::wecom {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = hex_digit(in[i + 1]), lo = hex_digit(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  for (char& c : out)
    if (c == ' ') c = '+';
  return out;
}

}  // namespace

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    return percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
  }
  return std::nullopt;
}

Result<CallbackQuery> read_callback_query(std::string_view target, bool require_echostr) {
  CallbackQuery q;
  auto sig = query_param(target, "msg_signature");
  auto ts = query_param(target, "timestamp");
  auto nonce = query_param(target, "nonce");
  if (!sig || !ts || !nonce || sig->empty() || ts->empty() || nonce->empty())
    return gridbot::make_error_code(errc::bad_signature);
  q.msg_signature = std::move(*sig);
  q.timestamp = std::move(*ts);
  q.nonce = std::move(*nonce);
  if (require_echostr) {
    auto echo = query_param(target, "echostr");
    if (!echo || echo->empty()) return gridbot::make_error_code(errc::malformed);
    q.echostr = std::move(*echo);
  }
  return q;
}

std::error_code verify_callback(const MsgCrypt& crypt, const CallbackQuery& q,
                                std::string_view encrypt, int64_t now_ms, int64_t max_skew_s) {
  if (!crypt.verify_signature(q.msg_signature, q.timestamp, q.nonce, encrypt))
    return gridbot::make_error_code(errc::bad_signature);
  const int64_t now_s = now_ms / 1000;
  // WeCom's timestamps are Unix seconds (docs/adapters/wecom.md "The callback crypto").
  const auto ts = parse_int<int64_t>(q.timestamp);
  if (!ts || *ts < now_s - max_skew_s || *ts > now_s + max_skew_s)
    return gridbot::make_error_code(errc::stale_timestamp);
  return {};
}

Result<std::string> open_envelope(const MsgCrypt& crypt, std::string_view encrypt,
                                  std::string_view receive_id, std::string_view channel_type) {
  auto plain = crypt.decrypt(encrypt, receive_id);
  if (!plain) {
    // The status says only "malformed"; the operator needs the reason (wrong key, wrong corp id).
    log::warn("{}: refused a signed callback: {}", channel_type, plain.error().message());
    return to_gridbot_errc(plain.error());
  }
  return std::move(*plain);
}

Result<ParseResult> answer_url_verification(const MsgCrypt& crypt, std::string_view target,
                                            std::string_view receive_id, int64_t now_ms,
                                            int64_t max_skew_s, std::string_view channel_type) {
  auto q = read_callback_query(target, true);
  if (!q) return q.error();
  if (auto ec = verify_callback(crypt, *q, q->echostr, now_ms, max_skew_s)) return ec;
  auto plain = open_envelope(crypt, q->echostr, receive_id, channel_type);
  if (!plain) return plain.error();
  ParseResult out;
  // The bare plaintext: no quotes, no newline (docs/adapters/wecom.md "How the callback URL is
  // verified").
  out.reply.status = 200;
  out.reply.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  out.reply.body = std::move(*plain);
  return out;
}

HttpResponse empty_ack() {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  return r;
}

}  // namespace gridbot::adapters::wecom
