// The foundation's processor: answers a resident who @-mentions the bot with a receipt from the
// "receipt" template. Tickets (issue 4) take over reports; the receipt stays for the rest.
#pragma once

#include "bot/core/channels.hpp"
#include "bot/core/pipeline.hpp"
#include "bot/core/templates.hpp"

namespace gridbot::core {

Pipeline::Processor make_receipt_processor(const ChannelTable& channels,
                                           std::shared_ptr<const Templates> templates,
                                           const Clock& clock);

}  // namespace gridbot::core
