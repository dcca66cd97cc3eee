// The one way a workflow sends a message into a group: an outbox row (pieces, when the text is
// longer than the channel takes) written in the workflow's own transaction. A group whose channel
// can only answer (a WeCom AI bot on a webhook) hears nothing unprompted through it: the row is
// not queued, and the caller learns so.
#pragma once

#include "base/common/mentions.hpp"
#include "base/model/inbound_message.hpp"
#include "base/model/org.hpp"
#include "base/model/outbox_item.hpp"
#include "bot/channels/channel_table.hpp"
#include "bot/store/store.hpp"

#include <string>
#include <vector>

namespace gridbot::delivery {

/// Queues `item` (its text split to the channel's byte limit, one row per piece, keys
/// "<key>" then "<key>#2", …) inside the caller's transaction. Returns how many rows were new.
int queue_message(store::OutboxTx& tx, const channels::ChannelTable& channels,
                  const OutboxItem& item);

/// One message to post.
struct Post {
  GroupRef group;
  std::string text;
  std::vector<Mention> mentions;  // who is @-mentioned: the platform id, the name the text shows
  int priority = priority::kRoutine;
  std::string key;            // idempotency key (keys.hpp)
  std::string supersede;      // optional: replaces older pending rows with this key in the group
  int64_t not_before_ms = 0;  // optional: held back until then (a 补充 waits for later follow-ups)
};

/// Posts for one change, at one time, possibly in answer to one inbound message.
/// Thread safety: on the store's writer thread, inside one transaction.
class Poster {
 public:
  /// `answering`: the inbound message being handled (nullptr for a timer or an API call); a post
  /// into its own group may use its per-message reply handle.
  Poster(const channels::ChannelTable& channels, store::OutboxTx& tx, int64_t now_ms,
         const InboundMessage* answering)
      : channels_(channels), tx_(tx), now_(now_ms), answering_(answering) {}

  /// True when a message can reach `group` now: its channel may post unprompted, or this is an
  /// answer in the group being answered with a reply handle.
  bool can_reach(const GroupRef& group) const;
  /// Queues `p` unless the group cannot be reached (false, nothing queued).
  bool post(Post p);
  /// Queues an image row that shows media row `media_id` in `p.group` (p.text unused), when the
  /// group's channel shows images and can be reached; false otherwise (the text's link stands).
  bool post_image(Post p, int64_t media_id);

 private:
  bool answers_here(const GroupRef& group) const;
  bool queue(Post p, int64_t media_id);

  const channels::ChannelTable& channels_;
  store::OutboxTx& tx_;
  int64_t now_;
  const InboundMessage* answering_;
};

}  // namespace gridbot::delivery
