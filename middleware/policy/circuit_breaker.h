// CircuitBreaker: stops the poster from hammering an ERP that keeps failing (PosterConfig
// breaker_failure_threshold and breaker_open_ms).
//
// Closed: every request is allowed; consecutive technical failures are counted, and reaching the
// threshold opens the breaker. Open: nothing is allowed for `open_for`. Half-open: after that,
// exactly one probe is allowed at a time; its success closes the breaker, its failure opens it
// again for another `open_for`.
//
// Contract with the caller: every request that allow() let through must end in exactly one call
// of on_success() or on_failure() (a timeout is a failure), whatever became of the work it
// carried. A probe whose outcome is never reported keeps the breaker half-open with no further
// probe allowed. The Poster reports a request's first outcome, its reply or its timeout; a
// reply after the timeout is not reported again.
// Time is passed in; the core never reads a clock. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <string_view>

#include "middleware/clock.h"

namespace mw::core {

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  // CircuitBreaker opens after "failure_threshold" consecutive failures and stays open for
  // "open_for" (a negative duration counts as zero). A threshold of 0 disables the breaker: it
  // stays closed whatever happens, though it still counts consecutive failures.
  CircuitBreaker(std::uint32_t failure_threshold, Duration open_for);

  // allow returns whether a request may be sent at "now". Closed: true. Open: false until
  // open_for has passed since it opened, then the breaker is half-open. Half-open: true for one
  // probe, then false until that probe's outcome is reported.
  bool allow(Instant now);

  // on_success records a successful request: the peer is healthy, so the breaker closes
  // (whatever its state) and the failure count restarts at zero.
  void on_success();

  // on_failure records a failed request at "now". Closed: counts it, and opens the breaker at
  // "now" when the count reaches the threshold. Half-open (a failed probe, or any failure once
  // open_for has passed): opens the breaker again from "now". Open: counts it but does not
  // extend the open period, since it is a late answer to a request sent before the breaker opened.
  void on_failure(Instant now);

  // state returns the state at "now" (open turns half-open once open_for has passed).
  State state(Instant now) const;

  // consecutive_failures returns the failures since the last success (saturating at 2^32-1).
  std::uint32_t consecutive_failures() const { return failures_; }

 private:
  void open(Instant now);

  std::uint32_t threshold_;
  Duration open_for_;
  std::uint32_t failures_ = 0;
  bool tripped_ = false;          // open or half-open
  bool probe_in_flight_ = false;  // half-open: the one probe allowed has no outcome yet
  Instant opened_at_{};
};

// to_string returns "closed", "open" or "half-open".
std::string_view to_string(CircuitBreaker::State state);

}  // namespace mw::core
