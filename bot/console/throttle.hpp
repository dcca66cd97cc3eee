// Login throttling: failed logins counted per key (an account name, an address) in a sliding
// window; past the limit the key is refused until its oldest failure leaves the window.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace gridbot::console {

/// Thread safety: every method takes the one mutex. Kept in memory: a restart forgets the
/// failures, which costs an attacker a restart per window, not a bypass.
class LoginThrottle {
 public:
  LoginThrottle(int max_failures, int64_t window_ms) : max_(max_failures), window_ms_(window_ms) {}

  /// 0 when `key` may try now, else the ms until it may.
  int64_t wait_ms(const std::string& key, int64_t now_ms);
  void failed(const std::string& key, int64_t now_ms);
  /// A successful login forgets the key's failures.
  void succeeded(const std::string& key);

 private:
  void expire(std::deque<int64_t>& d, int64_t now_ms) const;

  const int max_;
  const int64_t window_ms_;
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace gridbot::console
