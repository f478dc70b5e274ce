// Scheduling must not allocate in the common case. This binary replaces the global operator
// new to count allocations, so it is a test executable of its own.
//
// What "the common case" means: callables fit inline and slots are pooled, so an event itself
// never allocates. The queue's buckets are vectors that keep their capacity; one allocates
// only when it holds more entries than it ever has, which after warm-up happens for a few
// events in ten thousand.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "sim/rng.h"
#include "sim/scheduler.h"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

// The replacements pair malloc with free; GCC cannot see that through inlining into gtest's
// `new TestClass` and warns (-Wmismatched-new-delete) in sanitizer builds.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace mw::sim {
namespace {

struct Churn {
  Scheduler s;
  Rng rng{3};
  std::uint64_t sum = 0;
  void schedule(std::uint64_t id) {
    const std::uint64_t a = id * 7, b = id * 11;
    s.schedule_after(nanoseconds(1 + static_cast<std::int64_t>(rng.uniform(1'000'000))), [this, id, a, b] {
      sum += a + b;
      schedule(id);
    });
  }
};

TEST(SchedulerAllocation, SteadyStateScheduleAndFireAllocatesForFewerThanOneEventInAThousand) {
  Churn c;
  for (std::uint64_t i = 0; i < 1000; ++i) c.schedule(i);
  for (int i = 0; i < 400'000; ++i) c.s.step();  // warm up: pool and buckets reach working size
  const std::uint64_t before = g_allocations.load();
  constexpr int kEvents = 400'000;
  for (int i = 0; i < kEvents; ++i) c.s.step();
  EXPECT_LT(g_allocations.load() - before, static_cast<std::uint64_t>(kEvents / 1000));
  EXPECT_EQ(c.s.pending(), 1000u);
}

TEST(SchedulerAllocation, CallableTooLargeForInlineStorageCostsExactlyOneAllocation) {
  // Two schedulers in the same state; the only difference is the size of the callable.
  auto allocations_to_schedule = [](auto&& callable) {
    Scheduler s;
    s.schedule_after(nanoseconds(1), [] {});
    s.run_until_idle();
    const std::uint64_t before = g_allocations.load();
    s.schedule_after(nanoseconds(1), std::move(callable));
    const std::uint64_t used = g_allocations.load() - before;
    s.run_until_idle();
    return used;
  };
  std::array<char, 200> big{};
  const std::uint64_t small_cost = allocations_to_schedule([] {});
  const std::uint64_t big_cost = allocations_to_schedule([big] { (void)big; });
  EXPECT_EQ(big_cost, small_cost + 1);
}

}  // namespace
}  // namespace mw::sim
