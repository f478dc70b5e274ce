// MesState: everything of one plant's MES that outlives its process: the durable outbox of
// events not yet acknowledged, the production progress of every line, the physical stock and
// the counters. It stands for the MES's database and the physical plant, is owned outside the
// process (by the world or the test, like ErpLedger) and must outlive the Simulation. The
// SourceLog it writes to is owned by the world too (several sources may share one).
//
// A crash of the MES node destroys only timers and the sender: production pauses, and the next
// incarnation carries on from the progress recorded here. Creating an event (stock change,
// progress, log entry, outbox entry) is one synchronous step, so a crash never leaves half an
// event: nothing is lost and no id is used twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fakes/common/event_sender.h"
#include "fakes/common/source_log.h"
#include "fakes/mes/mes_config.h"
#include "fakes/mes/mes_stats.h"
#include "fakes/mes/physical_stock.h"
#include "sim/time.h"

namespace mw::fakes {

// Stage: where a line is in its current work order; the next step does what the stage says.
enum class LineStage : std::uint8_t {
  kRelease,   // no work order: release the next one
  kStart,     // start operation `operation`
  kConsume,   // consume component `component` of the operation (then kClose)
  kClose,     // draw the scrap incident of the operation (then kComplete)
  kComplete,  // complete the operation (then kStart of the next one, or kFinish)
  kFinish,    // report the finished goods (then kRelease)
};

// ConsumedLot: one consumption of the current work order: which BOM line, from which lot, at
// which routing step.
struct ConsumedLot {
  std::size_t bom_line = 0;
  LotIndex lot = 0;
  std::size_t operation = 0;
};

// LineState: the production progress of one line.
struct LineState {
  LineStage stage = LineStage::kRelease;
  // The work order in progress (meaningful unless stage is kRelease).
  std::string work_order;    // "1000001"
  std::string ordering_key;  // "wo:P100/1000001"
  std::size_t product = 0;   // index in MesConfig::products
  std::int64_t planned_milli = 0;
  std::int64_t good_milli = 0;             // planned minus the units scrapped so far
  std::uint64_t next_sequence = 1;         // source_sequence of the order's next event
  std::size_t operation = 0;               // index in the product's routing
  std::size_t component = 0;               // index in the operation's components (kConsume)
  std::int64_t units_reported = 0;         // of the component, with consumption_per_unit
  std::int64_t operation_scrap_milli = 0;  // units scrapped at this operation (kComplete)
  std::vector<ConsumedLot> consumed;
  // When the line's next step is due; unset until the first process start plans it.
  bool planned = false;
  sim::Time next_step_at{};
};

class MesState {
 public:
  // MesState appends every event the MES creates to `log`, which must outlive it.
  explicit MesState(SourceLog& log) : log_(log) {}
  MesState(const MesState&) = delete;
  MesState& operator=(const MesState&) = delete;

  // initialize sets up lines and opening stock from `config` (valid, see validate_mes_config).
  // make_mes calls it; a second call (the same state reused by another factory) does nothing
  // but check that the plant and the number of lines agree (MW_CHECK).
  void initialize(const MesConfig& config);
  bool initialized() const { return stock_ != nullptr; }

  SourceLog& log() { return log_; }
  const SourceLog& log() const { return log_; }
  OutboxStore& outbox() { return outbox_; }
  const OutboxStore& outbox() const { return outbox_; }
  PhysicalStock& stock() { return *stock_; }
  const PhysicalStock& stock() const { return *stock_; }
  std::vector<LineState>& lines() { return lines_; }
  const std::vector<LineState>& lines() const { return lines_; }
  MesStats& stats() { return stats_; }
  const MesStats& stats() const { return stats_; }

  // take_work_order returns the next work order number of the plant.
  std::uint64_t take_work_order() { return next_work_order_++; }
  // take_malformed returns the number of the next malformed event, from 1.
  std::uint64_t take_malformed() { return next_malformed_++; }

 private:
  SourceLog& log_;
  OutboxStore outbox_;
  std::unique_ptr<PhysicalStock> stock_;
  std::vector<LineState> lines_;
  MesStats stats_;
  std::uint64_t next_work_order_ = 0;
  std::uint64_t next_malformed_ = 1;
};

}  // namespace mw::fakes
