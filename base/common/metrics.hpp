// Metrics in the Prometheus text exposition format (version 0.0.4), written by hand: Debian has no
// prometheus-cpp package, and the server needs only counters, gauges and fixed-bucket histograms.
// Counters and histograms are recorded where things happen; gauges are read at scrape time from
// the components that own the state (the outbox's depth, open incidents) by whoever serves the
// scrape (bot/api/router.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridbot::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

/// Thread safety: every method is safe from any thread.
class Registry {
 public:
  /// Declares a family once, before use (HELP and TYPE lines). Histograms take their upper bounds.
  void counter(std::string name, std::string help);
  void gauge(std::string name, std::string help);
  void histogram(std::string name, std::string help, std::vector<double> bounds);

  void inc(std::string_view name, const Labels& labels = {}, double by = 1);
  void set(std::string_view name, const Labels& labels, double value);
  void observe(std::string_view name, double value, const Labels& labels = {});

  /// The exposition text of every family, each sample once.
  std::string render();

 private:
  struct Series {
    double value = 0;
    std::vector<uint64_t> buckets;  // histograms: cumulative counts per bound
    double sum = 0;
  };
  struct Family {
    std::string type, help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // by rendered label set
  };
  Family* find(std::string_view name);

  std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

/// The process's registry, with the server's families declared.
Registry& global();

}  // namespace gridbot::metrics
