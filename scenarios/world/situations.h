// Situations: what the middleware core tells its simulated host through the Runtime port's
// situation probes and crash points (middleware/probes.h), kept for one world across every
// incarnation of the middleware.
//
// Probes are counted by name. Crash points (FoundationDB's BUGGIFY) follow CrashPointsSpec:
// when the world starts, each point is enabled with enable_probability; then each time the core
// reaches an enabled point before `until` (the end of production) and fewer than max_crashes
// have fired, it fires with fire_probability, as a power loss with power_loss_probability.
// Every draw comes from the run's "crash-points" stream, so turning crash points on shifts no
// other randomness of the world, and the draws happen in the order the core reaches the points.
//
// Firing kills the process "at that moment": see SimRuntime::crash_point for how.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/rng.h"
#include "sim/simulation.h"

namespace mw::scen {

// CrashPointsSpec: every knob of crash points, off unless `enabled`.
struct CrashPointsSpec {
  bool enabled = false;
  double enable_probability = 1;  // per point, per run
  double fire_probability = 0.1;  // per enabled point, each time it is reached
  double power_loss_probability = 0;
  std::uint32_t max_crashes = 3;    // per run
  std::vector<std::string> points;  // the candidates; empty: every crash point
  sim::Duration downtime = sim::seconds(5);
};

class Situations {
 public:
  // Situations serves the middleware node `node` of `sim`, which must outlive it. Crash points
  // fire only before `until`.
  Situations(sim::Simulation& sim, sim::NodeId node, const CrashPointsSpec& spec, sim::Time until);

  // reached counts one reach of the probe `probe`.
  void reached(std::string_view probe) { ++probes_[std::string(probe)]; }
  // crash_point decides whether the process dies at the crash point `name`. If so it traces the
  // firing and schedules the crash of the node (now, ahead of nothing: see SimRuntime), with
  // the restart `downtime` later, and returns true.
  bool crash_point(std::string_view name);

  // probes returns the count of every probe reached, by name.
  const std::map<std::string, std::uint64_t>& probes() const { return probes_; }
  // fired returns how often each crash point fired, by name.
  const std::map<std::string, std::uint64_t>& fired() const { return fired_; }
  // enabled returns the crash points enabled for this run.
  const std::set<std::string, std::less<>>& enabled() const { return enabled_; }

 private:
  sim::Simulation& sim_;
  sim::NodeId node_;
  CrashPointsSpec spec_;
  sim::Time until_;
  sim::Rng rng_;
  std::set<std::string, std::less<>> enabled_;
  std::uint32_t crashes_ = 0;
  std::map<std::string, std::uint64_t> probes_;
  std::map<std::string, std::uint64_t> fired_;
};

}  // namespace mw::scen
