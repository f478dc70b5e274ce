#include "sim/simulation.h"

#include <sqlite3.h>

#include <cstdio>

#include "sim/check.h"

namespace mw::sim {

Simulation::Simulation(SimulationOptions options)
    : options_(std::move(options)),
      root_(options_.seed),
      network_(scheduler_, tracer_, root_, *this) {
  // SQLite's own PRNG (WAL salts, randomblob(), temporary names) is process-wide and seeded
  // from the OS on first use. Seed it from the run's seed so it repeats with the run. Being
  // process-wide, it is why parallel seeds run in separate processes, never threads.
  const auto prng_seed = static_cast<int>(root_.fork("sqlite-prng").key() & 0x7fffffff) | 1;
  sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, prng_seed, nullptr);
}

Simulation::~Simulation() {
  // Processes may touch the scheduler or network in their destructors; tear them down while
  // both still exist.
  nodes_.clear();
}

NodeId Simulation::add_node(std::string name, ProcessFactory factory, RandomCrashes crashes) {
  MW_CHECK(!network_.find(name).valid(), "two nodes with the same name");
  const NodeId id = network_.add_node(name);
  auto volume =
      std::make_unique<Volume>(name, root_.fork("disk/" + name), &scheduler_, options_.disk);
  nodes_.push_back(std::make_unique<Node>(*this, id, std::move(name), std::move(factory), crashes,
                                          std::move(volume)));
  return id;
}

std::vector<std::string> Simulation::start() {
  std::vector<std::string> errors = network_.configure(options_.network);
  if (!errors.empty()) return errors;
  tracer_.record(scheduler_.now(), "sim", "sim.start",
                 {{"seed", options_.seed}, {"nodes", nodes_.size()}});
  for (auto& n : nodes_) n->start();
  for (auto& n : nodes_) {
    if (n->crashes_.mean_up > Duration::zero()) schedule_random_crash(n->id());
  }
  return errors;
}

void Simulation::start_node(NodeId id) { nodes_[id.value]->start(); }

void Simulation::crash(NodeId id, CrashKind kind) {
  nodes_[id.value]->stop(kind == CrashKind::kPowerLoss);
}

void Simulation::schedule_crash(NodeId id, Time at, Duration downtime, CrashKind kind) {
  scheduler_.schedule_at(at, [this, id, downtime, kind] {
    if (!is_up(id)) return;  // already down: this fault has nothing to do.
    crash_log_.push_back({nodes_[id.value]->name(), scheduler_.now(), downtime, kind});
    crash(id, kind);
    // Restart this life's successor only if nobody has started the node since: a restart
    // left over from this crash must not cut a later crash's downtime short.
    const std::uint32_t crashed_incarnation = nodes_[id.value]->incarnation();
    scheduler_.schedule_after(downtime, [this, id, crashed_incarnation] {
      if (!is_up(id) && nodes_[id.value]->incarnation() == crashed_incarnation) start_node(id);
    });
  });
}

void Simulation::schedule_random_crash(NodeId id) {
  Node& n = *nodes_[id.value];
  // Each node's crash schedule has its own stream, so adding a node changes no other's.
  Rng rng = root_.fork("crashes/" + n.name());
  struct Chain {
    Simulation* sim;
    NodeId id;
    Rng rng;
    void next() {
      Node& node = *sim->nodes_[id.value];
      const RandomCrashes& rc = node.crashes_;
      const Duration wait = rng.exponential_duration(rc.mean_up);
      if (sim->scheduler_.now() + wait >= rc.until) return;
      const Duration down = rng.exponential_duration(rc.mean_down);
      const CrashKind kind = rng.bernoulli(rc.power_loss_probability) ? CrashKind::kPowerLoss
                                                                      : CrashKind::kProcessCrash;
      sim->schedule_crash(id, sim->scheduler_.now() + wait, down, kind);
      sim->scheduler_.schedule_after(wait + down, [self = *this]() mutable { self.next(); });
    }
  };
  Chain{this, id, rng}.next();
}

bool Simulation::deliver(NodeId to, NodeId from, std::string_view bytes) {
  Node& n = *nodes_[to.value];
  if (!n.up()) return false;
  n.process()->on_message(from, bytes);
  return true;
}

std::string Simulation::describe_options() const {
  std::string out = "seed=" + std::to_string(options_.seed) + "\n";
  out += describe(options_.network);
  out += "disk.sector_bytes=" + std::to_string(options_.disk.sector_bytes) + "\n";
  char p[32];
  std::snprintf(p, sizeof p, "%.17g", options_.disk.sector_survives_probability);
  out += std::string("disk.sector_survives_probability=") + p + "\n";
  out += "disk.epoch_unix_ms=" + std::to_string(options_.disk.epoch_unix_ms) + "\n";
  for (const auto& n : nodes_) {
    const RandomCrashes& rc = n->crashes_;
    out += "node[" + n->name() + "].random_crashes.mean_up=" + std::to_string(rc.mean_up.count()) +
           "ns mean_down=" + std::to_string(rc.mean_down.count()) + "ns";
    std::snprintf(p, sizeof p, "%.17g", rc.power_loss_probability);
    out += std::string(" power_loss_probability=") + p;
    out +=
        " until=" +
        (rc.until == kTimeMax ? std::string("never") : std::to_string(to_nanos(rc.until)) + "ns") +
        "\n";
  }
  return out;
}

}  // namespace mw::sim
