#include "scenarios/world/sim_runtime.h"

namespace mw::scen {
namespace {

// A TimerId packs the scheduler's EventId; generation 0 never names an event, so 0 stays "none".
core::TimerId pack(sim::EventId id) {
  return (static_cast<std::uint64_t>(id.slot) << 32) | id.generation;
}
sim::EventId unpack(core::TimerId id) {
  return sim::EventId{static_cast<std::uint32_t>(id >> 32), static_cast<std::uint32_t>(id)};
}

}  // namespace

SimRuntime::SimRuntime(sim::Node& node, std::int64_t epoch_unix_ns, Situations* situations)
    : node_(node),
      epoch_unix_ns_(epoch_unix_ns),
      rng_(node.rng().fork("middleware-runtime")),
      situations_(situations) {}

void SimRuntime::reached(std::string_view probe) {
  if (situations_ != nullptr && !fenced_) situations_->reached(probe);
}

void SimRuntime::crash_point(std::string_view name) {
  if (situations_ == nullptr || fenced_ || !situations_->crash_point(name)) return;
  fenced_ = true;
  node_.volume().crash();  // the disk takes nothing more from this process
}

core::Instant SimRuntime::now() const {
  return core::from_unix_nanos(epoch_unix_ns_ + sim::to_nanos(node_.now()));
}

core::TimerId SimRuntime::set_timer(core::Duration delay, std::function<void()> callback) {
  const sim::Duration d{delay.count() < 0 ? 0 : delay.count()};
  return pack(node_.after(d, [cb = std::move(callback)] { cb(); }));
}

void SimRuntime::cancel_timer(core::TimerId id) {
  if (id != 0) node_.cancel(unpack(id));
}

void SimRuntime::send(std::string_view endpoint, std::string bytes) {
  if (fenced_) return;  // the process is dead: nothing it says leaves the node
  auto it = endpoints_.find(endpoint);
  if (it == endpoints_.end()) {
    const sim::NodeId id = node_.find(endpoint);
    if (!id.valid()) {
      // A message to nowhere is lost, as on a real network; the trace says so.
      ++unknown_endpoint_sends_;
      node_.trace("runtime.unknown_endpoint", {{"endpoint", endpoint}});
      return;
    }
    it = endpoints_.emplace(std::string(endpoint), id).first;
  }
  node_.send(it->second, std::move(bytes));
}

}  // namespace mw::scen
