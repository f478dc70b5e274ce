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

// SeedList: the seeds of `range` that belong to `shard` (every N-th, from the K-th), counted
// and indexed without being listed, so a range of a billion seeds costs nothing until its
// seeds run.
struct SeedList {
  SeedRange range;
  Shard shard;
  // size is how many seeds the shard has.
  std::uint64_t size() const;
  // at is the i-th seed of the shard, i < size().
  std::uint64_t at(std::uint64_t i) const { return range.first + shard.index + i * shard.count; }
};

// kMaxSeedsPerRun bounds the seeds one sweep, swarm or compare runs in one process: each
// finished seed keeps its row of the report (about half a kilobyte) until the end. A range
// longer than this is refused with a clear error; split it with --shard K/N.
inline constexpr std::uint64_t kMaxSeedsPerRun = 1'000'000;

// run_seed runs `file` with `seed` and sums the run up as one row of a sweep.
scenario::SeedResult run_seed(const ScenarioFile& file, std::uint64_t seed);

// run_seeds runs `run(seed)` for each of `seeds` with `jobs` threads, one world per thread at
// a time; `keep_starting` (may be empty: always) is asked before each seed is started, and
// seeds not started are left out. `on_done` is called after each seed, one call at a time,
// with the number done so far. The result is in the order of `seeds` whatever the threads did.
// Memory grows with the seeds that ran, not with the seeds asked for.
std::vector<scenario::SeedResult> run_seeds(
    const SeedList& seeds, int jobs,
    const std::function<scenario::SeedResult(std::uint64_t seed)>& run,
    const std::function<bool()>& keep_starting,
    const std::function<void(const scenario::SeedResult&, std::size_t done)>& on_done);

// run_sweep runs `file` for each seed with `jobs` threads, one world per thread at a time.
// `on_done` is called after each seed, one call at a time, with the number done so far.
// The result is in seed order whatever the threads did.
scenario::SweepReport run_sweep(
    const ScenarioFile& file, const SeedRange& range, const Shard& shard, int jobs,
    const std::function<void(const scenario::SeedResult&, std::size_t done)>& on_done);

// merge_sweeps combines the shard reports of one sweep. It refuses (errors in `errors`, and
// the merged report must not be taken as a result) anything but the complete set: every
// shard K of 0..N-1 exactly once, each with every seed of its shard, all of one run identity
// (scenario name and file content, effective configuration, mwsim version, seed range, N).
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

// scenario_digest fingerprints a scenario (FNV-1a 64 over its text format, hex): two shards of
// one sweep have the same, an edited file another.
std::string scenario_digest(const scenario::Scenario& scenario);

// failure_group names what failed in a run: its failed checks, joined by " + ".
std::string failure_group(const scenario::SeedResult& result);

}  // namespace mw::scen
