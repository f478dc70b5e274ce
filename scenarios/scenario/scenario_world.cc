#include "scenarios/scenario/scenario_world.h"

#include <algorithm>
#include <map>

#include "fakes/erp/erp_config.h"
#include "middleware/config_defaults.h"
#include "middleware/probes.h"
#include "scenarios/model/disk_model.h"
#include "scenarios/model/erp_model.h"
#include "scenarios/model/field_reader.h"
#include "scenarios/model/network_model.h"
#include "scenarios/model/plant_model.h"
#include "scenarios/model/quality_model.h"
#include "scenarios/model/wms_model.h"
#include "scenarios/scenario/duration_text.h"
#include "scenarios/scenario/sweep.h"
#include "scenarios/world/reference_world.h"

namespace mw::scen {
namespace {

namespace sp = ::mw::scenario;
using Reader = FieldReader;

constexpr sim::Duration kMaxProduction = sim::hours(24 * 7);
constexpr std::uint32_t kMaxPlants = 64;

// Builder holds what the sections share: the spec, the node names, the errors.
class Builder {
 public:
  Builder(const ScenarioFile& file, BuiltWorld& out)
      : file_(file), out_(out), top_(file.scenario, Locator(file, out.errors)) {}

  void build(std::optional<std::uint64_t> seed) {
    const sp::Scenario& s = file_.scenario;
    check_name_and_story(s);
    production_ = top_.duration("production", s.production(), sim::hours(1));
    if (production_ > kMaxProduction) {
      top_.error("production",
                 "must be at most 7 days (168h), not " + format_duration_text(production_));
      production_ = kMaxProduction;
    }
    const sim::Duration drain = top_.duration("drain_bound", s.drain_bound(), sim::minutes(15));
    plants(s, seed.value_or(s.seed() == 0 ? 1 : s.seed()));
    out_.spec.drain_bound = drain;
    if (s.has_network()) network(s.network(), top_.nested(s.network(), "network"));
    read_erp_model(s.erp(), top_.nested(s.erp(), "erp"), out_.spec.erp);
    out_.spec.design = s.design();
    design(s);
    for (int i = 0; i < s.faults_size(); ++i) fault(s.faults(i), top_.at().nested(s, "faults", i));
    if (s.has_random_faults())
      random_faults(s.random_faults(), top_.at().nested(s, "random_faults"));
    for (int i = 0; i < s.operator_actions_size(); ++i) {
      operator_action(s.operator_actions(i), top_.at().nested(s, "operator_actions", i));
    }
    if (s.has_crash_points()) crash_points(s.crash_points(), top_.at().nested(s, "crash_points"));
    expect(s.expect(), top_.at().nested(s, "expect"));
    if (out_.errors.empty()) {
      for (const std::string& problem : validate_world_spec(out_.spec)) {
        top_.at().error_here("the world it describes is not valid: " + problem);
      }
    }
  }

 private:
  // design checks the middleware design as the core will (config_problems), placing each
  // problem at its field, and what the world wires itself.
  void design(const sp::Scenario& s) {
    for (const core::ConfigProblem& p : core::config_problems(s.design()))
      error_at_path(s, "design." + p.field, p.what);
    const Locator at = top_.at().nested(s, "design");
    if (s.design().publisher().subscribers_size() > 0) {
      at.nested(s.design(), "publisher")
          .error(s.design().publisher(), "subscribers",
                 "is wired by the world (the WMS when there is one): leave it out",
                 /*index=*/0);
    }
    if (!s.design().erp_endpoint().empty() && s.design().erp_endpoint() != "erp") {
      at.error(s.design(), "erp_endpoint", "must be \"erp\" (the ERP's node) or left out");
    }
    design_for_flavor(s, at);
  }

