#include "scenarios/scenario/sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "middleware/probes.h"
#include "scenarios/model/effective_scenario.h"
#include "scenarios/report/report_json.h"
#include "scenarios/scenario/decimal_text.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "sim/trace.h"

namespace mw::scen {

scenario::SeedResult run_seed(const ScenarioFile& file, std::uint64_t seed) {
  scenario::SeedResult out;
  out.set_seed(seed);
  const BuiltWorld built = build_world(file, seed);
  if (!built.ok()) {  // validated before the sweep started; a guard, not a path
    out.add_failed_checks("scenario");
    out.set_detail(built.errors.front());
    return out;
  }
  const ScenarioRun run = run_scenario(file, built);
  *out.mutable_figures() = make_report(run).figures();
  out.set_passed(run.passed());
  out.set_digest(sim::format_digest(run.result.digest));
  out.set_wall_seconds(run.wall_seconds);
  out.set_simulated_seconds(
      std::chrono::duration<double>(run.result.ended_at - sim::kTimeZero).count());
  for (const Check& c : run.checks) {
    if (c.passed) continue;
    if (out.failed_checks_size() == 0) out.set_detail(c.detail);
    out.add_failed_checks(c.name);
  }
  return out;
}

std::string failure_group(const scenario::SeedResult& r) {
  std::string group;
  for (const std::string& c : r.failed_checks()) group += (group.empty() ? "" : " + ") + c;
  return group;
}

std::optional<SeedRange> parse_seed_range(std::string_view text) {
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    const auto one = parse_decimal(text);
    if (!one) return std::nullopt;
    return SeedRange{*one, *one};
  }
  const auto first = parse_decimal(text.substr(0, dots));
  const auto last = parse_decimal(text.substr(dots + 2));
  if (!first || !last || *first > *last) return std::nullopt;
  return SeedRange{*first, *last};
}

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto k = parse_decimal(text.substr(0, slash));
  const auto n = parse_decimal(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *k >= *n || *n > 1'000'000) return std::nullopt;
  return Shard{static_cast<std::uint32_t>(*k), static_cast<std::uint32_t>(*n)};
}

std::vector<std::uint64_t> sweep_seeds(const SeedRange& range, const Shard& shard) {
  std::vector<std::uint64_t> out;
  std::uint64_t i = 0;
  for (std::uint64_t seed = range.first;; ++seed, ++i) {
    if (i % shard.count == shard.index) out.push_back(seed);
    if (seed == range.last) break;
  }
  return out;
}

std::vector<scenario::SeedResult> run_seeds(
    const std::vector<std::uint64_t>& seeds, int jobs,
    const std::function<scenario::SeedResult(std::uint64_t)>& run,
    const std::function<bool()>& keep_starting,
    const std::function<void(const scenario::SeedResult&, std::size_t)>& on_done) {
  std::vector<scenario::SeedResult> results(seeds.size());
  std::vector<char> started(seeds.size(), 0);
  std::atomic<std::size_t> next{0};
  std::mutex done_mutex;
  std::size_t done = 0;
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= seeds.size()) return;
      if (keep_starting) {
        const std::lock_guard<std::mutex> lock(done_mutex);
        if (!keep_starting()) {
          next.store(seeds.size());
          return;
        }
      }
      started[i] = 1;
      results[i] = run(seeds[i]);
      const std::lock_guard<std::mutex> lock(done_mutex);
      on_done(results[i], ++done);
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(seeds.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  std::vector<scenario::SeedResult> out;
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (started[i] != 0) out.push_back(std::move(results[i]));
  }
  return out;
}

scenario::SweepReport run_sweep(
    const ScenarioFile& file, const SeedRange& range, const Shard& shard, int jobs,
    const std::function<void(const scenario::SeedResult&, std::size_t)>& on_done) {
  const auto start = std::chrono::steady_clock::now();  // wall time, for the figures only
  std::vector<scenario::SeedResult> results = run_seeds(
      sweep_seeds(range, shard), jobs, [&file](std::uint64_t seed) { return run_seed(file, seed); },
      nullptr, on_done);

  scenario::SweepReport report;
  report.set_scenario(file.scenario.name());
  report.set_path(file.path);
  report.set_first_seed(range.first);
  report.set_last_seed(range.last);
  report.set_shard_index(shard.index);
  report.set_shard_count(shard.count);
  report.set_effective_configuration(
      effective_configuration_text(file.scenario, build_world(file, range.first).spec));
  report.set_wall_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  for (scenario::SeedResult& r : results) *report.add_runs() = std::move(r);
  return report;
}

