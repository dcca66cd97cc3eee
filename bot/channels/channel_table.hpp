// The configured channels, each with its adapter: built once at start, immutable after.
#pragma once

#include "adapters/adapter.hpp"
#include "base/config/config.hpp"

#include <map>
#include <memory>
#include <string>

namespace gridbot::channels {

struct Channel {
  config::ChannelConfig config;
  std::unique_ptr<adapters::Adapter> adapter;
};

/// Thread safety: immutable after build; safe from any thread.
class ChannelTable {
 public:
  /// Builds every channel's adapter; on failure returns false with one line per problem.
  bool build(const config::Config& cfg, std::vector<std::string>* errors);
  /// For tests: adds a channel with a ready adapter.
  void add_for_test(config::ChannelConfig cfg, std::unique_ptr<adapters::Adapter> adapter);
  const Channel* find(std::string_view name) const;
  const std::map<std::string, Channel, std::less<>>& all() const { return channels_; }

 private:
  std::map<std::string, Channel, std::less<>> channels_;
};

}  // namespace gridbot::channels
