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
  if (n == 0 || bucket < 0) return;
  const auto b = static_cast<size_t>(bucket);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  buckets_[b] += n;
  count_ += n;
  if (b + 1 == buckets_.size() && buckets_[b] == 0) trim();
}

void DurationHistogram::trim() {
  while (!buckets_.empty() && buckets_.back() == 0) buckets_.pop_back();
}

void DurationHistogram::merge(const DurationHistogram& o) {
  if (o.buckets_.size() > buckets_.size()) buckets_.resize(o.buckets_.size(), 0);
  for (size_t b = 0; b < o.buckets_.size(); ++b) buckets_[b] += o.buckets_[b];
  count_ += o.count_;
  trim();
}

int64_t DurationHistogram::median_ms() const {
  if (count_ <= 0) return -1;
  int64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b)
    if ((seen += buckets_[b]) > count_ / 2) return lower_ms(static_cast<int>(b));
  return lower_ms(static_cast<int>(buckets_.size()) - 1);
}

std::string DurationHistogram::encode() const {
  std::string out;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    if (buckets_[b] == 0) continue;
    if (!out.empty()) out.push_back(' ');
    out += std::to_string(b) + ":" + std::to_string(buckets_[b]);
  }
  return out;
}

bool DurationHistogram::parse(std::string_view text) {
  DurationHistogram h;
  while (!text.empty()) {
    const size_t end = std::min(text.find(' '), text.size());
    const auto item = text.substr(0, end);
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos) return false;
    const auto b = parse_int<int>(item.substr(0, colon), 0, 1 << 16);
    const auto n = parse_int<int64_t>(item.substr(colon + 1), INT64_MIN / 2, INT64_MAX / 2);
    if (!b || !n) return false;
    h.add_bucket(*b, *n);
    text.remove_prefix(std::min(end + 1, text.size()));
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
  if (sign == 1) {
    accept.merge(o.accept);
    resolve.merge(o.resolve);
  } else {
    for (size_t b = 0; b < o.accept.buckets().size(); ++b)
      accept.add_bucket(static_cast<int>(b), -o.accept.buckets()[b]);
    for (size_t b = 0; b < o.resolve.buckets().size(); ++b)
      resolve.add_bucket(static_cast<int>(b), -o.resolve.buckets()[b]);
  }
  for (const auto& [k, n] : o.by_category) add_count(by_category, k, sign * n);
  for (const auto& [k, n] : o.by_tier) add_count(by_tier, k, sign * n);
}

}  // namespace gridbot
