// mwsim sweep: one scenario over many seeds, J at a time; failures grouped by what failed,
// each with its replay command; --shard K/N runs one shard for a batch engine (mwsim merge
// combines the shards' --json reports).
#include <cstdio>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"

namespace mw::cli {

Command add_sweep(CLI::App& mwsim) {
  struct Options {
    std::string scenario;
    std::optional<scen::SeedRange> seeds;
    std::optional<scen::Shard> shard;
    int jobs = 1;
    std::string catalogue = MWSIM_CATALOGUE_DIR;
    std::string json, junit, report;
    DesignChoice design;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "sweep",
      "one scenario over many seeds, J at a time; failures grouped by what failed, each with its "
      "replay command");
  app->add_option("SCENARIO", o->scenario, "a .textproto file or a catalogue scenario's name")
      ->required();
  add_range_option(*app, o->seeds, "the seeds to run, e.g. 1..100")->required();
  add_jobs_option(*app, o->jobs);
  app->add_option_function<std::string>(
         "--shard", [o](const std::string& text) { o->shard = scen::parse_shard(text); },
         "run every N-th seed from the K-th (K counts from 0), for a batch engine")
      ->type_name("K/N")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return scen::parse_shard(text)
                       ? ""
                       : "expects K/N with 0 <= K < N <= 1000000 (K counts from 0), got '" + text +
                             "'";
          },
          "", "shard"));
  add_catalogue_option(*app, o->catalogue);
  add_design_option(*app, o->design);
  app->add_option("--json", o->json, "write the sweep report as JSON (what merge reads)")
      ->type_name("FILE");
  app->add_option("--junit", o->junit, "write a JUnit XML case per seed")->type_name("FILE");
  app->add_option("--report", o->report,
                  "write the self-contained HTML report of the sweep")
      ->type_name("FILE");
  return {app, [o, app] {
            const scen::Shard shard = o->shard.value_or(scen::Shard{});
            const scen::SeedList seeds{*o->seeds, shard};
            if (const std::string e = seed_count_error(seeds); !e.empty())
              return usage_error(*app, e);
            const std::string path = scenario_path(o->scenario, o->catalogue);
            OutputFiles outputs;
            outputs.add_input(path);
            outputs.add("--json", o->json);
            outputs.add("--junit", o->junit);
            outputs.add("--report", o->report);
            scen::LoadedScenario loaded;
            scen::BuiltWorld built;
            if (!load_for_run(path, o->seeds->first, loaded, built, o->design))
              return int{kInvalidInput};
            if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;
            Progress progress(seeds.size());
            const scenario::SweepReport report = scen::run_sweep(
                loaded.file, *o->seeds, shard, o->jobs,
                [&](const scenario::SeedResult& r, std::size_t n) { progress.done(r, n); });
            std::fputs(scen::format_sweep_summary(report).c_str(), stdout);
            std::fflush(stdout);
            if (!write_sweep_reports(outputs, report)) return int{kIoError};
            return int{all_passed(report) ? kPassed : kCheckFailed};
          }};
}

}  // namespace mw::cli
