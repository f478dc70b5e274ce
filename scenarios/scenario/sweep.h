// Sweeps: one scenario over many seeds, several at a time, optionally one shard of a sweep
// spread over machines; and the summary people read: failures grouped by what failed, each
// failing seed with the command that replays it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/proto/report.pb.h"
#include "scenarios/scenario/scenario_file.h"

namespace mw::scen {

struct SeedRange {
  std::uint64_t first = 1;
  std::uint64_t last = 1;
};
// parse_seed_range reads "A..B" (A <= B) or a single seed "A".
std::optional<SeedRange> parse_seed_range(std::string_view text);

struct Shard {
  std::uint32_t index = 0;  // 0-based, as a Kubernetes indexed job's JOB_COMPLETION_INDEX
  std::uint32_t count = 1;
};
// parse_shard reads "K/N" with 0 <= K < N.
std::optional<Shard> parse_shard(std::string_view text);

// sweep_seeds lists the seeds of `range` that belong to `shard`: every N-th, from the K-th.
std::vector<std::uint64_t> sweep_seeds(const SeedRange& range, const Shard& shard);

// run_seed runs `file` with `seed` and sums the run up as one row of a sweep.
scenario::SeedResult run_seed(const ScenarioFile& file, std::uint64_t seed);

// run_seeds runs `run(seed)` for each of `seeds` with `jobs` threads, one world per thread at
// a time; `keep_starting` (may be empty: always) is asked before each seed is started, and
// seeds not started are left out. `on_done` is called after each seed, one call at a time,
// with the number done so far. The result is in the order of `seeds` whatever the threads did.
std::vector<scenario::SeedResult> run_seeds(
    const std::vector<std::uint64_t>& seeds, int jobs,
    const std::function<scenario::SeedResult(std::uint64_t seed)>& run,
    const std::function<bool()>& keep_starting,
    const std::function<void(const scenario::SeedResult&, std::size_t done)>& on_done);

// run_sweep runs `file` for each seed with `jobs` threads, one world per thread at a time.
// `on_done` is called after each seed, one call at a time, with the number done so far.
// The result is in seed order whatever the threads did.
scenario::SweepReport run_sweep(
    const ScenarioFile& file, const SeedRange& range, const Shard& shard, int jobs,
    const std::function<void(const scenario::SeedResult&, std::size_t done)>& on_done);

// merge_sweeps combines shard reports of one scenario. Errors (another scenario, a seed run
// twice with different digests) go to `errors`.
scenario::SweepReport merge_sweeps(const std::vector<scenario::SweepReport>& parts,
                                   std::vector<std::string>& errors);

// format_probe_coverage: per situation probe, how many seeds reached it, then a line naming
// the probes no seed reached (what the sweep did not test), and the crash points that fired.
std::string format_probe_coverage(const scenario::SweepReport& report);
// format_sweep_summary: totals, seeds per minute, failures grouped by failed check, each
// failing seed with the command that replays it: `replay(seed)` when given, else
// replay_command(report.path(), seed).
std::string format_sweep_summary(
    const scenario::SweepReport& report,
    const std::function<std::string(std::uint64_t seed)>& replay = nullptr);

// failure_group names what failed in a run: its failed checks, joined by " + ".
std::string failure_group(const scenario::SeedResult& result);

}  // namespace mw::scen
