// shrink_candidates: the changes `shrink` tries on a failing scenario, biggest first: turn the
// random crash processes into the crashes that really happened, drop whole fault families,
// then single faults, settings, plants, and halve durations.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "scenarios/proto/scenario.pb.h"
#include "sim/simulation.h"

namespace mw::scen {

// ShrinkCandidate: one change to try, as a name and an edit of a copy of the scenario. An
// edit returns false when it does not apply (nothing to remove, already short).
struct ShrinkCandidate {
  std::string name;
  std::function<bool(mw::scenario::Scenario&)> edit;
};

// shrink_candidates lists the changes to try on `s`. `random_crashes` are the crashes its
// random crash processes caused in the failing run (not the scheduled ones): the first
// candidate replaces those processes with exactly these crashes as scheduled faults, which
// later candidates can then remove one by one.
std::vector<ShrinkCandidate> shrink_candidates(const mw::scenario::Scenario& s,
                                               const std::vector<sim::CrashRecord>& random_crashes);

// fault_count counts what a scenario does to its world: each scheduled fault, each random
// process (crashes per node, link outages, partitions) and each non-zero fault probability
// (ERP, links, MES emission) or throttling counts one. Shrinking aims to leave few.
int fault_count(const mw::scenario::Scenario& s);

}  // namespace mw::scen
