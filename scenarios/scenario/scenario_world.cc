#include "scenarios/scenario/scenario_world.h"

#include <algorithm>
#include <map>
#include <cmath>

#include "middleware/config_defaults.h"
#include "middleware/probes.h"
#include "scenarios/scenario/duration_text.h"
#include "scenarios/world/reference_world.h"

namespace mw::scen {
namespace {

using google::protobuf::Message;
namespace sp = ::mw::scenario;

constexpr sim::Duration kMaxProduction = sim::hours(24 * 7);
constexpr std::uint32_t kMaxPlants = 64;
constexpr std::uint32_t kMaxLines = 32;

// Reader checks and converts the fields of one message, reporting against its locator.
class Reader {
 public:
  Reader(const Message& m, Locator at) : m_(m), at_(std::move(at)) {}

  // duration reads a duration field; `fallback` when the field is empty.
  sim::Duration duration(std::string_view field, const std::string& text, sim::Duration fallback,
                         bool allow_zero = false, bool allow_negative = false) const {
    if (text.empty()) return fallback;
    auto d = parse_duration_text(text, allow_negative);
    if (!d) {
      at_.error(m_, field, "\"" + text + "\" is not a duration (" + kDurationSyntax + ")");
      return fallback;
    }
    if (*d == sim::Duration::zero() && !allow_zero) {
      at_.error(m_, field, "must be longer than zero");
      return fallback;
    }
    return *d;
  }
  std::optional<sim::Duration> optional_duration(std::string_view field,
                                                 const std::string& text) const {
    if (text.empty()) return std::nullopt;
    return duration(field, text, sim::Duration::zero());
  }
  double probability(std::string_view field, double p, double max = 1.0) const {
    if (!(p >= 0 && p <= max)) {
      at_.error(m_, field,
                "must be a probability between 0 and " + format_number(max) + ", not " +
                    format_number(p));
      return 0;
    }
    return p;
  }
  double positive(std::string_view field, double v, double fallback, double max) const {
    if (v == 0) return fallback;
    if (!(v > 0 && v <= max)) {
      at_.error(m_, field,
                "must be above 0 and at most " + format_number(max) + ", not " + format_number(v));
      return fallback;
    }
    return v;
  }
  std::uint32_t count(std::string_view field, std::uint32_t v, std::uint32_t fallback,
                      std::uint32_t max) const {
    if (v == 0) return fallback;
    if (v > max) {
      at_.error(m_, field, "must be at most " + std::to_string(max) + ", not " + std::to_string(v));
      return fallback;
    }
    return v;
  }
  void error(std::string_view field, const std::string& what) const { at_.error(m_, field, what); }
  const Locator& at() const { return at_; }

  static std::string format_number(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

 private:
  const Message& m_;
  Locator at_;
};

sim::LinkConfig read_link(const sp::Link& l, const Reader& r, sim::Time until) {
  sim::LinkConfig c;
  c.latency.base =
      r.duration("latency_base", l.latency_base(), c.latency.base, /*allow_zero=*/true);
  c.latency.jitter_median =
      r.duration("latency_jitter", l.latency_jitter(), c.latency.jitter_median, true);
  if (l.latency_sigma() != 0)
    c.latency.jitter_sigma = r.positive("latency_sigma", l.latency_sigma(), 1.0, 5.0);
  c.loss_probability = r.probability("loss_probability", l.loss_probability(), 0.5);
  c.duplicate_probability = r.probability("duplicate_probability", l.duplicate_probability(), 0.5);
  c.corrupt_probability = r.probability("corrupt_probability", l.corrupt_probability(), 0.5);
  if (!l.outage_mean_up().empty()) {
    c.random_outages.mean_up = r.duration("outage_mean_up", l.outage_mean_up(), sim::hours(1));
    c.random_outages.mean_down =
        r.duration("outage_mean_down", l.outage_mean_down(), c.random_outages.mean_down);
    c.random_outages.until = until;
  }
  return c;
}

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
    if (s.has_network()) network(s.network(), top_.at().nested(s, "network"));
    erp(s.erp(), top_.at().nested(s, "erp"));
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
    if (s.erp().flavor() == sp::Erp::CLOUD) {
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
  }