  // design_for_flavor gives the design the posting path a deployment against this ERP would
  // use: a cloud ERP honours idempotency keys (retry and rely on its dedup), a legacy one does
  // not (reconcile by query before a retry). A legacy ERP with a design that trusts keys it
  // does not have is refused, unless the scenario says it means it
  // (erp.design_may_contradict_flavor), as an experiment on the wrong design does.
  void design_for_flavor(const sp::Scenario& s, const Locator& at) {
    if (s.erp().design_may_contradict_flavor()) return;
    if (s.erp().flavor() == model::Erp::CLOUD) {
      out_.spec.design.mutable_poster()->set_erp_honours_idempotency_keys(true);
    } else if (s.design().poster().erp_honours_idempotency_keys()) {
      at.nested(s.design(), "poster")
          .error(s.design().poster(), "erp_honours_idempotency_keys",
                 "is true but the ERP is LEGACY, which ignores idempotency keys (a retry posts "
                 "twice); set erp.design_may_contradict_flavor if that is the experiment");
    }
  }

  // error_at_path reports `what` at the field `dotted` ("design.poster.backoff_max_ms") of `s`.
  void error_at_path(const sp::Scenario& s, const std::string& dotted, const std::string& what) {
    const google::protobuf::Message* message = &s;
    Locator at = top_.at();
    std::string_view rest = dotted;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      const std::string name(rest.substr(0, dot));
      const auto* field = message->GetDescriptor()->FindFieldByName(name);
      if (field == nullptr ||
          field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE)
        break;
      at = at.nested(*message, name);
      message = &message->GetReflection()->GetMessage(*message, field);
      rest.remove_prefix(dot + 1);
    }
    if (message->GetDescriptor()->FindFieldByName(std::string(rest)) == nullptr) {
      at.error_here(dotted + ": " + what);
      return;
    }
    at.error(*message, rest, what);
  }

  void check_name_and_story(const sp::Scenario& s) {
    const std::string& name = s.name();
    const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!name_ok)
      top_.error("name", "must be a non-empty name of a-z, 0-9 and _, not \"" + name + "\"");
    if (s.story().empty()) top_.error("story", "is missing: say what happens, in plant terms");
    if (!s.seeds().empty()) {
      const auto range = parse_seed_range(s.seeds());
      if (!range)
        top_.error("seeds", "must be A..B with A <= B, or one seed, not \"" + s.seeds() + "\"");
      else if (range->last - range->first >= kMaxCheckSeeds)
        top_.error("seeds", "are at most " + std::to_string(kMaxCheckSeeds) + " seeds, not " +
                                s.seeds() + " (a longer range is a sweep: mwsim sweep)");
    }
  }

  void plants(const sp::Scenario& s, std::uint64_t seed) {
    std::uint32_t total = 0;
    for (const model::Plant& p : s.plants()) total += p.copies() == 0 ? 1 : p.copies();
    if (s.plants_size() == 0) top_.at().error_here("needs at least one entry in plants");
    if (total > kMaxPlants)
      top_.error("plants", "come to " + std::to_string(total) + " plants; at most " +
                               std::to_string(kMaxPlants));
    total = std::clamp<std::uint32_t>(total, 1, kMaxPlants);

    ReferenceWorldOptions o;
    o.seed = seed;
    o.plants = static_cast<int>(total);
    o.production = production_;
    o.wms = s.has_wms();
    o.quality = s.has_quality();
    out_.spec = reference_world(o);
    if (s.master_data().packaging_kept_in_kg()) {
      out_.spec.master.materials.at("PK-300").base_uom = "KG";
      out_.spec.master.conversions[{"EA", "KG"}] = core::UomConversion{1, 80};  // 12.5 g a piece
    }
    if (s.master_data().conversions_recorded_in_reverse()) {
      std::map<std::pair<std::string, std::string>, core::UomConversion> reversed;
      for (const auto& [units, factor] : out_.spec.master.conversions)
        reversed[{units.second, units.first}] = {factor.denominator, factor.numerator};
      out_.spec.master.conversions = std::move(reversed);
    }
    withheld_master_data(s.master_data(), top_.at().nested(s, "master_data"));
    nodes_ = {"middleware", "erp"};
    if (o.wms) nodes_.insert("wms");
    if (o.quality) nodes_.insert("quality");

    std::size_t index = 0;
    for (int i = 0; i < s.plants_size(); ++i) {
      const model::Plant& p = s.plants(i);
      const Reader r = top_.nested(p, "plants", i);
      const std::uint32_t copies = r.count("copies", p.copies(), 1, kMaxPlants);
      for (std::uint32_t c = 0; c < copies && index < out_.spec.plants.size(); ++c, ++index) {
        plant(p, r, out_.spec.plants[index]);
      }
    }
    if (s.has_wms()) read_wms_model(s.wms(), top_.nested(s.wms(), "wms"), *out_.spec.wms);
    if (s.has_quality())
      read_quality_model(s.quality(), top_.nested(s.quality(), "quality"), *out_.spec.quality);
    if (s.has_disk()) read_disk_model(s.disk(), top_.nested(s.disk(), "disk"), out_.spec.disk);
  }

