// mwsim: the command line. Commands: list, validate, run, replay, sweep, swarm, merge, shrink,
// compare (scenario files, the catalogue and generated swarm worlds) and demo (the
// simulation-kernel demo). Exit codes: 0 success, 1 a run that did not meet its expectations or a
// file that is not valid, 2 a usage error.
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/kernel_demo.h"
#include "scenarios/report/chrome_trace.h"
#include "scenarios/report/report_html.h"
#include "scenarios/report/report_json.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/scenario/compare.h"
#include "scenarios/scenario/decimal_text.h"
#include "scenarios/scenario/duration_text.h"
#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "scenarios/scenario/shrink.h"
#include "scenarios/scenario/swarm.h"
#include "scenarios/scenario/sweep.h"
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
    "  sweep SCENARIO --seeds A..B [--jobs J] [--shard K/N]\n"
    "                              many seeds, J at a time; failures grouped by what failed,\n"
    "                              each with its replay command; --shard K/N runs every N-th\n"
    "                              seed from the K-th (K from 0) for a batch engine\n"
    "  swarm --seeds A..B [--jobs J] [--budget 60s] [--out DIR] [--off FAMILY]...\n"
    "        [--until-failure]\n"
    "                              swarm worlds: for each seed a generated world with each\n"
    "                              fault family switched on or off at random; stops starting\n"
    "                              seeds when the wall-clock budget is spent; writes each\n"
    "                              failing world as DIR/swarm_<seed>.textproto (default DIR\n"
    "                              swarm-failures) with the command that replays it;\n"
    "                              --off keeps a family (e.g. link_corruption) off;\n"
    "                              --until-failure stops starting seeds after the first\n"
    "                              failure and says how long it took to find\n"
    "  merge SWEEP.json...         combine the --json reports of a sweep's shards\n"
    "  shrink SCENARIO --seed N [-o OUT] [--max-runs M]\n"
    "                              remove and shorten faults while the run still fails the\n"
    "                              same check; write the smallest scenario found (default\n"
    "                              <name>_shrunk_seed<N>.textproto)\n"
    "  compare SCENARIO --design A --design B [--seeds A..B] [--jobs J]\n"
    "                              the same seeds (default 1..5) under several middleware\n"
    "                              designs, side by side; a design is a Config textproto\n"
    "                              merged over the scenario's (names: " MWSIM_DESIGNS_DIR
    ")\n"
    "  demo [--seed N]             the simulation-kernel demo, run twice to compare digests\n"
    "\n"
    "SCENARIO is a .textproto file or the name of a catalogue scenario (mwsim list).\n"
    "\n"
    "options:\n"
    "  --seed N          the seed (default: the scenario's own); the same seed, the same run\n"
    "  --catalogue DIR   where the catalogue is (default: " MWSIM_CATALOGUE_DIR
    ")\n"
    "  --help            this text\n";

// command_help is `mwsim COMMAND --help`: the command's own lines of the usage, then the
// options.
std::string command_help(std::string_view command) {
  const std::string usage = kUsage;
  const std::string start = "  " + std::string(command) + " ";
  const auto at = usage.find(start);
  const auto options = usage.find("\noptions:");
  if (at == std::string::npos || options == std::string::npos) return usage;
  // The command's entry runs until the next line that starts another command.
  auto end = usage.find("\n  ", at + 1);
  while (end != std::string::npos && end < options && usage.compare(end + 3, 1, " ") == 0) {
    end = usage.find("\n  ", end + 1);
  }
  if (end == std::string::npos || end > options) end = usage.find('\n', at);
  return "usage: mwsim" + usage.substr(at + 1, end - at) + "\n" +
         "SCENARIO is a .textproto file or the name of a catalogue scenario (mwsim list).\n" +
         usage.substr(options);
}

