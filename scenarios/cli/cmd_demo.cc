// mwsim demo: the simulation-kernel demo (a plant sends numbered readings to a store in SQLite
// on its simulated disk through a faulty network), run twice to compare the trace digests.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "scenarios/cli/cli_common.h"
#include "scenarios/cli/command.h"
#include "scenarios/cli/exit_codes.h"
#include "scenarios/kernel_demo.h"
#include "sim/trace.h"

namespace mw::cli {
namespace {

void print_run(const char* label, const scen::DemoResult& r, double wall_s) {
  const double sim_s = static_cast<double>(r.simulated.count()) / 1e9;
  std::printf("%s\n", label);
  std::printf("  simulated time        %s\n", sim::format_duration(r.simulated).c_str());
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
              sim::format_digest(r.digest).c_str());
}

int run_demo(std::uint64_t seed) {
  scen::DemoOptions options;
  options.seed = seed;
  // Wall time is measured only for the summary; it never feeds the simulation.
  using WallClock = std::chrono::steady_clock;
  const auto t0 = WallClock::now();
  const scen::DemoResult first = scen::run_kernel_demo(options);
  const auto t1 = WallClock::now();
  const scen::DemoResult second = scen::run_kernel_demo(options);
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
              sim::format_digest(first.digest).c_str(),
              same ? "==" : "!=", sim::format_digest(second.digest).c_str());
  const bool ok = same && first.ok() && second.ok();
  if (!ok) {
    std::printf("replay with: mwsim demo --seed %llu\n",
                static_cast<unsigned long long>(options.seed));
  }
  return ok ? kPassed : kCheckFailed;
}

}  // namespace

Command add_demo(CLI::App& mwsim) {
  auto seed = std::make_shared<std::optional<std::uint64_t>>();
  CLI::App* app = mwsim.add_subcommand(
      "demo", "the simulation-kernel demo, run twice to compare the trace digests");
  add_seed_option(*app, *seed, "the seed (default 1)");
  return {app, [seed] { return run_demo(seed->value_or(scen::DemoOptions{}.seed)); }};
}

}  // namespace mw::cli
