// The JSON views of the read API (docs/api.md): one writer per resource, so the list and the
// single-item routes show a resource the same way.
#pragma once

#include "base/common/json_writer.hpp"
#include "base/model/inbound_message.hpp"
#include "base/model/outbox_item.hpp"
#include "base/model/ticket.hpp"
#include "bot/tickets/stats.hpp"

#include <functional>

namespace gridbot::api {

/// `extra` writes further keys into the ticket's object before it is closed.
void write_ticket(JsonWriter& w, const Ticket& t, bool with_events,
                  const std::function<void(JsonWriter&)>& extra = {});
void write_message(JsonWriter& w, const StoredMessage& sm);
void write_delivery(JsonWriter& w, const OutboxItem& o);
/// The figures as keys of the object the caller has open.
void write_stats(JsonWriter& w, const tickets::TicketStats& s);

}  // namespace gridbot::api
