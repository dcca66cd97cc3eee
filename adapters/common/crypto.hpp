// Crypto helpers on OpenSSL's EVP interfaces, shared by the adapters (docs/conventions.md "TLS").
#pragma once

#include <string>
#include <string_view>

namespace gridbot::adapters {

/// Raw 32-byte HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Raw 20-byte SHA-1.
std::string sha1(std::string_view data);
/// Lower-case hex.
std::string to_hex(std::string_view bytes);
/// Equality in time independent of where the inputs differ (CRYPTO_memcmp); unequal lengths
/// return false at once (lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace gridbot::adapters
