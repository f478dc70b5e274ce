// Simulation: one run of a simulated world, from a seed.
//
// It owns the kernel's parts (scheduler, tracer, the seed's random streams, the network) and
// the nodes, and implements the node lifecycle: start, crash, power loss, restart, scheduled or
// random. Everything that happens is a pure function of the options and of what the caller
// schedules, so the trace digest after a run identifies the run.
//
// Usage: construct, add nodes, call start(), then run the scheduler (run_until / run_for).
// Random faults keep scheduling themselves until their `until`, so prefer run_until over
// run_until_idle while any are configured.
//
// Constructing a Simulation reseeds SQLite's process-wide PRNG from the seed: run one
// simulation at a time per process (parallel seeds belong in separate processes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/disk/volume.h"
#include "sim/network.h"
#include "sim/network_config.h"
#include "sim/node.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace mw::sim {

struct SimulationOptions {
  std::uint64_t seed = 1;
  NetworkConfig network;
  VolumeOptions disk;
};

enum class CrashKind { kProcessCrash, kPowerLoss };

// CrashRecord: one crash as it happened (scheduled or random), for shrinking a random crash
// process into the few scheduled crashes that mattered.
struct CrashRecord {
  std::string node;
  Time at{};
  Duration downtime{};
  CrashKind kind = CrashKind::kProcessCrash;
};

class Simulation final : public MessageReceiver {
 public:
  explicit Simulation(SimulationOptions options);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;
  ~Simulation() override;

  // add_node adds a node, down until start(). Names must be unique.
  NodeId add_node(std::string name, ProcessFactory factory, RandomCrashes crashes = {});

  // start applies the network config, starts every node in order of addition and arms random
  // crashes. Returns one message per configuration problem; on problems nothing starts.
  std::vector<std::string> start();

  // Lifecycle. crash / power_loss must not be called from the code of the node they stop
  // (schedule them instead): they destroy its process.
  void start_node(NodeId id);
  void crash(NodeId id, CrashKind kind = CrashKind::kProcessCrash);
  // schedule_crash stops the node at `at` and starts it again `downtime` later.
  void schedule_crash(NodeId id, Time at, Duration downtime, CrashKind kind);

  // crashes_that_happened lists every crash that stopped a running node, in time order.
  const std::vector<CrashRecord>& crashes_that_happened() const { return crash_log_; }
  // outages_that_happened lists every configured link outage (scheduled or random) that
  // started, in time order; isolations_that_happened every node isolation (a random partition,
  // or a scheduled partition of one node against all others). See Network.
  const std::vector<OutageRecord>& outages_that_happened() const {
    return network_.outages_that_happened();
  }
  const std::vector<IsolationRecord>& isolations_that_happened() const {
    return network_.isolations_that_happened();
  }

  bool is_up(NodeId id) const { return nodes_[id.value]->up(); }
  Node& node(NodeId id) { return *nodes_[id.value]; }
  std::size_t node_count() const { return nodes_.size(); }

  Scheduler& scheduler() { return scheduler_; }
  Tracer& tracer() { return tracer_; }
  Network& network() { return network_; }
  std::uint64_t seed() const { return options_.seed; }
  // rng returns the run's stream called `name`; the same name always gives the same stream.
  Rng rng(std::string_view name) const { return root_.fork(name); }

  // describe_options renders the options the seed expanded into, one "key=value" a line.
  std::string describe_options() const;

  bool deliver(NodeId to, NodeId from, std::string_view bytes) override;

 private:
  void schedule_random_crash(NodeId id);

  SimulationOptions options_;
  Scheduler scheduler_;
  Tracer tracer_;
  Rng root_;
  Network network_;
  std::vector<std::unique_ptr<Node>> nodes_;  // destroyed before the scheduler and network.
  std::vector<CrashRecord> crash_log_;
};

}  // namespace mw::sim
