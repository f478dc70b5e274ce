#include "scenarios/scenario/sweep.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "middleware/ingest/decode.h"
#include "middleware/probes.h"
#include "scenarios/model/effective_scenario.h"
#include "scenarios/report/report_json.h"
#include "scenarios/scenario/decimal_text.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "scenarios/version.h"
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

std::string scenario_digest(const scenario::Scenario& scenario) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(scenario, &text);  // deterministic
  return core::payload_hash_of_bytes(text);
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

std::uint64_t SeedList::size() const {
  const std::uint64_t span = range.last - range.first;  // seeds in the range, minus one
  if (shard.index > span) return 0;
  const std::uint64_t steps = (span - shard.index) / shard.count;
  return steps == UINT64_MAX ? steps : steps + 1;  // all 2^64 seeds: saturate
}

std::vector<scenario::SeedResult> run_seeds(
    const SeedList& seeds, int jobs, const std::function<scenario::SeedResult(std::uint64_t)>& run,
    const std::function<bool()>& keep_starting,
    const std::function<void(const scenario::SeedResult&, std::size_t)>& on_done) {
  const std::uint64_t total = seeds.size();
  std::vector<std::pair<std::uint64_t, scenario::SeedResult>> results;  // by index, as done
  std::atomic<std::uint64_t> next{0};
  std::mutex done_mutex;
  auto worker = [&] {
    for (;;) {
      const std::uint64_t i = next.fetch_add(1);
      if (i >= total) return;
      if (keep_starting) {
        const std::lock_guard<std::mutex> lock(done_mutex);
        if (!keep_starting()) {
          next.store(total);
          return;
        }
      }
      scenario::SeedResult result = run(seeds.at(i));
      const std::lock_guard<std::mutex> lock(done_mutex);
      results.emplace_back(i, std::move(result));
      on_done(results.back().second, results.size());
    }
  };
  const int threads =
      static_cast<int>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(jobs, total)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  std::sort(results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<scenario::SeedResult> out;
  out.reserve(results.size());
  for (auto& [i, r] : results) out.push_back(std::move(r));
  return out;
}

scenario::SweepReport run_sweep(
    const ScenarioFile& file, const SeedRange& range, const Shard& shard, int jobs,
    const std::function<void(const scenario::SeedResult&, std::size_t)>& on_done) {
  const auto start = std::chrono::steady_clock::now();  // wall time, for the figures only
  std::vector<scenario::SeedResult> results = run_seeds(
      SeedList{range, shard}, jobs, [&file](std::uint64_t seed) { return run_seed(file, seed); },
      nullptr, on_done);

  scenario::SweepReport report;
  report.set_scenario(file.scenario.name());
  report.set_path(file.path);
  report.set_design(file.design);
  report.set_first_seed(range.first);
  report.set_last_seed(range.last);
  report.set_shard_index(shard.index);
  report.set_shard_count(shard.count);
  report.set_effective_configuration(
      effective_configuration_text(file.scenario, build_world(file, range.first).spec));
  report.set_scenario_digest(scenario_digest(file.scenario));
  report.set_mwsim_version(mwsim_version());
  report.set_wall_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  for (scenario::SeedResult& r : results) *report.add_runs() = std::move(r);
  return report;
}

namespace {

std::string range_text(const scenario::SweepReport& r) {
  return std::to_string(r.first_seed()) + ".." + std::to_string(r.last_seed());
}

// identity_mismatch names what differs between the run identities of `a` and `b`; empty when
// they are shards of one run.
std::string identity_mismatch(const scenario::SweepReport& a, const scenario::SweepReport& b) {
  if (a.scenario() != b.scenario())
    return "scenario '" + b.scenario() + "', not '" + a.scenario() + "'";
  if (a.design() != b.design())
    return "design '" + b.design() + "', not '" + a.design() + "'";
  if (a.scenario_digest() != b.scenario_digest())
    return "another scenario file with the same name (content digest " + b.scenario_digest() +
           ", not " + a.scenario_digest() + ")";
  if (a.effective_configuration() != b.effective_configuration())
    return "another configuration (the scenario, a design or the defaults differ)";
  if (a.mwsim_version() != b.mwsim_version())
    return "another mwsim (" + b.mwsim_version() + ", not " + a.mwsim_version() + ")";
  if (a.first_seed() != b.first_seed() || a.last_seed() != b.last_seed())
    return "seeds " + range_text(b) + ", not " + range_text(a);
  if (a.shard_count() != b.shard_count())
    return "a split into " + std::to_string(b.shard_count()) + " shards, not " +
           std::to_string(a.shard_count());
  return "";
}

}  // namespace

scenario::SweepReport merge_sweeps(const std::vector<scenario::SweepReport>& parts,
                                   std::vector<std::string>& errors) {
  scenario::SweepReport out;
  if (parts.empty()) {
    errors.push_back("no shard reports to merge");
    return out;
  }
  const scenario::SweepReport& first = parts.front();
  if (first.mwsim_version().empty() || first.scenario_digest().empty()) {
    errors.push_back(
        "the first shard carries no run identity (scenario digest, mwsim version): "
        "it was written by an older mwsim; run the shards again");
    return out;
  }
  out.set_scenario(first.scenario());
  out.set_path(first.path());
  out.set_design(first.design());
  out.set_first_seed(first.first_seed());
  out.set_last_seed(first.last_seed());
  out.set_shard_index(0);
  out.set_shard_count(1);
  out.set_effective_configuration(first.effective_configuration());
  out.set_scenario_digest(first.scenario_digest());
  out.set_mwsim_version(first.mwsim_version());
  const std::uint32_t n = first.shard_count() == 0 ? 1 : first.shard_count();
  std::map<std::uint32_t, std::size_t> shard_seen;  // shard index -> which part
  std::map<std::uint64_t, scenario::SeedResult> by_seed;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const scenario::SweepReport& p = parts[i];
    const std::string part = "shard report " + std::to_string(i + 1) + " (shard " +
                             std::to_string(p.shard_index()) + "/" +
                             std::to_string(p.shard_count()) + ")";
    if (const std::string differs = identity_mismatch(first, p); !differs.empty()) {
      errors.push_back(part + " is of another run than the first: " + differs);
      continue;
    }
    if (p.shard_index() >= n) {
      errors.push_back(part + " names a shard outside 0.." + std::to_string(n - 1));
      continue;
    }
    if (const auto [at, fresh] = shard_seen.emplace(p.shard_index(), i); !fresh) {
      errors.push_back(part + " is shard " + std::to_string(p.shard_index()) +
                       " again (also shard report " + std::to_string(at->second + 1) + ")");
      continue;
    }
    const SeedList expected{{p.first_seed(), p.last_seed()}, {p.shard_index(), n}};
    bool complete = static_cast<std::uint64_t>(p.runs_size()) == expected.size();
    for (int r = 0; complete && r < p.runs_size(); ++r)
      complete = p.runs(r).seed() == expected.at(static_cast<std::uint64_t>(r));
    if (!complete) {
      errors.push_back(part + " holds " + std::to_string(p.runs_size()) + " runs, not the " +
                       std::to_string(expected.size()) +
                       " seeds of its shard: it is incomplete or was edited");
      continue;
    }
    out.set_wall_seconds(out.wall_seconds() + p.wall_seconds());
    for (const scenario::SeedResult& r : p.runs()) by_seed.emplace(r.seed(), r);
  }
  std::string missing;
  std::uint32_t missing_count = 0;
  for (std::uint32_t k = 0; k < n; ++k) {
    if (shard_seen.contains(k)) continue;
    if (++missing_count <= 10) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  }
  if (missing_count > 0) {
    errors.push_back(std::to_string(missing_count) + " of " + std::to_string(n) +
                     " shards are missing (shard " + missing + (missing_count > 10 ? ", ..." : "") +
                     "): the sweep is not complete");
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
             (replay ? replay(runs[i]->seed()) : replay_command(report.path(), runs[i]->seed(), report.design())) +
             "\n";
    if (runs.size() > shown)
      out += "  ... and " + std::to_string(runs.size() - shown) + " more (see --json)\n";
  }
  out += format_probe_coverage(report);
  out += total == passed ? "PASSED\n" : "FAILED\n";
  return out;
}

}  // namespace mw::scen