  void plant(const model::Plant& p, const Reader& r, PlantSpec& out) {
    const std::string code = out.mes.plant;
    nodes_.insert("mes-" + code);
    plant_codes_.insert(code);
    read_plant_model(p, r, out);
    if (out.edge) nodes_.insert("edge-" + code);
  }

  void network(const model::Network& n, const Reader& r) {
    const sim::Time end = sim::kTimeZero + production_;
    sim::NetworkConfig& c = out_.spec.network;
    read_network_model(
        n, r, end,
        [this](const Reader& lr, std::string_view field, const std::string& name) {
          return node_name(lr, field, name);
        },
        c);
    if (c.default_link.random_outages.mean_up > sim::Duration::zero())
      out_.fault_windows.push_back({"random link outages", sim::kTimeZero, end});
    for (const sim::LinkOverride& l : c.links) {
      if (l.config.random_outages.mean_up > sim::Duration::zero())
        out_.fault_windows.push_back(
            {"random outages " + l.from + " - " + l.to, sim::kTimeZero, end});
    }
    if (c.random_partitions.mean_interval > sim::Duration::zero())
      out_.fault_windows.push_back({"random network partitions", sim::kTimeZero, end});
  }

  void withheld_master_data(const sp::MasterData& m, const Locator& at) {
    const Reader r(m, at);
    for (int i = 0; i < m.withheld_materials_size(); ++i) {
      const std::string& material = m.withheld_materials(i);
      if (out_.spec.master.materials.contains(material)) {
        out_.spec.withheld_materials.push_back(material);
        continue;
      }
      std::string known;
      for (const auto& [name, info] : out_.spec.master.materials)
        known += (known.empty() ? "" : ", ") + name;
      at.error(m, "withheld_materials",
               "\"" + material + "\" is not a material of the plants (they are " + known + ")", i);
    }
    const auto until = r.optional_duration("withheld_until", m.withheld_until());
    if (!until) return;
    if (m.withheld_materials_size() == 0) {
      r.error("withheld_until", "needs withheld_materials: nothing is withheld");
      return;
    }
    out_.spec.withheld_until = sim::kTimeZero + *until;
    out_.fault_windows.push_back({"master data withheld", sim::kTimeZero, sim::kTimeZero + *until});
  }

  bool node_name(const Reader& r, std::string_view field, const std::string& name) const {
    if (nodes_.count(name) != 0) return true;
    std::string known;
    for (const std::string& n : nodes_) known += (known.empty() ? "" : ", ") + n;
    r.error(field, "\"" + name + "\" is not a node of this world (its nodes: " + known + ")");
    return false;
  }

  // disk_node checks that a disk fault names a node that keeps a store on its disk.
  bool disk_node(const Reader& r, const std::string& name) {
    if (!node_name(r, "node", name)) return false;
    if (name == "middleware" || name.starts_with("edge-")) return true;
    r.error("node", "\"" + name +
                        "\" keeps nothing on disk: disk faults are for the middleware "
                        "and the edges (\"edge-<plant>\")");
    return false;
  }

