// MesProcess: one plant's simulated MES on a sim node ("mes-<plant>").
//
// Each line works through work orders (mes_config.h describes the production model). A line
// releases a work order only if every component of it can be supplied from stock at that moment
// (the drawn product, else the next product of the catalogue that can be built); otherwise it
// idles. Every step creates one event, in this order for a work order:
//   WORK_ORDER_RELEASED
//   per routing operation: OPERATION_STARTED, MATERIAL_CONSUMED for each BOM line of the
//     operation (quantity = milli_per_unit x units, so a work order consumes exactly its BOM),
//     SCRAP_RECORDED if a scrap incident spoiled component material, OPERATION_COMPLETED
//     (yield and scrap in units of the product)
//   FINISHED_GOODS_REPORTED of the good units into the new lot "<plant>-<work order>"
// The ordering key is "wo:<plant>/<work order>", source_sequence counts 1, 2, 3, ... per key,
// the event id is "<plant>-<work order>-<sequence>", correlation_id the work order, occurred_at
// the simulated time as Unix time plus clock_skew (whole milliseconds in the vendor format),
// posting_date the UTC date of the time without skew.
//
// Creating an event is one step: the physical stock changes, the event and its physical effects
// are appended to the SourceLog, then it is queued in the durable outbox; the EventSender
// delivers it at least once (fakes/common/event_sender.h). A malformed event (malformed_
// probability) is an extra event created just before a step's real one, with the id
// "<plant>-M<n>" and the key "malformed:<plant>"; it is logged malformed with no effects. A
// restamped resend (restamped_resend_probability) follows a step's real event: the previous
// event, already out of the outbox, sent again with a new occurred_at; it is logged as a
// conflicting copy. A reissued resend (reissued_resend_probability) is the previous event, out
// of the outbox, sent again under the id "<id>-reissued" and otherwise unchanged; it is logged
// as a reissued copy of the event. A corrupt-sequence event (corrupt_sequence_probability) is a
// copy of the step's event under "<plant>-S<n>" with a number far past its key's, logged with
// corrupt_sequence and no effects.
//
// Crashes: the process holds only timers and the sender; production progress, stock, outbox
// and counters are in MesState. A crash pauses every line; the next incarnation runs each
// line's pending step at restart (or at its planned time, if later) and carries on from there.
// A step is instantaneous, so an operation "running" at the crash simply continues: the steps
// it missed while the node was down are not made up, production resumes where it stopped.
//
// Traces: "mes.event" (id, type) per created event ("malformed" as type for broken ones),
// "mes.wait" (line, material) when a line is starved, "mes.garbage" (from, bytes), plus the
// sender's "src.*" records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/common/event_sender.h"
#include "fakes/mes/mes_config.h"
#include "fakes/mes/mes_state.h"
#include "middleware/proto/events.pb.h"
#include "sim/node.h"
#include "sim/rng.h"

namespace mw::fakes {

class MesProcess final : public sim::Process {
 public:
  // MesProcess runs on `node` with the durable `state` (initialized from `config`, and which
  // must outlive it) and `config` (valid, see validate_mes_config). It arms each line's next
  // step and the sender's flush timer.
  MesProcess(sim::Node& node, MesState& state, std::shared_ptr<const MesConfig> config);

  void on_message(sim::NodeId from, std::string_view bytes) override;

  const MesStats& stats() const { return state_.stats(); }

 private:
  void step(std::size_t line);
  // advance runs the line's next step; false if it is starved of a component (nothing made).
  bool advance(std::size_t index, LineState& line);
  // release starts the line's next work order, or returns false when no product can be built
  // from the stock there is now (the line idles, like a starved consumption).
  bool release(std::size_t index, LineState& line);
  // first_missing returns a component of `product` no single lot can supply for `units`, or
  // nullptr if every one can.
  const std::string* first_missing(std::size_t product, std::int64_t units);
  void start_operation(LineState& line);
  bool consume(std::size_t index, LineState& line, std::size_t bom_line);
  bool close_operation(LineState& line);
  void complete_operation(LineState& line);
  void finish(LineState& line);

  // begin clears the scratch envelope and fills its header for `line`'s next event.
  proto::EventEnvelope& begin(LineState& line, proto::EventType type);
  // emit logs the scratch envelope with `effects` and queues it (after a malformed extra, if
  // one is drawn).
  void emit(const LineState& line, std::vector<PhysicalEffect> effects);
  void emit_malformed();
  // emit_corrupt_sequence sends a copy of the step's event with a corrupt sequence number.
  void emit_corrupt_sequence(const LineState& line);
  // resend_restamped sends previous_ again with the current time (restamped_resend_probability).
  void resend_restamped();
  // resend_reissued sends previous_ again under a new id (reissued_resend_probability).
  void resend_reissued();

  void arm(std::size_t line, sim::Time at);
  sim::Duration gap();
  sim::Time after_quiet(sim::Time t) const;
  const std::string& posting_date(std::int64_t unix_ns);

  sim::Node& node_;
  MesState& state_;
  std::shared_ptr<const MesConfig> config_;
  // components_[product][operation]: the BOM lines the operation consumes, in BOM order.
  std::vector<std::vector<std::vector<std::size_t>>> components_;
  // kept_per_unit_[product][bom line]: milli_per_unit in the unit the material is kept in.
  std::vector<std::vector<std::int64_t>> kept_per_unit_;
  EventSender sender_;
  sim::Rng timing_rng_;
  sim::Rng orders_rng_;
  sim::Rng scrap_rng_;
  sim::Rng malformed_rng_;
  sim::Rng restamp_rng_;
  sim::Rng reissue_rng_;
  sim::Rng corrupt_rng_;
  // The last event created, kept only while restamped or reissued resends are on; lost with
  // the process.
  std::optional<proto::EventEnvelope> previous_;
  sim::Duration mean_gap_;
  sim::Duration mean_burst_gap_;
  proto::EventEnvelope scratch_;  // reused to spare allocations
  std::uint64_t scratch_sequence_ = 0;
  std::int64_t date_day_ = -1;  // the day posting_date_ is for
  std::string date_;
};

// make_mes returns the factory of a plant's MES node with durable state `state` (which must
// outlive the Simulation) and knobs `config`. It stops the run (MW_CHECK) with the list of
// problems if `config` is invalid, and initializes `state` (lines, opening stock) at once, so
// opening balances can be read before the run starts.
sim::ProcessFactory make_mes(MesState& state, std::shared_ptr<const MesConfig> config);
sim::ProcessFactory make_mes(MesState& state, MesConfig config);

}  // namespace mw::fakes
