// Inbox::handle_hook: ack means durable.
#include "bot/intake/inbox.hpp"

#include "base/common/errors.hpp"
#include "base/common/log.hpp"
#include "base/common/metrics.hpp"

#include <algorithm>

namespace gridbot::intake {

namespace {

// The caller's request (the router's), or a fresh one for a caller that has none.
std::string this_request() {
  return log::request_id().empty() ? log::new_request_id() : log::request_id();
}

}  // namespace

void Inbox::handle_hook(std::string_view channel, const HttpRequest& request, Reply reply) {
  log::RequestScope scope(this_request());
  const channels::Channel* ch = channels_.find(channel);
  if (ch == nullptr) {
    ++rejected_;
    // Not the name asked for: a label from outside input would grow without bound.
    count("(unknown)", "unknown_channel");
    log::info({"intake", {{"result", "rejected"}, {"reason", "unknown_channel"}}},
              "hook: rejected: unknown channel");
    return reply(error_response(make_error_code(errc::unknown_channel), channel));
  }
  auto parsed = ch->adapter->parse(request, clock_.now_ms());
  if (!parsed) {
    ++rejected_;
    count(channel, error_name(parsed.error()));
    log::info(
        {"intake",
         {{"channel", channel}, {"result", "rejected"}, {"reason", error_name(parsed.error())}}},
        "hook {}: rejected: {}", channel, parsed.error().message());
    return reply(error_response(parsed.error()));
  }
  auto messages = std::move(parsed->messages);
  for (auto& m : messages) {
    m.channel = std::string(channel);
    m.request_id = log::request_id();
  }
  if (messages.empty()) return reply(std::move(parsed->reply));

  commit(std::move(messages),
         [reply = std::move(reply), ok = std::move(parsed->reply)](std::error_code ec) mutable {
           if (ec) return reply(error_response(ec));
           reply(std::move(ok));
         });
}

void Inbox::handle_messages(std::string_view channel, std::vector<InboundMessage> messages,
                            std::function<void(std::error_code)> done) {
  log::RequestScope scope(this_request());
  for (auto& m : messages) {
    m.channel = std::string(channel);
    m.request_id = log::request_id();
  }
  if (messages.empty()) return done({});
  commit(std::move(messages), std::move(done));
}

void Inbox::commit(std::vector<InboundMessage> messages,
                   std::function<void(std::error_code)> done) {
  if (analyser_)
    for (auto& m : messages)
      if (!m.from_bot) analyser_(m);
  if (preparer_.pool != nullptr && std::any_of(messages.begin(), messages.end(), preparer_.needs)) {
    auto batch = std::make_shared<std::vector<InboundMessage>>(std::move(messages));
    preparer_.pool->post(
        [this, batch, done = std::move(done), request = log::request_id()]() mutable {
          log::RequestScope scope(std::move(request));  // the write it queues runs under it too
          for (auto& m : *batch)
            if (preparer_.needs(m)) preparer_.prepare(m);
          write_batch(std::move(*batch), std::move(done));
        });
    return;
  }
  write_batch(std::move(messages), std::move(done));
}

void Inbox::write_batch(std::vector<InboundMessage> messages,
                        std::function<void(std::error_code)> done) {
  // What the work found, counted once the commit is durable (a failed commit stored nothing).
  auto seen = std::make_shared<std::vector<std::pair<std::string, std::string>>>();
  const std::string channel = messages.front().channel;
  const size_t n = messages.size();
  auto work = [this, messages = std::move(messages), seen](store::WriteTx& tx) {
    for (const auto& m : messages) {
      const int64_t id = tx.insert_inbound(m);
      if (id == 0) {
        seen->emplace_back(m.channel, "duplicate");  // a platform retry: stored once already
        log::info({"intake",
                   {{"request_id", m.request_id},
                    {"channel", m.channel},
                    {"chat", m.chat_id},
                    {"msg_id", m.msg_id},
                    {"result", "duplicate"}}},
                  "intake {}: message {} in {} is a duplicate", m.channel, m.msg_id, m.chat_id);
        continue;
      }
      seen->emplace_back(m.channel, "accepted");
      // Media rows in the message's own transaction: acknowledged means they will be fetched.
      if (!m.media.empty() && tx.add_media(id, m, m.received_at_ms) > 0)
        seen->emplace_back("", "media");
      log::info({"intake",
                 {{"request_id", m.request_id},
                  {"channel", m.channel},
                  {"chat", m.chat_id},
                  {"msg_id", m.msg_id},
                  {"inbox_id", id},
                  {"result", "accepted"}}},
                "intake {}: message {} in {} stored as inbox {}", m.channel, m.msg_id, m.chat_id,
                id);
      if (m.from_bot || !processor_) continue;
      std::string state;
      const bool ok = tx.guarded([&] { state = processor_(m, id, tx); });
      state = !ok ? "failed" : state.empty() ? "processed" : state;
      tx.set_message_state(id, state);
      seen->emplace_back("", state);
      // What the processing did is in the lines it wrote (tickets, outbox); a failure is not.
      log::vlog(ok ? log::level::debug : log::level::warn,
                {"intake", {{"request_id", m.request_id}, {"inbox_id", id}, {"state", state}}},
                "inbox {}: {}", fmt::make_format_args(id, state));
    }
  };
  store_.write(std::move(work),
               [this, seen, channel, n, done = std::move(done)](std::error_code ec) {
                 if (!ec) {
                   record(*seen);
                 } else {
                   rejected_ += n;
                   count(channel, error_name(ec));
                   log::error({"intake", {{"channel", channel}, {"result", error_name(ec)}}},
                              "hook {}: {} message(s) not stored: {}", channel, n, ec.message());
                 }
                 done(ec);
               });
}

void Inbox::record(const std::vector<std::pair<std::string, std::string>>& seen) {
  auto& reg = metrics::global();
  bool media = false;
  for (const auto& [channel, what] : seen) {
    if (channel.empty() && what == "media") {
      media = true;
      continue;
    }
    if (!channel.empty()) {
      ++(what == "duplicate" ? duplicates_ : accepted_);
      count(channel, what);
      continue;
    }
    reg.inc("gridbot_inbound_processed_total", {{"state", what}});
    if (what == "ticket") reg.inc("gridbot_tickets_opened_total");
    if (what == "merged") reg.inc("gridbot_tickets_merged_total");
  }
  if (media && media_listener_) media_listener_();
}

void Inbox::count(std::string_view channel, std::string_view result) {
  metrics::global().inc("gridbot_inbound_messages_total",
                        {{"channel", std::string(channel)}, {"result", std::string(result)}});
}

}  // namespace gridbot::intake
