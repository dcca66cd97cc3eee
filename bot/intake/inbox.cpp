// Inbox::handle_hook: ack means durable.
#include "bot/intake/inbox.hpp"

#include "base/common/errors.hpp"
#include "base/common/log.hpp"

namespace gridbot::intake {

void Inbox::handle_hook(std::string_view channel, const HttpRequest& request, Reply reply) {
  const channels::Channel* ch = channels_.find(channel);
  if (ch == nullptr) {
    ++rejected_;
    return reply(error_response(make_error_code(errc::unknown_channel), channel));
  }
  auto parsed = ch->adapter->parse(request, clock_.now_ms());
  if (!parsed) {
    ++rejected_;
    log::info("hook {}: rejected: {}", channel, parsed.error().message());
    return reply(error_response(parsed.error()));
  }
  auto messages = std::move(parsed->messages);
  for (auto& m : messages) m.channel = std::string(channel);
  if (messages.empty()) return reply(std::move(parsed->reply));

  commit(std::move(messages),
         [reply = std::move(reply), ok = std::move(parsed->reply)](std::error_code ec) mutable {
           if (ec) return reply(error_response(ec));
           reply(std::move(ok));
         });
}

void Inbox::handle_messages(std::string_view channel, std::vector<InboundMessage> messages,
                            std::function<void(std::error_code)> done) {
  for (auto& m : messages) m.channel = std::string(channel);
  if (messages.empty()) return done({});
  commit(std::move(messages), std::move(done));
}

void Inbox::commit(std::vector<InboundMessage> messages,
                   std::function<void(std::error_code)> done) {
  auto work = [this, messages = std::move(messages)](store::WriteTx& tx) {
    for (const auto& m : messages) {
      const int64_t id = tx.insert_inbound(m);
      if (id == 0) {
        ++duplicates_;  // a platform retry: already stored (and processed) once
        continue;
      }
      ++accepted_;
      if (m.from_bot || !processor_) continue;
      std::string state;
      const bool ok = tx.guarded([&] { state = processor_(m, id, tx); });
      tx.set_message_state(id, !ok ? "failed" : state.empty() ? "processed" : state);
    }
  };
  store_.write(std::move(work), std::move(done));
}

}  // namespace gridbot::intake
