// QualityWorld: a two-node simulation for testing the simulated quality system: "quality" runs
// QualityProcess on a state the test owns, "middleware" is the scripted StandInMiddleware
// (tests/fakes/wms/stand_in_middleware.h) that records and acknowledges the events. The network
// delivers every message after exactly 1 ms unless the test passes its own options.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fakes/common/source_log.h"
#include "fakes/quality/quality_config.h"
#include "fakes/quality/quality_process.h"
#include "fakes/quality/quality_state.h"
#include "sim/simulation.h"
#include "tests/fakes/wms/stand_in_middleware.h"

namespace mw::fakes::testing {

inline constexpr sim::Duration kQualityNetworkDelay = sim::milliseconds(1);

inline sim::SimulationOptions quality_network(std::uint64_t seed) {
  sim::SimulationOptions o;
  o.seed = seed;
  o.network.default_link.latency =
      sim::LatencyModel{kQualityNetworkDelay, sim::Duration::zero(), 0.0, sim::seconds(1)};
  return o;
}

inline QualityLot lot(const std::string& name) { return QualityLot{"P100", "RM-100", name}; }

inline QualityAction action(sim::Duration at, const std::string& lot_name, proto::LotStatus status,
                            const std::string& reason = "test") {
  return QualityAction{sim::kTimeZero + at, lot(lot_name), status, reason};
}

class QualityWorld {
 public:
  explicit QualityWorld(QualityConfig config, sim::SimulationOptions options = quality_network(1))
      : sim(options) {
    quality = sim.add_node("quality", make_quality(state, std::move(config)));
    middleware = sim.add_node("middleware", [this](sim::Node& n) {
      return std::make_unique<StandInMiddleware>(n, &script);
    });
  }

  void start() { ASSERT_TRUE(sim.start().empty()); }
  void run_for(sim::Duration d) { sim.scheduler().run_for(d); }
  void send_bytes(std::string bytes) { sim.node(middleware).send(quality, std::move(bytes)); }
  const QualityStats& stats() const { return state.stats(); }

  // Declared before `sim`: the state and the script outlive the nodes.
  SourceLog log;
  QualityState state{log};
  MiddlewareScript script;
  sim::Simulation sim;
  sim::NodeId quality;
  sim::NodeId middleware;
};

}  // namespace mw::fakes::testing
