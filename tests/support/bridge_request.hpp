// One signed bridge request for every test: a message as a bridge posts it (docs/adapters/
// bridge.md), written with the project's JsonWriter so that any text is escaped properly, and
// signed the way the bridge adapter checks it (X-Gridbot-Timestamp, X-Gridbot-Signature).
#pragma once

#include "adapters/bridge/adapter.hpp"
#include "base/common/http_types.hpp"
#include "base/common/json_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gridbot::test {

/// A bridge message. Optional fields are left out of the body when empty / unset.
struct BridgeMessage {
  std::string id;
  std::string room;
  std::string room_topic;  // "room":{"topic":…} when set
  std::string talker;
  std::string name;  // "talker":{"name":…} when set
  std::string text;
  /// "mentions":[…]; nullopt leaves the key out.
  std::optional<std::vector<std::string>> mentions = std::vector<std::string>{};
  /// Adds `bot_id` to the mentions (an @ of the bot).
  bool mention_bot = false;
  std::string bot_id = "wxid_bot";
  std::optional<int64_t> timestamp;  // "timestamp" (seconds) when set
  bool self = false;                 // "self":true when set
};

/// The JSON body of `m`, keys in the order id, room, talker, text, mentions, timestamp, self.
inline std::string bridge_body(const BridgeMessage& m) {
  JsonWriter w;
  w.begin_object().key("id").value(m.id);
  w.key("room").begin_object().key("id").value(m.room);
  if (!m.room_topic.empty()) w.key("topic").value(m.room_topic);
  w.end_object();
  w.key("talker").begin_object().key("id").value(m.talker);
  if (!m.name.empty()) w.key("name").value(m.name);
  w.end_object();
  w.key("text").value(m.text);
  if (m.mentions || m.mention_bot) {
    w.key("mentions").begin_array();
    if (m.mentions)
      for (const auto& id : *m.mentions) w.value(id);
    if (m.mention_bot) w.value(m.bot_id);
    w.end_array();
  }
  if (m.timestamp) w.key("timestamp").value(*m.timestamp);
  if (m.self) w.key("self").value(true);
  w.end_object();
  return w.take();
}

/// A POST of `body` signed with `secret` at `now_s` (seconds). Set target or url as needed.
inline HttpRequest signed_bridge_request(std::string body, const std::string& secret,
                                         int64_t now_s) {
  HttpRequest r;
  r.method = "POST";
  const std::string ts = std::to_string(now_s);
  r.headers = {{"Content-Type", "application/json"},
               {"X-Gridbot-Timestamp", ts},
               {"X-Gridbot-Signature", adapters::bridge::sign(secret, ts, body)}};
  r.body = std::move(body);
  return r;
}

}  // namespace gridbot::test
