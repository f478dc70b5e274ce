// mwsim: the command line. Commands: list, validate, run, replay (scenario files and the
// catalogue) and demo (the simulation-kernel demo). Exit codes: 0 success, 1 a run that did
// not meet its expectations or a file that is not valid, 2 a usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/kernel_demo.h"
#include "scenarios/report/chrome_trace.h"
#include "scenarios/report/report_json.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "sim/trace.h"

namespace {

constexpr const char* kUsage =
    "usage: mwsim COMMAND [ARGS]\n"
    "\n"
    "  list                        the scenarios of the catalogue, with their stories\n"
    "  validate [SCENARIO...]      check scenario files without running them (default: the\n"
    "                              whole catalogue); errors are file:line:column: field: what\n"
    "  run SCENARIO [--seed N]     run one scenario: figures, checks, trace digest; exit code 0\n"
    "                              only when its expectations hold\n"
    "  replay SCENARIO --seed N    the same run, printing every trace record first\n"
    "  demo [--seed N]             the simulation-kernel demo, run twice to compare digests\n"
    "\n"
    "SCENARIO is a .textproto file or the name of a catalogue scenario (mwsim list).\n"
    "\n"
    "options:\n"
    "  --seed N          the seed (default: the scenario's own); the same seed, the same run\n"
    "  --catalogue DIR   where the catalogue is (default: " MWSIM_CATALOGUE_DIR
    ")\n"
    "  --help            this text\n";

bool parse_seed(std::string_view text, std::uint64_t& seed) {
  if (text.empty()) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  seed = v;
  return true;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "mwsim: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

void print_run(const char* label, const mw::scen::DemoResult& r, double wall_s) {
  const double sim_s = static_cast<double>(r.simulated.count()) / 1e9;
  std::printf("%s\n", label);
  std::printf("  simulated time        %s\n", mw::sim::format_duration(r.simulated).c_str());
  std::printf("  wall time             %.3f s (%.0fx real time)\n", wall_s,
              wall_s > 0 ? sim_s / wall_s : 0.0);
  std::printf("  events run            %llu (%.2f M/s)\n",
              static_cast<unsigned long long>(r.events_run),
              wall_s > 0 ? static_cast<double>(r.events_run) / wall_s / 1e6 : 0.0);
  std::printf("  readings              produced %llu, acknowledged %llu, stored %llu\n",
              static_cast<unsigned long long>(r.produced),
              static_cast<unsigned long long>(r.acknowledged),
              static_cast<unsigned long long>(r.stored));
  std::printf("  store                 %llu crashes, %llu of them power losses\n",
              static_cast<unsigned long long>(r.store_crashes),
              static_cast<unsigned long long>(r.store_power_losses));
  std::printf(
      "  messages              sent %llu, delivered %llu, lost or dropped %llu, duplicated %llu, "
      "corrupted %llu (rejected by checksum %llu)\n",
      static_cast<unsigned long long>(r.messages_sent),
      static_cast<unsigned long long>(r.messages_delivered),
      static_cast<unsigned long long>(r.messages_lost),
      static_cast<unsigned long long>(r.messages_duplicated),
      static_cast<unsigned long long>(r.messages_corrupted),
      static_cast<unsigned long long>(r.rejected_corrupt));
  std::printf("  durability            %s (%llu acknowledged readings missing from disk)\n",
              r.acknowledged_but_missing == 0 ? "PASS" : "FAIL",
              static_cast<unsigned long long>(r.acknowledged_but_missing));
  std::printf("  liveness              %s (every reading acknowledged after the settle phase)\n",
              r.acknowledged == r.produced ? "PASS" : "FAIL");
  std::printf("  trace                 %llu records, digest %s\n",
              static_cast<unsigned long long>(r.trace_records),
              mw::sim::format_digest(r.digest).c_str());
}

namespace fs = std::filesystem;

// Args: the options every scenario command takes, and its positional arguments.
struct Args {
  std::vector<std::string> positional;
  std::optional<std::uint64_t> seed;
  std::string catalogue = MWSIM_CATALOGUE_DIR;
  std::string json;  // report files; empty: not written
  std::string junit;
  std::string trace;
  bool help = false;
};

// parse_args reads argv[2..]; returns an error message, empty when fine.
std::string parse_args(int argc, char** argv, Args& args) {
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      args.help = true;
    } else if (arg == "--seed") {
      std::uint64_t seed = 0;
      if (i + 1 >= argc) return "--seed needs a value, e.g. --seed 42";
      if (!parse_seed(argv[++i], seed))
        return std::string("--seed expects a non-negative integer, got '") + argv[i] + "'";
      args.seed = seed;
    } else if (arg == "--catalogue") {
      if (i + 1 >= argc) return "--catalogue needs a directory";
      args.catalogue = argv[++i];
    } else if (arg == "--json" || arg == "--junit" || arg == "--trace") {
      if (i + 1 >= argc) return std::string(arg) + " needs a file to write";
      (arg == "--json" ? args.json : arg == "--junit" ? args.junit : args.trace) = argv[++i];
    } else if (arg.size() > 1 && arg.front() == '-') {
      return "unknown option '" + std::string(arg) + "'";
    } else {
      args.positional.emplace_back(arg);
    }
  }
  return "";
}

