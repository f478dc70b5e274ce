// Disk faults of a world: I/O errors and a full disk on a node's Volume during a window of
// simulated time (WorldSpec::disk_faults), then recovery.
//
// At each window's start and end the node's disk is set to what every window open at that
// moment asks for together: the highest error probability and the smallest quota (a full
// disk's quota is what the volume held at its window's start plus its headroom). After the
// last window the disk is healthy again, so the world can drain. Each change is traced.
#pragma once

#include <vector>

#include "scenarios/world/world_spec.h"
#include "sim/simulation.h"

namespace mw::scen {

// schedule_disk_faults schedules `faults` on `sim`, whose nodes must exist; the Simulation
// must outlive the run of its scheduler.
void schedule_disk_faults(sim::Simulation& sim, const std::vector<DiskFault>& faults);

}  // namespace mw::scen
