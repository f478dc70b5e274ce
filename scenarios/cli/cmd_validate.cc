// mwsim validate: check scenario files without running them (default: the whole catalogue);
// each error is file:line:column: field: what.
#include <cstdio>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"

namespace mw::cli {

Command add_validate(CLI::App& mwsim) {
  struct Options {
    std::vector<std::string> scenarios;
    std::optional<std::uint64_t> seed;
    std::string catalogue = MWSIM_CATALOGUE_DIR;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "validate",
      "check scenario files without running them (default: the whole catalogue); errors are "
      "file:line:column: field: what");
  app->add_option("SCENARIO", o->scenarios, "scenario files or catalogue names");
  add_seed_option(*app, o->seed, "check the world this seed builds (default: the scenario's own)");
  add_catalogue_option(*app, o->catalogue);
  return {app, [o] {
            std::vector<std::string> files;
            for (const std::string& p : o->scenarios)
              files.push_back(scenario_path(p, o->catalogue));
            if (files.empty()) files = catalogue_files(o->catalogue);
            if (files.empty()) {
              std::fprintf(stderr, "mwsim: nothing to validate: no files given and none in %s\n",
                           o->catalogue.c_str());
              return int{kInvalidInput};
            }
            int invalid = 0;
            for (const std::string& path : files) {
              scen::LoadedScenario loaded;
              scen::BuiltWorld built;
              if (load_and_build(path, o->seed, loaded, built)) {
                std::printf("%s: valid\n", path.c_str());
              } else {
                ++invalid;
              }
            }
            if (invalid > 0)
              std::fprintf(stderr, "%d of %zu scenario files are not valid\n", invalid,
                           files.size());
            return int{invalid == 0 ? kPassed : kInvalidInput};
          }};
}

}  // namespace mw::cli