  void fault(const sp::Fault& f, const Locator& at) {
    const Reader r(f, at);
    if (f.at().empty()) r.error("at", "is missing: when does the fault start?");
    const sim::Time start =
        sim::kTimeZero + r.duration("at", f.at(), sim::Duration::zero(), /*allow_zero=*/true);
    if (start - sim::kTimeZero > production_)
      r.error("at", "must not be after the end of production (" +
                        format_duration_text(production_) + ")");
    auto required_duration = [&]() {
      if (f.duration().empty()) r.error("duration", "is missing: how long does the fault last?");
      return r.duration("duration", f.duration(), sim::seconds(1));
    };
    switch (f.what_case()) {
      case sp::Fault::kErpOutage: {
        const sim::Duration d = required_duration();
        out_.spec.erp.outages.push_back({start, d,
                                         f.erp_outage().silent()
                                             ? fakes::OutageMode::kSilent
                                             : fakes::OutageMode::kUnavailable});
        out_.fault_windows.push_back(
            {f.erp_outage().silent() ? "erp outage (silent)" : "erp outage", start, start + d});
        break;
      }
      case sp::Fault::kWanPartition: {
        const sim::Duration d = required_duration();
        const std::string& plant = f.wan_partition();
        if (plant_codes_.count(plant) == 0) {
          r.error("wan_partition",
                  "\"" + plant +
                      "\" is not a plant of this world (plants are P100, P200, ... in order)");
          break;
        }
        const std::string source =
            nodes_.count("edge-" + plant) != 0 ? "edge-" + plant : "mes-" + plant;
        out_.spec.network.outages.push_back({source, "middleware", start, d});
        out_.fault_windows.push_back({"wan partition " + plant, start, start + d});
        break;
      }
      case sp::Fault::kCrash: {
        const Reader cr(f.crash(), at.nested(f, "crash"));
        if (!node_name(cr, "node", f.crash().node())) break;
        const sim::Duration d = r.duration("duration", f.duration(), sim::seconds(5));
        out_.spec.crashes.push_back(
            {f.crash().node(), start, d,
             f.crash().power_loss() ? sim::CrashKind::kPowerLoss : sim::CrashKind::kProcessCrash});
        out_.fault_windows.push_back(
            {(f.crash().power_loss() ? "power loss " : "crash ") + f.crash().node(), start,
             start + d});
        break;
      }
      case sp::Fault::kPostingPeriodClosed: {
        const std::string& period = f.posting_period_closed();
        if (!fakes::is_period_name(period)) {
          r.error("posting_period_closed",
                  "\"" + period + "\" is not a period: write YYYY-MM, e.g. 2026-01");
          break;
        }
        out_.spec.erp.period_schedule.push_back({start, period, fakes::PeriodAction::kClose});
        sim::Time end = sim::kTimeZero + production_;
        if (!f.duration().empty()) {
          end = start + r.duration("duration", f.duration(), sim::seconds(1));
          out_.spec.erp.period_schedule.push_back({end, period, fakes::PeriodAction::kReopen});
        }
        out_.fault_windows.push_back({"posting period " + period + " closed", start, end});
        break;
      }
      case sp::Fault::kLinkOutage: {
        const Reader lr(f.link_outage(), at.nested(f, "link_outage"));
        const bool a = node_name(lr, "a", f.link_outage().a());
        const bool b = node_name(lr, "b", f.link_outage().b());
        const sim::Duration d = required_duration();
        if (!a || !b) break;
        out_.spec.network.outages.push_back({f.link_outage().a(), f.link_outage().b(), start, d});
        out_.fault_windows.push_back(
            {"link " + f.link_outage().a() + " - " + f.link_outage().b(), start, start + d});
        break;
      }
      case sp::Fault::kIsolation: {
        const Reader ir(f.isolation(), at.nested(f, "isolation"));
        const bool known = node_name(ir, "node", f.isolation().node());
        const sim::Duration d = required_duration();
        if (!known) break;
        // side_b empty: every other node of the world.
        out_.spec.network.partitions.push_back(
            {{f.isolation().node()}, {}, f.isolation().one_way(), start, d});
        out_.fault_windows.push_back(
            {"isolation " + f.isolation().node() + (f.isolation().one_way() ? " (one way)" : ""),
             start, start + d});
        break;
      }
      case sp::Fault::kDiskErrors: {
        const Reader dr(f.disk_errors(), at.nested(f, "disk_errors"));
        const sim::Duration d = required_duration();
        const bool node = disk_node(dr, f.disk_errors().node());
        const double p = dr.probability("probability", f.disk_errors().probability());
        if (p == 0) dr.error("probability", "must be above 0: how often does an I/O call fail?");
        if (!node || p == 0) break;
        out_.spec.disk_faults.push_back({f.disk_errors().node(), start, d, p, std::nullopt});
        out_.fault_windows.push_back({"disk errors " + f.disk_errors().node(), start, start + d});
        break;
      }
      case sp::Fault::kDiskFull: {
        const Reader dr(f.disk_full(), at.nested(f, "disk_full"));
        const sim::Duration d = required_duration();
        if (!disk_node(dr, f.disk_full().node())) break;
        out_.spec.disk_faults.push_back(
            {f.disk_full().node(), start, d, 0, f.disk_full().headroom_bytes()});
        out_.fault_windows.push_back({"disk full " + f.disk_full().node(), start, start + d});
        break;
      }
      case sp::Fault::kErpSlow: {
        const Reader sr(f.erp_slow(), at.nested(f, "erp_slow"));
        const sim::Duration d = required_duration();
        if (f.erp_slow().latency().empty()) {
          sr.error("latency", "is missing: how long does a request take during the spell?");
          break;
        }
        const sim::Duration latency =
            sr.duration("latency", f.erp_slow().latency(), sim::Duration::zero());
        // latency_max is the longest the ERP ever processes a request (a work process is
        // killed after it); the design's in-doubt wait is set from it, so a spell beyond it
        // would be an ERP that breaks its own limit.
        if (latency > out_.spec.erp.latency_max) {
          sr.error("latency", "must not exceed erp.latency_max (" +
                                  format_duration_text(out_.spec.erp.latency_max) +
                                  "), the longest the ERP processes a request");
          break;
        }
        out_.spec.erp.slowdowns.push_back({start, d, latency});
        out_.fault_windows.push_back(
            {"erp slow (" + format_duration_text(latency) + ")", start, start + d});
        break;
      }
      case sp::Fault::WHAT_NOT_SET:
        at.error_here(
            "says when but not what: set one of erp_outage, erp_slow, wan_partition, crash, "
            "posting_period_closed, link_outage, isolation, disk_errors, disk_full");
        break;
    }
  }

