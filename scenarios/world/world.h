// World: one simulated world built from a WorldSpec, run to the end, judged by the oracles.
//
// It owns the ground truth of every system (the sources' SourceLog, the ERP ledger, each MES's
// state, each edge's book, the WMS book, the quality state): these stand for the systems'
// databases and outlive the processes, which the Simulation destroys and rebuilds on crashes.
//
// A run has two phases. Safety: production and faults, up to the later of the end of
// production, the end of the last fault and the last operator action (the settle point).
// Liveness: the world keeps running without faults and is polled every simulated second until
// it has drained (nothing in flight at any source, edge, the middleware or downstream) or the
// scenario's drain bound has passed. Then the oracles judge it. Last, the operator phase: the
// operator undoes what the world caused (reopens closed periods, releases blocked lots in the
// ERP), replays every parked dead letter and the world drains again, within the drain bound;
// the operator_phase oracle judges the final books.
//
// Usage: World w(spec); WorldResult r = w.run(); EXPECT_TRUE(r.held()) << r.describe();
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fakes/common/source_log.h"
#include "fakes/edge/edge_book.h"
#include "fakes/erp/ledger.h"
#include "fakes/mes/mes_state.h"
#include "fakes/quality/quality_state.h"
#include "fakes/wms/wms_book.h"
#include "properties/oracles/oracle_input.h"
#include "scenarios/world/metrics_scraper.h"
#include "scenarios/world/middleware_node.h"
#include "scenarios/world/stall_watch.h"
#include "scenarios/world/world_result.h"
#include "scenarios/world/world_spec.h"
#include "sim/simulation.h"

namespace mw::scen {

// RunProgress: where a run stands, for a progress display. The phases are production (up to
// the settle point), drain (up to the drain deadline) and the operator's phase.
struct RunProgress {
  const char* phase = "production";
  sim::Time now{};
  sim::Time settle{};    // the end of production plus the last fault
  sim::Time deadline{};  // the drain phase's deadline
};

class World {
 public:
  // World builds the world of `spec`, which must be valid (validate_world_spec; MW_CHECK with
  // the problems otherwise).
  explicit World(WorldSpec spec);
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World();

  // run runs both phases and returns the verdicts and figures. Call once.
  WorldResult run();
  // set_progress has `report` called between slices of simulated time (a simulated minute of
  // production, each drain and operator poll). It only reads: a run with a progress display
  // is the same run, digest and all.
  void set_progress(std::function<void(const RunProgress&)> report) {
    progress_ = std::move(report);
  }

  // For tests that look closer at a run.
  const WorldSpec& spec() const { return spec_; }
  sim::Simulation& simulation() { return *sim_; }
  const fakes::SourceLog& sources() const { return sources_; }
  const fakes::ErpLedger& erp() const { return erp_; }
  // core returns the running middleware's core, or null while it is down or cannot open.
  core::Core* core();

 private:
  void build();
  void book_opening_stock();
  void schedule_faults_and_actions();
  void operator_action(const OperatorAction& action);
  // operator_phase runs the Monday-morning clean-up after the liveness phase and judges it.
  props::Verdict operator_phase();
  // undo_world_causes reopens every closed posting period and releases every lot the ERP
  // holds as not released (what an ERP user does by hand before replaying).
  void undo_world_causes();
  // discard_unpostable discards, as an operator does, the parked dead letters no fix of the
  // world can post: a quantity the full master data cannot convert exactly to the ERP's unit
  // (the operator books those by hand; the oracles accept them as discarded only then), and a
  // sequence number far past its key's (corrupt: replaying it would post garbage).
  // After a replay (`replayed_before`), it also discards a reissued copy the core refused
  // because the restamped version of its original was posted.
  void discard_unpostable(core::Core& c, bool replayed_before);
  // discard discards one parked dead letter as the operator, and traces it.
  void discard(core::Core& c, const std::string& event_id, const std::string& why);
  // release_master_data gives the middleware the master data the world withheld, once.
  void release_master_data();
  sim::Time settle_point() const;
  sim::RandomCrashes random_crashes_of(const std::string& node) const;
  // drained tells whether nothing is in flight anywhere; if not, `backlog` says what is.
  bool drained(std::string& backlog);
  // progress_signature is what changes while a draining world moves (stall_watch.h): the
  // lasting part of the last backlog drained() saw, and what the ERP and WMS received.
  std::string progress_signature() const;
  static std::string stalled_note(const StallWatch& stall);
  // longest_timer is the longest wait of the world after which something may still move.
  sim::Duration longest_timer() const;
  props::OracleInput collect();
  // scrape takes one metrics sample and schedules the next.
  void scrape();

  WorldSpec spec_;
  std::function<void(const RunProgress&)> progress_;
  fakes::SourceLog sources_;
  fakes::ErpLedger erp_;
  std::vector<std::unique_ptr<fakes::MesState>> mes_;
  std::vector<std::unique_ptr<fakes::EdgeBook>> edges_;  // null for plants without an edge
  std::unique_ptr<fakes::WmsBook> wms_;
  std::unique_ptr<fakes::QualityState> quality_;
  MiddlewareOptions middleware_;
  core::MasterData master_at_start_;  // the middleware's master data before the world's release
  bool master_data_released_ = false;
  std::int64_t master_released_ns_ = 0;  // in the core's clock
  sim::NodeId middleware_id_{};
  MetricsScraper scraper_;
  std::string lasting_backlog_;  // drained()'s last backlog without its momentary part
  std::unique_ptr<Situations> situations_;
  // Last, so that it is destroyed first: its processes refer to everything above.
  std::unique_ptr<sim::Simulation> sim_;
};

// run_world builds and runs the world of `spec`.
WorldResult run_world(const WorldSpec& spec);

}  // namespace mw::scen
