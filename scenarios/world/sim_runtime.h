// SimRuntime: the middleware core's Runtime port implemented on a simulated node.
//
// Time is the node's simulated clock plus a fixed epoch; timers are node timers, so they die
// with the incarnation as a real process's would; send resolves endpoint names to nodes on the
// simulated network; randomness is a stream forked from the incarnation's own. Situation probes
// and crash points go to the world's Situations, if any.
//
// Crashing "at that moment": a process cannot destroy itself from inside its own call, so when
// a crash point fires the runtime fences the process at once (every later send is dropped and
// the disk is fenced, as Volume::crash does: every later I/O fails and writes nothing) and the
// node's crash is scheduled now, behind only the events already due at this instant. Until
// then the fenced process runs on as a dead one would, unseen: whatever it does after the
// point (an ack sent, the rest of a group commit, a message that arrives at the same instant)
// never reaches the world. A power loss then also drops the disk's unsynced writes.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "middleware/runtime.h"
#include "scenarios/world/situations.h"
#include "sim/node.h"

namespace mw::scen {

class SimRuntime final : public core::Runtime {
 public:
  // SimRuntime serves `node`, which must outlive it. `epoch_unix_ns` is what now() returns at
  // simulated time zero.
  // `situations` (may be null) must outlive it.
  SimRuntime(sim::Node& node, std::int64_t epoch_unix_ns, Situations* situations = nullptr);

  core::Instant now() const override;
  core::TimerId set_timer(core::Duration delay, std::function<void()> callback) override;
  void cancel_timer(core::TimerId id) override;
  void send(std::string_view endpoint, std::string bytes) override;
  std::uint64_t random_u64() override { return rng_.next_u64(); }
  void reached(std::string_view probe) override;
  void crash_point(std::string_view name) override;

  // fenced tells whether a crash point fired in this incarnation: it is dead but not yet gone.
  bool fenced() const { return fenced_; }

  std::uint64_t unknown_endpoint_sends() const { return unknown_endpoint_sends_; }

 private:
  sim::Node& node_;
  std::int64_t epoch_unix_ns_;
  sim::Rng rng_;
  std::map<std::string, sim::NodeId, std::less<>> endpoints_;
  std::uint64_t unknown_endpoint_sends_ = 0;
  Situations* situations_;
  bool fenced_ = false;
};

}  // namespace mw::scen