  void random_faults(const sp::RandomFaults& f, const Locator& at) {
    const Reader r(f, at);
    const sim::Time until = sim::kTimeZero + r.duration("until", f.until(), production_);
    if (f.middleware_mean_up().empty() && f.node_crashes_size() == 0) {
      at.error_here("says nothing: set middleware_mean_up or node_crashes");
      return;
    }
    if (!f.middleware_mean_up().empty()) {
      sim::RandomCrashes& c = out_.spec.middleware_random_crashes;
      c.mean_up = r.duration("middleware_mean_up", f.middleware_mean_up(), sim::hours(1));
      c.mean_down = r.duration("middleware_mean_down", f.middleware_mean_down(), c.mean_down);
      c.power_loss_probability =
          r.probability("power_loss_probability", f.power_loss_probability());
      c.until = until;
      out_.fault_windows.push_back({"random middleware crashes", sim::kTimeZero, until});
    }
    for (int i = 0; i < f.node_crashes_size(); ++i) {
      const sp::NodeCrashes& n = f.node_crashes(i);
      const Reader nr(n, at.nested(f, "node_crashes", i));
      if (n.node() == "middleware") {
        nr.error("node",
                 "the middleware's random crashes are middleware_mean_up and middleware_mean_down");
        continue;
      }
      if (!node_name(nr, "node", n.node())) continue;
      if (n.mean_up().empty()) nr.error("mean_up", "is missing: the mean time between crashes");
      sim::RandomCrashes c;
      c.mean_up = nr.duration("mean_up", n.mean_up(), sim::hours(1));
      c.mean_down = nr.duration("mean_down", n.mean_down(), c.mean_down);
      c.power_loss_probability =
          nr.probability("power_loss_probability", n.power_loss_probability());
      c.until = until;
      if (!out_.spec.random_crashes.emplace(n.node(), c).second)
        nr.error("node", "has random crashes twice");
      out_.fault_windows.push_back({"random crashes " + n.node(), sim::kTimeZero, until});
    }
  }

