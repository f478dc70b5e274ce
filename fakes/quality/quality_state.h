// QualityState: the simulated quality system's database, its ground truth.
//
// Owned outside the quality process (by the test or the world) and outliving the Simulation:
// a crash of the quality node loses its timers, never its decisions or its plan. It holds:
//   - schedule progress (how many explicit actions were emitted) and the random plan: its random
//     stream, the intended time of the next random hold and the pending ends of holds, so that
//     the plan does not depend on when the node crashed;
//   - the per-key source sequences, and the status the quality system believes each lot has
//     (what it last decided; RELEASED unless set);
//   - every status change it emitted, with its intended and its emission time;
//   - the outbox of events not yet acknowledged (OutboxStore), and counters (QualityStats).
// The SourceLog that the events are logged in is shared with the other sources; the state
// keeps a reference to it.
//
// Only the quality process writes, except set_opening_status before the run. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "fakes/common/event_sender.h"
#include "fakes/common/source_log.h"
#include "fakes/quality/quality_config.h"
#include "middleware/proto/common.pb.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace mw::fakes {

enum class QualityOrigin {
  kSchedule,    // an explicit QualityAction
  kRandomHold,  // a random hold
  kRandomEnd,   // the release (or block) that ends a random hold
};
const char* quality_origin_name(QualityOrigin origin);

// QualityEmission is one status change the quality system emitted.
struct QualityEmission {
  std::string event_id;
  std::string ordering_key;
  std::uint64_t source_sequence = 0;
  QualityLot lot;
  proto::LotStatus status = proto::LOT_STATUS_UNSPECIFIED;
  std::string reason;
  QualityOrigin origin = QualityOrigin::kSchedule;
  sim::Time intended_at{};  // when the decision was due
  sim::Time emitted_at{};   // later than intended_at when the node was down at that time
};

// PendingEnd is the planned end of a random hold.
struct PendingEnd {
  QualityLot lot;
  proto::LotStatus status = proto::LOT_STATUS_RELEASED;  // RELEASED or BLOCKED
  std::string hold_event_id;                             // the hold it ends
};

struct QualityStats {
  std::uint64_t emitted = 0;    // status changes emitted, all origins
  std::uint64_t scheduled = 0;  // from the explicit schedule
  std::uint64_t random_holds = 0;
  std::uint64_t random_releases = 0;
  std::uint64_t random_blocks = 0;
  std::uint64_t holds_skipped = 0;  // a random hold found no released lot free to hold
  std::uint64_t late = 0;           // emitted after their intended time (caught up at restart)
  std::uint64_t garbage = 0;        // bytes that are not a frame the quality system handles
};

class QualityState {
 public:
  // QualityState logs the events it creates in `source_log`, which must outlive it.
  explicit QualityState(SourceLog& source_log) : source_log_(source_log) {}
  QualityState(const QualityState&) = delete;
  QualityState& operator=(const QualityState&) = delete;

  // set_opening_status sets what the quality system believes of `lot` when the run starts.
  void set_opening_status(const QualityLot& lot, proto::LotStatus status) {
    believed_[lot] = status;
  }

  // believed_status returns the status the quality system last decided for `lot`.
  proto::LotStatus believed_status(const QualityLot& lot) const;
  const std::map<QualityLot, proto::LotStatus>& believed_statuses() const { return believed_; }

  // record_emission stores `e`, updates the believed status of its lot and the counters.
  const QualityEmission& record_emission(QualityEmission e);
  // emitted returns every status change in emission order.
  const std::deque<QualityEmission>& emitted() const { return emitted_; }

  // next_source_sequence returns the next source sequence of `ordering_key` (1, 2, ...).
  std::uint64_t next_source_sequence(const std::string& ordering_key);

  // schedule_done is the number of explicit actions already emitted.
  std::size_t schedule_done() const { return schedule_done_; }
  void mark_scheduled_done() { ++schedule_done_; }

  // --- The random plan. --------------------------------------------------------------------

  // random_started tells whether the plan was drawn up (at the first start of the node).
  bool random_started() const { return random_rng_.has_value(); }
  // start_random keeps `rng` as the plan's stream and `first_hold` as the next hold's time.
  void start_random(sim::Rng rng, std::optional<sim::Time> first_hold);
  sim::Rng& random_rng();
  const std::optional<sim::Time>& next_hold_at() const { return next_hold_at_; }
  void set_next_hold_at(std::optional<sim::Time> t) { next_hold_at_ = t; }
  // add_pending_end plans `end` at time `at`; ends at equal times keep the order they were added.
  void add_pending_end(sim::Time at, PendingEnd end);
  // pending_ends returns the planned ends by (time, order added).
  const std::map<std::pair<sim::Time, std::uint64_t>, PendingEnd>& pending_ends() const {
    return pending_ends_;
  }
  // take_first_end removes and returns the earliest planned end (there must be one).
  std::pair<sim::Time, PendingEnd> take_first_end();
  // has_pending_end tells whether a random hold on `lot` waits for its end.
  bool has_pending_end(const QualityLot& lot) const { return pending_lots_.contains(lot); }

  OutboxStore& outbox() { return outbox_; }
  const OutboxStore& outbox() const { return outbox_; }
  SourceLog& source_log() { return source_log_; }
  const SourceLog& source_log() const { return source_log_; }
  QualityStats& stats() { return stats_; }
  const QualityStats& stats() const { return stats_; }

 private:
  SourceLog& source_log_;
  std::map<QualityLot, proto::LotStatus> believed_;
  std::deque<QualityEmission> emitted_;
  std::map<std::string, std::uint64_t, std::less<>> next_source_sequence_;
  std::size_t schedule_done_ = 0;
  std::optional<sim::Rng> random_rng_;
  std::optional<sim::Time> next_hold_at_;
  std::uint64_t next_end_order_ = 0;
  std::map<std::pair<sim::Time, std::uint64_t>, PendingEnd> pending_ends_;
  std::multiset<QualityLot> pending_lots_;
  OutboxStore outbox_;
  QualityStats stats_;
};

}  // namespace mw::fakes
