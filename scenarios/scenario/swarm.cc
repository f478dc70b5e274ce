#include "scenarios/scenario/swarm.h"

#include <google/protobuf/text_format.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "middleware/ingest/decode.h"
#include "middleware/probes.h"
#include "scenarios/scenario/duration_text.h"
#include "scenarios/version.h"
#include "sim/rng.h"

namespace mw::scen {
namespace {

namespace sp = ::mw::scenario;

// The chance that each family is switched on. TigerBeetle uses a fair coin; so do we, except
// for the families that dominate a world when on (they stay rarer so others get room).
constexpr double kOn = 0.5;
constexpr double kRare = 0.3;

// Swarm draws one world: the families switched on so far, and the seconds of production.
class Swarm {
 public:
  Swarm(std::uint64_t seed, const SwarmOptions& options)
      : root_(sim::Rng(seed).fork("swarm")), options_(options) {}

  // family returns the stream of `name` and whether the family is on; an "on" family is
  // listed in the story. The switch is the stream's first draw, so it never depends on
  // what another family drew.
  bool family(const char* name, double p, sim::Rng& rng) {
    rng = root_.fork(name);
    const bool on = rng.bernoulli(p) && options_.off.count(name) == 0;
    if (on) on_.emplace_back(name);
    return on;
  }
  const std::vector<std::string>& on() const { return on_; }
  sim::Rng& root() { return root_; }