  void operator_action(const sp::OperatorAction& a, const Locator& at) {
    const Reader r(a, at);
    if (a.at().empty()) r.error("at", "is missing: when does the operator act?");
    const sim::Time when = sim::kTimeZero + r.duration("at", a.at(), sim::Duration::zero(), true);
    if (a.what_case() != sp::OperatorAction::kReplayAllDeadLetters ||
        !a.replay_all_dead_letters()) {
      at.error_here("says when but not what: set replay_all_dead_letters: true");
      return;
    }
    out_.spec.operator_actions.push_back({when, OperatorAction::Kind::kReplayAll});
  }

  void expect(const sp::Expect& e, const Locator& at) {
    const Reader r(e, at);
    for (int i = 0; i < e.oracles_fail_size(); ++i) {
      const std::string& name = e.oracles_fail(i);
      if (std::find(kOracleNames.begin(), kOracleNames.end(), name) == kOracleNames.end()) {
        at.error(e, "oracles_fail",
                 "\"" + name +
                     "\" is not an oracle (no_loss, exactly_once, sequencing, conservation, "
                     "downstream, liveness)",
                 i);
        continue;
      }
      out_.expect.oracles_fail.insert(name);
    }
    out_.expect.max_p99_posting_latency =
        r.optional_duration("max_p99_posting_latency", e.max_p99_posting_latency());
    out_.expect.max_drain_time = r.optional_duration("max_drain_time", e.max_drain_time());
    for (int i = 0; i < e.probes_reached_size(); ++i) {
      const std::string& name = e.probes_reached(i);
      if (!core::probes::is_probe(name)) {
        at.error(e, "probes_reached",
                 "\"" + name + "\" is not a probe (" + list(core::probes::kProbes) + ")", i);
        continue;
      }
      out_.expect.probes_reached.insert(name);
    }
  }

  template <typename Names>
  static std::string list(const Names& names) {
    std::string out;
    for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
  }

  void crash_points(const sp::CrashPoints& c, const Locator& at) {
    const Reader r(c, at);
    CrashPointsSpec& spec = out_.spec.crash_points;
    spec.enabled = true;
    if (c.enable_probability() != 0)
      spec.enable_probability = r.probability("enable_probability", c.enable_probability());
    if (c.fire_probability() != 0)
      spec.fire_probability = r.probability("fire_probability", c.fire_probability());
    spec.power_loss_probability =
        r.probability("power_loss_probability", c.power_loss_probability());
    spec.max_crashes = r.count("max_crashes", c.max_crashes(), spec.max_crashes, 100);
    spec.downtime = r.duration("downtime", c.downtime(), spec.downtime);
    for (int i = 0; i < c.points_size(); ++i) {
      const std::string& name = c.points(i);
      if (!core::probes::is_crash_point(name)) {
        at.error(c, "points",
                 "\"" + name + "\" is not a crash point (" + list(core::probes::kCrashPoints) + ")",
                 i);
        continue;
      }
      spec.points.push_back(name);
    }
    out_.fault_windows.push_back({"crash points", sim::kTimeZero, sim::kTimeZero + production_});
  }

  const ScenarioFile& file_;
  BuiltWorld& out_;
  Reader top_;
  sim::Duration production_ = sim::hours(1);
  std::set<std::string> nodes_;
  std::set<std::string> plant_codes_;
};

}  // namespace

BuiltWorld build_world(const ScenarioFile& file, std::optional<std::uint64_t> seed) {
  BuiltWorld out;
  Builder(file, out).build(seed);
  return out;
}

}  // namespace mw::scen
