// Simulated time.
//
// All time in a simulation is integer nanoseconds since the start of the run. There is no
// floating-point time anywhere and no link to the wall clock: `SimClock` has no `now()`, so
// code cannot read real time through it by accident. The only source of the current time is
// `Scheduler::now()`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace mw::sim {

// SimClock is a tag clock for `std::chrono::time_point`. It is deliberately not a
// TrivialClock: it has no `now()`.
struct SimClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
};

using Duration = SimClock::duration;
using Time = std::chrono::time_point<SimClock, Duration>;

inline constexpr Time kTimeZero{};
inline constexpr Time kTimeMax{Duration::max()};

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// to_nanos returns `t` as nanoseconds since the start of the run.
constexpr std::int64_t to_nanos(Time t) { return t.time_since_epoch().count(); }
constexpr Time from_nanos(std::int64_t ns) { return Time{Duration{ns}}; }

// format_time renders a time as "HH:MM:SS.mmmuuunnn" since the start of the run, for traces and
// reports read by people. Negative durations are not produced by the kernel.
std::string format_time(Time t);
std::string format_duration(Duration d);

}  // namespace mw::sim
