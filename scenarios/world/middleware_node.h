// MiddlewareProcess: the real middleware core running on a simulated node.
//
// Each incarnation opens the core on the node's simulated disk (SQLite through the node's
// Volume), so a crash or power loss hits the same database a production restart would find.
// If the store cannot be opened (a torn disk, say), the process retries every second and
// traces why: it never runs without its store.
#pragma once

#include <memory>

#include "middleware/core.h"
#include "scenarios/world/sim_runtime.h"
#include "sim/node.h"

namespace mw::scen {

struct MiddlewareOptions {
  proto::Config config;
  core::MasterData master;
  std::int64_t epoch_unix_ns = 1'767'571'200'000'000'000LL;  // 2026-01-05T00:00:00Z
  Situations* situations = nullptr;  // probes and crash points; null: ignored
};

class MiddlewareProcess final : public sim::Process {
 public:
  MiddlewareProcess(sim::Node& node, const MiddlewareOptions& options);
  ~MiddlewareProcess() override;

  void on_message(sim::NodeId from, std::string_view bytes) override;

  // core is null while the store cannot be opened.
  core::Core* core() { return core_.get(); }

 private:
  void open();

  sim::Node& node_;
  const MiddlewareOptions& options_;
  SimRuntime runtime_;
  std::unique_ptr<core::Core> core_;
};

// make_middleware returns the factory of the middleware node; `options` must outlive it.
sim::ProcessFactory make_middleware(const MiddlewareOptions& options);

}  // namespace mw::scen
