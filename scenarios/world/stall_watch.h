// StallWatch: tells when a draining world has stopped moving. The world hands it a progress
// signature at every poll (what is in flight where, and the ERP's request and posting counts);
// when the signature has not changed for a whole window of simulated time, the world is stuck.
// The window is three times the longest timer of the world that could still move something
// (the design's backoff, breaker, gap timeout, in-doubt wait and timeouts, the sources' and
// edges' resends, the WMS's replenishment timeout), and at least kMinWindow. The world then
// ends the drain early instead of simulating the rest of the drain bound, so a stuck world
// costs a window and not the bound, and says that it stalled.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "sim/time.h"

namespace mw::scen {

class StallWatch {
 public:
  static constexpr sim::Duration kMinWindow = sim::minutes(30);

  // StallWatch watches for `longest_timer`, three times over (at least kMinWindow).
  explicit StallWatch(sim::Duration longest_timer)
      : window_(std::max(kMinWindow, 3 * longest_timer)) {}

  // stalled records `signature` at `now`; true once it has been the same for the window.
  bool stalled(const std::string& signature, sim::Time now) {
    if (!since_ || signature != signature_) {
      signature_ = signature;
      since_ = now;
      return false;
    }
    return now - *since_ >= window_;
  }
  sim::Duration window() const { return window_; }

 private:
  sim::Duration window_;
  std::string signature_;
  std::optional<sim::Time> since_;
};

}  // namespace mw::scen
