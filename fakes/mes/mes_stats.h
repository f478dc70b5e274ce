// MesStats: what the simulated MES did, counted for people and reports.
//
// Observations, not ground truth: oracles read the SourceLog and the PhysicalStock. The counters
// live in MesState so that they survive MES process crashes and cover the whole run; every
// counter only grows. Delivery counters (sends, resends, acks, ...) are the outbox's
// SenderStats, also in MesState.
#pragma once

#include <cstdint>
#include <map>

#include "middleware/proto/events.pb.h"

namespace mw::fakes {

struct MesStats {
  std::uint64_t starts = 0;  // MES process starts: 1 + restarts
  std::uint64_t events = 0;  // events created, malformed ones included
  std::map<proto::EventType, std::uint64_t> events_by_type;  // well-formed events only
  std::uint64_t restamped_resends = 0;                       // same id, another payload
  std::uint64_t reissued_resends = 0;                        // another id, the same fact
  std::uint64_t corrupt_sequences = 0;                       // garbage with a corrupt number
  std::uint64_t malformed = 0;                               // deliberately broken events
  std::uint64_t work_orders_released = 0;
  std::uint64_t work_orders_finished = 0;
  std::uint64_t scrap_incidents = 0;          // operations that scrapped units
  std::uint64_t component_scrap_skipped = 0;  // incidents with no consumed lot left to scrap from
  std::uint64_t stock_waits = 0;      // steps deferred because no lot could supply a component
  std::uint64_t quiet_deferrals = 0;  // steps moved to the end of a quiet period
  std::uint64_t garbage = 0;          // messages that are not an Ack or Nack frame
};

}  // namespace mw::fakes
