#include "scenarios/cli/cli_common.h"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "scenarios/cli/exit_codes.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/report/report_sweep_html.h"
#include "scenarios/scenario/compare.h"
#include "scenarios/scenario/decimal_text.h"
#include "scenarios/scenario/work_estimate.h"

namespace mw::cli {
namespace fs = std::filesystem;

std::string scenario_path(const std::string& arg, const std::string& catalogue) {
  if (arg.find('/') != std::string::npos || arg.ends_with(".textproto")) return arg;
  return (fs::path(catalogue) / (arg + ".textproto")).string();
}

std::vector<std::string> catalogue_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".textproto") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void add_design_option(CLI::App& command, DesignChoice& design) {
  command
      .add_option("--design", design.name,
                  "a middleware design merged over the scenario's own: a name in the designs "
                  "directory or a Config textproto file")
      ->type_name("DESIGN");
  command.add_option("--designs", design.dir, "where design names are looked up")
      ->type_name("DIR")
      ->default_str(design.dir);
}

bool load_and_build(const std::string& path, std::optional<std::uint64_t> seed,
                    scen::LoadedScenario& loaded, scen::BuiltWorld& built,
                    const DesignChoice& design) {
  loaded = scen::load_scenario_file(path);
  if (loaded.ok() && !design.name.empty()) {
    scen::Design d;
    std::vector<std::string> errors;
    if (!scen::load_design(design.name, design.dir, d, errors)) {
      for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
      return false;
    }
    scen::merge_design(d, loaded.file);
    loaded.file.design = design.name;
  }
  if (loaded.ok()) built = scen::build_world(loaded.file, seed);
  const std::vector<std::string>& errors = loaded.ok() ? built.errors : loaded.errors;
  for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
  if (!errors.empty()) return false;
  for (const std::string& w : scen::estimate_work(built.spec).warnings)
    std::fprintf(stderr, "%s: warning: %s\n", path.c_str(), w.c_str());
  return true;
}

bool load_for_run(const std::string& path, std::optional<std::uint64_t> seed,
                  scen::LoadedScenario& loaded, scen::BuiltWorld& built,
                  const DesignChoice& design) {
  if (load_and_build(path, seed, loaded, built, design)) return true;
  std::fprintf(stderr, "mwsim: %s is not a valid scenario; nothing was run\n", path.c_str());
  return false;
}

void add_catalogue_option(CLI::App& command, std::string& catalogue) {
  command.add_option("--catalogue", catalogue, "where catalogue scenarios are looked up by name")
      ->type_name("DIR")
      ->default_str(catalogue);
}

CLI::Option* add_seed_option(CLI::App& command, std::optional<std::uint64_t>& seed,
                             const std::string& description) {
  return command
      .add_option_function<std::string>(
          "--seed", [&seed](const std::string& text) { seed = scen::parse_decimal(text); },
          description)
      ->type_name("N")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return scen::parse_decimal(text) ? ""
                                             : "expects a non-negative integer, got '" + text + "'";
          },
          "", "seed"));
}

CLI::Option* add_range_option(CLI::App& command, std::optional<scen::SeedRange>& range,
                              const std::string& description) {
  return command
      .add_option_function<std::string>(
          "--seeds", [&range](const std::string& text) { range = scen::parse_seed_range(text); },
          description)
      ->type_name("A..B")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            return scen::parse_seed_range(text)
                       ? ""
                       : "expects A..B with A <= B, or one seed, e.g. 1..100; got '" + text + "'";
          },
          "", "seed range"));
}

void add_jobs_option(CLI::App& command, int& jobs) {
  command.add_option("--jobs,-j", jobs, "runs at a time, one per core (1 to 256)")
      ->type_name("J")
      ->default_str(std::to_string(jobs))
      ->check(CLI::Range(1, 256));
}

std::string seed_count_error(const scen::SeedList& seeds) {
  if (seeds.size() <= scen::kMaxSeedsPerRun) return "";
  return "--seeds " + std::to_string(seeds.range.first) + ".." + std::to_string(seeds.range.last) +
         " asks for " + std::to_string(seeds.size()) +
         " seeds in this process; one run takes at most " + std::to_string(scen::kMaxSeedsPerRun) +
         " (split the range with --shard K/N, or run shorter ranges)";
}

int prepare_outputs(OutputFiles& outputs) {
  const std::vector<std::string> conflicts = outputs.conflicts();
  for (const std::string& e : conflicts) std::fprintf(stderr, "mwsim: %s\n", e.c_str());
  if (!conflicts.empty()) {
    std::fprintf(stderr, "mwsim: nothing was run\n");
    return kInvalidInput;
  }
  const std::vector<std::string> io = outputs.prepare();
  for (const std::string& e : io) std::fprintf(stderr, "mwsim: %s\n", e.c_str());
  if (!io.empty()) {
    std::fprintf(stderr, "mwsim: nothing was run\n");
    return kIoError;
  }
  return kPassed;
}

int usage_error(const CLI::App& command, const std::string& message) {
  std::fprintf(stderr, "mwsim %s: %s\n(mwsim %s --help lists its options)\n",
               command.get_name().c_str(), message.c_str(), command.get_name().c_str());
  return kInvalidInput;
}

bool write_sweep_reports(OutputFiles& outputs, const scenario::SweepReport& report) {
  bool written = true;
  if (outputs.has("--json")) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(report, &json,
                                                      options);  // cannot fail for this message
    written &= outputs.commit("--json", json);
  }
  if (outputs.has("--junit")) written &= outputs.commit("--junit", scen::sweep_junit_xml(report));
  if (outputs.has("--report"))
    written &= outputs.commit("--report", scen::sweep_report_html(report));
  return written;
}

bool all_passed(const scenario::SweepReport& report) {
  return std::all_of(report.runs().begin(), report.runs().end(),
                     [](const scenario::SeedResult& r) { return r.passed(); });
}

namespace {
double wall_now_s() {  // wall time, for the progress line only; never feeds a simulation
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Progress::Progress(std::uint64_t total)
    : total_(total), start_s_(wall_now_s()), tty_(isatty(fileno(stderr)) != 0) {}

void Progress::done(const scenario::SeedResult& r, std::size_t n) {
  const double elapsed = wall_now_s() - start_s_;
  const double rate = elapsed > 0 ? static_cast<double>(n) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - n) / rate : 0;
  failed_ += r.passed() ? 0 : 1;
  if (!tty_) {
    std::fprintf(stderr, "seed %llu: %s (%zu/%llu, %zu failed)\n",
                 static_cast<unsigned long long>(r.seed()),
                 r.passed() ? "passed" : ("FAILED " + scen::failure_group(r)).c_str(), n,
                 static_cast<unsigned long long>(total_), failed_);
    return;
  }
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * n / std::max<std::uint64_t>(total_, 1));
  std::fprintf(stderr, "\r[%s%s] %zu/%llu seeds, %zu failed, %.1f seeds/min, ETA %.0f s   ",
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), n,
               static_cast<unsigned long long>(total_), failed_, rate * 60, eta);
  if (n == total_) std::fputc('\n', stderr);
}

}  // namespace mw::cli
