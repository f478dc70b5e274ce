// mwsim list: the scenarios of the catalogue, each with the first sentence of its story.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"

namespace mw::cli {

Command add_list(CLI::App& mwsim) {
  struct Options {
    std::string catalogue = MWSIM_CATALOGUE_DIR;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app =
      mwsim.add_subcommand("list", "the scenarios of the catalogue, with their stories");
  add_catalogue_option(*app, o->catalogue);
  return {app, [o] {
            const std::vector<std::string> files = catalogue_files(o->catalogue);
            if (files.empty()) {
              std::fprintf(stderr, "mwsim: no .textproto files in %s (use --catalogue DIR)\n",
                           o->catalogue.c_str());
              return int{kInvalidInput};
            }
            for (const std::string& path : files) {
              const scen::LoadedScenario loaded = scen::load_scenario_file(path);
              if (!loaded.ok()) {
                std::printf("%-36s (does not load: mwsim validate %s)\n",
                            std::filesystem::path(path).stem().c_str(), path.c_str());
                continue;
              }
              std::string story = loaded.file.scenario.story();
              if (const auto dot = story.find(". "); dot != std::string::npos)
                story = story.substr(0, dot + 1);
              std::printf("%-36s %s\n", loaded.file.scenario.name().c_str(), story.c_str());
            }
            return int{kPassed};
          }};
}

}  // namespace mw::cli
