#include "bot/delivery/rate_window.hpp"

#include <algorithm>
#include <cmath>

namespace gridbot::delivery {

RateWindow RateWindow::per_minute(double rate) {
  const double limit = std::max(1.0, std::floor(rate));
  return RateWindow(static_cast<size_t>(limit),
                    static_cast<int64_t>(std::ceil(limit * 60000.0 / rate)));
}

RateWindow RateWindow::smooth_per_minute(double rate) {
  const double limit = std::max(1.0, std::floor(rate / 6));
  return RateWindow(static_cast<size_t>(limit),
                    static_cast<int64_t>(std::ceil(limit * 60000.0 / rate)));
}

int64_t RateWindow::ready_at(int64_t now_ms) {
  while (!sent_.empty() && sent_.front() <= now_ms - window_ms_) sent_.pop_front();
  if (sent_.size() < limit_) return now_ms;
  return sent_[sent_.size() - limit_] + window_ms_;
}

}  // namespace gridbot::delivery
