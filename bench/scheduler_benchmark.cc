// Schedule-and-fire throughput of the kernel's Scheduler, beside a naive baseline in the same
// binary and run: std::priority_queue of std::function, std::mt19937_64 with
// std::uniform_int_distribution.
//
// Each iteration fires one event; the fired event schedules its successor 1..1000 us later, so
// the number of pending events stays at the benchmark's argument (1k or 100k). The callables
// capture 24 bytes (a context pointer, an id, a value), typical of the simulator's own events.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <vector>

#include "sim/rng.h"
#include "sim/scheduler.h"

namespace {

using mw::sim::Callback;
using mw::sim::Rng;
using mw::sim::Scheduler;
using mw::sim::microseconds;
using mw::sim::nanoseconds;

struct KernelContext {
  Scheduler scheduler;
  Rng rng{1};
  std::uint64_t sum = 0;

  void schedule(std::uint64_t id) {
    const auto delay = nanoseconds(1000 + static_cast<std::int64_t>(rng.uniform(999'000)));
    const std::uint64_t value = id * 3;
    scheduler.schedule_after(delay, [this, id, value] {
      sum += value;
      schedule(id);
    });
  }
};

void BM_KernelScheduleAndFire(benchmark::State& state) {
  KernelContext ctx;
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  for (std::uint64_t i = 0; i < pending; ++i) ctx.schedule(i);
  for (auto _ : state) ctx.scheduler.step();
  benchmark::DoNotOptimize(ctx.sum);
  state.SetItemsProcessed(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

struct NaiveEvent {
  std::int64_t at;
  std::uint64_t seq;
  std::function<void()> fn;
  bool operator>(const NaiveEvent& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct NaiveContext {
  std::priority_queue<NaiveEvent, std::vector<NaiveEvent>, std::greater<>> queue;
  std::mt19937_64 engine{1};
  std::uniform_int_distribution<std::int64_t> delay_ns{1000, 999'999};
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  std::uint64_t sum = 0;

  void schedule(std::uint64_t id) {
    const std::uint64_t value = id * 3;
    queue.push(NaiveEvent{now + delay_ns(engine), seq++, [this, id, value] {
                            sum += value;
                            schedule(id);
                          }});
  }
  void step() {
    NaiveEvent e = queue.top();  // top() is const: the usual naive code copies the function.
    queue.pop();
    now = e.at;
    e.fn();
  }
};

void BM_NaiveScheduleAndFire(benchmark::State& state) {
  NaiveContext ctx;
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  for (std::uint64_t i = 0; i < pending; ++i) ctx.schedule(i);
  for (auto _ : state) ctx.step();
  benchmark::DoNotOptimize(ctx.sum);
  state.SetItemsProcessed(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Cancellation-heavy timers: every event arms a timeout and cancels the previous one, as a
// retrying client does.
void BM_KernelTimeoutChurn(benchmark::State& state) {
  Scheduler s;
  Rng rng(2);
  std::vector<mw::sim::EventId> timers(static_cast<std::size_t>(state.range(0)));
  for (auto& t : timers) t = s.schedule_after(microseconds(1 + rng.uniform(1000)), [] {});
  std::size_t i = 0;
  for (auto _ : state) {
    s.cancel(timers[i]);
    timers[i] = s.schedule_after(microseconds(1 + rng.uniform(1000)), [] {});
    if (++i == timers.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_KernelScheduleAndFire)->Arg(1000)->Arg(100000);
BENCHMARK(BM_NaiveScheduleAndFire)->Arg(1000)->Arg(100000);
BENCHMARK(BM_KernelTimeoutChurn)->Arg(1000)->Arg(100000);
