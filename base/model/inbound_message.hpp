// One message received from a platform, after its adapter verified and parsed it.
#pragma once

#include "base/model/media.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gridbot {

namespace knowledge {
struct Analysis;  // bot/knowledge/analysis.hpp: opaque here, read only by the workflows
}

/// An answer worked out from committed data before the message reached the writer (待办, 统计):
/// the reply template and its variables, so the writer only queues it.
struct PreparedAnswer {
  std::string template_name;
  std::map<std::string, std::string> vars;
};

struct InboundMessage {
  std::string channel;    // configured channel name ("bridge", "wecom-street", ...)
  std::string chat_id;    // the group (room) on that platform
  std::string chat_name;  // its topic, when the platform gives one
  std::string msg_id;     // the platform's message id: the dedupe key with channel and chat
  std::string sender_id;
  std::string sender_name;
  std::string text;                   // UTF-8; may be empty when the message is only media
  std::vector<MediaRef> media;        // photos, voice, files it carried, in order
  std::vector<std::string> mentions;  // user ids @-mentioned
  bool mentions_bot = false;          // the bot itself was @-mentioned
  bool from_bot = false;              // sent by this or another bot: stored, never answered
  /// Platform handle for answering this very message (a WeCom AI bot's response_url, …); opaque
  /// to the core, copied onto replies' OutboxItem::reply_token.
  std::string reply_token;
  int64_t sent_at_s = 0;  // platform timestamp
  int64_t received_at_ms = 0;
  /// Set by the inbox's preparer before the write; never stored.
  std::shared_ptr<const PreparedAnswer> prepared;
  /// Set by the inbox before the write (the group's node, command, classification), for the
  /// knowledge it names; never stored. Absent or made under other knowledge: the writer works it
  /// out itself.
  std::shared_ptr<const knowledge::Analysis> analysis;
  /// The HTTP request or long-connection frame that brought it; not stored with the message, but
  /// carried onto every outbox row its processing queues.
  std::string request_id;
};

/// A message as the store holds it.
struct StoredMessage {
  int64_t id = 0;
  InboundMessage message;
  std::string state;  // "received", "processed", "failed"
};

}  // namespace gridbot
