// QualityProcess: the simulated quality system on a sim node ("quality").
//
// It puts lots on hold and releases them, reporting each decision to the middleware as a
// LOT_STATUS_CHANGED event (canonical proto) and nothing else: whether a consumption of the lot
// races ahead of the hold is for the middleware and the ERP to settle (the ERP rejects a
// goods issue from a held lot BLOCKED_LOT; the middleware must dead-letter it with the reason).
//
// Decisions come from the explicit schedule and the random plan (quality_config.h), merged in
// time order; at equal times schedule first, then ends of random holds, then random holds. Each
// one, when due:
//   - gets the ordering key "lot:<plant>/<material>/<lot>", the next source sequence of that key
//     (1, 2, ...) and the event id "<node>:lot:<plant>/<material>/<lot>:<n>";
//   - is logged in the SourceLog (no physical effects), recorded in the state (which updates the
//     status the quality system believes the lot has) and queued in the outbox, in one step;
//   - is delivered by an EventSender to the middleware until acknowledged; a non-retryable Nack
//     leaves it in the outbox's rejections with the middleware's reason.
// A crash pauses the quality system: nothing is emitted while it is down. At restart, every
// decision that fell due meanwhile is emitted at once, in the order above, with its original
// intended time in the trace ("intended") and in the state; random holds keep their planned
// times, so the plan is the same whether or not the node crashed (the random stream is drawn at
// the first start and kept in the state).
//
// Anything received other than an Ack or Nack (bytes that do not parse, other frames) is
// counted as garbage, traced and ignored.
//
// Traces: "quality.status" (event, key, seq, status, origin, intended, late),
// "quality.hold_skipped" (intended), "quality.garbage" (from, bytes), and the sender's "src.*".
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fakes/common/event_sender.h"
#include "fakes/quality/quality_config.h"
#include "fakes/quality/quality_state.h"
#include "sim/node.h"

namespace mw::fakes {

class QualityProcess final : public sim::Process {
 public:
  // QualityProcess runs on `node` with the database `state` (which must outlive it) and
  // `config` (shared with the factory; it must be valid, see validate_quality_config). It draws
  // up the random plan at the first start, emits what is due and arms a timer for the rest.
  QualityProcess(sim::Node& node, QualityState& state, std::shared_ptr<const QualityConfig> config);

  void on_message(sim::NodeId from, std::string_view bytes) override;

  const QualityStats& stats() const { return state_.stats(); }

 private:
  // catch_up emits every decision due by now, in order, then arms the timer for the next one.
  void catch_up();
  void random_hold(sim::Time intended);
  void emit(const QualityLot& lot, proto::LotStatus status, const std::string& reason,
            QualityOrigin origin, sim::Time intended, const std::string& correlation);
  std::optional<sim::Time> next_hold_after(sim::Time t);

  sim::Node& node_;
  QualityState& state_;
  std::shared_ptr<const QualityConfig> config_;
  EventSender sender_;
};

// make_quality returns the factory of a quality node whose database is `state` (which must
// outlive the Simulation) and whose knobs are `config`. It stops the run (MW_CHECK) with the
// list of problems if `config` is invalid.
sim::ProcessFactory make_quality(QualityState& state, QualityConfig config);

}  // namespace mw::fakes
