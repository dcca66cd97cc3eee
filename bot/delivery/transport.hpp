// The Transport seam: outbound HTTP. bot/http implements it with Beast; tests use a fake.
#pragma once

#include "base/common/http_types.hpp"

#include <functional>

namespace gridbot::delivery {

/// Thread safety: send() may be called from any thread; `done` runs on an I/O thread, once.
class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends `request` to request.url, giving up after timeout_ms in all (connect, TLS, write and
  /// read together). Never throws; failures come back as TransportResult::error.
  virtual void send(HttpRequest request, int64_t timeout_ms,
                    std::function<void(TransportResult)> done) = 0;
};

}  // namespace gridbot::delivery
