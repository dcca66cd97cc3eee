// What the WeCom callbacks (AI bot and app) share: the query string, the signature and replay
// checks, and the GET URL verification handshake (docs/adapters/wecom.md "The callback crypto").
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/wecom/msg_crypt.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gridbot::adapters::wecom {

/// The callback's query parameters, percent-decoded. echostr is empty on POSTs.
struct CallbackQuery {
  std::string msg_signature;
  std::string timestamp;
  std::string nonce;
  std::string echostr;
};

/// Reads `name` from the query of `target` ("/hook/x?a=1&b=2"), percent-decoded. A '+' stays a
/// '+' and a decoded space becomes '+': the values WeCom sends are Base64 or digits, never text
/// with spaces, and a proxy that form-decoded a raw '+' would otherwise break the signature
/// (docs/adapters/wecom.md "How the callback URL is verified"). Returns nullopt when absent or
/// when a %-escape is broken.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

/// Reads the four parameters; msg_signature, timestamp and nonce are required (else
/// errc::bad_signature: an unsigned request), echostr only when require_echostr (else malformed).
Result<CallbackQuery> read_callback_query(std::string_view target, bool require_echostr);

/// Signature first, then the replay window: errc::bad_signature or errc::stale_timestamp (401).
/// An attacker learns nothing about the clock from unsigned probes.
std::error_code verify_callback(const MsgCrypt& crypt, const CallbackQuery& q,
                                std::string_view encrypt, int64_t now_ms, int64_t max_skew_s);

/// The GET handshake: verify, decrypt echostr (its receive id must be receive_id), and answer
/// 200 text/plain with the bare plaintext. Errors come back as gridbot::errc values.
Result<ParseResult> answer_url_verification(const MsgCrypt& crypt, std::string_view target,
                                            std::string_view receive_id, int64_t now_ms,
                                            int64_t max_skew_s, std::string_view channel_type);

/// Decrypts a verified ciphertext whose receive id must be receive_id; logs the precise reason of
/// a refusal and returns its gridbot::errc (malformed → 400).
Result<std::string> open_envelope(const MsgCrypt& crypt, std::string_view encrypt,
                                  std::string_view receive_id, std::string_view channel_type);

/// The empty 200 WeCom takes as "received, no passive reply" (it then does not retry).
HttpResponse empty_ack();

}  // namespace gridbot::adapters::wecom
