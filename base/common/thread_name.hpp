// Names the calling thread, so that `top -H`, `ps -L`, perf and a core dump tell the writer from an
// I/O thread. Linux keeps 15 bytes of it; a longer name is cut there.
#pragma once

#include <pthread.h>

#include <cstring>
#include <string_view>

namespace gridbot {

inline void name_this_thread(std::string_view name) {
  char buf[16] = {};
  std::memcpy(buf, name.data(), name.size() < 15 ? name.size() : 15);
  pthread_setname_np(pthread_self(), buf);
}

}  // namespace gridbot