 private:
  sim::Rng root_;
  const SwarmOptions& options_;
  std::vector<std::string> on_;
};

std::string secs(std::int64_t s) { return format_duration_text(sim::seconds(s)); }
std::string millis(std::int64_t ms) { return format_duration_text(sim::milliseconds(ms)); }
// per_mille draws a probability in [lo, hi] thousandths, in whole thousandths.
double per_mille(sim::Rng& rng, int lo, int hi) {
  return static_cast<double>(rng.uniform_range(lo, hi)) / 1000.0;
}

}  // namespace

const std::vector<std::string> kSwarmFamilies = {"bursts",
                                                 "long_keys",
                                                 "mes_duplicates",
                                                 "mes_reordering",
                                                 "mes_malformed",
                                                 "mes_restamped_resends",
                                                 "mes_reissued_resends",
                                                 "mes_corrupt_sequences",
                                                 "clock_skew",
                                                 "vendor_format",
                                                 "edges",
                                                 "edge_power_loss",
                                                 "mes_crashes",
                                                 "legacy_erp",
                                                 "erp_slow",
                                                 "erp_outage",
                                                 "throttling",
                                                 "erp_500s",
                                                 "lost_replies",
                                                 "closed_period",
                                                 "quality_holds",
                                                 "wms",
                                                 "wms_slow",
                                                 "wms_partitioned",
                                                 "wms_crashes",
                                                 "middleware_crashes",
                                                 "middleware_random_crashes",
                                                 "crash_points",
                                                 "wan_partitions",
                                                 "random_partitions",
                                                 "link_loss",
                                                 "link_duplication",
                                                 "link_jitter",
                                                 "link_corruption",
                                                 "link_flaps",
                                                 "units_recorded_in_reverse",
                                                 "master_data_late",
                                                 "disk_faults",
                                                 "inexact_conversions",
                                                 "erp_slow_spells"};

mw::scenario::Scenario swarm_scenario(std::uint64_t seed, const SwarmOptions& options) {
  sp::Scenario s;
  s.set_name("swarm_" + std::to_string(seed));
  s.set_seed(seed);
  Swarm w(seed, options);
  sim::Rng rng = w.root().fork("shape");

  // Workload shape: always drawn. Production of 5 to 15 minutes; the drain bound is generous
  // (liveness is measured from the end of the last fault; a crashed ERP backlog at a throttled
  // rate takes a while, and on a legacy ERP that loses replies every unknown outcome in a key
  // of hundreds of events waits the in-doubt time before the key moves on).
  const std::int64_t production = rng.uniform_range(5 * 60, 15 * 60);
  s.set_production(secs(production));
  s.set_drain_bound("2h");
  const int plant_count = static_cast<int>(rng.uniform_range(1, 3));
  std::int64_t tenths_per_second = 0;  // the mean rate of the whole world, outside bursts
  for (int i = 0; i < plant_count; ++i) {
    model::Plant* p = s.add_plants();
    const std::int64_t lines = rng.uniform_range(1, 3);
    const std::int64_t tenths = rng.uniform_range(2, 15);
    p->set_lines(static_cast<std::uint32_t>(lines));
    p->set_events_per_second_per_line(static_cast<double>(tenths) / 10.0);
    tenths_per_second += lines * tenths;
  }
  auto plant_code = [](int i) { return "P" + std::to_string((i + 1) * 100); };
  // draw_at: a start time within production, leaving at least a minute before its end.
  auto draw_at = [production](sim::Rng& r) { return r.uniform_range(0, production - 60); };

  if (w.family("bursts", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      model::Shift* shift = p.mutable_shift();
      shift->set_burst(secs(rng.uniform_range(60, 5 * 60)));
      shift->set_burst_multiplier(static_cast<double>(rng.uniform_range(15, 40)) / 10.0);
    }
  }

  // Long-running keys: per-unit consumption reports, so a work order's key carries hundreds
  // to a couple of thousand events. One key posts one event at a time; behind a dead letter
  // parked early, a whole shift's events wait for the operator and then drain one by one, and
  // on a legacy ERP after a restart each of them is reconciled first (a query, then the
  // posting), so under link loss a key of a thousand events takes hours: the bound says so.
  if (w.family("long_keys", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      p.set_consumption_per_unit(true);
      p.set_work_order_units_max(static_cast<std::uint32_t>(rng.uniform_range(100, 1000)));
    }
    s.set_drain_bound("6h");
  }

  // The MES interface: each emission fault a family of its own, the value per plant.
  if (w.family("mes_duplicates", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants())
      p.set_duplicate_probability(per_mille(rng, 10, 300));
  }
  if (w.family("mes_reordering", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) p.set_reorder_probability(per_mille(rng, 50, 500));
  }
  if (w.family("mes_malformed", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) p.set_malformed_probability(per_mille(rng, 1, 50));
  }
  if (w.family("mes_restamped_resends", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      p.set_restamped_resend_probability(per_mille(rng, 1, 30));
    }
  }
  if (w.family("mes_reissued_resends", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      p.set_reissued_resend_probability(per_mille(rng, 1, 30));
    }
  }
  if (w.family("mes_corrupt_sequences", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      p.set_corrupt_sequence_probability(per_mille(rng, 1, 10));
    }
  }
  if (w.family("clock_skew", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      const std::int64_t skew = rng.uniform_range(-300, 300);
      if (skew != 0) p.set_clock_skew(format_duration_text(sim::seconds(skew)));
    }
  }
  if (w.family("vendor_format", kOn, rng)) {
    for (model::Plant& p : *s.mutable_plants()) {
      if (rng.bernoulli(0.5)) p.set_format(mw::proto::VENDOR_KV);
    }
  }

  // Edge boxes: some plants behind one; some of those lose power now and then.
  std::vector<int> edges;
  if (w.family("edges", kOn, rng)) {
    for (int i = 0; i < plant_count; ++i) {
      if (rng.bernoulli(0.6) || i == plant_count - 1) {  // at least one edge when on
        s.mutable_plants(i)->set_edge(true);
        edges.push_back(i);
      }
    }
  }
  if (!edges.empty() && w.family("edge_power_loss", kOn, rng)) {
    for (int i : edges) {
      sp::NodeCrashes* c = s.mutable_random_faults()->add_node_crashes();
      c->set_node("edge-" + plant_code(i));
      c->set_mean_up(secs(rng.uniform_range(120, 600)));
      c->set_mean_down(secs(rng.uniform_range(5, 60)));
      c->set_power_loss_probability(per_mille(rng, 300, 1000));
    }
  }
  if (w.family("mes_crashes", kRare, rng)) {
    const int i = static_cast<int>(rng.uniform_range(0, plant_count - 1));
    sp::NodeCrashes* c = s.mutable_random_faults()->add_node_crashes();
    c->set_node("mes-" + plant_code(i));
    c->set_mean_up(secs(rng.uniform_range(120, 600)));
    c->set_mean_down(secs(rng.uniform_range(5, 30)));
  }

  // Master data: conversions recorded the other way round, so every one is used in reverse.
  if (w.family("units_recorded_in_reverse", kOn, rng)) {
    s.mutable_master_data()->set_conversions_recorded_in_reverse(true);
  }
  // A component's mapping released late (only the MES consumes and scraps these two, so every
  // event that needs it has a physical effect the oracles can map), now and then only by the
  // operator after the run.
  if (w.family("master_data_late", kOn, rng)) {
    sp::MasterData* m = s.mutable_master_data();
    m->add_withheld_materials(rng.bernoulli(0.5) ? "RM-200" : "PK-300");
    // Released at the earliest one second in: a scenario refuses a release at zero, which would
    // withhold nothing (swarm seed 1232 drew it).
    if (rng.bernoulli(0.5)) m->set_withheld_until(secs(std::max<std::int64_t>(1, draw_at(rng))));
  }

  // Quantities that do not convert: the ERP keeps the packaging in KG while the plants count
  // pieces, so an odd number of pieces dead-letters (unit_conversion) and the operator
  // discards it after the run.
  if (w.family("inexact_conversions", kOn, rng)) {
    s.mutable_master_data()->set_packaging_kept_in_kg(true);
  }

  // The ERP: its flavour decides the design (a legacy ERP has no idempotency keys).
  const bool legacy = w.family("legacy_erp", kOn, rng);
  if (legacy) s.mutable_erp()->set_flavor(model::Erp::LEGACY);
  s.mutable_design()->mutable_poster()->set_erp_honours_idempotency_keys(!legacy);
  // The longest the ERP processes a request is a property of the ERP (a work process is
  // killed after it); the design asks about an unknown outcome only after that plus the
  // network's longest delay (10 s, sim/network_config.h), as a deployment would set it.
  const std::int64_t erp_latency_max = rng.uniform_range(3, 30);
  s.mutable_erp()->set_latency_max(secs(erp_latency_max));
  s.mutable_design()->mutable_poster()->set_in_doubt_wait_ms(
      static_cast<std::uint32_t>((erp_latency_max + 10) * 1000));
  if (w.family("erp_slow", kRare, rng)) {
    s.mutable_erp()->set_latency_median(millis(rng.uniform_range(100, 800)));
  }
  if (w.family("erp_outage", kOn, rng)) {
    const int n = static_cast<int>(rng.uniform_range(1, 2));
    for (int k = 0; k < n; ++k) {
      sp::Fault* f = s.add_faults();
      f->set_at(secs(draw_at(rng)));
      f->set_duration(secs(rng.uniform_range(10, 300)));
      f->mutable_erp_outage()->set_silent(rng.bernoulli(0.5));
    }
  }
  if (w.family("throttling", kOn, rng)) {
    // At least twice the mean rate: a throttle below the plants' rate never drains, which
    // is a world no design survives, not a bug.
    const std::int64_t least = 2 + (2 * tenths_per_second + 9) / 10;
    s.mutable_erp()->set_throttle_requests_per_second(
        static_cast<std::uint32_t>(rng.uniform_range(least, least + 15)));
    s.mutable_erp()->set_throttle_burst(static_cast<std::uint32_t>(rng.uniform_range(1, 20)));
  }
  if (w.family("erp_500s", kOn, rng)) {
    s.mutable_erp()->set_internal_error_probability(per_mille(rng, 5, 100));
    // Half the worlds also have 500s after the commit: a 500 is not proof of nothing posted.
    if (rng.bernoulli(0.5))
      s.mutable_erp()->set_internal_error_after_commit_probability(per_mille(rng, 5, 50));
  }
  if (w.family("lost_replies", kOn, rng)) {
    s.mutable_erp()->set_lost_reply_probability(per_mille(rng, 5, 100));
  }
  if (w.family("closed_period", kRare, rng)) {
    // Finance closes the period, reopens it before the end of production, and an operator
    // replays the dead letters shortly after it reopened.
    const std::int64_t at = rng.uniform_range(0, production / 2);
    const std::int64_t length = rng.uniform_range(30, production - at - 30);
    sp::Fault* f = s.add_faults();
    f->set_at(secs(at));
    f->set_duration(secs(length));
    f->set_posting_period_closed("2026-01");
    sp::OperatorAction* a = s.add_operator_actions();
    a->set_at(secs(at + length + rng.uniform_range(10, 120)));
    a->set_replay_all_dead_letters(true);
  }

  // Quality: random holds on raw-material lots, some ending as blocks.
  if (w.family("quality_holds", kOn, rng)) {
    s.mutable_quality()->set_mean_time_between_holds(secs(rng.uniform_range(60, 600)));
    if (rng.bernoulli(0.5)) s.mutable_quality()->set_block_probability(per_mille(rng, 50, 500));
  }

  // The WMS, and what can go wrong with it.
  if (w.family("wms", kOn, rng)) {
    s.mutable_wms();
    if (w.family("wms_slow", kOn, rng)) {
      model::LinkOverride* l = s.mutable_network()->add_links();
      l->set_a("middleware");
      l->set_b("wms");
      l->mutable_link()->set_latency_base(millis(rng.uniform_range(50, 1500)));
      l->mutable_link()->set_latency_jitter(millis(rng.uniform_range(1, 300)));
      // A WMS reached over a site VPN loses some notifications and acks too: the publisher's
      // resends and its watermark below the oldest outstanding one are what carry them.
      l->mutable_link()->set_loss_probability(per_mille(rng, 0, 100));
    }
    if (w.family("wms_partitioned", kOn, rng)) {
      sp::Fault* f = s.add_faults();
      f->set_at(secs(draw_at(rng)));
      f->set_duration(secs(rng.uniform_range(10, 300)));
      f->mutable_link_outage()->set_a("middleware");
      f->mutable_link_outage()->set_b("wms");
    }
    if (w.family("wms_crashes", kOn, rng)) {
      sp::NodeCrashes* c = s.mutable_random_faults()->add_node_crashes();
      c->set_node("wms");
      c->set_mean_up(secs(rng.uniform_range(120, 600)));
      c->set_mean_down(secs(rng.uniform_range(5, 60)));
      c->set_power_loss_probability(per_mille(rng, 0, 1000));
    }
  }

  // The middleware itself: scheduled crashes and power losses, and random ones.
  if (w.family("middleware_crashes", kOn, rng)) {
    const int n = static_cast<int>(rng.uniform_range(1, 3));
    for (int k = 0; k < n; ++k) {
      sp::Fault* f = s.add_faults();
      f->set_at(secs(draw_at(rng)));
      f->set_duration(secs(rng.uniform_range(1, 60)));
      f->mutable_crash()->set_node("middleware");
      f->mutable_crash()->set_power_loss(rng.bernoulli(0.5));
    }
  }
  if (w.family("middleware_random_crashes", kRare, rng)) {
    sp::RandomFaults* r = s.mutable_random_faults();
    r->set_middleware_mean_up(secs(rng.uniform_range(90, 600)));
    r->set_middleware_mean_down(secs(rng.uniform_range(1, 30)));
    r->set_power_loss_probability(per_mille(rng, 0, 1000));
  }

  // Crash points (FoundationDB's BUGGIFY): the middleware dies at the moments its core names,
  // which random crashes almost never hit. A point is reached from a few times a run (during
  // recovery) to thousands (each ERP request), so the chance per reach spans two decades, and
  // a world arms one to three points only: with all of them armed, the points reached most
  // (each group commit) would spend the crashes before a rare one (a watermark committed
  // below an outstanding notification) came up.
  if (w.family("crash_points", kOn, rng)) {
    sp::CrashPoints* c = s.mutable_crash_points();
    std::vector<std::string_view> points(core::probes::kCrashPoints.begin(),
                                         core::probes::kCrashPoints.end());
    const int armed = static_cast<int>(rng.uniform_range(1, 3));
    for (int k = 0; k < armed; ++k) {
      const auto pick = static_cast<std::size_t>(
          rng.uniform_range(k, static_cast<std::int64_t>(points.size()) - 1));
      std::swap(points[static_cast<std::size_t>(k)], points[pick]);
      c->add_points(std::string(points[static_cast<std::size_t>(k)]));
    }
    c->set_enable_probability(1);
    static constexpr int kFirePerMille[] = {2, 10, 50, 200};
    c->set_fire_probability(kFirePerMille[rng.uniform_range(0, 3)] / 1000.0);
    c->set_power_loss_probability(per_mille(rng, 0, 1000));
    c->set_max_crashes(static_cast<std::uint32_t>(rng.uniform_range(1, 4)));
    c->set_downtime(secs(rng.uniform_range(1, 30)));
  }

  // The disks of the nodes that keep a store: the middleware's and the edges'. Each gets I/O
  // errors at a rate, a full disk, or both, in windows that end (the world must drain).
  if (w.family("disk_faults", kOn, rng)) {
    std::vector<std::string> nodes = {"middleware"};
    for (int i : edges) nodes.push_back("edge-" + plant_code(i));
    bool any = false;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      // The middleware's disk most often; at least one disk when on.
      const bool last = k + 1 == nodes.size();
      if (!rng.bernoulli(k == 0 ? 0.8 : 0.5) && !(last && !any)) continue;
      any = true;
      const int windows = static_cast<int>(rng.uniform_range(1, 3));
      for (int n = 0; n < windows; ++n) {
        const std::int64_t kind = rng.uniform_range(0, 2);  // errors, full, both
        const std::string at = secs(draw_at(rng));
        const std::string duration = secs(rng.uniform_range(5, 180));
        if (kind != 1) {
          sp::Fault* f = s.add_faults();
          f->set_at(at);
          f->set_duration(duration);
          f->mutable_disk_errors()->set_node(nodes[k]);
          f->mutable_disk_errors()->set_probability(per_mille(rng, 5, 300));
        }
        if (kind != 0) {
          sp::Fault* f = s.add_faults();
          f->set_at(at);
          f->set_duration(duration);
          f->mutable_disk_full()->set_node(nodes[k]);
          f->mutable_disk_full()->set_headroom_bytes(
              static_cast<std::uint64_t>(rng.uniform_range(0, 64)) * 1024);
        }
      }
    }
  }

