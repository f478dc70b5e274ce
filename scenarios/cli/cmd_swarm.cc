// mwsim swarm: for each seed a generated world with each fault family switched on or off at
// random; failing worlds are written as scenario files with the command that replays them.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/scenario/duration_text.h"
#include "scenarios/scenario/swarm.h"

namespace mw::cli {

Command add_swarm(CLI::App& mwsim) {
  struct Options {
    std::optional<scen::SeedRange> seeds;
    int jobs = 1;
    std::optional<sim::Duration> budget;
    std::string out_dir = "swarm-failures";
    std::vector<std::string> off;
    bool until_failure = false;
    std::string json, junit, report;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "swarm",
      "swarm worlds: for each seed a generated world with each fault family switched on or off "
      "at random");
  add_range_option(*app, o->seeds, "the worlds to generate and run, e.g. 1..100")->required();
  add_jobs_option(*app, o->jobs);
  app->add_option_function<std::string>(
         "--budget", [o](const std::string& text) { o->budget = scen::parse_duration_text(text); },
         "stop starting seeds when this much wall-clock time is spent, e.g. 60s or 10m")
      ->type_name("DURATION")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const auto d = scen::parse_duration_text(text);
            return d && *d > sim::Duration::zero()
                       ? ""
                       : "expects a wall-clock duration above zero, e.g. 60s or 10m; got '" + text +
                             "'";
          },
          "", "duration"));
  app->add_option("--out", o->out_dir,
                  "where each failing world goes, as DIR/swarm_<seed>.textproto")
      ->type_name("DIR")
      ->default_str(o->out_dir);
  app->add_option("--off", o->off, "keep this family off whatever the seed draws (repeatable)")
      ->type_name("FAMILY")
      ->allow_extra_args(false)
      ->check(CLI::IsMember(scen::kSwarmFamilies));
  app->add_flag("--until-failure", o->until_failure,
                "stop starting seeds after the first failure and say how long it took to find");
  app->add_option("--json", o->json, "write the sweep report as JSON")->type_name("FILE");
  app->add_option("--junit", o->junit, "write a JUnit XML case per seed")->type_name("FILE");
  app->add_option("--report", o->report,
                  "write the self-contained HTML report of the swarm")
      ->type_name("FILE");
  return {
      app, [o, app] {
        const scen::SeedList seeds{*o->seeds, scen::Shard{}};
        if (const std::string e = seed_count_error(seeds); !e.empty()) return usage_error(*app, e);
        scen::SwarmOptions swarm;
        swarm.off.insert(o->off.begin(), o->off.end());
        OutputFiles outputs;
        outputs.add("--json", o->json);
        outputs.add("--junit", o->junit);
        outputs.add("--report", o->report);
        outputs.add_directory("--out", o->out_dir);
        if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;
        // The budget only decides which seeds start; a simulation never sees the wall clock.
        const auto start = std::chrono::steady_clock::now();
        bool budget_spent = false;
        std::atomic<bool> failed{false};
        std::atomic<double> first_failure_s{0};
        auto keep_starting = [&] {
          if (o->until_failure && failed) return false;
          if (!o->budget) return true;
          if (std::chrono::steady_clock::now() - start >= *o->budget) budget_spent = true;
          return !budget_spent;
        };
        Progress progress(seeds.size());
        const scenario::SweepReport report = scen::run_swarm(
            *o->seeds, swarm, o->jobs, keep_starting,
            [&](const scenario::SeedResult& r, std::size_t n) {
              if (!r.passed() && !failed.exchange(true)) {
                first_failure_s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
              }
              progress.done(r, n);
            });
        auto file_of = [&](std::uint64_t seed) {
          return (std::filesystem::path(o->out_dir) /
                  ("swarm_" + std::to_string(seed) + ".textproto"))
              .string();
        };
        std::fputs(scen::format_sweep_summary(
                       report, [&](std::uint64_t seed) { return "mwsim run " + file_of(seed); })
                       .c_str(),
                   stdout);
        if (o->until_failure && failed) {
          std::printf(
              "first failure after %.1f s of wall time; seeds not yet started were not run\n",
              first_failure_s.load());
        }
        if (budget_spent) {
          std::printf("budget of %s spent: %d of %llu seeds started; the rest were not run\n",
                      scen::format_duration_text(*o->budget).c_str(), report.runs_size(),
                      static_cast<unsigned long long>(seeds.size()));
        }
        std::fflush(stdout);
        bool written = true;
        for (const scenario::SeedResult& r : report.runs()) {
          if (r.passed()) continue;
          OutputFiles world;
          world.add("world", file_of(r.seed()));
          if (world.prepare().empty() && world.commit("world", scen::swarm_text(r.seed(), swarm))) {
            std::printf("seed %llu failed %s; replay: mwsim run %s\n",
                        static_cast<unsigned long long>(r.seed()), scen::failure_group(r).c_str(),
                        file_of(r.seed()).c_str());
          } else {
            std::fprintf(stderr, "mwsim: cannot write %s\n", file_of(r.seed()).c_str());
            written = false;
          }
        }
        written &= write_sweep_reports(outputs, report);
        if (!written) return int{kIoError};
        return int{all_passed(report) ? kPassed : kCheckFailed};
      }};
}

}  // namespace mw::cli
