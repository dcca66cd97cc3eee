// Receipt replies to @-mentions, queued in the inbox transaction.
#include "bot/core/receipt.hpp"

#include "bot/core/outbox.hpp"

namespace gridbot::core {

Pipeline::Processor make_receipt_processor(const ChannelTable& channels,
                                           std::shared_ptr<const Templates> templates,
                                           const Clock& clock) {
  return [&channels, templates, &clock](const InboundMessage& m, int64_t row_id,
                                        store::WriteTx& tx) {
    if (!m.mentions_bot) return;
    OutboxItem reply;
    reply.channel = m.channel;
    reply.chat_id = m.chat_id;
    reply.text = templates->render(
        "receipt", {{"name", m.sender_name.empty() ? m.sender_id : m.sender_name},
                    {"id", std::to_string(row_id)}});
    reply.mentions = {m.sender_id};
    reply.reply_token = m.reply_token;
    // One receipt per inbound message, whatever happens: the key is the message's own identity.
    reply.idempotency_key = "receipt:" + m.channel + ":" + m.chat_id + ":" + m.msg_id;
    reply.created_ms = clock.now_ms();
    queue_message(tx, channels, reply);
  };
}

}  // namespace gridbot::core
