// EdgeBook: what one plant edge did, observed from outside its process, for oracles, reports
// and tests.
//
// The edge's durable state is its SQLite database on its own node's disk, not this book: the
// book holds counters, the latest known backlog and a copy of every rejection the edge
// committed. Like ErpLedger it is owned outside the process (by the world or the test), spans
// crashes and must outlive the Simulation that runs the edge node. Every counter only grows;
// a rejection is added only once the database has committed it, so the list equals the
// database's `rejected` table.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/time.h"

namespace mw::fakes {

struct EdgeStats {
  // Upstream (MES -> edge).
  std::uint64_t received = 0;        // event copies in event batches, duplicates included
  std::uint64_t stored = 0;          // events committed to the store for the first time
  std::uint64_t duplicates = 0;      // copies of an event held or recently forwarded: acked again
  std::uint64_t unreadable_ids = 0;  // copies whose event id the edge could not read
  std::uint64_t refused = 0;         // copies nacked retryable: store unavailable, failed or full
  // Downstream (edge -> middleware).
  std::uint64_t batches_sent = 0;      // batch frames sent, resends included
  std::uint64_t forward_sends = 0;     // event copies sent, resends included
  std::uint64_t resends = 0;           // event copies sent again (timeout or retryable nack)
  std::uint64_t acked = 0;             // events the middleware acked, deleted from the store
  std::uint64_t nacked_retryable = 0;  // retryable nacks received
  std::uint64_t rejected = 0;          // events nacked non-retryable, moved to `rejected`
  std::uint64_t stray_replies = 0;     // acks and nacks naming nothing in flight (late, repeated)
  // Store and process.
  std::uint64_t store_failures = 0;  // transactions or reads that failed: the store was reopened
  std::uint64_t open_failures = 0;   // attempts to open the store that failed
  std::uint64_t garbage = 0;         // messages that are not a frame the edge understands
  std::uint64_t max_backlog = 0;     // the most events the store has held at once
};

// EdgeRejection is one event the middleware refused for good, as the edge recorded it.
struct EdgeRejection {
  std::int64_t seq = 0;  // its position in the edge's store order
  std::string event_id;  // empty when the edge could not read it
  std::string reason;    // the middleware's
  sim::Time at{};
};

class EdgeBook {
 public:
  EdgeBook() = default;
  EdgeBook(const EdgeBook&) = delete;
  EdgeBook& operator=(const EdgeBook&) = delete;

  EdgeStats& stats() { return stats_; }
  const EdgeStats& stats() const { return stats_; }

  // backlog is the number of events the store held at its last change (0 before the first
  // open). It keeps its value while the node is down: the events are on the disk.
  std::uint64_t backlog() const { return backlog_; }
  // set_backlog records the store's new size and raises stats().max_backlog if needed.
  void set_backlog(std::uint64_t n) {
    backlog_ = n;
    stats_.max_backlog = std::max(stats_.max_backlog, n);
  }

  // rejections in commit order.
  const std::vector<EdgeRejection>& rejections() const { return rejections_; }
  void add_rejection(EdgeRejection r) { rejections_.push_back(std::move(r)); }

 private:
  EdgeStats stats_;
  std::uint64_t backlog_ = 0;
  std::vector<EdgeRejection> rejections_;
};

}  // namespace mw::fakes
