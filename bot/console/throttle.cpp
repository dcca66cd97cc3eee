#include "bot/console/throttle.hpp"

namespace gridbot::console {

void LoginThrottle::expire(std::deque<int64_t>& d, int64_t now_ms) const {
  while (!d.empty() && d.front() <= now_ms - window_ms_) d.pop_front();
}

int64_t LoginThrottle::wait_ms(const std::string& key, int64_t now_ms) {
  std::lock_guard lk(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  expire(it->second, now_ms);
  if (it->second.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(it->second.size()) < max_) return 0;
  return it->second.front() + window_ms_ - now_ms;
}

void LoginThrottle::failed(const std::string& key, int64_t now_ms) {
  std::lock_guard lk(mu_);
  auto& d = failures_[key];
  expire(d, now_ms);
  d.push_back(now_ms);
  // Bounded: only the newest max_ failures decide anything.
  while (static_cast<int>(d.size()) > max_) d.pop_front();
  // Bounded in keys too: a scan of many names cannot grow the map without end.
  if (failures_.size() > 100'000) {
    for (auto i = failures_.begin(); i != failures_.end();) {
      expire(i->second, now_ms);
      i = i->second.empty() ? failures_.erase(i) : std::next(i);
    }
  }
}

void LoginThrottle::succeeded(const std::string& key) {
  std::lock_guard lk(mu_);
  failures_.erase(key);
}

}  // namespace gridbot::console