  // The network: WAN cuts of a plant, random partitions, and what every link does.
  if (w.family("wan_partitions", kOn, rng)) {
    const int n = static_cast<int>(rng.uniform_range(1, 2));
    for (int k = 0; k < n; ++k) {
      sp::Fault* f = s.add_faults();
      f->set_at(secs(draw_at(rng)));
      f->set_duration(secs(rng.uniform_range(10, 480)));
      f->set_wan_partition(plant_code(static_cast<int>(rng.uniform_range(0, plant_count - 1))));
    }
  }
  if (w.family("random_partitions", kRare, rng)) {
    s.mutable_network()->set_partition_mean_interval(secs(rng.uniform_range(120, 600)));
    s.mutable_network()->set_partition_mean_duration(secs(rng.uniform_range(5, 60)));
  }
  model::Link link;
  if (w.family("link_loss", kOn, rng)) link.set_loss_probability(per_mille(rng, 1, 50));
  if (w.family("link_duplication", kOn, rng)) link.set_duplicate_probability(per_mille(rng, 1, 50));
  if (w.family("link_jitter", kOn, rng)) {
    link.set_latency_jitter(millis(rng.uniform_range(1, 100)));
    link.set_latency_sigma(static_cast<double>(rng.uniform_range(10, 20)) / 10.0);
  }
  if (w.family("link_corruption", kOn, rng)) link.set_corrupt_probability(per_mille(rng, 1, 20));
  if (w.family("link_flaps", kRare, rng)) {
    link.set_outage_mean_up(secs(rng.uniform_range(120, 900)));
    link.set_outage_mean_down(secs(rng.uniform_range(2, 60)));
  }
  if (link.ByteSizeLong() > 0) *s.mutable_network()->mutable_default_link() = link;
  if (legacy && link.duplicate_probability() > 0) {
    // A legacy ERP posts every request it receives: a request the network delivers twice
    // posts twice whatever the middleware does, which is a world no design survives. Real
    // links to it are TCP, which never delivers a duplicate; the rest of the network keeps
    // duplicating.
    model::LinkOverride* to_erp = s.mutable_network()->add_links();
    to_erp->set_a("middleware");
    to_erp->set_b("erp");
    *to_erp->mutable_link() = link;
    to_erp->mutable_link()->clear_duplicate_probability();
  }

