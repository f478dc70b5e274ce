// mwsim compare: the same seeds of one scenario under several middleware designs, side by
// side. A design is a file of the core's Config in text format, merged over the scenario's.
#include <cstdio>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/scenario/compare.h"

namespace mw::cli {

Command add_compare(CLI::App& mwsim) {
  struct Options {
    std::string scenario;
    std::vector<std::string> designs;
    std::string designs_dir = MWSIM_DESIGNS_DIR;
    std::optional<scen::SeedRange> seeds;
    int jobs = 1;
    std::string catalogue = MWSIM_CATALOGUE_DIR;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "compare", "the same seeds of one scenario under several middleware designs, side by side");
  app->add_option("SCENARIO", o->scenario, "a .textproto file or a catalogue scenario's name")
      ->required();
  app->add_option("--design", o->designs,
                  "a design: a name in the designs directory or a Config textproto file; give "
                  "two or more")
      ->type_name("DESIGN")
      ->allow_extra_args(false)
      ->required();
  app->add_option("--designs", o->designs_dir, "where design names are looked up")
      ->type_name("DIR")
      ->default_str(o->designs_dir);
  add_range_option(*app, o->seeds, "the seeds each design runs (default 1..5)");
  add_jobs_option(*app, o->jobs);
  add_catalogue_option(*app, o->catalogue);
  return {
      app, [o, app] {
        if (o->designs.size() < 2)
          return usage_error(*app, "needs at least two designs: --design A --design B");
        const scen::SeedRange range = o->seeds.value_or(scen::SeedRange{1, 5});
        if (const std::string e = seed_count_error({range, {}}); !e.empty())
          return usage_error(*app, e);
        const std::string path = scenario_path(o->scenario, o->catalogue);
        scen::LoadedScenario loaded;
        scen::BuiltWorld built;
        if (!load_for_run(path, range.first, loaded, built)) return int{kInvalidInput};
        std::vector<scen::Design> designs;
        for (const std::string& name : o->designs) {
          scen::Design d;
          std::vector<std::string> errors;
          if (!scen::load_design(name, o->designs_dir, d, errors)) {
            for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
            return int{kInvalidInput};
          }
          designs.push_back(std::move(d));
        }
        std::vector<std::pair<std::string, scenario::SweepReport>> results;
        for (const scen::Design& d : designs) {
          scen::ScenarioFile file = loaded.file;
          file.scenario.mutable_design()->MergeFrom(d.config);
          if (const scen::BuiltWorld check = scen::build_world(file, range.first); !check.ok()) {
            for (const std::string& e : check.errors)
              std::fprintf(stderr, "%s (with design %s)\n", e.c_str(), d.name.c_str());
            return int{kInvalidInput};
          }
          std::fprintf(stderr, "design %s\n", d.name.c_str());
          Progress progress(range.last - range.first + 1);
          results.emplace_back(d.name,
                               scen::run_sweep(file, range, {}, o->jobs,
                                               [&](const scenario::SeedResult& r, std::size_t n) {
                                                 progress.done(r, n);
                                               }));
        }
        std::fputs(scen::format_comparison(loaded.file.scenario.name(), results).c_str(), stdout);
        return int{kPassed};
      }};
}

}  // namespace mw::cli
