// One place that swaps the knowledge both services read: the SIGHUP reload (rules, templates,
// command words) and an applied org import (the tree) each start from the set in use, under one
// mutex, so neither undoes the other.
#pragma once

#include "bot/incidents/service.hpp"
#include "bot/tickets/service.hpp"

#include <functional>
#include <mutex>

namespace gridbot::console {

/// Thread safety: apply() from any thread; the swaps are serialised by one mutex.
class KnowledgeSwap {
 public:
  KnowledgeSwap(tickets::TicketService& tickets, incidents::IncidentService& incidents)
      : tickets_(tickets), incidents_(incidents) {}

  /// Copies the set in use, lets `change` edit the copy, and swaps it into both services (with
  /// the incident grammar too when `grammar` is set). Work in flight keeps the set it started with.
  void apply(const std::function<void(knowledge::Knowledge&)>& change,
             std::shared_ptr<const incidents::IncidentGrammar> grammar = nullptr) {
    std::lock_guard lk(mu_);
    auto next = std::make_shared<knowledge::Knowledge>(*tickets_.knowledge());
    change(*next);
    tickets_.swap(next);
    incidents_.swap(next, std::move(grammar));
  }

 private:
  tickets::TicketService& tickets_;
  incidents::IncidentService& incidents_;
  std::mutex mu_;
};

}  // namespace gridbot::console