  void plants(const sp::Scenario& s, std::uint64_t seed) {
    std::uint32_t total = 0;
    for (const sp::Plant& p : s.plants()) total += p.copies() == 0 ? 1 : p.copies();
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
      const sp::Plant& p = s.plants(i);
      const Reader r(p, top_.at().nested(s, "plants", i));
      const std::uint32_t copies = r.count("copies", p.copies(), 1, kMaxPlants);
      for (std::uint32_t c = 0; c < copies && index < out_.spec.plants.size(); ++c, ++index) {
        plant(p, r, out_.spec.plants[index]);
      }
    }
    if (s.has_wms()) {
      const Reader r(s.wms(), top_.at().nested(s, "wms"));
      if (!s.wms().replenishment_timeout().empty()) {
        out_.spec.wms->replenishment_timeout =
            r.duration("replenishment_timeout", s.wms().replenishment_timeout(),
                       out_.spec.wms->replenishment_timeout);
      }
    }
    if (s.has_quality()) {
      const Reader r(s.quality(), top_.at().nested(s, "quality"));
      out_.spec.quality->random.mean_time_between_holds =
          r.duration("mean_time_between_holds", s.quality().mean_time_between_holds(),
                     out_.spec.quality->random.mean_time_between_holds);
      out_.spec.quality->random.block_probability =
          r.probability("block_probability", s.quality().block_probability());
    }
  }

