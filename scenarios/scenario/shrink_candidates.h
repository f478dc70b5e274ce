// shrink_candidates: the changes `shrink` tries on a failing scenario, biggest first: turn the
// random crash, link outage and partition processes into the crashes, outages and isolations
// that really happened, drop whole fault families, then single faults, settings, plants, and
// halve durations.
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

// RandomFaultsThatHappened: what the random fault processes of a scenario did in its failing
// run, its scheduled faults left out: the crashes of the crash processes, the outages of the
// links' up/down processes and the isolations of the random partitions.
struct RandomFaultsThatHappened {
  std::vector<sim::CrashRecord> crashes;
  std::vector<sim::OutageRecord> outages;
  std::vector<sim::IsolationRecord> isolations;
};

// shrink_candidates lists the changes to try on `s`. The first ones replace each family of
// random processes (crashes, link outages, partitions) with exactly what `happened` says they
// did, as scheduled faults (crash, link_outage, isolation; times in whole microseconds), which
// later candidates can then remove one by one.
std::vector<ShrinkCandidate> shrink_candidates(const mw::scenario::Scenario& s,
                                               const RandomFaultsThatHappened& happened);

// FaultFamily: one kind of harm a scenario can do, as a name, whether `s` does it, and an
// edit that stops it (scheduled faults of one kind; random crashes; random partitions; link
// faults; ERP faults; MES emission faults; crash points).
struct FaultFamily {
  std::string name;
  std::function<bool(const mw::scenario::Scenario&)> present;
  std::function<void(mw::scenario::Scenario&)> clear;
};

// fault_families lists every family fault_count counts, so that clearing all of them leaves
// a scenario with no fault at all.
const std::vector<FaultFamily>& fault_families();

// fault_count counts what a scenario does to its world: each scheduled fault, each random
// process (crashes per node, link outages, partitions) and each non-zero fault probability
// (ERP, links, MES emission) or throttling counts one. Shrinking aims to leave few.
int fault_count(const mw::scenario::Scenario& s);

}  // namespace mw::scen
