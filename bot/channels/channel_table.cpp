// ChannelTable: config channels → adapters through the registry.
#include "bot/channels/channel_table.hpp"

namespace gridbot::channels {

bool ChannelTable::build(const config::Config& cfg, std::vector<std::string>* errors) {
  bool ok = true;
  for (const auto& ch : cfg.channels) {
    auto adapter = adapters::make_adapter(ch, cfg.file, errors);
    if (!adapter) {
      ok = false;
      continue;
    }
    channels_[ch.name] = Channel{ch, std::move(adapter)};
  }
  return ok;
}

void ChannelTable::add_for_test(config::ChannelConfig cfg,
                                std::unique_ptr<adapters::Adapter> adapter) {
  auto name = cfg.name;
  channels_[name] = Channel{std::move(cfg), std::move(adapter)};
}

const Channel* ChannelTable::find(std::string_view name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : &it->second;
}

}  // namespace gridbot::channels
