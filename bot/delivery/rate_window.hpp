// A sliding-window rate limiter, per destination and per channel (docs/adapters: each platform's
// send limits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace gridbot::delivery {

/// At most `limit` sends in any window of `window_ms`.
class RateWindow {
 public:
  RateWindow(size_t limit, int64_t window_ms) : limit_(limit), window_ms_(window_ms) {}
  /// From a rate per minute (0.5 → one send per two minutes).
  static RateWindow per_minute(double rate);
  /// The same rate without a burst of a minute's worth: at most rate/6 in any 10 s (at least one).
  static RateWindow smooth_per_minute(double rate);
  /// The earliest time a send may start, given now.
  int64_t ready_at(int64_t now_ms);
  void record(int64_t at_ms) { sent_.push_back(at_ms); }

 private:
  size_t limit_;
  int64_t window_ms_;
  std::deque<int64_t> sent_;
};

}  // namespace gridbot::delivery
