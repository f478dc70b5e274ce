// Core::Parts: the pieces a Core owns, shared by core.cc and core_operator.cc. Internal to the
// core: nothing outside middleware/ includes it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "middleware/core.h"
#include "middleware/pipeline/commit_group.h"
#include "middleware/pipeline/context.h"
#include "middleware/pipeline/poster.h"
#include "middleware/pipeline/publisher.h"
#include "middleware/pipeline/sequencer.h"

namespace mw::core {

struct Core::Parts {
  Parts(proto::Config c, Runtime& rt, std::unique_ptr<Db> database)
      : config(std::move(c)),
        runtime(rt),
        db(std::move(database)),
        store(*db),
        commits(*db, rt, std::chrono::milliseconds(config.store().commit_window_ms()),
                [this] { return store.flush_counters(to_unix_nanos(runtime.now())); }),
        ctx{config, runtime, store, commits, metrics, master},
        publisher(ctx),
        poster(ctx, publisher),
        sequencer(ctx) {}

  proto::Config config;
  Runtime& runtime;
  std::unique_ptr<Db> db;
  Store store;
  CommitGroup commits;
  MasterData master;
  Metrics metrics;
  Context ctx;
  Publisher publisher;
  Poster poster;
  Sequencer sequencer;
  // Unsafe ack_before_commit: batches acked but not yet written.
  std::vector<std::pair<std::string, proto::EventBatch>> unwritten;
  TimerId unwritten_timer = 0;
};

}  // namespace mw::core