// parse_seed reads a decimal number (parse_decimal) into `out`; false on anything else.
bool parse_seed(std::string_view text, std::uint64_t& out) {
  const auto v = mw::scen::parse_decimal(text);
  if (v) out = *v;
  return v.has_value();
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
  std::string html;
  std::string seeds;                        // sweep: "A..B"
  std::string shard;                        // sweep: "K/N"
  std::optional<mw::sim::Duration> budget;  // swarm: wall-clock budget for starting seeds
  std::string out_dir = "swarm-failures";   // swarm: where failing worlds go
  mw::scen::SwarmOptions swarm;             // swarm: --off FAMILY
  bool until_failure = false;               // swarm: stop starting seeds after a failure
  int jobs = 1;
  std::string output;                // shrink: -o FILE
  int max_runs = 200;                // shrink
  std::vector<std::string> designs;  // compare
  std::string designs_dir = MWSIM_DESIGNS_DIR;
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
    } else if (arg == "-o" || arg == "--output") {
      if (i + 1 >= argc) return std::string(arg) + " needs a file to write";
      args.output = argv[++i];
    } else if (arg == "--max-runs") {
      std::uint64_t n = 0;
      if (i + 1 >= argc || !parse_seed(argv[i + 1], n) || n == 0 || n > 100000)
        return "--max-runs needs a number from 1 to 100000";
      ++i;
      args.max_runs = static_cast<int>(n);
    } else if (arg == "--design") {
      if (i + 1 >= argc) return "--design needs a design name (see " MWSIM_DESIGNS_DIR ") or file";
      args.designs.emplace_back(argv[++i]);
    } else if (arg == "--designs") {
      if (i + 1 >= argc) return "--designs needs a directory";
      args.designs_dir = argv[++i];
    } else if (arg == "--seeds" || arg == "--shard") {
      if (i + 1 >= argc)
        return std::string(arg) + (arg == "--seeds" ? " needs a range, e.g. --seeds 1..100"
                                                    : " needs K/N, e.g. --shard 0/4");
      (arg == "--seeds" ? args.seeds : args.shard) = argv[++i];
    } else if (arg == "--jobs" || arg == "-j") {
      std::uint64_t jobs = 0;
      if (i + 1 >= argc || !parse_seed(argv[i + 1], jobs) || jobs == 0 || jobs > 256) {
        return "--jobs needs a number of parallel runs from 1 to 256, e.g. --jobs 2";
      }
      ++i;
      args.jobs = static_cast<int>(jobs);
    } else if (arg == "--budget") {
      const auto d = i + 1 < argc ? mw::scen::parse_duration_text(argv[i + 1]) : std::nullopt;
      if (!d || *d <= mw::sim::Duration::zero())
        return "--budget needs a wall-clock duration, e.g. --budget 60s or --budget 10m";
      ++i;
      args.budget = *d;
    } else if (arg == "--off") {
      if (i + 1 >= argc ||
          std::find(mw::scen::kSwarmFamilies.begin(), mw::scen::kSwarmFamilies.end(),
                    argv[i + 1]) == mw::scen::kSwarmFamilies.end()) {
        std::string names;
        for (const std::string& f : mw::scen::kSwarmFamilies) names += " " + f;
        return "--off needs a swarm family:" + names;
      }
      args.swarm.off.insert(argv[++i]);
    } else if (arg == "--until-failure") {
      args.until_failure = true;
    } else if (arg == "--out") {
      if (i + 1 >= argc) return "--out needs a directory for the failing worlds";
      args.out_dir = argv[++i];
    } else if (arg == "--report") {
      if (i + 1 >= argc) return "--report needs a file to write, e.g. --report report.html";
      args.html = argv[++i];
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
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  std::fprintf(stderr, "wrote %s\n", ec ? path.c_str() : absolute.c_str());
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

// load_for_run is load_and_build for a command that runs the scenario: it says nothing ran.
bool load_for_run(const std::string& path, std::optional<std::uint64_t> seed,
                  mw::scen::LoadedScenario& loaded, mw::scen::BuiltWorld& built) {
  if (load_and_build(path, seed, loaded, built)) return true;
  std::fprintf(stderr, "mwsim: %s is not a valid scenario; nothing was run\n", path.c_str());
  return false;
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
  if (!load_for_run(path, args.seed, loaded, built)) return 1;
  mw::sim::TextTraceSink text(std::cout);
  mw::scen::ChromeTraceRecorder chrome;
  FanOutSink sink;
  if (with_trace) sink.sinks.push_back(&text);
  if (!args.trace.empty()) sink.sinks.push_back(&chrome);
  const mw::scen::ScenarioRun run =
      mw::scen::run_scenario(loaded.file, built, sink.sinks.empty() ? nullptr : &sink);
  std::cout.flush();
  std::printf("effective configuration (a scenario file: `mwsim run` of it gives this run):\n%s\n",
              run.effective_configuration.c_str());
  std::fputs(mw::scen::format_summary(run).c_str(), stdout);
  std::fflush(stdout);  // the summary first, then where the reports went
  bool written = true;
  if (!args.json.empty())
    written &= write_file(args.json, mw::scen::report_json(mw::scen::make_report(run)));
  if (!args.junit.empty()) written &= write_file(args.junit, mw::scen::junit_xml({&run}));
  if (!args.trace.empty())
    written &= write_file(args.trace, mw::scen::chrome_trace_json(chrome, run));
  if (!args.html.empty()) {
    written &= write_file(args.html, mw::scen::report_html(mw::scen::make_report(run)));
  }
  return run.passed() && written ? 0 : 1;
}

bool all_passed(const mw::scenario::SweepReport& report) {
  for (const auto& r : report.runs()) {
    if (!r.passed()) return false;
  }
  return true;
}

bool write_sweep_reports(const Args& args, const mw::scenario::SweepReport& report) {
  bool written = true;
  if (!args.json.empty()) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(report, &json,
                                                      options);  // cannot fail for this message
    written &= write_file(args.json, json);
  }
  if (!args.junit.empty()) written &= write_file(args.junit, mw::scen::sweep_junit_xml(report));
  return written;
}

