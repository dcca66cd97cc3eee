// Store's non-virtual helpers.
#include "bot/store/store.hpp"

#include <future>

namespace gridbot::store {

std::error_code Store::write_sync(Work work) {
  std::promise<std::error_code> p;
  auto f = p.get_future();
  write(std::move(work), [&p](std::error_code ec) { p.set_value(ec); });
  return f.get();
}

}  // namespace gridbot::store
