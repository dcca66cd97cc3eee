#include "base/model/figures.hpp"

#include "base/common/strict_int.hpp"

#include <algorithm>
#include <vector>

namespace gridbot {
namespace {

constexpr int kExactMinutes = 180;
constexpr int64_t kMinuteMs = 60'000;

// Lower bounds in minutes of the buckets past the exact ones, each at least 2% above the last,
// up to about two years; built with integers so every build puts a duration in the same bucket.
const std::vector<int64_t>& wide_bounds() {
  static const std::vector<int64_t> bounds = [] {
    std::vector<int64_t> b{kExactMinutes};
    while (b.back() < 2 * 366 * 1440) b.push_back(std::max(b.back() + 1, b.back() * 102 / 100));
    return b;
  }();
  return bounds;
}

template <typename Map, typename Key>
void add_count(Map& m, const Key& k, int64_t n) {
  if (n == 0) return;
  auto [it, fresh] = m.emplace(k, n);
  if (!fresh && (it->second += n) == 0) m.erase(it);
}

}  // namespace

int DurationHistogram::bucket_of(int64_t ms) {
  const int64_t minutes = std::max<int64_t>(ms, 0) / kMinuteMs;
  if (minutes < kExactMinutes) return static_cast<int>(minutes);
  const auto& b = wide_bounds();
  const auto it = std::upper_bound(b.begin(), b.end(), minutes);
  return kExactMinutes + static_cast<int>(it - b.begin()) - 1;
}

int64_t DurationHistogram::lower_ms(int bucket) {
  if (bucket < kExactMinutes) return int64_t{bucket} * kMinuteMs;
  const auto& b = wide_bounds();
  const size_t i = std::min(static_cast<size_t>(bucket - kExactMinutes), b.size() - 1);
  return b[i] * kMinuteMs;
}

void DurationHistogram::add_bucket(int bucket, int64_t n) {
  add_count(buckets_, bucket, n);
  count_ += n;
}

void DurationHistogram::merge(const DurationHistogram& o) {
  for (const auto& [b, n] : o.buckets_) add_bucket(b, n);
}

int64_t DurationHistogram::median_ms() const {
  if (count_ <= 0) return -1;
  int64_t seen = 0;
  for (const auto& [b, n] : buckets_)
    if ((seen += n) > count_ / 2) return lower_ms(b);
  return lower_ms(buckets_.rbegin()->first);
}

std::string DurationHistogram::encode() const {
  std::string out;
  for (const auto& [b, n] : buckets_) {
    if (!out.empty()) out.push_back(' ');
    out += std::to_string(b) + ":" + std::to_string(n);
  }
  return out;
}

bool DurationHistogram::parse(std::string_view text) {
  std::map<std::string, int64_t> raw;
  if (!parse_counts(text, &raw)) return false;
  DurationHistogram h;
  for (const auto& [k, n] : raw) {
    const auto b = parse_int<int>(k, 0, 1 << 20);
    if (!b) return false;
    h.add_bucket(*b, n);
  }
  *this = std::move(h);
  return true;
}

std::string encode_counts(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (const auto& [k, n] : m) {
    if (!out.empty()) out.push_back(' ');
    out += k + ":" + std::to_string(n);
  }
  return out;
}

bool parse_counts(std::string_view text, std::map<std::string, int64_t>* out) {
  std::map<std::string, int64_t> m;
  while (!text.empty()) {
    const size_t end = std::min(text.find(' '), text.size());
    const auto item = text.substr(0, end);
    const size_t colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const auto n = parse_int<int64_t>(item.substr(colon + 1), INT64_MIN / 2, INT64_MAX / 2);
    if (!n) return false;
    add_count(m, std::string(item.substr(0, colon)), *n);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  *out = std::move(m);
  return true;
}

void Figures::add(const Figures& o, int sign) {
  received += sign * o.received;
  accepted_in_time += sign * o.accepted_in_time;
  resolved += sign * o.resolved;
  satisfied += sign * o.satisfied;
  unsatisfied += sign * o.unsatisfied;
  defaulted += sign * o.defaulted;
  misses += sign * o.misses;
  reopened += sign * o.reopened;
  for (const auto& [b, n] : o.accept.buckets()) accept.add_bucket(b, sign * n);
  for (const auto& [b, n] : o.resolve.buckets()) resolve.add_bucket(b, sign * n);
  for (const auto& [k, n] : o.by_category) add_count(by_category, k, sign * n);
  for (const auto& [k, n] : o.by_tier) add_count(by_tier, k, sign * n);
}

}  // namespace gridbot
