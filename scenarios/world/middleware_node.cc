#include "scenarios/world/middleware_node.h"

namespace mw::scen {

MiddlewareProcess::MiddlewareProcess(sim::Node& node, const MiddlewareOptions& options)
    : node_(node), options_(options), runtime_(node, options.epoch_unix_ns, options.situations) {
  open();
}

MiddlewareProcess::~MiddlewareProcess() = default;

void MiddlewareProcess::open() {
  auto core =
      core::Core::open(options_.config, runtime_, "middleware.db", node_.volume().vfs_name());
  if (core.is_ok()) {
    // The deployment loads the master data at every start. If its transaction fails (a disk
    // error), the core must not run on what the store had before (nothing, at the first
    // start: every event would be dead-lettered as unknown): start again a second later.
    const core::Status s = core.value()->set_master_data(options_.master);
    node_.trace("middleware.open",
                {{"ok", s.is_ok() ? 1 : 0}, {"master_data", s.is_ok() ? "loaded" : s.error().message}});
    if (s.is_ok()) {
      core_ = std::move(core.value());
      return;
    }
    core.value().reset();
    if (runtime_.fenced()) return;
    node_.after(sim::seconds(1), [this] { open(); });
    return;
  }
  if (runtime_.fenced()) return;  // a crash point fired during recovery: the node is going down
  node_.trace("middleware.open", {{"ok", 0}, {"error", core.error().message}});
  node_.after(sim::seconds(1), [this] { open(); });
}

void MiddlewareProcess::on_message(sim::NodeId from, std::string_view bytes) {
  // Without its store the core cannot accept anything; senders retry what is not acked.
  if (core_ != nullptr) core_->on_message(node_.peer_name(from), bytes);
}

sim::ProcessFactory make_middleware(const MiddlewareOptions& options) {
  return [&options](sim::Node& node) { return std::make_unique<MiddlewareProcess>(node, options); };
}

}  // namespace mw::scen
