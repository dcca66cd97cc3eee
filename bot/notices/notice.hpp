// 通知 <范围> <内容>: a head posts a notice into every group of a part of their own subtree
// (docs/commands.md "通知"). The scope is a node of the speaker's subtree, by name or id, or a word
// for all of it; the notice goes once into each group below, never above or beside.
#pragma once

#include "base/model/inbound_message.hpp"
#include "base/model/org.hpp"
#include "bot/delivery/post.hpp"
#include "bot/knowledge/knowledge.hpp"

#include <string>

namespace gridbot::notices {

struct NoticeRequest {
  const knowledge::Knowledge& k;
  const OrgNode& node;      // the speaker's group's node
  const InboundMessage& m;  // the 通知 message
  int64_t row_id;           // its inbox row (the notice's key)
  std::string note;         // what followed the command word: "<scope> <text>"
};

/// Runs a 通知. Returns the inbox state: "command", "refused" or "ignored".
std::string on_notice(const NoticeRequest& r, delivery::Poster& out);

}  // namespace gridbot::notices
