// EdgeConfig: every knob of the plant edge (store-and-forward between a plant's MES and the
// middleware over the plant WAN), in one struct.
//
// The knobs act at these stages:
//   upstream      an event batch from the MES is stored in one transaction, unless the store
//                 already holds max_backlog_events (the disk is full: the rest is nacked
//                 retryable); events the edge forwarded within dedup_memory are not stored
//                 again.
//   downstream    every flush_interval the edge resends due batches and sends new ones of at
//                 most max_batch_events, oldest first, keeping at most max_batches_in_flight
//                 unacknowledged; a batch not acknowledged within resend_after goes again. A
//                 full batch leaves at once when the window has room.
//   store         the SQLite database db_path on the node's own disk; when it cannot be opened
//                 (or fails), the edge tries again every reopen_interval.
// Durations are simulated time. Defaults describe a healthy edge sized for a plant that emits a
// few events a second and may be cut off from the middleware for a day.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/time.h"

namespace mw::fakes {

struct EdgeConfig {
  // target is the node the edge forwards to.
  std::string target = "middleware";
  // db_path is the database's file name on the node's volume.
  std::string db_path = "edge.db";

  std::size_t max_batch_events = 100;
  std::size_t max_batches_in_flight = 4;
  sim::Duration flush_interval = sim::milliseconds(200);
  sim::Duration resend_after = sim::seconds(5);
  sim::Duration reopen_interval = sim::seconds(1);

  // max_backlog_events is the capacity of the store: events received while it holds this many
  // are nacked retryable ("edge store full") and the MES keeps them.
  std::size_t max_backlog_events = 1'000'000;

  // dedup_memory is how long the edge remembers the key of an event it forwarded (acked or
  // rejected by the middleware), so that a late MES resend is acked without a second copy. A
  // resend later than that is stored and forwarded again (the middleware's inbox dedups it).
  // Zero keeps no memory: only events still held are deduplicated.
  sim::Duration dedup_memory = sim::hours(24);
};

// validate_edge_config returns one message per problem in `config`; empty means valid.
std::vector<std::string> validate_edge_config(const EdgeConfig& config);


}  // namespace mw::fakes
