// Crypto helpers on OpenSSL's EVP interfaces, shared by the adapters (docs/conventions.md "TLS").
#pragma once

#include <string>
#include <string_view>

namespace gridbot::adapters {

/// Raw 32-byte HMAC-SHA256 of data under key.
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Raw 20-byte SHA-1.
std::string sha1(std::string_view data);
/// Raw 32-byte SHA-256.
std::string sha256(std::string_view data);
/// Raw 16-byte MD5: only where a platform asks for it as a checksum (a WeCom robot's image).
std::string md5(std::string_view data);
/// n bytes from OpenSSL's CSPRNG (RAND_bytes); throws when it cannot give them.
std::string random_bytes(size_t n);
/// Lower-case hex.
std::string to_hex(std::string_view bytes);
/// Equality in time independent of where the inputs differ (CRYPTO_memcmp); unequal lengths
/// return false at once (lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace gridbot::adapters
