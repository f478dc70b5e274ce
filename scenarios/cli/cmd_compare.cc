// mwsim compare: the same seeds of one scenario under several middleware designs, side by
// side. A design is a file of the core's Config in text format, merged over the scenario's;
// the output says so, with the scenario's own design and each design's effective differences.
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <memory>

#include "middleware/config_defaults.h"
#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/report/report_sweep_html.h"
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
    std::string json, junit, report;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = mwsim.add_subcommand(
      "compare",
      "the same seeds of one scenario under several middleware designs, side by side; exit 0 "
      "only when every run of every design meets the scenario's expectations");
  app->add_option("SCENARIO", o->scenario, "a .textproto file or a catalogue scenario's name")
      ->required();
  app->add_option("--design", o->designs,
                  "a design merged over the scenario's own: a name in the designs directory or "
                  "a Config textproto file; give two or more")
      ->type_name("DESIGN")
      ->allow_extra_args(false)
      ->required();
  app->add_option("--designs", o->designs_dir, "where design names are looked up")
      ->type_name("DIR")
      ->default_str(o->designs_dir);
  add_range_option(*app, o->seeds, "the seeds each design runs (default 1..5)");
  add_jobs_option(*app, o->jobs);
  add_catalogue_option(*app, o->catalogue);
  app->add_option("--json", o->json, "write the comparison as JSON")->type_name("FILE");
  app->add_option("--junit", o->junit, "write a JUnit XML suite per design, a case per seed")
      ->type_name("FILE");
  app->add_option("--report", o->report, "write the self-contained HTML report of the comparison")
      ->type_name("FILE");
  return {app, [o, app] {
            if (o->designs.size() < 2)
              return usage_error(*app, "needs at least two designs: --design A --design B");
            const scen::SeedRange range = o->seeds.value_or(scen::SeedRange{1, 5});
            if (const std::string e = seed_count_error({range, {}}); !e.empty())
              return usage_error(*app, e);
            const std::string path = scenario_path(o->scenario, o->catalogue);
            OutputFiles outputs;
            outputs.add_input(path);
            outputs.add("--json", o->json);
            outputs.add("--junit", o->junit);
            outputs.add("--report", o->report);
            scen::LoadedScenario loaded;
            scen::BuiltWorld built;
            if (!load_for_run(path, range.first, loaded, built)) return int{kInvalidInput};
            const proto::Config own = core::with_defaults(built.spec.design);
            scenario::CompareReport report;
            report.set_scenario(loaded.file.scenario.name());
            report.set_path(path);
            for (const std::string& d : scen::design_differences(core::with_defaults({}), own))
              report.add_scenario_design(d);
            for (const std::string& e : loaded.file.scenario.expect().oracles_fail())
              report.add_expected_failures(e);
            std::vector<scen::ScenarioFile> files;
            for (const std::string& name : o->designs) {
              scen::Design d;
              std::vector<std::string> errors;
              if (!scen::load_design(name, o->designs_dir, d, errors)) {
                for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
                return int{kInvalidInput};
              }
              scen::ScenarioFile file = loaded.file;
              scen::merge_design(d, file);
              file.design = name;
              const scen::BuiltWorld check = scen::build_world(file, range.first);
              if (!check.ok()) {
                for (const std::string& e : check.errors)
                  std::fprintf(stderr, "%s (with design %s)\n", e.c_str(), d.name.c_str());
                return int{kInvalidInput};
              }
              scenario::DesignColumn* column = report.add_designs();
              column->set_name(d.name);
              for (const std::string& diff :
                   scen::design_differences(own, core::with_defaults(check.spec.design)))
                column->add_differences(diff);
              files.push_back(std::move(file));
            }
            if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;
            bool all_as_expected = true;
            for (std::size_t i = 0; i < files.size(); ++i) {
              scenario::DesignColumn* column = report.mutable_designs(static_cast<int>(i));
              std::fprintf(stderr, "design %s\n", column->name().c_str());
              Progress progress(range.last - range.first + 1);
              *column->mutable_sweep() = scen::run_sweep(
                  files[i], range, {}, o->jobs,
                  [&](const scenario::SeedResult& r, std::size_t n) { progress.done(r, n); });
              all_as_expected &= all_passed(column->sweep());
            }
            std::fputs(scen::format_comparison(report).c_str(), stdout);
            std::fflush(stdout);
            bool written = true;
            if (outputs.has("--json")) {
              google::protobuf::util::JsonPrintOptions options;
              options.add_whitespace = true;
              options.always_print_primitive_fields = true;
              options.preserve_proto_field_names = true;
              std::string json;
              (void)google::protobuf::util::MessageToJsonString(report, &json, options);
              written &= outputs.commit("--json", json);
            }
            if (outputs.has("--junit"))
              written &= outputs.commit("--junit", scen::compare_junit_xml(report));
            if (outputs.has("--report"))
              written &= outputs.commit("--report", scen::compare_report_html(report));
            if (!written) return int{kIoError};
            return all_as_expected ? int{kPassed} : int{kCheckFailed};
          }};
}

}  // namespace mw::cli
