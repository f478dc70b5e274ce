// End-to-end speed: plant events per wall second through the whole world (MES, real core on
// SQLite on the simulated disk, protobuf on the wire, ERP, WMS), and the time acceleration
// (simulated seconds per wall second), for a one-plant and a four-plant 8-hour shift of the
// reference world (and a one-hour one-plant run, small enough to profile under callgrind). Every
// iteration checks the oracles: a fast wrong run is not a figure.
#include <benchmark/benchmark.h>

#include <chrono>

#include "scenarios/world/reference_world.h"
#include "scenarios/world/world.h"

namespace mw::scen {
namespace {

void BM_Shift(benchmark::State& state) {
  ReferenceWorldOptions o;
  o.plants = static_cast<int>(state.range(0));
  o.production = sim::hours(state.range(1));
  o.wms = true;
  std::uint64_t events = 0;
  double simulated_seconds = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    o.seed = seed++;
    const WorldResult r = run_world(reference_world(o));
    if (!r.held()) state.SkipWithError(r.describe().c_str());
    events += r.events_created;
    simulated_seconds += std::chrono::duration<double>(r.ended_at - sim::kTimeZero).count();
  }
  state.counters["plant_events"] =
      benchmark::Counter(static_cast<double>(events) / static_cast<double>(state.iterations()));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_s"] =
      benchmark::Counter(simulated_seconds, benchmark::Counter::kIsRate);
}
// Args: plants, hours of production. {1, 1} and {4, 1} are the quick cases, for profiling.
BENCHMARK(BM_Shift)
    ->Args({1, 1})
    ->Args({4, 1})
    ->Args({1, 8})
    ->Args({4, 8})
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
}  // namespace mw::scen