  // Slow spells of the ERP (a month-end batch run): for a few minutes every request takes
  // up to the ERP's longest processing time, often longer than the design's request timeout
  // (10 s), so requests time out, the breaker opens and its half-open probes are answered
  // late. Its own stream, like every family's, so it changes no other family's draws.
  if (w.family("erp_slow_spells", kOn, rng)) {
    const int n = static_cast<int>(rng.uniform_range(1, 2));
    for (int k = 0; k < n; ++k) {
      sp::Fault* f = s.add_faults();
      f->set_at(secs(draw_at(rng)));
      f->set_duration(secs(rng.uniform_range(30, 600)));
      f->mutable_erp_slow()->set_latency(
          secs(rng.uniform_range((erp_latency_max + 1) / 2, erp_latency_max)));
    }
  }

  std::string story = "Swarm world of seed " + std::to_string(seed) + ": " +
                      std::to_string(plant_count) + " plant" + (plant_count == 1 ? "" : "s") +
                      ", " + secs(production) + " of production; families on: ";
  if (w.on().empty()) story += "none (a clean shift)";
  for (std::size_t i = 0; i < w.on().size(); ++i) story += (i == 0 ? "" : ", ") + w.on()[i];
  s.set_story(story + ".");
  return s;
}

std::string swarm_text(std::uint64_t seed, const SwarmOptions& options) {
  std::string body;
  google::protobuf::TextFormat::Printer printer;
  printer.PrintToString(swarm_scenario(seed, options), &body);
  return "# Generated by `mwsim swarm` (scenarios/scenario/swarm.cc) from seed " +
         std::to_string(seed) + ".\n# Replay: mwsim run swarm_" + std::to_string(seed) +
         ".textproto\n" + body;
}

