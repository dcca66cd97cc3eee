// The figures of a node over a period (统计, the daily digest, GET /api/v1/stats): counters and
// duration histograms that add up, so a street's year is the sum of its days' rows and never a
// walk over its tickets (docs/design.md "Figures").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gridbot {

/// Durations by bucket: whole minutes below three hours, then buckets 2% wide, so a median read
/// from a city's year of tickets costs the same as one from a day and is off by at most 2%.
class DurationHistogram {
 public:
  static int bucket_of(int64_t ms);
  /// The shortest duration a bucket holds, in ms: what a median falling in it reports.
  static int64_t lower_ms(int bucket);

  void add(int64_t ms, int64_t n = 1) { add_bucket(bucket_of(ms), n); }
  void add_bucket(int bucket, int64_t n);
  void merge(const DurationHistogram& o);
  int64_t count() const { return count_; }
  /// The upper middle duration (element count/2 of the sorted list), -1 when empty.
  int64_t median_ms() const;
  bool empty() const { return count_ == 0; }
  /// Count per bucket, dense from bucket 0 (trailing zeros trimmed).
  const std::vector<int64_t>& buckets() const { return buckets_; }

  /// "bucket:count bucket:count", buckets ascending; parse() takes the same back (false when
  /// malformed, leaving the histogram unchanged).
  std::string encode() const;
  bool parse(std::string_view text);

  bool operator==(const DurationHistogram&) const = default;

 private:
  void trim();
  // Dense: a city's year merges 365 days × a few hundred buckets, and a map made that the cost.
  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
};

/// "code:count code:count" of a count map (codes are ASCII without spaces or colons).
std::string encode_counts(const std::map<std::string, int64_t>& m);
bool parse_counts(std::string_view text, std::map<std::string, int64_t>* out);

struct Figures {
  int64_t received = 0;                                   // tickets reported in the period
  int64_t accepted_in_time = 0;                           // …accepted within the accept window
  int64_t resolved = 0;                                   // …resolved (办结) since
  int64_t satisfied = 0, unsatisfied = 0, defaulted = 0;  // verdicts, one per reporter per round
  int64_t misses = 0;                                     // deadlines missed
  int64_t reopened = 0;  // tickets reopened by an unsatisfied verdict at least once
  DurationHistogram accept, resolve;
  std::map<std::string, int64_t> by_category, by_tier;

  /// Adds `o` (or subtracts it, sign -1); zero counts drop out of the maps.
  void add(const Figures& o, int sign = 1);
  bool operator==(const Figures&) const = default;
};

}  // namespace gridbot
