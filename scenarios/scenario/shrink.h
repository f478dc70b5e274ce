// shrink: the smallest scenario that still fails the same way. Starting from a failing run
// (a scenario and a seed), it first tries the biggest cuts (no fault at all, then each family
// of faults alone), each at the failing seed and the two after it, since a world cut that much
// draws differently; the first cut that still fails is kept with its seed. Then it tries the
// changes of shrink_candidates one at a time at that seed (turn the
// random crash, link outage and partition processes into the crashes, outages and isolations
// that happened; drop a fault family, a fault, a random-fault or emission-fault setting, a
// plant; halve a duration or the production time)
// and keeps each change under which the run still fails the same check, then draws the
// candidates again. It stops when nothing more can go or the run budget is spent. The minimal
// scenario carries the failing seed, so `mwsim run` on it alone fails the same way.
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
  int faults_at_start = 0;        // fault_count of the scenario as given
  int faults_left = 0;            // fault_count of `minimal`
};

// shrink shrinks `file` at `seed`, spending at most `max_runs` runs; `log` hears each step.
ShrinkResult shrink(const ScenarioFile& file, std::uint64_t seed, int max_runs,
                    const std::function<void(const std::string&)>& log);

// shrunk_text renders the result as a scenario file with a header saying where it came from.
std::string shrunk_text(const ShrinkResult& result, const std::string& source_path,
                        std::uint64_t seed);

}  // namespace mw::scen