mw::scenario::SweepReport run_swarm(
    const SeedRange& range, const SwarmOptions& options, int jobs,
    const std::function<bool()>& keep_starting,
    const std::function<void(const mw::scenario::SeedResult&, std::size_t)>& on_done) {
  const auto start = std::chrono::steady_clock::now();  // wall time, for the figures only
  std::vector<scenario::SeedResult> results = run_seeds(
      SeedList{range, Shard{}}, jobs,
      [&options](std::uint64_t seed) {
        ScenarioFile file;
        file.path = "swarm_" + std::to_string(seed) + ".textproto";
        file.scenario = swarm_scenario(seed, options);
        return run_seed(file, seed);
      },
      keep_starting, on_done);
  scenario::SweepReport report;
  report.set_scenario("swarm");
  report.set_path("swarm");
  report.set_first_seed(range.first);
  report.set_last_seed(range.last);
  report.set_shard_index(0);
  report.set_shard_count(1);
  std::string off;
  for (const std::string& f : options.off) off += f + "\n";
  report.set_scenario_digest(core::payload_hash_of_bytes(off));
  report.set_mwsim_version(mwsim_version());
  report.set_wall_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  for (scenario::SeedResult& r : results) *report.add_runs() = std::move(r);
  return report;
}

}  // namespace mw::scen
