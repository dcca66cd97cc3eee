// Runtime's private state; included only by bot/http/*.cpp.
#pragma once

#include "bot/http/runtime.hpp"

#include <boost/asio/io_context.hpp>

#include <optional>
#include <thread>
#include <vector>

namespace gridbot::http {

struct Runtime::Impl {
  boost::asio::io_context ioc;
  // Keeps run() from returning while no I/O is pending.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::vector<std::thread> threads;
};

}  // namespace gridbot::http
