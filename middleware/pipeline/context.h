// Context: what every pipeline step shares. It is owned by the Core and outlives the steps.
#pragma once

#include "middleware/enrich/master_data.h"
#include "middleware/metrics/metrics.h"
#include "middleware/pipeline/commit_group.h"
#include "middleware/proto/config.pb.h"
#include "middleware/runtime.h"
#include "middleware/store/store.h"

namespace mw::core {

struct Context {
  const proto::Config& config;
  Runtime& runtime;
  Store& store;
  CommitGroup& commits;  // every write of a pipeline step goes through it
  Metrics& metrics;
  MasterData& master;

  Instant now() const { return runtime.now(); }
  std::int64_t now_ns() const { return to_unix_nanos(runtime.now()); }
};

}  // namespace mw::core
