// mwsim run and mwsim replay: one scenario, one seed: figures, checks, trace digest and the
// reports asked for; replay prints every trace record first.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/cli/run_progress.h"
#include "scenarios/report/chrome_trace.h"
#include "scenarios/report/report_html.h"
#include "scenarios/report/report_json.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/scenario/scenario_run.h"
#include "sim/trace.h"

namespace mw::cli {
namespace {

struct RunOptions {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string catalogue = MWSIM_CATALOGUE_DIR;
  std::string json, junit, trace, report;
  DesignChoice design;
};

// FanOutSink hands every trace record to several sinks.
struct FanOutSink : sim::TraceSink {
  std::vector<sim::TraceSink*> sinks;
  void write(const sim::TraceRecord& record) override {
    for (sim::TraceSink* s : sinks) s->write(record);
  }
};

int run_one(const RunOptions& o, bool with_trace) {
  const std::string path = scenario_path(o.scenario, o.catalogue);
  OutputFiles outputs;
  outputs.add_input(path);
  outputs.add("--json", o.json);
  outputs.add("--junit", o.junit);
  outputs.add("--trace", o.trace);
  outputs.add("--report", o.report);
  scen::LoadedScenario loaded;
  scen::BuiltWorld built;
  if (!load_for_run(path, o.seed, loaded, built, o.design)) return kInvalidInput;
  if (const int ready = prepare_outputs(outputs); ready != kPassed) return ready;
  sim::TextTraceSink text(std::cout);
  scen::ChromeTraceRecorder chrome;
  FanOutSink sink;
  if (with_trace) sink.sinks.push_back(&text);
  if (!o.trace.empty()) sink.sinks.push_back(&chrome);
  scen::ScenarioRun run;
  {  // A progress line only on a terminal, and not under replay, whose trace goes to stdout;
     // wiped at the end of this block, before the summary.
    RunProgressLine progress(!with_trace && isatty(fileno(stderr)) != 0);
    run = scen::run_scenario(loaded.file, built, sink.sinks.empty() ? nullptr : &sink,
                             [&](const scen::RunProgress& p) { progress.update(p); });
  }
  std::cout.flush();
  std::printf("effective configuration (a scenario file: `mwsim run` of it gives this run):\n%s\n",
              run.effective_configuration.c_str());
  std::fputs(scen::format_summary(run).c_str(), stdout);
  std::fflush(stdout);  // the summary first, then where the reports went
  bool written = true;
  if (outputs.has("--json"))
    written &= outputs.commit("--json", scen::report_json(scen::make_report(run)));
  if (outputs.has("--junit")) written &= outputs.commit("--junit", scen::junit_xml({&run}));
  if (outputs.has("--trace"))
    written &= outputs.commit("--trace", scen::chrome_trace_json(chrome, run));
  if (outputs.has("--report"))
    written &= outputs.commit("--report", scen::report_html(scen::make_report(run)));
  if (!written) return kIoError;
  return run.passed() ? kPassed : kCheckFailed;
}

CLI::App* add_run_options(CLI::App& mwsim, const std::string& name, const std::string& what,
                          RunOptions& o, bool seed_required) {
  CLI::App* app = mwsim.add_subcommand(name, what);
  app->add_option("SCENARIO", o.scenario, "a .textproto file or a catalogue scenario's name")
      ->required();
  CLI::Option* seed = add_seed_option(
      *app, o.seed,
      seed_required ? "the seed to replay" : "the seed (default: the scenario's own)");
  if (seed_required) seed->required();
  add_catalogue_option(*app, o.catalogue);
  add_design_option(*app, o.design);
  app->add_option("--json", o.json, "write the run's report as JSON")->type_name("FILE");
  app->add_option("--junit", o.junit, "write the checks as JUnit XML")->type_name("FILE");
  app->add_option("--trace", o.trace, "write the run as a Perfetto (Chrome) trace")
      ->type_name("FILE");
  app->add_option("--report", o.report, "write the self-contained HTML report")->type_name("FILE");
  return app;
}

}  // namespace

Command add_run(CLI::App& mwsim) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* app = add_run_options(mwsim, "run",
                                  "run one scenario: figures, checks, trace digest; exit 0 only "
                                  "when its expectations hold",
                                  *o, false);
  return {app, [o] { return run_one(*o, /*with_trace=*/false); }};
}

Command add_replay(CLI::App& mwsim) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* app = add_run_options(
      mwsim, "replay", "the same run as `run`, printing every trace record first", *o, true);
  return {app, [o] { return run_one(*o, /*with_trace=*/true); }};
}

}  // namespace mw::cli
