// OracleInput: everything the oracles read at the end of a run, gathered by the world.
//
// The oracles judge the middleware by the ground truth of the systems around it (what the
// sources created, what the ERP committed, what the WMS applied), and use the core's own state
// only to learn where an event it accepted has ended up (posted, dead-lettered, still held).
// Plain data, so an oracle can be tested with hand-built inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/common/source_log.h"
#include "fakes/erp/ledger.h"
#include "middleware/enrich/master_data.h"
#include "middleware/store/store.h"
#include "sim/time.h"

namespace mw::props {

// AppliedNotification is one notification a downstream subscriber applied, in apply order.
struct AppliedNotification {
  std::string notification_id;
  std::string source_event_id;
  std::string ordering_key;
  std::uint64_t sequence = 0;
  sim::Time applied_at{};
};

struct Downstream {
  std::string subscriber;                    // e.g. "wms"
  std::vector<AppliedNotification> applied;  // in apply order
  std::vector<std::string> anomalies;        // what the subscriber itself found wrong
  // The subscriber's own stock balances in ERP terms, when it keeps any (a WMS): they started
  // equal to the ERP's opening stock, so once every notification is applied they must equal
  // the ERP's stock, to the milli-unit. Absent: a subscriber without stock.
  std::optional<std::map<fakes::StockKey, std::int64_t>> stock;
};

struct OracleInput {
  const fakes::SourceLog* sources = nullptr;  // every event the world created
  const fakes::ErpLedger* erp = nullptr;      // what the ERP committed
  const core::MasterData* master = nullptr;   // the world's reference data, to map plant terms
  // What the middleware was given at the start when the world withheld part of `master` for a
  // while (null: all of it): events it cannot map dead-letter for a reason the world caused.
  const core::MasterData* master_at_start = nullptr;
  // When the world gave the middleware all of `master`, in the core's clock (Unix ns); a dead
  // letter parked later is not explained by master_at_start.
  std::int64_t master_released_ns = INT64_MAX;

  // The core's view, read from its store at the end of the run.
  std::vector<core::EventState> core_events;      // every accepted event (repeats if undeduped)
  std::vector<core::DeadLetterRow> dead_letters;  // all, parked or not
  std::vector<core::QuarantineRow> quarantine;
  std::uint64_t notifications_pending = 0;

  // Events the middleware refused for good (a non-retryable Nack), by event id, with the
  // reason, as the sender (a source or an edge) recorded it.
  std::map<std::string, std::string> refused;

  // Downstream subscribers; empty when nobody subscribes.
  std::vector<Downstream> downstream;

  // Liveness: when the last fault ended, the bound the scenario allows for draining, and when
  // the world was first seen drained (nothing in flight anywhere), if it was.
  sim::Time last_fault_end{};
  sim::Duration drain_bound{};
  bool drained = false;
  sim::Time drained_at{};
  std::string backlog;  // what was still in flight at the end, when not drained
};

}  // namespace mw::props
