#include "sim/time.h"

#include <cstdio>

namespace mw::sim {

std::string format_duration(Duration d) {
  std::int64_t ns = d.count();
  const char* sign = "";
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  const std::int64_t total_s = ns / 1'000'000'000;
  const std::int64_t frac = ns % 1'000'000'000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld.%09lld", sign,
                static_cast<long long>(total_s / 3600), static_cast<long long>(total_s / 60 % 60),
                static_cast<long long>(total_s % 60), static_cast<long long>(frac));
  return buf;
}

std::string format_time(Time t) { return format_duration(t.time_since_epoch()); }

}  // namespace mw::sim
