#include "middleware/policy/circuit_breaker.h"

#include <algorithm>
#include <limits>

namespace mw::core {

CircuitBreaker::CircuitBreaker(std::uint32_t failure_threshold, Duration open_for)
    : threshold_(failure_threshold), open_for_(std::max(open_for, Duration::zero())) {}

CircuitBreaker::State CircuitBreaker::state(Instant now) const {
  if (!tripped_) return State::kClosed;
  // Compared as elapsed time, not opened_at_ + open_for_, which could overflow. A clock stepped
  // back before opened_at_ gives a negative elapsed time: the breaker stays open.
  return now - opened_at_ < open_for_ ? State::kOpen : State::kHalfOpen;
}

bool CircuitBreaker::allow(Instant now) {
  switch (state(now)) {
    case State::kClosed:
      return true;
    case State::kOpen:
      return false;
    case State::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::on_success() {
  failures_ = 0;
  tripped_ = false;
  probe_in_flight_ = false;
}

void CircuitBreaker::on_failure(Instant now) {
  if (failures_ < std::numeric_limits<std::uint32_t>::max()) ++failures_;
  switch (state(now)) {
    case State::kClosed:
      if (threshold_ != 0 && failures_ >= threshold_) open(now);
      return;
    case State::kOpen:
      return;
    case State::kHalfOpen:
      open(now);
      return;
  }
}

void CircuitBreaker::open(Instant now) {
  tripped_ = true;
  probe_in_flight_ = false;
  opened_at_ = now;
}

std::string_view to_string(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half-open";
  }
  return "unknown";
}

}  // namespace mw::core
