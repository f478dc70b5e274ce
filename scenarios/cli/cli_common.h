// What several mwsim commands share: finding scenario files, loading them with their errors
// printed, the options with their checks (seeds, ranges, catalogue), the sweep progress line,
// and the outputs' checks before a run.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/cli/output_files.h"
#include "scenarios/proto/report.pb.h"
#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_world.h"
#include "scenarios/scenario/sweep.h"

namespace mw::cli {

// scenario_path resolves a file name, or the name of a catalogue scenario, to a path.
std::string scenario_path(const std::string& arg, const std::string& catalogue);
// catalogue_files lists the *.textproto files of `dir`, sorted.
std::vector<std::string> catalogue_files(const std::string& dir);

// DesignChoice: --design (a name in --designs DIR, or a Config textproto file) merged over
// the scenario's own design; no name, no design.
struct DesignChoice {
  std::string name;
  std::string dir = MWSIM_DESIGNS_DIR;
};
// add_design_option adds --design and --designs.
void add_design_option(CLI::App& command, DesignChoice& design);

// load_and_build loads `path`, merges `design` (if one is named) over its own and builds its
// world with `seed`; prints the errors and returns false when any step fails, and prints the
// warnings of estimate_work (a world that would take hours) when none does.
bool load_and_build(const std::string& path, std::optional<std::uint64_t> seed,
                    scen::LoadedScenario& loaded, scen::BuiltWorld& built,
                    const DesignChoice& design = {});
// load_for_run is load_and_build for a command that runs the scenario: it says nothing ran.
bool load_for_run(const std::string& path, std::optional<std::uint64_t> seed,
                  scen::LoadedScenario& loaded, scen::BuiltWorld& built,
                  const DesignChoice& design = {});

// add_catalogue_option adds --catalogue DIR (where scenario names are looked up).
void add_catalogue_option(CLI::App& command, std::string& catalogue);
// add_seed_option adds `name` (--seed) taking a non-negative decimal integer.
CLI::Option* add_seed_option(CLI::App& command, std::optional<std::uint64_t>& seed,
                             const std::string& description);
// add_range_option adds --seeds A..B (or one seed); `range` stays empty unless given.
CLI::Option* add_range_option(CLI::App& command, std::optional<scen::SeedRange>& range,
                              const std::string& description);
// add_jobs_option adds --jobs/-j, 1 to 256.
void add_jobs_option(CLI::App& command, int& jobs);

// seed_count_error: a usage error when `seeds` is more than one run may take, else empty.
std::string seed_count_error(const scen::SeedList& seeds);

// prepare_outputs checks `outputs` before the run: prints what is wrong and returns
// kInvalidInput for a conflict, kIoError for an output that cannot be created, kPassed when
// every output is ready.
int prepare_outputs(OutputFiles& outputs);

// usage_error prints "mwsim COMMAND: message" and returns kInvalidInput.
int usage_error(const CLI::App& command, const std::string& message);

// write_sweep_reports commits --json, --junit and --report (HTML) of a sweep report; false when one failed.
bool write_sweep_reports(OutputFiles& outputs, const scenario::SweepReport& report);
// all_passed: every run of the report met its expectations.
bool all_passed(const scenario::SweepReport& report);

// Progress shows how a sweep goes on stderr: a bar on a terminal, a line per seed otherwise.
class Progress {
 public:
  explicit Progress(std::uint64_t total);
  void done(const scenario::SeedResult& r, std::size_t n);

 private:
  std::uint64_t total_;
  double start_s_;
  bool tty_;
  std::size_t failed_ = 0;
};

}  // namespace mw::cli
