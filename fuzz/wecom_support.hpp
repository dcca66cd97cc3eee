// WeCom callback helpers for the harnesses: one fixed key, and a signed callback request carrying
// a ciphertext (docs/adapters/wecom.md "The callback crypto").
#pragma once

#include "adapters/wecom/msg_crypt.hpp"
#include "base/common/http_types.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

namespace gridbot::fuzz {

inline constexpr std::string_view kWecomToken = "fuzzToken";
inline constexpr std::string_view kWecomAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
inline constexpr int64_t kWecomNowMs = 1'700'000'000'000;
inline constexpr std::string_view kWecomNonce = "nonce123";
/// Deterministic ciphertexts: a crash reproduces from its input file alone.
inline constexpr std::string_view kWecomRandom = "0123456789abcdef";

inline const adapters::wecom::MsgCrypt& wecom_crypt() {
  static const auto* c = [] {
    auto made = adapters::wecom::MsgCrypt::create(std::string(kWecomToken), kWecomAesKey);
    if (!made) std::abort();
    return new adapters::wecom::MsgCrypt(*made);
  }();
  return *c;
}

/// Base64 is query-safe but for '+', '/' and '='.
inline std::string query_escape_b64(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '+')
      out += "%2B";
    else if (c == '/')
      out += "%2F";
    else if (c == '=')
      out += "%3D";
    else
      out.push_back(c);
  }
  return out;
}

/// A POST whose query signs `encrypt` (which the body must carry) at kWecomNowMs.
inline HttpRequest signed_callback(std::string body, std::string_view encrypt) {
  HttpRequest r;
  r.method = "POST";
  const std::string ts = std::to_string(kWecomNowMs / 1000);
  r.target = "/hook/wecom?msg_signature=" + wecom_crypt().signature(ts, kWecomNonce, encrypt) +
             "&timestamp=" + ts + "&nonce=" + std::string(kWecomNonce);
  r.body = std::move(body);
  return r;
}

/// A POST with a well-formed query whose signature matches nothing.
inline HttpRequest unsigned_callback(std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/hook/wecom?msg_signature=0123456789abcdef0123456789abcdef01234567&timestamp=" +
             std::to_string(kWecomNowMs / 1000) + "&nonce=" + std::string(kWecomNonce);
  r.body = std::move(body);
  return r;
}

}  // namespace gridbot::fuzz