// scenario_path resolves a file name or a catalogue scenario name.
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

// FanOutSink hands every trace record to several sinks.
struct FanOutSink : mw::sim::TraceSink {
  std::vector<mw::sim::TraceSink*> sinks;
  void write(const mw::sim::TraceRecord& record) override {
    for (mw::sim::TraceSink* s : sinks) s->write(record);
  }
};

// write_file writes `text` to `path`; says so on stderr when it cannot.
bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr,
                 "mwsim: cannot write %s (does its directory exist, and may you write there?)\n",
                 path.c_str());
    return false;
  }
  std::fprintf(stderr, "wrote %s\n", path.c_str());
  return true;
}

// load_and_build loads `path` and builds its world; prints the errors and returns false when
// either fails.
bool load_and_build(const std::string& path, std::optional<std::uint64_t> seed,
                    mw::scen::LoadedScenario& loaded, mw::scen::BuiltWorld& built) {
  loaded = mw::scen::load_scenario_file(path);
  if (loaded.ok()) built = mw::scen::build_world(loaded.file, seed);
  const std::vector<std::string>& errors = loaded.ok() ? built.errors : loaded.errors;
  for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
  return errors.empty();
}

int cmd_list(const Args& args) {
  const std::vector<std::string> files = catalogue_files(args.catalogue);
  if (files.empty()) {
    std::fprintf(stderr, "mwsim: no .textproto files in %s (use --catalogue DIR)\n",
                 args.catalogue.c_str());
    return 1;
  }
  for (const std::string& path : files) {
    const mw::scen::LoadedScenario loaded = mw::scen::load_scenario_file(path);
    if (!loaded.ok()) {
      std::printf("%-36s (does not load: mwsim validate %s)\n", fs::path(path).stem().c_str(),
                  path.c_str());
      continue;
    }
    std::string story = loaded.file.scenario.story();
    if (const auto dot = story.find(". "); dot != std::string::npos)
      story = story.substr(0, dot + 1);
    std::printf("%-36s %s\n", loaded.file.scenario.name().c_str(), story.c_str());
  }
  return 0;
}

int cmd_validate(const Args& args) {
  std::vector<std::string> files;
  for (const std::string& p : args.positional) files.push_back(scenario_path(p, args.catalogue));
  if (files.empty()) files = catalogue_files(args.catalogue);
  if (files.empty()) {
    std::fprintf(stderr, "mwsim: nothing to validate: no files given and none in %s\n",
                 args.catalogue.c_str());
    return 1;
  }
  int invalid = 0;
  for (const std::string& path : files) {
    mw::scen::LoadedScenario loaded;
    mw::scen::BuiltWorld built;
    if (load_and_build(path, args.seed, loaded, built)) {
      std::printf("%s: valid\n", path.c_str());
    } else {
      ++invalid;
    }
  }
  if (invalid > 0)
    std::fprintf(stderr, "%d of %zu scenario files are not valid\n", invalid, files.size());
  return invalid == 0 ? 0 : 1;
}

