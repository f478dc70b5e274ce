// The kernel demo: a small world that exercises every part of sim/ and checks itself.
//
// A plant node emits numbered readings to a store node over a lossy, duplicating, corrupting
// network with random link outages. The store keeps them in SQLite (WAL, synchronous=FULL) on
// its simulated disk and acknowledges each one after its commit; the plant resends what is not
// acknowledged. The store crashes at random, half the time with a power loss that tears
// unsynced writes. After the faults stop and the world settles, the demo checks that every
// acknowledged reading is stored (durability) and every reading was acknowledged (liveness).
#pragma once

#include <cstdint>
#include <string>

#include "sim/time.h"

namespace mw::scen {

struct DemoOptions {
  std::uint64_t seed = 1;
  sim::Duration fault_phase = sim::minutes(10);
  sim::Duration settle_phase = sim::minutes(2);
};

struct DemoResult {
  std::string options;  // the options the seed expanded into
  std::uint64_t digest = 0;
  std::uint64_t trace_records = 0;
  std::uint64_t events_run = 0;
  sim::Duration simulated{};
  std::uint64_t produced = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t stored = 0;
  std::uint64_t acknowledged_but_missing = 0;  // durability violations
  std::uint64_t rejected_corrupt = 0;
  std::uint64_t store_crashes = 0;
  std::uint64_t store_power_losses = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_lost = 0;  // loss, outage, partition, node down
  std::uint64_t messages_duplicated = 0;
  std::uint64_t messages_corrupted = 0;

  bool ok() const { return acknowledged_but_missing == 0 && acknowledged == produced; }
};

// run_kernel_demo runs the demo world once.
DemoResult run_kernel_demo(const DemoOptions& options);

}  // namespace mw::scen
