// WeCom callback crypto (the WXBizMsgCrypt scheme, docs/adapters/wecom.md "The callback crypto"),
// on OpenSSL EVP. Hand-written rather than taken from Tencent's C++ sample, which uses the
// deprecated low-level AES_* calls and 16-byte-block assumptions; one implementation serves the
// AI-bot and the app callbacks.
#pragma once

#include "adapters/adapter.hpp"

#include <array>
#include <string>
#include <string_view>
#include <system_error>

namespace gridbot::adapters::wecom {

/// Why a callback's crypto was refused. Each maps to one gridbot::errc through to_gridbot_errc():
/// bad_signature → errc::bad_signature (401), everything else → errc::malformed (400).
enum class crypt_errc {
  bad_aes_key = 1,      // EncodingAESKey is not 43 Base64 characters decoding to 32 bytes
  bad_signature,        // msg_signature does not match (sample code -40001)
  bad_base64,           // ciphertext is not canonical Base64 (-40010)
  bad_block_length,     // ciphertext is not a whole number of 32-byte blocks (-40007)
  bad_padding,          // PKCS#7 pad byte outside 1..32, or pad bytes differ (-40007)
  bad_length_field,     // the big-endian length points past the plaintext (-40008)
  receive_id_mismatch,  // the trailing receive id is not ours (-40005)
  cipher_failure,       // OpenSSL refused (should not happen with a valid key)
};

const std::error_category& crypt_category() noexcept;

inline std::error_code make_error_code(crypt_errc e) noexcept {
  return {static_cast<int>(e), crypt_category()};
}

/// The status-table code for a crypt error (errors of other categories pass through unchanged).
std::error_code to_gridbot_errc(std::error_code ec) noexcept;

/// Standard Base64 (RFC 4648 alphabet, '=' padding, no line breaks) through EVP_EncodeBlock.
std::string base64_encode(std::string_view bytes);
/// Strict decoding through EVP_DecodeBlock: length a multiple of 4, alphabet only, at most two
/// trailing '='; fails with crypt_errc::bad_base64 otherwise.
Result<std::string> base64_decode(std::string_view text);

/// The key of an AI-bot medium (docs/media.md): a message's own `aeskey` in Base64, either
/// the 43-character EncodingAESKey form or the padded 44-character one, decoding to 32 bytes.
/// Fails with crypt_errc::bad_aes_key otherwise.
Result<std::array<unsigned char, 32>> media_key(std::string_view aeskey);
/// A downloaded AI-bot medium: AES-256-CBC under `key`, IV = the key's first 16 bytes, PKCS#7
/// padded to 32-byte blocks, with none of the callbacks' random/length/receive-id framing
/// (WC-AIBOT 101463; the official AI-bot demo). Errors: bad_block_length, bad_padding.
Result<std::string> decrypt_media(const std::array<unsigned char, 32>& key,
                                  std::string_view cipher);
/// The platform's side of decrypt_media, for tests' stub downloads.
std::string encrypt_media_for_test(const std::array<unsigned char, 32>& key,
                                   std::string_view plain);

/// msg_signature = lower-case hex SHA-1 of the byte-wise sorted concatenation of the four parts.
std::string compute_signature(std::string_view token, std::string_view timestamp,
                              std::string_view nonce, std::string_view encrypt);

/// What a ciphertext holds once decrypted.
struct Decrypted {
  std::string message;     // the XML or JSON document (or the echostr's digits)
  std::string receive_id;  // the trailer: CorpID for apps, "" for the AI bot
};

/// One channel's Token and AES key.
/// Thread safety: immutable after create(); every method is const and safe from any thread.
class MsgCrypt {
 public:
  /// Fails with crypt_errc::bad_aes_key unless encoding_aes_key is 43 characters of
  /// [A-Za-z0-9] (the console's alphabet; '+' and '/' are accepted too) decoding to 32 bytes.
  static Result<MsgCrypt> create(std::string token, std::string_view encoding_aes_key);

  std::string signature(std::string_view timestamp, std::string_view nonce,
                        std::string_view encrypt) const;
  /// Constant-time comparison of `signature` (hex, any case) with the expected one.
  bool verify_signature(std::string_view signature, std::string_view timestamp,
                        std::string_view nonce, std::string_view encrypt) const;

  /// Base64 → AES-256-CBC → strip the 32-byte PKCS#7 pad → split random | length | message | id.
  /// Errors: bad_base64, bad_block_length, bad_padding, bad_length_field.
  Result<Decrypted> decrypt(std::string_view ciphertext) const;
  /// As above, and the trailer must equal expected_receive_id (else receive_id_mismatch).
  Result<std::string> decrypt(std::string_view ciphertext,
                              std::string_view expected_receive_id) const;

  /// Encrypts with 16 fresh random bytes from RAND_bytes. Returns Base64.
  std::string encrypt(std::string_view message, std::string_view receive_id) const;
  /// Deterministic variant for published vectors: `random` must be exactly 16 bytes.
  std::string encrypt_with_random_for_test(std::string_view random, std::string_view message,
                                           std::string_view receive_id) const;

  /// AES-256-CBC of already block-aligned bytes, no framing or padding added: lets tests build
  /// ciphertexts with broken padding or length fields. Returns Base64.
  std::string encrypt_blocks_for_test(std::string_view aligned) const;

  const std::array<unsigned char, 32>& key() const { return key_; }

 private:
  MsgCrypt() = default;
  std::string seal(std::string_view random, std::string_view message,
                   std::string_view receive_id) const;

  std::string token_;
  std::array<unsigned char, 32> key_{};
};

}  // namespace gridbot::adapters::wecom

template <>
struct std::is_error_code_enum<gridbot::adapters::wecom::crypt_errc> : std::true_type {};