scenario::SweepReport merge_sweeps(const std::vector<scenario::SweepReport>& parts,
                                   std::vector<std::string>& errors) {
  scenario::SweepReport out;
  if (parts.empty()) return out;
  out.set_scenario(parts.front().scenario());
  out.set_path(parts.front().path());
  out.set_first_seed(parts.front().first_seed());
  out.set_last_seed(parts.front().last_seed());
  out.set_shard_index(0);
  out.set_shard_count(1);
  out.set_effective_configuration(parts.front().effective_configuration());
  std::map<std::uint64_t, scenario::SeedResult> by_seed;
  for (const scenario::SweepReport& p : parts) {
    if (p.scenario() != out.scenario()) {
      errors.push_back("a shard of scenario '" + p.scenario() + "' cannot merge with '" +
                       out.scenario() + "'");
      continue;
    }
    if (p.effective_configuration() != out.effective_configuration()) {
      errors.push_back("a shard of scenario '" + p.scenario() + "' (seeds " +
                       std::to_string(p.first_seed()) + ".." + std::to_string(p.last_seed()) +
                       ") ran another configuration than the first shard: the scenario file or "
                       "the build differs");
      continue;
    }
    out.set_first_seed(std::min(out.first_seed(), p.first_seed()));
    out.set_last_seed(std::max(out.last_seed(), p.last_seed()));
    out.set_wall_seconds(out.wall_seconds() + p.wall_seconds());
    for (const scenario::SeedResult& r : p.runs()) {
      auto [it, fresh] = by_seed.emplace(r.seed(), r);
      if (!fresh && it->second.digest() != r.digest()) {
        errors.push_back("seed " + std::to_string(r.seed()) +
                         " ran twice with different digests (" + it->second.digest() + " and " +
                         r.digest() +
                         "): the runs are not deterministic, or the shards ran different builds");
      }
    }
  }
  for (auto& [seed, r] : by_seed) *out.add_runs() = std::move(r);
  return out;
}

std::string format_probe_coverage(const scenario::SweepReport& report) {
  // Per probe, how many seeds reached it; crash points, how many seeds had each fire.
  std::map<std::string, std::size_t> seeds_reaching;
  std::map<std::string, std::size_t> seeds_firing;
  for (const scenario::SeedResult& r : report.runs()) {
    for (const scenario::ProbeCount& p : r.figures().probes())
      if (p.count() > 0) ++seeds_reaching[p.name()];
    for (const scenario::ProbeCount& p : r.figures().crash_points_fired())
      if (p.count() > 0) ++seeds_firing[p.name()];
  }
  std::string out = "situation probes (seeds that reached each)\n";
  std::string never;
  for (std::string_view probe : core::probes::kProbes) {
    const auto it = seeds_reaching.find(std::string(probe));
    const std::size_t seeds = it == seeds_reaching.end() ? 0 : it->second;
    out += "  " + std::string(probe) + std::string(probe.size() < 30 ? 32 - probe.size() : 2, ' ') +
           std::to_string(seeds) + "/" + std::to_string(report.runs_size()) + "\n";
    if (seeds == 0) never += (never.empty() ? "" : ", ") + std::string(probe);
  }
  out += "never reached: " + (never.empty() ? std::string("none") : never) + "\n";
  if (!seeds_firing.empty()) {
    out += "crash points fired (seeds):";
    for (const auto& [point, seeds] : seeds_firing)
      out += " " + point + " " + std::to_string(seeds);
    out += "\n";
  }
  return out;
}

std::string format_sweep_summary(const scenario::SweepReport& report,
                                 const std::function<std::string(std::uint64_t)>& replay) {
  std::size_t passed = 0;
  double simulated = 0;
  std::map<std::string, std::vector<const scenario::SeedResult*>> groups;
  for (const scenario::SeedResult& r : report.runs()) {
    simulated += r.simulated_seconds();
    if (r.passed()) {
      ++passed;
    } else {
      groups[failure_group(r)].push_back(&r);
    }
  }
  const std::size_t total = static_cast<std::size_t>(report.runs_size());
  char buf[200];
  std::string out = "sweep " + report.scenario() + " (" + report.path() + "), seeds " +
                    std::to_string(report.first_seed()) + ".." + std::to_string(report.last_seed());
  if (report.shard_count() > 1) {
    out += ", shard " + std::to_string(report.shard_index()) + "/" +
           std::to_string(report.shard_count());
  }
  out += "\n";
  const double minutes = report.wall_seconds() / 60;
  std::snprintf(
      buf, sizeof buf,
      "  %zu runs, %zu passed, %zu failed; %.1f s wall, %.1f seeds per minute, %.0fx real time\n",
      total, passed, total - passed, report.wall_seconds(),
      minutes > 0 ? static_cast<double>(total) / minutes : 0.0,
      report.wall_seconds() > 0 ? simulated / report.wall_seconds() : 0.0);
  out += buf;
  for (const auto& [group, runs] : groups) {
    out += "failed: " + group + " (" + std::to_string(runs.size()) + " seed" +
           (runs.size() == 1 ? "" : "s") + ")\n";
    out += "  first: " + runs.front()->detail() + "\n";
    const std::size_t shown = std::min<std::size_t>(runs.size(), 10);
    for (std::size_t i = 0; i < shown; ++i)
      out += "  " +
             (replay ? replay(runs[i]->seed()) : replay_command(report.path(), runs[i]->seed())) +
             "\n";
    if (runs.size() > shown)
      out += "  ... and " + std::to_string(runs.size() - shown) + " more (see --json)\n";
  }
  out += format_probe_coverage(report);
  out += total == passed ? "PASSED\n" : "FAILED\n";
  return out;
}

}  // namespace mw::scen