// Progress shows how a sweep goes: a bar on a terminal, a line per seed otherwise.
class Progress {
 public:
  explicit Progress(std::size_t total)
      : total_(total),
        start_(std::chrono::steady_clock::now()),
        tty_(isatty(fileno(stderr)) != 0) {}
  void done(const mw::scenario::SeedResult& r, std::size_t n) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(n) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - n) / rate : 0;
    failed_ += r.passed() ? 0 : 1;
    if (!tty_) {
      std::fprintf(stderr, "seed %llu: %s (%zu/%zu, %zu failed)\n",
                   static_cast<unsigned long long>(r.seed()),
                   r.passed() ? "passed" : ("FAILED " + mw::scen::failure_group(r)).c_str(), n,
                   total_, failed_);
      return;
    }
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * n / std::max<std::size_t>(total_, 1));
    std::fprintf(stderr, "\r[%s%s] %zu/%zu seeds, %zu failed, %.1f seeds/min, ETA %.0f s   ",
                 std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), n,
                 total_, failed_, rate * 60, eta);
    if (n == total_) std::fputc('\n', stderr);
  }

 private:
  std::size_t total_;
  std::chrono::steady_clock::time_point start_;
  bool tty_;
  std::size_t failed_ = 0;
};

int cmd_sweep(const Args& args) {
  if (args.positional.size() != 1) return usage_error("sweep takes exactly one SCENARIO");
  if (args.seeds.empty()) return usage_error("sweep needs the seeds to run: --seeds A..B");
  const auto range = mw::scen::parse_seed_range(args.seeds);
  if (!range)
    return usage_error("--seeds expects A..B with A <= B (or one seed), got '" + args.seeds + "'");
  mw::scen::Shard shard;
  if (!args.shard.empty()) {
    const auto parsed = mw::scen::parse_shard(args.shard);
    if (!parsed)
      return usage_error("--shard expects K/N with 0 <= K < N (K counts from 0), got '" +
                         args.shard + "'");
    shard = *parsed;
  }
  const std::string path = scenario_path(args.positional[0], args.catalogue);
  mw::scen::LoadedScenario loaded;
  mw::scen::BuiltWorld built;
  if (!load_for_run(path, range->first, loaded, built)) return 1;
  Progress progress(mw::scen::sweep_seeds(*range, shard).size());
  const mw::scenario::SweepReport report = mw::scen::run_sweep(
      loaded.file, *range, shard, args.jobs,
      [&](const mw::scenario::SeedResult& r, std::size_t n) { progress.done(r, n); });
  std::fputs(mw::scen::format_sweep_summary(report).c_str(), stdout);
  return write_sweep_reports(args, report) && all_passed(report) ? 0 : 1;
}

