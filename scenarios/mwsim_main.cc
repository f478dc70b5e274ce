// mwsim: the command line. Today it has one command, `demo`, which runs the kernel demo twice
// with the same seed and shows that both runs end with the same trace digest.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "scenarios/kernel_demo.h"
#include "sim/trace.h"

namespace {

constexpr const char* kUsage =
    "usage: mwsim demo [--seed N]\n"
    "\n"
    "  demo    run the simulation-kernel demo (a plant, a store on a simulated disk, a faulty\n"
    "          network, crashes and power losses) twice with the same seed, print a summary,\n"
    "          check durability and liveness, and compare the two trace digests.\n"
    "          Exit code 0 when every check holds and the digests agree.\n"
    "\n"
    "options:\n"
    "  --seed N    the seed to run (default 1); the same seed always gives the same run\n"
    "  --help      this text\n";

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
  std::printf("  wall time             %.3f s (%.0fx real time)\n", wall_s, wall_s > 0 ? sim_s / wall_s : 0.0);
  std::printf("  events run            %llu (%.2f M/s)\n", static_cast<unsigned long long>(r.events_run),
              wall_s > 0 ? static_cast<double>(r.events_run) / wall_s / 1e6 : 0.0);
  std::printf("  readings              produced %llu, acknowledged %llu, stored %llu\n",
              static_cast<unsigned long long>(r.produced), static_cast<unsigned long long>(r.acknowledged),
              static_cast<unsigned long long>(r.stored));
  std::printf("  store                 %llu crashes, %llu of them power losses\n",
              static_cast<unsigned long long>(r.store_crashes),
              static_cast<unsigned long long>(r.store_power_losses));
  std::printf("  messages              sent %llu, delivered %llu, lost or dropped %llu, duplicated %llu, "
              "corrupted %llu (rejected by checksum %llu)\n",
              static_cast<unsigned long long>(r.messages_sent), static_cast<unsigned long long>(r.messages_delivered),
              static_cast<unsigned long long>(r.messages_lost), static_cast<unsigned long long>(r.messages_duplicated),
              static_cast<unsigned long long>(r.messages_corrupted),
              static_cast<unsigned long long>(r.rejected_corrupt));
  std::printf("  durability            %s (%llu acknowledged readings missing from disk)\n",
              r.acknowledged_but_missing == 0 ? "PASS" : "FAIL",
              static_cast<unsigned long long>(r.acknowledged_but_missing));
  std::printf("  liveness              %s (every reading acknowledged after the settle phase)\n",
              r.acknowledged == r.produced ? "PASS" : "FAIL");
  std::printf("  trace                 %llu records, digest %s\n",
              static_cast<unsigned long long>(r.trace_records), mw::sim::format_digest(r.digest).c_str());
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
        return usage_error(std::string("--seed expects a non-negative integer, got '") + argv[i] + "'");
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
              mw::sim::format_digest(first.digest).c_str(), same ? "==" : "!=",
              mw::sim::format_digest(second.digest).c_str());
  const bool ok = same && first.ok() && second.ok();
  if (!ok) {
    std::printf("replay with: mwsim demo --seed %llu\n", static_cast<unsigned long long>(options.seed));
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
  return usage_error("unknown command '" + std::string(command) + "'");
}