int cmd_run(const Args& args, bool with_trace) {
  if (args.positional.size() != 1) return usage_error("run and replay take exactly one SCENARIO");
  if (with_trace && !args.seed) return usage_error("replay needs the seed to replay: --seed N");
  const std::string path = scenario_path(args.positional[0], args.catalogue);
  mw::scen::LoadedScenario loaded;
  mw::scen::BuiltWorld built;
  if (!load_and_build(path, args.seed, loaded, built)) {
    std::fprintf(stderr, "mwsim: %s is not a valid scenario; nothing was run\n", path.c_str());
    return 1;
  }
  mw::sim::TextTraceSink text(std::cout);
  mw::scen::ChromeTraceRecorder chrome;
  FanOutSink sink;
  if (with_trace) sink.sinks.push_back(&text);
  if (!args.trace.empty()) sink.sinks.push_back(&chrome);
  const mw::scen::ScenarioRun run =
      mw::scen::run_scenario(loaded.file, built, sink.sinks.empty() ? nullptr : &sink);
  std::cout.flush();
  std::fputs(mw::scen::format_summary(run).c_str(), stdout);
  bool written = true;
  if (!args.json.empty())
    written &= write_file(args.json, mw::scen::report_json(mw::scen::make_report(run)));
  if (!args.junit.empty()) written &= write_file(args.junit, mw::scen::junit_xml({&run}));
  if (!args.trace.empty())
    written &= write_file(args.trace, mw::scen::chrome_trace_json(chrome, run));
  return run.passed() && written ? 0 : 1;
}

int run_demo(int argc, char** argv) {
  mw::scen::DemoOptions options;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--seed") {
      if (i + 1 >= argc) return usage_error("--seed needs a value, e.g. --seed 42");
      if (!parse_seed(argv[++i], options.seed)) {
        return usage_error(std::string("--seed expects a non-negative integer, got '") + argv[i] +
                           "'");
      }
      continue;
    }
    return usage_error("unknown option '" + std::string(arg) + "'");
  }

  // Wall time is measured only for the summary; it never feeds the simulation.
  using WallClock = std::chrono::steady_clock;
  const auto t0 = WallClock::now();
  const mw::scen::DemoResult first = mw::scen::run_kernel_demo(options);
  const auto t1 = WallClock::now();
  const mw::scen::DemoResult second = mw::scen::run_kernel_demo(options);
  const auto t2 = WallClock::now();

  std::printf("mwsim kernel demo, seed %llu\n\noptions this seed expanded into:\n",
              static_cast<unsigned long long>(options.seed));
  std::string indented = "  ";
  for (char c : first.options) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  std::printf("%s\n", indented.c_str());
  print_run("run 1", first, std::chrono::duration<double>(t1 - t0).count());
  print_run("run 2 (same seed)", second, std::chrono::duration<double>(t2 - t1).count());
  const bool same = first.digest == second.digest;
  std::printf("\ndeterminism           %s: digest %s %s %s\n", same ? "PASS" : "FAIL",
              mw::sim::format_digest(first.digest).c_str(),
              same ? "==" : "!=", mw::sim::format_digest(second.digest).c_str());
  const bool ok = same && first.ok() && second.ok();
  if (!ok) {
    std::printf("replay with: mwsim demo --seed %llu\n",
                static_cast<unsigned long long>(options.seed));
  }
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "demo") return run_demo(argc, argv);
  Args args;
  if (std::string error = parse_args(argc, argv, args); !error.empty()) return usage_error(error);
  if (args.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "list") return cmd_list(args);
  if (command == "validate") return cmd_validate(args);
  if (command == "run") return cmd_run(args, /*with_trace=*/false);
  if (command == "replay") return cmd_run(args, /*with_trace=*/true);
  return usage_error("unknown command '" + std::string(command) +
                     "' (commands: list, validate, run, replay, demo)");
}
