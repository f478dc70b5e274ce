// build_world: a parsed scenario file becomes the WorldSpec it describes, with every problem
// found on the way reported as file:line:column, the field, and what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/scenario/scenario_file.h"
#include "scenarios/world/world_spec.h"

namespace mw::scen {

// Expectations: what must be true of a run for the scenario to pass.
struct Expectations {
  std::set<std::string> oracles_fail;  // every other oracle must hold
  std::optional<sim::Duration> max_p99_posting_latency;
  std::optional<sim::Duration> max_drain_time;
  std::set<std::string> probes_reached;  // situation probes the run must reach
};

// FaultWindow: a scheduled fault as a time span, for summaries and reports.
struct FaultWindow {
  std::string what;  // "erp outage", "wan partition P100", "crash middleware", ...
  sim::Time start{};
  sim::Time end{};
};

struct BuiltWorld {
  WorldSpec spec;
  Expectations expect;
  std::vector<FaultWindow> fault_windows;
  std::vector<std::string> errors;  // empty: the spec is valid and runnable
  bool ok() const { return errors.empty(); }
};

// kMaxCheckSeeds bounds a scenario file's `seeds`: what `mwsim check` runs of it in CI.
inline constexpr std::uint64_t kMaxCheckSeeds = 1000;

// build_world builds the world of `file` with `seed` (nullopt: the scenario's own seed).
BuiltWorld build_world(const ScenarioFile& file, std::optional<std::uint64_t> seed = std::nullopt);

// kOracleNames lists the oracles a scenario may name, in verdict order.
inline const std::vector<std::string> kOracleNames = {"no_loss",       "exactly_once", "sequencing",
                                                      "conservation",  "downstream",   "liveness",
                                                      "operator_phase"};

}  // namespace mw::scen
