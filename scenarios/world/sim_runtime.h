// SimRuntime: the middleware core's Runtime port implemented on a simulated node.
//
// Time is the node's simulated clock plus a fixed epoch; timers are node timers, so they die
// with the incarnation as a real process's would; send resolves endpoint names to nodes on the
// simulated network; randomness is a stream forked from the incarnation's own.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "middleware/runtime.h"
#include "sim/node.h"

namespace mw::scen {

class SimRuntime final : public core::Runtime {
 public:
  // SimRuntime serves `node`, which must outlive it. `epoch_unix_ns` is what now() returns at
  // simulated time zero.
  SimRuntime(sim::Node& node, std::int64_t epoch_unix_ns);

  core::Instant now() const override;
  core::TimerId set_timer(core::Duration delay, std::function<void()> callback) override;
  void cancel_timer(core::TimerId id) override;
  void send(std::string_view endpoint, std::string bytes) override;
  std::uint64_t random_u64() override { return rng_.next_u64(); }

  std::uint64_t unknown_endpoint_sends() const { return unknown_endpoint_sends_; }

 private:
  sim::Node& node_;
  std::int64_t epoch_unix_ns_;
  sim::Rng rng_;
  std::map<std::string, sim::NodeId, std::less<>> endpoints_;
  std::uint64_t unknown_endpoint_sends_ = 0;
};

}  // namespace mw::scen
