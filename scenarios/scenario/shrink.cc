#include "scenarios/scenario/shrink.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <optional>

#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "scenarios/scenario/shrink_candidates.h"

namespace mw::scen {
namespace {

namespace sp = ::mw::scenario;

// A world cut down to one family of faults draws differently from the world it came from, so
// the seed that failed may no longer meet the bug where the next few do. Each cut is tried at
// this many seeds, the failing one first.
constexpr std::uint64_t kSeedsPerCut = 3;

}  // namespace

ShrinkResult shrink(const ScenarioFile& file, std::uint64_t seed, int max_runs,
                    const std::function<void(const std::string&)>& log) {
  ShrinkResult result;
  result.minimal = file.scenario;
  // The minimal file fails at `seed`, so that is the seed it must carry.
  result.minimal.set_seed(seed);
  // What the random processes did in the last run that failed.
  RandomFaultsThatHappened happened;
  // fails runs `s` at `at_seed` and tells whether `check` (or, at the start, any check)
  // failed.
  auto fails = [&](const sp::Scenario& s, std::uint64_t at_seed) -> std::optional<std::string> {
    ScenarioFile f;
    f.path = file.path;
    f.scenario = s;
    const BuiltWorld built = build_world(f, at_seed);
    if (!built.ok()) return std::nullopt;  // an edit that makes the scenario invalid is not kept
    ++result.runs;
    const ScenarioRun run = run_scenario(f, built);
    for (const Check& c : run.checks) {
      if (!c.passed && (result.check.empty() || c.name == result.check)) {
        happened = {};
        for (const sim::CrashRecord& x : run.result.crashes) {
          const bool scheduled =
              std::any_of(built.spec.crashes.begin(), built.spec.crashes.end(),
                          [&](const NodeCrash& n) { return n.node == x.node && n.at == x.at; });
          if (!scheduled) happened.crashes.push_back(x);
        }
        for (const sim::OutageRecord& x : run.result.outages) {
          if (x.random) happened.outages.push_back(x);
        }
        for (const sim::IsolationRecord& x : run.result.isolations) {
          if (x.random) happened.isolations.push_back(x);
        }
        return c.name;
      }
    }
    return std::nullopt;
  };
  const auto first = fails(result.minimal, seed);
  result.faults_at_start = fault_count(result.minimal);
  if (!first) return result;
  result.failed_at_start = true;
  result.check = *first;
  log("seed " + std::to_string(seed) + " fails " + result.check +
      "; shrinking while it still does");
  // The biggest cuts first: no fault at all, then each family of faults alone (everything else
  // cleared), each at a few seeds; the first that still fails is kept, with its seed.
  const std::vector<FaultFamily>& families = fault_families();
  std::vector<const FaultFamily*> present;
  for (const FaultFamily& f : families) {
    if (f.present(result.minimal)) present.push_back(&f);
  }
  std::vector<std::pair<std::string, sp::Scenario>> cuts;
  if (!present.empty()) {
    sp::Scenario none = result.minimal;
    for (const FaultFamily* f : present) f->clear(none);
    cuts.emplace_back("remove every fault", std::move(none));
  }
  for (std::size_t i = 0; present.size() >= 2 && i < present.size(); ++i) {
    sp::Scenario alone = result.minimal;
    for (std::size_t j = 0; j < present.size(); ++j) {
      if (j != i) present[j]->clear(alone);
    }
    cuts.emplace_back("keep only the " + present[i]->name, std::move(alone));
  }
  bool cut = false;
  for (auto& [name, next] : cuts) {
    for (std::uint64_t k = 0; k < kSeedsPerCut && !cut && result.runs < max_runs; ++k) {
      if (!fails(next, seed + k)) continue;
      result.minimal = std::move(next);
      result.minimal.set_seed(seed + k);
      const std::string at = k == 0 ? "" : " (fails at seed " + std::to_string(seed + k) + ")";
      result.kept.push_back(name + at);
      log("kept: " + name + at);
      cut = true;
    }
    if (cut) break;
  }
  const std::uint64_t failing_seed = result.minimal.seed();
  for (bool progress = true; progress && result.runs < max_runs;) {
    progress = false;
    for (const ShrinkCandidate& c : shrink_candidates(result.minimal, happened)) {
      if (result.runs >= max_runs) break;
      sp::Scenario next = result.minimal;
      if (!c.edit(next)) continue;
      if (fails(next, failing_seed)) {
        result.minimal = std::move(next);
        result.kept.push_back(c.name);
        log("kept: " + c.name);
        progress = true;
      }
    }
  }
  result.faults_left = fault_count(result.minimal);
  return result;
}

std::string shrunk_text(const ShrinkResult& result, const std::string& source_path,
                        std::uint64_t seed) {
  std::string body;
  google::protobuf::TextFormat::PrintToString(result.minimal, &body);
  std::string out = "# Shrunk by `mwsim shrink " + source_path + " --seed " + std::to_string(seed) +
                    "` in " + std::to_string(result.runs) + " runs: still fails " + result.check +
                    ".\n";
  out += "# Faults: " + std::to_string(result.faults_at_start) + " at the start, " +
         std::to_string(result.faults_left) + " left (scenario and seed: see below).\n";
  out += "# Changes kept:\n";
  for (const std::string& k : result.kept) out += "#   " + k + "\n";
  out += "# Replay: mwsim run <this file> (its seed is " +
         std::to_string(result.minimal.seed()) + ")\n";
  return out + body;
}

}  // namespace mw::scen
