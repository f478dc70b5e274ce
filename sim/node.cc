#include "sim/node.h"

#include "sim/check.h"
#include "sim/simulation.h"

namespace mw::sim {

Node::Node(Simulation& sim, NodeId id, std::string name, ProcessFactory factory,
           RandomCrashes crashes, std::unique_ptr<Volume> volume)
    : sim_(sim),
      id_(id),
      name_(std::move(name)),
      factory_(std::move(factory)),
      crashes_(crashes),
      volume_(std::move(volume)),
      rng_(sim.rng("node/" + name_ + "/0")) {}

Node::~Node() {
  // The process goes first: it may hold database handles on the volume.
  process_.reset();
}

Time Node::now() const { return sim_.scheduler().now(); }

EventId Node::after(Duration delay, Callback cb) {
  MW_CHECK(up_, "a node that is down cannot set timers (a process destructor must not arm any)");
  return sim_.scheduler().schedule_after(delay, std::move(cb), &epoch_);
}

EventId Node::at(Time when, Callback cb) {
  MW_CHECK(up_, "a node that is down cannot set timers (a process destructor must not arm any)");
  return sim_.scheduler().schedule_at(when, std::move(cb), &epoch_);
}

bool Node::cancel(EventId id) { return sim_.scheduler().cancel(id); }

void Node::send(NodeId to, std::string bytes) {
  MW_CHECK(up(), "a node that is down cannot send");
  sim_.network().send(id_, to, std::move(bytes));
}

NodeId Node::find(std::string_view node_name) const { return sim_.network().find(node_name); }

const std::string& Node::peer_name(NodeId id) const { return sim_.network().name(id); }

void Node::trace(std::string_view kind, std::initializer_list<TraceField> fields) {
  sim_.tracer().record(now(), name_, kind, fields);
}

void Node::start() {
  MW_CHECK(!up(), "start of a node that is up");
  ++incarnation_;
  ++epoch_.value;  // a fresh epoch per life, whatever happened while the node was down
  rng_ = sim_.rng("node/" + name_ + "/" + std::to_string(incarnation_));
  trace("node.start", {{"incarnation", incarnation_}});
  up_ = true;
  process_ = factory_(*this);
  MW_CHECK(process_ != nullptr, "process factory returned no process");
}

void Node::stop(bool power_loss) {
  MW_CHECK(up(), "crash of a node that is down");
  trace(power_loss ? "node.power_loss" : "node.crash", {{"incarnation", incarnation_}});
  ++epoch_.value;  // every timer of this incarnation is now dead.
  // Fence the disk before the process is destroyed, so destructors that close databases
  // cannot write anything a real crash would not have written.
  if (power_loss) {
    volume_->power_loss();
  } else {
    volume_->crash();
  }
  up_ = false;
  process_.reset();
}

}  // namespace mw::sim