  void plant(const sp::Plant& p, const Reader& r, PlantSpec& out) {
    fakes::MesConfig& mes = out.mes;
    const std::string code = mes.plant;
    nodes_.insert("mes-" + code);
    plant_codes_.insert(code);
    mes.lines = r.count("lines", p.lines(), mes.lines, kMaxLines);
    mes.events_per_second_per_line =
        r.positive("events_per_second_per_line", p.events_per_second_per_line(),
                   mes.events_per_second_per_line, 100);
    if (p.format() == proto::VENDOR_KV) {
      mes.format = proto::VENDOR_KV;
      // The line controller knows KG, EA, M and L only: the FG-600 BOM is written in KG.
      for (fakes::Product& product : mes.products) {
        for (fakes::BomLine& line : product.bom) {
          if (line.uom == "G") {
            line.uom = "KG";
            line.milli_per_unit /= 1000;
          }
        }
      }
    } else if (p.format() != proto::CANONICAL_PROTO &&
               p.format() != proto::SOURCE_FORMAT_UNSPECIFIED) {
      r.error("format", "must be CANONICAL_PROTO or VENDOR_KV");
    }
    mes.clock_skew = r.duration("clock_skew", p.clock_skew(), sim::Duration::zero(), true,
                                /*allow_negative=*/true);
    if (std::chrono::abs(mes.clock_skew) > sim::hours(24))
      r.error("clock_skew", "must be within a day either way");
    if (p.has_shift()) {
      const Reader sr(p.shift(), r.at().nested(p, "shift"));
      mes.shift_length = sr.duration("length", p.shift().length(), mes.shift_length);
      mes.shift_burst_duration =
          sr.duration("burst", p.shift().burst(), mes.shift_burst_duration, true);
      if (mes.shift_burst_duration > mes.shift_length)
        sr.error("burst", "must not be longer than the shift");
      mes.shift_burst_multiplier = sr.positive("burst_multiplier", p.shift().burst_multiplier(),
                                               mes.shift_burst_multiplier, 100);
    }
    sim::Time previous_end = sim::kTimeZero;
    for (int q = 0; q < p.quiet_periods_size(); ++q) {
      const sp::Window& w = p.quiet_periods(q);
      const Reader wr(w, r.at().nested(p, "quiet_periods", q));
      const sim::Time start =
          sim::kTimeZero + wr.duration("start", w.start(), sim::Duration::zero(), true);
      const sim::Duration length = wr.duration("duration", w.duration(), sim::Duration::zero());
      if (w.duration().empty()) wr.error("duration", "is missing");
      if (start < previous_end)
        wr.error("start", "must not be before the end of the previous quiet period");
      previous_end = start + length;
      mes.quiet_periods.push_back({start, start + length});
    }
    out.edge = p.edge();
    if (out.edge) nodes_.insert("edge-" + code);
    mes.sender.duplicate_probability =
        r.probability("duplicate_probability", p.duplicate_probability(), 0.9);
    mes.sender.reorder_probability = r.probability("reorder_probability", p.reorder_probability());
    mes.malformed_probability =
        r.probability("malformed_probability", p.malformed_probability(), 0.5);
    mes.restamped_resend_probability =
        r.probability("restamped_resend_probability", p.restamped_resend_probability(), 0.5);
    mes.work_order_units_max = r.count("work_order_units_max", p.work_order_units_max(),
                                       mes.work_order_units_max, 100'000);
    if (mes.work_order_units_max < mes.work_order_units_min) {
      r.error("work_order_units_max",
              "must be at least " + std::to_string(mes.work_order_units_min) +
                  " (the smallest work order)");
      mes.work_order_units_max = mes.work_order_units_min;
    }
    mes.consumption_per_unit = p.consumption_per_unit();
    if (p.scrap_probability() != 0)
      mes.scrap_probability = r.probability("scrap_probability", p.scrap_probability());
    mes.sender.flush_interval =
        r.duration("flush_interval", p.flush_interval(), mes.sender.flush_interval);
    mes.sender.resend_after = r.duration("resend_after", p.resend_after(), mes.sender.resend_after);
  }

  void network(const sp::Network& n, const Locator& at) {
    const Reader r(n, at);
    if (n.has_default_link())
      out_.spec.network.default_link =
          read_link(n.default_link(), Reader(n.default_link(), at.nested(n, "default_link")),
                    sim::kTimeZero + production_);
    if (out_.spec.network.default_link.random_outages.mean_up > sim::Duration::zero()) {
      out_.fault_windows.push_back(
          {"random link outages", sim::kTimeZero, sim::kTimeZero + production_});
    }
    for (int i = 0; i < n.links_size(); ++i) {
      const sp::LinkOverride& l = n.links(i);
      const Reader lr(l, at.nested(n, "links", i));
      node_name(lr, "a", l.a());
      node_name(lr, "b", l.b());
      if (!l.link().outage_mean_up().empty()) {
        out_.fault_windows.push_back({"random outages " + l.a() + " - " + l.b(), sim::kTimeZero,
                                      sim::kTimeZero + production_});
      }
      out_.spec.network.links.push_back(
          {l.a(), l.b(), true,
           read_link(l.link(), Reader(l.link(), lr.at().nested(l, "link")),
                     sim::kTimeZero + production_)});
    }
    if (!n.partition_mean_interval().empty()) {
      out_.spec.network.random_partitions.mean_interval =
          r.duration("partition_mean_interval", n.partition_mean_interval(), sim::Duration::zero());
      out_.spec.network.random_partitions.mean_duration =
          r.duration("partition_mean_duration", n.partition_mean_duration(),
                     out_.spec.network.random_partitions.mean_duration);
      out_.spec.network.random_partitions.until = sim::kTimeZero + production_;
      out_.fault_windows.push_back(
          {"random network partitions", sim::kTimeZero, sim::kTimeZero + production_});
    }
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

  void erp(const sp::Erp& e, const Locator& at) {
    const Reader r(e, at);
    fakes::ErpConfig& c = out_.spec.erp;
    c.flavor = e.flavor() == sp::Erp::LEGACY ? fakes::ErpFlavor::kLegacy : fakes::ErpFlavor::kCloud;
    c.latency_median = r.duration("latency_median", e.latency_median(), c.latency_median);
    if (e.latency_sigma() != 0)
      c.latency_sigma = r.positive("latency_sigma", e.latency_sigma(), c.latency_sigma, 5);
    c.latency_max = r.duration("latency_max", e.latency_max(), c.latency_max);
    c.throttle_requests_per_second = e.throttle_requests_per_second();
    c.throttle_burst = r.count("throttle_burst", e.throttle_burst(), c.throttle_burst, 100'000);
    c.internal_error_probability =
        r.probability("internal_error_probability", e.internal_error_probability(), 0.9);
    c.lost_reply_probability =
        r.probability("lost_reply_probability", e.lost_reply_probability(), 0.9);
    c.internal_error_after_commit_probability =
        r.probability("internal_error_after_commit_probability",
                      e.internal_error_after_commit_probability(), 0.9);
    c.allow_negative_stock = e.allow_negative_stock();
  }

  bool node_name(const Reader& r, std::string_view field, const std::string& name) {
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
    r.error("node", "\"" + name + "\" keeps nothing on disk: disk faults are for the middleware "
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
        const bool ok = period.size() == 7 && period[4] == '-' &&
                        std::all_of(period.begin(), period.begin() + 4, ::isdigit) &&
                        std::isdigit(period[5]) && std::isdigit(period[6]) &&
                        std::stoi(period.substr(5)) >= 1 && std::stoi(period.substr(5)) <= 12;
        if (!ok) {
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
      case sp::Fault::WHAT_NOT_SET:
        at.error_here(
            "says when but not what: set one of erp_outage, wan_partition, crash, "
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
