// RateLimiter: the simulated ERP gateway's request limit (the source of 429 THROTTLED).
//
// A token bucket that refills `rate_per_s` tokens per second up to `burst` tokens and starts
// full; each admitted request takes one. Arithmetic is exact: credit is kept in
// token-nanoseconds (one token is 10^9), so nothing drifts over a long run. The state is the
// gateway's memory: it belongs to one ERP process incarnation and starts full after a restart.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/time.h"

namespace mw::fakes {

class RateLimiter {
 public:
  // RateLimiter admits `rate_per_s` requests per second in bursts of up to `burst` (>= 1).
  // A rate of 0 admits everything.
  RateLimiter(std::uint32_t rate_per_s, std::uint32_t burst);

  // admit takes a token at `now` and returns nullopt, or, when none is left, returns how long
  // the caller should wait until one is (at least 1 ns) and changes nothing. `now` must not go
  // back in time.
  std::optional<sim::Duration> admit(sim::Time now);

 private:
  static constexpr std::uint64_t kToken = 1'000'000'000;

  std::uint64_t rate_;
  std::uint64_t limit_;   // credit of a full bucket
  std::uint64_t credit_;  // as of last_
  sim::Time last_{};
};

}  // namespace mw::fakes
