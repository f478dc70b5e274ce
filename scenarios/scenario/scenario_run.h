// Running a scenario: build its world for a seed, run it, and judge the run against the
// scenario's expectations (the oracles that must hold or must fail, service levels).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/scenario/scenario_world.h"
#include "scenarios/world/world.h"
#include "scenarios/world/world_result.h"
#include "sim/trace.h"

namespace mw::scen {

// Check: one expectation and whether the run met it.
struct Check {
  std::string name;  // "no_loss", ..., "p99 posting latency", "drain time"
  bool passed = false;
  std::string detail;  // what was found, in plain words
  std::size_t violations = 0;  // an oracle's check: how many violations it found
};

struct ScenarioRun {
  std::string name;
  std::string path;
  std::string design;  // ScenarioFile::design
  std::uint64_t seed = 0;
  WorldResult result;
  double wall_seconds = 0;
  std::vector<Check> checks;
  std::vector<FaultWindow> fault_windows;
  // The configuration the world ran with, as a scenario file (model/effective_scenario.h).
  std::string effective_configuration;
  // For the reports: the story, what the file sets (each top-level field but faults and
  // expectations, as single-line text format) and the design's differences from the core's
  // defaults (design_differences).
  std::string story;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<std::string> design_differences;
  bool passed() const;
};

// scenario_parameters lists what `scenario` sets, for the reports: each top-level field but
// name, story, faults, expectations and design (each shown on its own), one row per element
// of a repeated field ("plants[0]"), its value in single-line text format.
std::vector<std::pair<std::string, std::string>> scenario_parameters(
    const mw::scenario::Scenario& scenario);

// BacklogPeak: the largest backlogs the samples saw, summed over plants, and when.
struct BacklogPeak {
  std::uint64_t in_middleware = 0;
  sim::Time in_middleware_at{};
  std::uint64_t at_sources = 0;
  sim::Time at_sources_at{};
};
BacklogPeak backlog_peak(const std::vector<MetricsSample>& samples);

// run_scenario runs the world `built` describes (built.ok() must hold); every trace record
// goes to `trace` too when it is given, and `progress` (World::set_progress) hears how far it is.
ScenarioRun run_scenario(const ScenarioFile& file, const BuiltWorld& built,
                         sim::TraceSink* trace = nullptr,
                         std::function<void(const RunProgress&)> progress = nullptr);

// judge checks `result` against `expect`; `faults` are the windows the service levels leave out.
std::vector<Check> judge(const WorldResult& result, const Expectations& expect,
                         const std::vector<FaultWindow>& faults);

// LatencyOutsideFaults: end-to-end latency (plant event to ERP posting) of the events whose
// whole journey lay outside every fault window.
struct LatencyOutsideFaults {
  std::size_t postings = 0;  // how many such events there were
  sim::Duration p50{};
  sim::Duration p99{};
  sim::Duration max{};
};
LatencyOutsideFaults latency_outside_faults(const WorldResult& result,
                                            const std::vector<FaultWindow>& faults);

// replay_command is the command line that runs this scenario and seed again, with `design`
// (--design) merged over its own if one is named.
std::string replay_command(const std::string& path, std::uint64_t seed,
                           const std::string& design = "");

// format_summary renders the run for a terminal: figures, checks, digest, and the replay
// command when it failed.
std::string format_summary(const ScenarioRun& run);

}  // namespace mw::scen
