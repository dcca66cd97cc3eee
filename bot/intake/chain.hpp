// The processor chain each new inbound message runs through inside its inbox transaction:
// incidents first (their commands in department groups, and the residents' reports an open
// outage absorbs), then tickets (commands, 通知, reports). The first step that takes a message
// decides its inbox state.
#pragma once

#include "bot/incidents/service.hpp"
#include "bot/tickets/service.hpp"

#include <string>

namespace gridbot::intake {

class Chain {
 public:
  Chain(incidents::IncidentService& incidents, tickets::TicketService& tickets)
      : incidents_(incidents), tickets_(tickets) {}
  /// The inbox's processor: returns the message's inbox state.
  std::string process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx);

 private:
  incidents::IncidentService& incidents_;
  tickets::TicketService& tickets_;
};

}  // namespace gridbot::intake
