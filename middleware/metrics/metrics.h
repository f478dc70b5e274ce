// Metrics: what the core counts, readable at any time as a snapshot.
//
// Counters count what happened in this process life and start from zero after a restart, as
// a production exporter's do (a scraper sums across restarts). Gauges describe the present and
// are read from the store when a snapshot is taken (backlog, parked), so they survive restarts.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "middleware/metrics/histogram.h"

namespace mw::core {

struct Metrics {
  // Ingest
  std::uint64_t batches_received = 0;
  std::uint64_t events_received = 0;   // every event in every batch, duplicates included
  std::uint64_t events_accepted = 0;   // new events made durable
  std::uint64_t duplicates = 0;        // repeats acked again and dropped
  std::uint64_t conflicts = 0;         // an id reused with another payload: quarantined
  std::uint64_t quarantined = 0;       // malformed or conflicting: kept with raw bytes
  std::uint64_t frames_malformed = 0;  // frames that were not a Frame at all (or too big)
  std::uint64_t quarantine_dropped = 0;  // quarantine rows past their retention or the cap
  // Sequencer
  std::uint64_t held_out_of_order = 0;
  std::uint64_t gap_alerts = 0;
  std::uint64_t gaps_skipped = 0;
  // Posting
  std::uint64_t posted = 0;
  std::uint64_t no_posting = 0;
  std::uint64_t erp_requests = 0;
  std::uint64_t retries = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t reconciliations = 0;       // queries by reference after an unknown outcome
  std::uint64_t reconciled_as_posted = 0;  // ... that found the posting
  std::uint64_t throttled = 0;
  std::uint64_t transient_failures = 0;
  std::uint64_t breaker_opened = 0;
  std::uint64_t dead_lettered = 0;
  std::map<std::string, std::uint64_t> dead_lettered_by_class;
  std::uint64_t replayed = 0;
  std::uint64_t discarded = 0;
  // Downstream
  std::uint64_t notifications_enqueued = 0;
  std::uint64_t notifications_sent = 0;
  std::uint64_t notifications_acked = 0;
  // Latency from receipt to the committed posted mark.
  LatencyHistogram posting_latency;
};

// MetricsSnapshot is Metrics plus the gauges computed when it is taken.
struct MetricsSnapshot {
  Metrics counters;
  std::uint64_t waiting = 0;      // events held by the sequencer
  std::uint64_t queued = 0;       // commands waiting for or in posting
  std::uint64_t parked = 0;       // dead letters not yet replayed or discarded
  // waiting or queued events held behind a parked dead letter of their key (included in
  // waiting and queued): they move only when an operator replays or discards it.
  std::uint64_t held_behind_dead_letters = 0;
  std::uint64_t in_flight = 0;    // ERP requests awaiting a reply
  std::uint64_t notifications_pending = 0;
  // Pipeline steps written in the open commit group: their effects (acks, sends,
  // notifications) leave when it commits. The counts above already see their writes.
  std::uint64_t uncommitted_steps = 0;
  // Backlog (waiting + queued) by "<plant>/<domain>", e.g. "P100/production".
  std::map<std::string, std::uint64_t> backlog_by_plant_domain;
  std::string breaker_state;
};

}  // namespace mw::core
