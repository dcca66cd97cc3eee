#include "bot/intake/chain.hpp"

namespace gridbot::intake {

std::string Chain::process(const InboundMessage& m, int64_t row_id, store::WriteTx& tx) {
  if (auto state = incidents_.process(m, row_id, tx)) return *state;
  return tickets_.process(m, row_id, tx);
}

}  // namespace gridbot::intake