int cmd_swarm(const Args& args) {
  if (!args.positional.empty())
    return usage_error("swarm takes no SCENARIO: it generates one world per seed");
  if (args.seeds.empty()) return usage_error("swarm needs the seeds to run: --seeds A..B");
  const auto range = mw::scen::parse_seed_range(args.seeds);
  if (!range)
    return usage_error("--seeds expects A..B with A <= B (or one seed), got '" + args.seeds + "'");
  // The budget only decides which seeds start; a simulation never sees the wall clock.
  const auto start = std::chrono::steady_clock::now();
  bool budget_spent = false;
  std::atomic<bool> failed{false};
  std::atomic<double> first_failure_s{0};
  auto keep_starting = [&] {
    if (args.until_failure && failed) return false;
    if (!args.budget) return true;
    if (std::chrono::steady_clock::now() - start >= *args.budget) budget_spent = true;
    return !budget_spent;
  };
  const std::size_t total = range->last - range->first + 1;
  Progress progress(total);
  const mw::scenario::SweepReport report = mw::scen::run_swarm(
      *range, args.swarm, args.jobs, keep_starting,
      [&](const mw::scenario::SeedResult& r, std::size_t n) {
        if (!r.passed() && !failed.exchange(true)) {
          first_failure_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                                .count();
        }
        progress.done(r, n);
      });
  auto file_of = [&](std::uint64_t seed) {
    return (fs::path(args.out_dir) / ("swarm_" + std::to_string(seed) + ".textproto")).string();
  };
  std::fputs(mw::scen::format_sweep_summary(
                 report, [&](std::uint64_t seed) { return "mwsim run " + file_of(seed); })
                 .c_str(),
             stdout);
  if (args.until_failure && failed) {
    std::printf("first failure after %.1f s of wall time; seeds not yet started were not run\n",
                first_failure_s.load());
  }
  if (budget_spent) {
    std::printf("budget of %s spent: %d of %zu seeds started; the rest were not run\n",
                mw::scen::format_duration_text(*args.budget).c_str(), report.runs_size(), total);
  }
  std::fflush(stdout);
  bool written = true;
  for (const mw::scenario::SeedResult& r : report.runs()) {
    if (r.passed()) continue;
    std::error_code ec;
    fs::create_directories(args.out_dir, ec);
    if (write_file(file_of(r.seed()), mw::scen::swarm_text(r.seed(), args.swarm))) {
      std::printf("seed %llu failed %s; replay: mwsim run %s\n",
                  static_cast<unsigned long long>(r.seed()), mw::scen::failure_group(r).c_str(),
                  file_of(r.seed()).c_str());
    } else {
      written = false;
    }
  }
  return write_sweep_reports(args, report) && written && all_passed(report) ? 0 : 1;
}

int cmd_merge(const Args& args) {
  if (args.positional.empty())
    return usage_error("merge takes the JSON files of the shards (mwsim sweep --json)");
  std::vector<mw::scenario::SweepReport> parts;
  for (const std::string& file : args.positional) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    mw::scenario::SweepReport part;
    const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &part);
    if (!in || !status.ok()) {
      std::fprintf(stderr, "mwsim: %s is not a sweep report (%s)\n", file.c_str(),
                   in ? std::string(status.message()).c_str() : "cannot read it");
      return 1;
    }
    parts.push_back(std::move(part));
  }
  std::vector<std::string> errors;
  const mw::scenario::SweepReport merged = mw::scen::merge_sweeps(parts, errors);
  for (const std::string& e : errors) std::fprintf(stderr, "mwsim: %s\n", e.c_str());
  std::fputs(mw::scen::format_sweep_summary(merged).c_str(), stdout);
  return errors.empty() && write_sweep_reports(args, merged) && all_passed(merged) ? 0 : 1;
}

