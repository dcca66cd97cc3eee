// Passwords (argon2id), random tokens and their stored hashes, all from libsodium: a
// memory-hard KDF for passwords, the system's CSPRNG for session ids, CSRF and API tokens.
#pragma once

#include <string>
#include <string_view>

namespace gridbot::console {

/// libsodium's crypto_pwhash_str (argon2id, the "interactive" limits: 64 MiB, ~0.1 s). The
/// result carries its own salt and parameters. Throws std::runtime_error when out of memory.
std::string hash_password(std::string_view password);
/// Constant-time check of a password against hash_password's output; false for a bad hash.
bool verify_password(std::string_view password, const std::string& hash);
/// `bytes` random bytes as lowercase hex.
std::string random_hex(size_t bytes);
/// What the store keeps of a session id or API token: BLAKE2b-256 as hex (a copy of the database
/// opens nothing; the tokens are random, so no salt or stretching is needed).
std::string token_hash(std::string_view token);

}  // namespace gridbot::console
