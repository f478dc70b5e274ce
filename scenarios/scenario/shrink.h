// shrink: the smallest scenario that still fails the same way. Starting from a failing run
// (a scenario and a seed), it tries, one at a time, to remove a fault, to drop a random-fault
// or emission-fault setting, to halve a fault's duration, to drop a plant and to halve the
// production time, and keeps each change under which the run still fails the same check.
// Greedy passes repeat until nothing more can go or the run budget is spent.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/scenario/scenario_file.h"

namespace mw::scen {

struct ShrinkResult {
  bool failed_at_start = false;
  std::string check;  // the check that failed first, kept failing throughout
  mw::scenario::Scenario minimal;
  std::vector<std::string> kept;  // the changes that were kept, in order
  int runs = 0;                   // runs spent
};

// shrink shrinks `file` at `seed`, spending at most `max_runs` runs; `log` hears each step.
ShrinkResult shrink(const ScenarioFile& file, std::uint64_t seed, int max_runs,
                    const std::function<void(const std::string&)>& log);

// shrunk_text renders the result as a scenario file with a header saying where it came from.
std::string shrunk_text(const ShrinkResult& result, const std::string& source_path,
                        std::uint64_t seed);

}  // namespace mw::scen
