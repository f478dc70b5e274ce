// Node: one simulated machine (a plant MES, the ERP, the middleware host, ...) and the
// process that runs on it.
//
// A node has a name, a disk (Volume) that survives crashes, and, while it is up, one running
// Process: its in-memory state. Each start makes a new incarnation. A crash destroys the
// Process and ends the incarnation: every timer it set is dropped unrun (it can never fire),
// and the disk keeps what the crash model says it keeps (Volume::crash / power_loss).
// Messages in flight to the node are delivered to whichever incarnation is up when they
// arrive, and dropped while it is down.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "sim/disk/volume.h"
#include "sim/node_id.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace mw::sim {

class Simulation;
class Node;

// Process is the in-memory life of a node between a start and a crash.
class Process {
 public:
  virtual ~Process() = default;
  // on_message receives one message; `bytes` is valid only during the call.
  virtual void on_message(NodeId from, std::string_view bytes) = 0;
};

// ProcessFactory builds the process of a new incarnation. It runs at each start, after a
// restart too, and must rebuild the process's state from `node.volume()` alone.
using ProcessFactory = std::function<std::unique_ptr<Process>(Node& node)>;

// RandomCrashes: a node crashes at exponential intervals (mean_up; zero disables) and restarts
// after an exponential downtime; each crash is a power loss with power_loss_probability.
// No crash starts at or after `until`.
struct RandomCrashes {
  Duration mean_up = Duration::zero();
  Duration mean_down = seconds(5);
  double power_loss_probability = 0;
  Time until = kTimeMax;
};

class Node {
 public:
  Node(Simulation& sim, NodeId id, std::string name, ProcessFactory factory, RandomCrashes crashes,
       std::unique_ptr<Volume> volume);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  // incarnation counts starts: 1 for the first life, 2 after the first restart, ...
  std::uint32_t incarnation() const { return incarnation_; }
  bool up() const { return up_; }
  Process* process() { return process_.get(); }

  // The process's window on the world. Timers belong to the current incarnation.
  Time now() const;
  EventId after(Duration delay, Callback cb);
  EventId at(Time when, Callback cb);
  bool cancel(EventId id);
  void send(NodeId to, std::string bytes);
  NodeId find(std::string_view node_name) const;
  // peer_name returns the name of node `id`.
  const std::string& peer_name(NodeId id) const;
  // rng is this incarnation's stream, "node/<name>/<incarnation>".
  Rng& rng() { return rng_; }
  Volume& volume() { return *volume_; }
  void trace(std::string_view kind, std::initializer_list<TraceField> fields = {});

 private:
  friend class Simulation;
  void start();
  void stop(bool power_loss);

  Simulation& sim_;
  NodeId id_;
  std::string name_;
  ProcessFactory factory_;
  RandomCrashes crashes_;
  std::unique_ptr<Volume> volume_;
  std::uint32_t incarnation_ = 0;
  bool up_ = false;
  Epoch epoch_;
  Rng rng_;
  std::unique_ptr<Process> process_;  // declared last: destroyed before the volume.
};

}  // namespace mw::sim
