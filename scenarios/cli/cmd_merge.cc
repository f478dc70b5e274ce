// mwsim merge: combine the --json reports of a sweep's shards into one result. Anything but
// the complete set of one run (a shard missing or twice, another scenario file, design,
// build or seed range) is refused with exit 2, and no verdict is printed.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"

namespace mw::cli {

Command add_merge(CLI::App& mwsim) {
  struct Options {
    std::vector<std::string> files;
    std::string json, junit, report;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "merge",
      "combine the --json reports of every shard of one sweep (mwsim sweep --shard K/N --json)");
  app->add_option("SWEEP_JSON", o->files, "the shards' JSON reports, one per shard")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--json", o->json, "write the merged report as JSON")->type_name("FILE");
  app->add_option("--junit", o->junit, "write a JUnit XML case per seed")->type_name("FILE");
  app->add_option("--report", o->report,
                  "write the self-contained HTML report of the merged sweep")
      ->type_name("FILE");
  return {app, [o] {
            OutputFiles outputs;
            for (const std::string& f : o->files) outputs.add_input(f);
            outputs.add("--json", o->json);
            outputs.add("--junit", o->junit);
            outputs.add("--report", o->report);
            if (const auto conflicts = outputs.conflicts(); !conflicts.empty())
              return prepare_outputs(outputs);  // prints them, kInvalidInput
            std::vector<scenario::SweepReport> parts;
            for (const std::string& file : o->files) {
              std::ifstream in(file, std::ios::binary);
              std::ostringstream text;
              text << in.rdbuf();
              scenario::SweepReport part;
              const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &part);
              if (!in || !status.ok()) {
                std::string why = in ? std::string(status.message()) : "cannot read it";
                if (why.size() > 200) why = why.substr(0, 200) + "...";
                std::fprintf(stderr, "mwsim: %s is not a sweep report (%s)\n", file.c_str(),
                             why.c_str());
                return int{kInvalidInput};
              }
              parts.push_back(std::move(part));
            }
            std::vector<std::string> errors;
            const scenario::SweepReport merged = scen::merge_sweeps(parts, errors);
            if (!errors.empty()) {
              for (const std::string& e : errors) std::fprintf(stderr, "mwsim: %s\n", e.c_str());
              std::fprintf(stderr,
                           "mwsim: the shards do not make one complete sweep; nothing was merged "
                           "and there is no verdict\n");
              return int{kInvalidInput};
            }
            if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;
            std::fputs(scen::format_sweep_summary(merged).c_str(), stdout);
            std::fflush(stdout);
            if (!write_sweep_reports(outputs, merged)) return int{kIoError};
            return int{all_passed(merged) ? kPassed : kCheckFailed};
          }};
}

}  // namespace mw::cli
