// Time as the middleware core sees it: integer nanoseconds of Unix time (UTC).
//
// The core never reads a clock itself: `Runtime::now()` is the only source. In production the
// runtime reads the system clock; in the simulator it is the simulated clock plus an epoch.
#pragma once

#include <chrono>
#include <cstdint>

namespace mw::core {

// UnixClock is a tag clock with no now(), so no code can read real time through it.
struct UnixClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
};

using Duration = UnixClock::duration;
using Instant = std::chrono::time_point<UnixClock, Duration>;

constexpr std::int64_t to_unix_nanos(Instant t) { return t.time_since_epoch().count(); }
constexpr Instant from_unix_nanos(std::int64_t ns) { return Instant{Duration{ns}}; }

using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace mw::core
