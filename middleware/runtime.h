// Runtime: the core's only window on the world.
//
// The core is sans-I/O: it never opens a socket, starts a thread or reads a clock. Whoever
// hosts it (the simulator's node, or the Boost.Asio daemon in production) implements this port
// and delivers inbound bytes by calling Core::on_message. All calls happen on one thread; a
// timer callback never runs inside another call into the core.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "middleware/clock.h"

namespace mw::core {

// TimerId names a timer; 0 names none.
using TimerId = std::uint64_t;

class Runtime {
 public:
  virtual ~Runtime() = default;

  // now returns the current time. It never goes backwards within one process life.
  virtual Instant now() const = 0;

  // set_timer runs `callback` once, `delay` from now, unless cancelled first. Timers die with
  // the process: after a restart none of them fires.
  virtual TimerId set_timer(Duration delay, std::function<void()> callback) = 0;
  virtual void cancel_timer(TimerId id) = 0;

  // send delivers `bytes` to the endpoint named `endpoint` ("erp", "wms", a plant's sender...)
  // at most once, possibly never: the network may lose it. Reliability is the core's job.
  virtual void send(std::string_view endpoint, std::string bytes) = 0;

  // random_u64 returns 64 random bits (for jitter). In the simulator they come from the
  // seed; in production from the OS.
  virtual std::uint64_t random_u64() = 0;

  // reached tells the host that the core is in the rare situation `probe`, one of
  // probes::kProbes (middleware/probes.h). A simulator counts them; by default nothing happens.
  virtual void reached(std::string_view probe) { (void)probe; }

  // crash_point tells the host that the core is at the crash point `name`, one of
  // probes::kCrashPoints. A simulated host may decide that the process dies here: from then on
  // nothing the process does may reach the world (no send, no disk write), and the host
  // destroys it before any other event runs. The call returns normally either way, and the
  // core carries on as if nothing happened. By default nothing happens.
  virtual void crash_point(std::string_view name) { (void)name; }
};

}  // namespace mw::core
