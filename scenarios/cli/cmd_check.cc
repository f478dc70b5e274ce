// mwsim check: the regression suite QA runs in CI. The whole catalogue (or the named files and
// folders), each scenario with the seeds its file lists (`seeds`, default its `seed`), J runs
// at a time; one summary, one JUnit file (a suite per scenario and seed, a case per check,
// with the time and the trace digest), exit 0 only when every expectation of every run held.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/scenario/scenario_run.h"
#include "sim/trace.h"

namespace mw::cli {
namespace {

struct Task {
  std::size_t file = 0;  // index into the loaded files
  std::uint64_t seed = 0;
};

// files_to_check expands folders into their scenario files and names into catalogue paths.
std::vector<std::string> files_to_check(const std::vector<std::string>& args,
                                        const std::string& catalogue) {
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const std::string& f : catalogue_files(arg)) out.push_back(f);
    } else {
      out.push_back(scenario_path(arg, catalogue));
    }
  }
  if (args.empty()) out = catalogue_files(catalogue);
  return out;
}

}  // namespace

Command add_check(CLI::App& mwsim) {
  struct Options {
    std::vector<std::string> paths;
    int jobs = 1;
    std::string junit;
    std::string catalogue = MWSIM_CATALOGUE_DIR;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "check",
      "the regression suite: every scenario of the catalogue (or of the files and folders "
      "named) with the seeds its file lists; exit 0 only when every expectation held");
  app->add_option("SCENARIO", o->paths, "scenario files, catalogue names or folders");
  add_jobs_option(*app, o->jobs);
  app->add_option("--junit", o->junit,
                  "write one JUnit XML file: a suite per scenario and seed, a case per check")
      ->type_name("FILE");
  add_catalogue_option(*app, o->catalogue);
  return {
      app, [o] {
        const std::vector<std::string> paths = files_to_check(o->paths, o->catalogue);
        if (paths.empty()) {
          std::fprintf(stderr, "mwsim: no scenario files to check in %s\n", o->catalogue.c_str());
          return int{kInvalidInput};
        }
        OutputFiles outputs;
        for (const std::string& p : paths) outputs.add_input(p);
        outputs.add("--junit", o->junit);
        if (const auto conflicts = outputs.conflicts(); !conflicts.empty())
          return prepare_outputs(outputs);
        // Load and validate every file first: an invalid one is reported and not run.
        std::vector<scen::ScenarioFile> files;
        std::vector<Task> tasks;
        int invalid = 0;
        for (const std::string& path : paths) {
          scen::LoadedScenario loaded;
          scen::BuiltWorld built;
          if (!load_and_build(path, std::nullopt, loaded, built)) {
            ++invalid;
            continue;
          }
          const std::string& listed = loaded.file.scenario.seeds();
          const scen::SeedRange seeds = listed.empty()
                                            ? scen::SeedRange{built.spec.seed, built.spec.seed}
                                            : *scen::parse_seed_range(listed);
          for (std::uint64_t s = seeds.first;; ++s) {
            tasks.push_back({files.size(), s});
            if (s == seeds.last) break;
          }
          files.push_back(std::move(loaded.file));
        }
        if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;

        std::vector<scen::ScenarioRun> runs(tasks.size());
        std::atomic<std::size_t> next{0};
        std::mutex done_mutex;
        std::size_t done = 0;
        auto worker = [&] {
          for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) {
            const scen::ScenarioFile& file = files[tasks[i].file];
            runs[i] = scen::run_scenario(file, scen::build_world(file, tasks[i].seed));
            const std::lock_guard<std::mutex> lock(done_mutex);
            std::fprintf(stderr, "%s seed %llu: %s (%zu/%zu)\n", runs[i].name.c_str(),
                         static_cast<unsigned long long>(runs[i].seed),
                         runs[i].passed() ? "passed" : "FAILED", ++done, tasks.size());
          }
        };
        std::vector<std::thread> pool;
        for (int t = 1; t < std::min<int>(o->jobs, static_cast<int>(tasks.size())); ++t)
          pool.emplace_back(worker);
        worker();
        for (std::thread& t : pool) t.join();

        std::size_t failed = 0;
        double wall = 0;
        std::printf("mwsim check: %zu scenarios, %zu runs\n", files.size(), runs.size());
        for (const scen::ScenarioRun& run : runs) {
          wall += run.wall_seconds;
          std::printf("  %-40s seed %-6llu %-7s %6.2f s  digest %s\n", run.name.c_str(),
                      static_cast<unsigned long long>(run.seed), run.passed() ? "passed" : "FAILED",
                      run.wall_seconds, sim::format_digest(run.result.digest).c_str());
          if (run.passed()) continue;
          ++failed;
          for (const scen::Check& c : run.checks) {
            if (!c.passed) std::printf("      %s: %s\n", c.name.c_str(), c.detail.c_str());
          }
          std::printf("      replay: %s\n", scen::replay_command(run.path, run.seed, run.design).c_str());
        }
        std::printf("%zu runs, %zu passed, %zu failed; %d invalid files; %.1f s of runs\n",
                    runs.size(), runs.size() - failed, failed, invalid, wall);
        const int verdict = invalid > 0  ? int{kInvalidInput}
                            : failed > 0 ? int{kCheckFailed}
                                         : int{kPassed};
        std::printf("%s\n", verdict == kPassed        ? "PASSED"
                            : verdict == kCheckFailed ? "FAILED"
                                                      : "FAILED: invalid scenario files");
        std::fflush(stdout);
        std::vector<const scen::ScenarioRun*> all;
        for (const scen::ScenarioRun& run : runs) all.push_back(&run);
        if (outputs.has("--junit") && !outputs.commit("--junit", scen::junit_xml(all)))
          return int{kIoError};
        return verdict;
      }};
}

}  // namespace mw::cli
