#include "bot/delivery/post.hpp"

#include "adapters/common/text.hpp"
#include "base/common/log.hpp"

namespace gridbot::delivery {

int queue_message(store::OutboxTx& tx, const channels::ChannelTable& channels,
                  const OutboxItem& item) {
  const channels::Channel* ch = channels.find(item.channel);
  const size_t limit = ch ? ch->adapter->max_text_bytes() : 2048;
  // An image row has no text to split: it is one row.
  auto pieces = item.media_id != 0 ? std::vector<std::string>{item.text}
                                   : adapters::split_text(item.text, limit);
  int added = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    OutboxItem row = item;
    row.text = std::move(pieces[i]);
    if (i > 0) {
      row.idempotency_key += "#" + std::to_string(i + 1);
      row.mentions.clear();  // mention once, in the first piece
      row.mention_names.clear();
    }
    // A row not answering a message belongs to whatever runs this transaction (an API call, a
    // timer run).
    if (row.request_id.empty()) row.request_id = log::request_id();
    const int64_t id = tx.enqueue(row);
    if (id == 0) continue;  // queued before under this key
    ++added;
    log::info({"outbox",
               {{"request_id", row.request_id},
                {"outbox_id", id},
                {"channel", row.channel},
                {"chat", row.chat_id},
                {"key", row.idempotency_key},
                {"priority", row.priority}}},
              "outbox: row {} queued for {} in {}", id, row.chat_id, row.channel);
  }
  return added;
}

bool Poster::answers_here(const GroupRef& group) const {
  return answering_ != nullptr && group.channel == answering_->channel &&
         group.chat_id == answering_->chat_id;
}

bool Poster::can_reach(const GroupRef& group) const {
  if (answers_here(group) && !answering_->reply_token.empty()) return true;
  const channels::Channel* ch = channels_.find(group.channel);
  return ch == nullptr || ch->adapter->can_post_unprompted();
}

bool Poster::post(Post p) { return queue(std::move(p), 0); }

bool Poster::post_image(Post p, int64_t media_id) {
  const channels::Channel* ch = channels_.find(p.group.channel);
  if (ch == nullptr || !ch->adapter->sends_images() || media_id == 0) return false;
  p.text.clear();
  p.mentions.clear();
  return queue(std::move(p), media_id);
}

bool Poster::queue(Post p, int64_t media_id) {
  if (!can_reach(p.group)) return false;
  OutboxItem o;
  o.channel = std::move(p.group.channel);
  o.chat_id = std::move(p.group.chat_id);
  o.text = std::move(p.text);
  for (auto& m : p.mentions) {
    o.mentions.push_back(std::move(m.id));
    o.mention_names.push_back(std::move(m.name));
  }
  o.priority = p.priority;
  o.idempotency_key = std::move(p.key);
  o.supersede_key = std::move(p.supersede);
  o.created_ms = now_;
  o.next_try_ms = p.not_before_ms;
  if (answering_ != nullptr && o.channel == answering_->channel && o.chat_id == answering_->chat_id)
    o.reply_token = answering_->reply_token;
  // Whatever a message causes (its answer, a relay into other groups) carries its request.
  if (answering_ != nullptr) o.request_id = answering_->request_id;
  o.media_id = media_id;
  queue_message(tx_, channels_, o);
  return true;
}

}  // namespace gridbot::delivery
