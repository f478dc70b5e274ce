// mwsim shrink: remove and shorten faults while the run still fails the same check, and write
// the smallest scenario found; it carries the failing seed, so `mwsim run` of it alone fails.
#include <cstdio>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/scenario/shrink.h"

namespace mw::cli {

Command add_shrink(CLI::App& mwsim) {
  struct Options {
    std::string scenario;
    std::optional<std::uint64_t> seed;
    std::string output;
    int max_runs = 200;
    std::string catalogue = MWSIM_CATALOGUE_DIR;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "shrink",
      "remove and shorten faults while the run still fails the same check; write the smallest "
      "scenario found");
  app->add_option("SCENARIO", o->scenario, "a .textproto file or a catalogue scenario's name")
      ->required();
  add_seed_option(*app, o->seed, "the failing seed")->required();
  app->add_option("-o,--output", o->output,
                  "the file to write (default <name>_shrunk_seed<N>.textproto)")
      ->type_name("FILE");
  app->add_option("--max-runs", o->max_runs, "runs to spend at most")
      ->type_name("M")
      ->default_str("200")
      ->check(CLI::Range(1, 100000));
  add_catalogue_option(*app, o->catalogue);
  return {app, [o] {
            const std::string path = scenario_path(o->scenario, o->catalogue);
            scen::LoadedScenario loaded;
            scen::BuiltWorld built;
            if (!load_for_run(path, o->seed, loaded, built)) return int{kInvalidInput};
            const std::string out = !o->output.empty()
                                        ? o->output
                                        : loaded.file.scenario.name() + "_shrunk_seed" +
                                              std::to_string(*o->seed) + ".textproto";
            OutputFiles outputs;
            outputs.add_input(path);
            outputs.add("--output", out);
            if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;
            const scen::ShrinkResult result = scen::shrink(
                loaded.file, *o->seed, o->max_runs,
                [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
            if (!result.failed_at_start) {
              std::fprintf(stderr,
                           "mwsim: seed %llu of %s meets every expectation: there is no failure "
                           "to shrink\n",
                           static_cast<unsigned long long>(*o->seed), path.c_str());
              return int{kInvalidInput};
            }
            std::printf("%d runs; %zu changes kept; faults %d -> %d; still fails %s\n", result.runs,
                        result.kept.size(), result.faults_at_start, result.faults_left,
                        result.check.c_str());
            std::fflush(stdout);
            if (!outputs.commit("--output", scen::shrunk_text(result, path, *o->seed)))
              return int{kIoError};
            std::printf("replay: mwsim run %s\n", out.c_str());
            return int{kPassed};
          }};
}

}  // namespace mw::cli