int cmd_compare(const Args& args) {
  if (args.positional.size() != 1) return usage_error("compare takes exactly one SCENARIO");
  if (args.designs.size() < 2)
    return usage_error("compare needs at least two designs: --design A --design B");
  const auto range = mw::scen::parse_seed_range(args.seeds.empty() ? "1..5" : args.seeds);
  if (!range)
    return usage_error("--seeds expects A..B with A <= B (or one seed), got '" + args.seeds + "'");
  const std::string path = scenario_path(args.positional[0], args.catalogue);
  mw::scen::LoadedScenario loaded;
  mw::scen::BuiltWorld built;
  if (!load_for_run(path, range->first, loaded, built)) return 1;
  std::vector<mw::scen::Design> designs;
  for (const std::string& name : args.designs) {
    mw::scen::Design d;
    std::vector<std::string> errors;
    if (!mw::scen::load_design(name, args.designs_dir, d, errors)) {
      for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
      return 1;
    }
    designs.push_back(std::move(d));
  }
  std::vector<std::pair<std::string, mw::scenario::SweepReport>> results;
  for (const mw::scen::Design& d : designs) {
    mw::scen::ScenarioFile file = loaded.file;
    file.scenario.mutable_design()->MergeFrom(d.config);
    if (const mw::scen::BuiltWorld check = mw::scen::build_world(file, range->first); !check.ok()) {
      for (const std::string& e : check.errors)
        std::fprintf(stderr, "%s (with design %s)\n", e.c_str(), d.name.c_str());
      return 1;
    }
    std::fprintf(stderr, "design %s\n", d.name.c_str());
    Progress progress(range->last - range->first + 1);
    results.emplace_back(d.name, mw::scen::run_sweep(file, *range, {}, args.jobs,
                                                     [&](const mw::scenario::SeedResult& r,
                                                         std::size_t n) { progress.done(r, n); }));
  }
  std::fputs(mw::scen::format_comparison(loaded.file.scenario.name(), results).c_str(), stdout);
  return 0;
}

int cmd_shrink(const Args& args) {
  if (args.positional.size() != 1) return usage_error("shrink takes exactly one SCENARIO");
  if (!args.seed) return usage_error("shrink needs the failing seed: --seed N");
  const std::string path = scenario_path(args.positional[0], args.catalogue);
  mw::scen::LoadedScenario loaded;
  mw::scen::BuiltWorld built;
  if (!load_for_run(path, args.seed, loaded, built)) return 1;
  const mw::scen::ShrinkResult result =
      mw::scen::shrink(loaded.file, *args.seed, args.max_runs,
                       [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  if (!result.failed_at_start) {
    std::fprintf(stderr,
                 "mwsim: seed %llu of %s meets every expectation: there is no failure to shrink\n",
                 static_cast<unsigned long long>(*args.seed), path.c_str());
    return 1;
  }
  const std::string out = !args.output.empty() ? args.output
                                               : loaded.file.scenario.name() + "_shrunk_seed" +
                                                     std::to_string(*args.seed) + ".textproto";
  std::printf("%d runs; %zu changes kept; faults %d -> %d; still fails %s\n", result.runs,
              result.kept.size(), result.faults_at_start, result.faults_left, result.check.c_str());
  if (!write_file(out, mw::scen::shrunk_text(result, path, *args.seed))) return 1;
  std::printf("replay: mwsim run %s\n", out.c_str());
  return 0;
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
    std::fputs(command_help(command).c_str(), stdout);
    return 0;
  }
  if (command == "list") return cmd_list(args);
  if (command == "validate") return cmd_validate(args);
  if (command == "run") return cmd_run(args, /*with_trace=*/false);
  if (command == "replay") return cmd_run(args, /*with_trace=*/true);
  if (command == "sweep") return cmd_sweep(args);
  if (command == "swarm") return cmd_swarm(args);
  if (command == "merge") return cmd_merge(args);
  if (command == "compare") return cmd_compare(args);
  if (command == "shrink") return cmd_shrink(args);
  return usage_error(
      "unknown command '" + std::string(command) +
      "' (commands: list, validate, run, replay, sweep, swarm, merge, shrink, compare, demo)");
}
