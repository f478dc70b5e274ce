#include "scenarios/world/world.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "fakes/common/process_factory.h"
#include "fakes/edge/edge_process.h"
#include "fakes/erp/erp_process.h"
#include "fakes/mes/mes_process.h"
#include "fakes/quality/quality_process.h"
#include "fakes/wms/wms_process.h"
#include "middleware/config_defaults.h"
#include "properties/oracles/erp_terms.h"
#include "properties/oracles/oracles.h"
#include "scenarios/world/disk_faults.h"
#include "sim/check.h"

namespace mw::scen {
namespace {

constexpr const char* kMiddleware = "middleware";
constexpr sim::Duration kDrainPoll = sim::seconds(1);
// kProgressSlice: how much simulated production runs between two progress reports.
constexpr sim::Duration kProgressSlice = sim::seconds(60);
// In the operator phase, a replay that left dead letters parked is tried again this often.
constexpr sim::Duration kOperatorReplayInterval = sim::seconds(10);
// The operator phase looks at the world this often: it judges whether the world drains within
// the bound, not when to the second, and each look queries the core's store.
constexpr sim::Duration kOperatorPoll = sim::seconds(5);

std::string mes_node(const std::string& plant) { return "mes-" + plant; }
std::string edge_node(const std::string& plant) { return "edge-" + plant; }

void append_backlog(std::string& out, const std::string& what, std::uint64_t n) {
  if (n == 0) return;
  if (!out.empty()) out += ", ";
  out += what + " " + std::to_string(n);
}

}  // namespace

World::World(WorldSpec spec) : spec_(std::move(spec)) {
  fakes::require_valid(validate_world_spec(spec_));
  build();
}

World::~World() = default;

void World::build() {
  sim::SimulationOptions options;
  options.seed = spec_.seed;
  options.network = spec_.network;
  // Every link of a world is checked end to end, as the daemon's HTTP over TLS is: a corrupted
  // frame is dropped, never handed to a node (ARCHITECTURE.md, fault model).
  options.network.default_link.frame_check = true;
  for (sim::LinkOverride& o : options.network.links) o.config.frame_check = true;
  options.disk = spec_.disk;
  sim_ = std::make_unique<sim::Simulation>(options);

  middleware_.config = spec_.design;
  if (spec_.wms) middleware_.config.mutable_publisher()->add_subscribers("wms");
  middleware_.master = spec_.master;
  for (const std::string& m : spec_.withheld_materials) middleware_.master.materials.erase(m);
  master_at_start_ = middleware_.master;
  middleware_id_ =
      sim_->add_node(kMiddleware, make_middleware(middleware_), spec_.middleware_random_crashes);
  situations_ = std::make_unique<Situations>(*sim_, middleware_id_, spec_.crash_points,
                                             sim::kTimeZero + spec_.production);
  middleware_.situations = situations_.get();
  sim_->add_node("erp", fakes::make_erp(erp_, spec_.erp), random_crashes_of("erp"));

  for (PlantSpec& plant : spec_.plants) {
    const std::string& code = plant.mes.plant;
    // Production stops at the end of the shift: a quiet period to the end of time.
    plant.mes.quiet_periods.push_back({sim::kTimeZero + spec_.production, sim::kTimeMax});
    plant.mes.sender.target = plant.edge ? edge_node(code) : kMiddleware;
    mes_.push_back(std::make_unique<fakes::MesState>(sources_));
    sim_->add_node(mes_node(code), fakes::make_mes(*mes_.back(), plant.mes),
                   random_crashes_of(mes_node(code)));
    if (plant.edge) {
      plant.edge_config.target = kMiddleware;
      edges_.push_back(std::make_unique<fakes::EdgeBook>());
      sim_->add_node(edge_node(code), fakes::make_edge(*edges_.back(), plant.edge_config),
                     random_crashes_of(edge_node(code)));
    } else {
      edges_.push_back(nullptr);
    }
  }
  if (spec_.wms) {
    wms_ = std::make_unique<fakes::WmsBook>(sources_);
    fakes::WmsConfig config = *spec_.wms;
    config.sender.target = kMiddleware;
    sim_->add_node("wms", fakes::make_wms(*wms_, config), random_crashes_of("wms"));
  }
  if (spec_.quality) {
    quality_ = std::make_unique<fakes::QualityState>(sources_);
    fakes::QualityConfig config = *spec_.quality;
    config.sender.target = kMiddleware;
    sim_->add_node("quality", fakes::make_quality(*quality_, config), random_crashes_of("quality"));
  }
  book_opening_stock();
  fakes::require_valid(sim_->start());
  schedule_faults_and_actions();
}

void World::book_opening_stock() {
  auto book = [&](const fakes::OpeningLot& lot) {
    const auto erp = props::to_erp_terms(spec_.master, lot.plant, lot.material, lot.milli, lot.uom);
    MW_CHECK(erp.has_value(), "an opening lot cannot be mapped to ERP terms with the master data");
    const fakes::StockKey key{erp->erp_plant, erp->erp_material, lot.lot, lot.storage_location};
    erp_.set_opening_stock(key, erp_.stock(key) + erp->base_milli);
    if (wms_) {
      const fakes::WmsStockKey wkey{erp->erp_plant, erp->erp_material, lot.lot,
                                    lot.storage_location};
      wms_->set_opening_stock(wkey, wms_->stock(wkey) + erp->base_milli);
    }
  };
  for (const PlantSpec& plant : spec_.plants) {
    for (const fakes::OpeningLot& lot : plant.mes.opening_stock) book(lot);
  }
  for (const fakes::OpeningLot& lot : spec_.extra_opening_stock) book(lot);
}

void World::schedule_faults_and_actions() {
  for (const NodeCrash& c : spec_.crashes) {
    sim_->schedule_crash(sim_->network().find(c.node), c.at, c.downtime, c.kind);
  }
  schedule_disk_faults(*sim_, spec_.disk_faults);
  for (const OperatorAction& a : spec_.operator_actions) {
    sim_->scheduler().schedule_at(a.at, [this, a] { operator_action(a); });
  }
  if (spec_.withheld_until) {
    sim_->scheduler().schedule_at(*spec_.withheld_until, [this] { release_master_data(); });
  }
  sim_->scheduler().schedule_at(sim::kTimeZero, [this] { scrape(); });
}

void World::release_master_data() {
  if (master_data_released_ || spec_.withheld_materials.empty()) return;
  // The next incarnation loads it too; a middleware that is down now gets it when it opens.
  middleware_.master = spec_.master;
  core::Core* c = core();
  const core::Status s = c != nullptr ? c->set_master_data(spec_.master, "mdm") : core::Status::ok();
  sim_->tracer().record(sim_->scheduler().now(), "world", "world.master_data_released",
                        {{"materials", spec_.withheld_materials.size()},
                         {"error", s.is_ok() ? "" : s.error().message}});
  master_data_released_ = s.is_ok();  // else the operator phase tries again
  master_released_ns_ = middleware_.epoch_unix_ns + sim::to_nanos(sim_->scheduler().now());
}

void World::scrape() {
  std::map<std::string, std::uint64_t> at_source;
  for (std::size_t i = 0; i < spec_.plants.size(); ++i) {
    at_source[spec_.plants[i].mes.plant] =
        mes_[i]->outbox().size() + (edges_[i] ? edges_[i]->backlog() : 0);
  }
  core::Core* c = core();
  const std::optional<core::MetricsSnapshot> m =
      c != nullptr ? std::optional(c->metrics()) : std::nullopt;
  scraper_.scrape(sim_->scheduler().now(), sim_->node(middleware_id_).incarnation(),
                  m ? &*m : nullptr, at_source);
  sim_->scheduler().schedule_at(sim_->scheduler().now() + kScrapeInterval, [this] { scrape(); });
}

void World::operator_action(const OperatorAction& action) {
  core::Core* c = core();
  if (c == nullptr) {  // the operator waits for the middleware to come back
    OperatorAction again = action;
    again.at = sim_->scheduler().now() + sim::seconds(1);
    sim_->scheduler().schedule_at(again.at, [this, again] { operator_action(again); });
    return;
  }
  const core::Status s = c->replay_all("operator");
  sim_->tracer().record(sim_->scheduler().now(), "world", "operator.replay_all",
                        {{"ok", s.is_ok() ? 1 : 0}, {"error", s.is_ok() ? "" : s.error().message}});
}

sim::RandomCrashes World::random_crashes_of(const std::string& node) const {
  const auto it = spec_.random_crashes.find(node);
  return it == spec_.random_crashes.end() ? sim::RandomCrashes{} : it->second;
}

core::Core* World::core() {
  if (!sim_->is_up(middleware_id_)) return nullptr;
  auto* process = static_cast<MiddlewareProcess*>(sim_->node(middleware_id_).process());
  return process == nullptr ? nullptr : process->core();
}

sim::Time World::settle_point() const {
  sim::Time t = sim::kTimeZero + spec_.production;
  auto later = [&t](sim::Time x) { t = std::max(t, x); };
  for (const NodeCrash& c : spec_.crashes) later(c.at + c.downtime);
  for (const DiskFault& d : spec_.disk_faults) later(d.at + d.duration);
  for (const sim::ScheduledOutage& o : spec_.network.outages) later(o.start + o.duration);
  for (const sim::ScheduledPartition& p : spec_.network.partitions) later(p.start + p.duration);
  for (const fakes::ErpOutage& o : spec_.erp.outages) later(o.start + o.duration);
  for (const OperatorAction& a : spec_.operator_actions) later(a.at);
  const auto random_until = [&](sim::Duration mean_up, sim::Time until) {
    if (mean_up > sim::Duration::zero()) later(until);
  };
  random_until(spec_.middleware_random_crashes.mean_up, spec_.middleware_random_crashes.until);
  for (const auto& [node, crashes] : spec_.random_crashes)
    random_until(crashes.mean_up, crashes.until);
  random_until(spec_.network.default_link.random_outages.mean_up,
               spec_.network.default_link.random_outages.until);
  for (const sim::LinkOverride& o : spec_.network.links) {
    random_until(o.config.random_outages.mean_up, o.config.random_outages.until);
  }
  random_until(spec_.network.random_partitions.mean_interval,
               spec_.network.random_partitions.until);
  // Crash points fire only during production; the last one's node is back a downtime later.
  if (spec_.crash_points.enabled)
    later(sim::kTimeZero + spec_.production + spec_.crash_points.downtime);
  return t;
}

bool World::drained(std::string& backlog) {
  backlog.clear();
  core::Core* c = core();
  if (c == nullptr) {
    backlog = "the middleware is down";
    lasting_backlog_ = backlog;
    return false;
  }
  const core::MetricsSnapshot m = c->metrics();
  append_backlog(backlog, "middleware unfinished",
                 m.waiting + m.queued - m.held_behind_dead_letters);
  append_backlog(backlog, "middleware ERP requests in flight", m.in_flight);
  append_backlog(backlog, "middleware notifications unacked", m.notifications_pending);
  for (std::size_t i = 0; i < spec_.plants.size(); ++i) {
    const std::string& code = spec_.plants[i].mes.plant;
    append_backlog(backlog, mes_node(code) + " outbox", mes_[i]->outbox().size());
    if (edges_[i]) append_backlog(backlog, edge_node(code) + " store", edges_[i]->backlog());
  }
  if (wms_) {
    append_backlog(backlog, "wms outbox", wms_->outbox().size());
    append_backlog(backlog, "wms held notifications", wms_->held_count());
  }
  if (quality_) append_backlog(backlog, "quality outbox", quality_->outbox().size());
  // Steps wait for their group commit for milliseconds: a world that retries the same work
  // forever shows them at one poll and not the next, which is no progress (stall_watch.h).
  lasting_backlog_ = backlog;
  append_backlog(backlog, "middleware steps awaiting their commit", m.uncommitted_steps);
  return backlog.empty();
}

std::string World::progress_signature() const {
  return lasting_backlog_ + "|erp requests " + std::to_string(erp_.stats().requests) +
         "|postings " + std::to_string(erp_.postings().size()) + "|notifications applied " +
         std::to_string(wms_ ? wms_->applied().size() : 0) + "|middleware life " +
         std::to_string(sim_->node(middleware_id_).incarnation());
}

std::string World::stalled_note(const StallWatch& stall) {
  return " (stalled: nothing moved for " + sim::format_duration(stall.window()) +
         ", so the world stopped there)";
}

sim::Duration World::longest_timer() const {
  const proto::Config d = core::with_defaults(spec_.design);
  const std::uint32_t ms = std::max(
      {d.sequencer().gap_timeout_ms(), d.poster().request_timeout_ms(),
       d.poster().backoff_max_ms(), d.poster().breaker_open_ms(), d.poster().in_doubt_wait_ms(),
       d.publisher().retry_ms(), d.publisher().ack_record_delay_ms()});
  sim::Duration longest = sim::milliseconds(ms);
  for (const PlantSpec& p : spec_.plants) {
    longest = std::max({longest, p.mes.sender.resend_after, p.mes.stock_wait,
                        p.edge_config.resend_after, p.edge_config.reopen_interval});
  }
  if (spec_.wms) longest = std::max(longest, spec_.wms->replenishment_timeout);
  return longest;
}

WorldResult World::run() {
  WorldResult result;
  sim::Scheduler& s = sim_->scheduler();
  const sim::Time settle = settle_point();
  const sim::Time deadline = settle + spec_.drain_bound;
  auto report = [&](const char* phase) {
    if (progress_) progress_({phase, s.now(), settle, deadline});
  };
  // Production in slices of a simulated minute, for the progress display; the same events run
  // in the same order as in one call (run_until fires everything due up to its limit).
  do {
    s.run_until(std::min(settle, s.now() + kProgressSlice));
    report("production");
  } while (s.now() < settle);
  std::string backlog;
  StallWatch stall(longest_timer());
  for (;;) {
    if (drained(backlog)) {
      result.drained = true;
      result.drained_at = s.now();
      break;
    }
    if (s.now() >= deadline) break;
    if (stall.stalled(progress_signature(), s.now())) {
      backlog += stalled_note(stall);
      break;
    }
    s.run_until(std::min(deadline, s.now() + kDrainPoll));
    report("drain");
  }
  sim_->tracer().record(s.now(), "world", "world.end",
                        {{"drained", result.drained ? 1 : 0}, {"backlog", backlog}});

  props::OracleInput in = collect();
  in.last_fault_end = settle;
  in.drain_bound = spec_.drain_bound;
  in.drained = result.drained;
  in.drained_at = result.drained_at;
  in.backlog = backlog;
  result.verdicts = props::check_all(in);
  result.last_fault_end = settle;
  result.ended_at = s.now();
  result.events_created = sources_.size();
  result.erp_postings = erp_.postings().size();
  result.notifications_applied = wms_ ? wms_->applied().size() : 0;
  result.scheduler_events = s.events_run();
  result.erp = erp_.stats();
  if (core::Core* c = core()) result.middleware = c->metrics();
  result.middleware_lives = sim_->node(middleware_id_).incarnation();
  result.crashes = sim_->crashes_that_happened();
  result.outages = sim_->outages_that_happened();
  result.isolations = sim_->isolations_that_happened();
  result.middleware_totals =
      scraper_.totals(result.middleware_lives, core() != nullptr ? &result.middleware : nullptr);
  result.samples = scraper_.samples();
  std::set<std::string_view> posted;
  for (const fakes::Posting& p : erp_.postings()) {
    if (p.source_event_id.empty() || !posted.insert(p.source_event_id).second) continue;
    if (const fakes::EmittedEvent* e = sources_.find(p.source_event_id)) {
      result.posting_timings.push_back({e->created_at, p.committed_at});
    }
  }
  result.verdicts.push_back(operator_phase());
  result.probes = situations_->probes();
  result.crash_points_fired = situations_->fired();
  result.digest = sim_->tracer().digest();
  return result;
}

void World::undo_world_causes() {
  release_master_data();
  const sim::Time now = sim_->scheduler().now();
  const std::vector<std::string> closed(erp_.closed_periods().begin(), erp_.closed_periods().end());
  for (const std::string& period : closed) erp_.change_period(period, /*closed=*/false, now);
  const std::vector<fakes::LotKey> lots = erp_.lots_not_released();
  for (const fakes::LotKey& lot : lots) erp_.set_lot_status(lot, proto::LOT_STATUS_RELEASED);
  if (!closed.empty() || !lots.empty()) {
    sim_->tracer().record(now, "world", "operator.undo",
                          {{"periods_reopened", closed.size()}, {"lots_released", lots.size()}});
  }
}

void World::discard_unpostable(core::Core& c, bool replayed_before) {
  auto parked = c.dead_letters(/*parked_only=*/true);
  if (!parked.is_ok()) return;
  std::set<std::string, std::less<>> restamped;  // ids a source also sent with another payload
  for (const fakes::ConflictingCopy& cc : sources_.conflicting_copies()) restamped.insert(cc.event_id);
  for (const core::DeadLetterRow& d : parked.value()) {
    // A number far past its key's is corrupt: the operator discards it (the source resends
    // the record if it was real), as a replay would post garbage out of order.
    if (d.dead_letter_class == "sequence_out_of_range") {
      discard(c, d.event_id, "a corrupt sequence number; not a real event of the key");
      continue;
    }
    // The event, or the one a reissued copy repeats: its copies carry the same quantities.
    const fakes::EmittedEvent* e = sources_.fact_of(d.event_id);
    // A reissued copy the core refused to replay ("posted with another envelope") is right to
    // be refused when the source also sent its original restamped, and the restamped version
    // reached the core first: the operator compares the two and discards the copy. Only
    // those: any other copy still parked after a replay is the core's failure to see the fact.
    if (replayed_before && e != nullptr && sources_.find(d.event_id) == nullptr &&
        restamped.contains(e->event_id)) {
      discard(c, d.event_id, "a copy of a fact posted under its restamped version");
      continue;
    }
    // Whatever class it was parked with (a material released late first dead-letters as
    // unknown_material), an event the full master data cannot convert never posts.
    if (e == nullptr || !props::some_quantity_unmappable(spec_.master, *e)) {
      continue;
    }
    discard(c, d.event_id, "its quantity does not convert exactly; booked by hand");
  }
}

void World::discard(core::Core& c, const std::string& event_id, const std::string& why) {
  const core::Status st = c.discard(event_id, why, "operator");
  sim_->tracer().record(sim_->scheduler().now(), "world", "operator.discard",
                        {{"event", event_id},
                         {"ok", st.is_ok() ? 1 : 0},
                         {"error", st.is_ok() ? "" : st.error().message}});
}

props::Verdict World::operator_phase() {
  sim::Scheduler& s = sim_->scheduler();
  const sim::Time deadline = s.now() + spec_.drain_bound;
  std::optional<sim::Time> last_replay;
  std::string backlog;
  bool done = false;
  StallWatch stall(longest_timer());
  for (;;) {
    if (core::Core* c = core()) {
      undo_world_causes();
      discard_unpostable(*c, last_replay.has_value());
      auto parked = c->dead_letters(/*parked_only=*/true);
      const bool any_parked = !parked.is_ok() || !parked.value().empty();
      if (any_parked && (!last_replay || s.now() - *last_replay >= kOperatorReplayInterval)) {
        last_replay = s.now();
        const core::Status st = c->replay_all("operator");
        sim_->tracer().record(
            s.now(), "world", "operator.replay_all",
            {{"ok", st.is_ok() ? 1 : 0}, {"error", st.is_ok() ? "" : st.error().message}});
      }
      if (drained(backlog) && !any_parked) {
        done = true;
        break;
      }
      if (any_parked && backlog.empty()) backlog = "parked dead letters the replay left";
    } else {
      backlog = "the middleware is down";
    }
    if (s.now() >= deadline) break;
    if (stall.stalled(progress_signature(), s.now())) {
      backlog += stalled_note(stall);
      break;
    }
    s.run_until(std::min(deadline, s.now() + kOperatorPoll));
    if (progress_) progress_({"operator", s.now(), s.now(), deadline});
  }
  sim_->tracer().record(s.now(), "world", "world.operator_phase_end",
                        {{"drained", done ? 1 : 0}, {"backlog", backlog}});
  props::OracleInput after = collect();
  after.drained = done;
  after.drained_at = s.now();
  after.backlog = backlog;
  return props::check_operator_phase(after);
}

props::OracleInput World::collect() {
  props::OracleInput in;
  in.sources = &sources_;
  in.erp = &erp_;
  in.master = &spec_.master;
  if (!spec_.withheld_materials.empty()) {
    in.master_at_start = &master_at_start_;
    if (master_data_released_) in.master_released_ns = master_released_ns_;
  }
  if (core::Core* c = core()) {
    if (auto events = c->event_states(); events.is_ok()) in.core_events = std::move(events.value());
    if (auto dl = c->dead_letters(/*parked_only=*/false); dl.is_ok()) {
      in.dead_letters = std::move(dl.value());
    }
    if (auto q = c->quarantine(INT64_MAX); q.is_ok()) in.quarantine = std::move(q.value());
    in.notifications_pending = c->metrics().notifications_pending;
  }
  for (const auto& mes : mes_) {
    for (const auto& [id, reason] : mes->outbox().rejections()) in.refused[id] = reason;
  }
  for (const auto& edge : edges_) {
    if (!edge) continue;
    for (const fakes::EdgeRejection& r : edge->rejections()) {
      if (!r.event_id.empty()) in.refused[r.event_id] = r.reason;
    }
  }
  if (wms_) {
    for (const auto& [id, reason] : wms_->outbox().rejections()) in.refused[id] = reason;
    props::Downstream d;
    d.subscriber = "wms";
    for (const fakes::AppliedNotification& n : wms_->applied()) {
      d.applied.push_back(
          {n.notification_id, n.source_event_id, n.ordering_key, n.sequence, n.applied_at});
    }
    for (const fakes::NotificationAnomaly& a : wms_->anomalies()) {
      d.anomalies.push_back("notification " + a.notification_id + " of event " + a.source_event_id +
                            " at sequence " + std::to_string(a.sequence) + " of " + a.ordering_key +
                            " after " + std::to_string(a.last_applied));
    }
    d.stock.emplace();
    for (const auto& [k, milli] : wms_->all_stock()) {
      if (milli != 0) (*d.stock)[{k.plant, k.material, k.lot, k.storage_location}] = milli;
    }
    in.downstream.push_back(std::move(d));
  }
  if (quality_) {
    for (const auto& [id, reason] : quality_->outbox().rejections()) in.refused[id] = reason;
  }
  return in;
}

WorldResult run_world(const WorldSpec& spec) {
  World world(spec);
  return world.run();
}

}  // namespace mw::scen
