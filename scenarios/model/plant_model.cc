#include "scenarios/model/plant_model.h"

#include "scenarios/model/edge_model.h"
#include "scenarios/scenario/duration_text.h"

namespace mw::scen {
namespace {

// read_format sets the MES's source format. The line controller behind VENDOR_KV knows KG, EA,
// M and L only, so the BOM lines written in G are rewritten in KG.
void read_format(const model::Plant& p, const FieldReader& r, fakes::MesConfig& mes) {
  if (p.format() == proto::VENDOR_KV) {
    mes.format = proto::VENDOR_KV;
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
}

void read_shift(const model::Shift& s, const FieldReader& r, fakes::MesConfig& mes) {
  mes.shift_length = r.duration("length", s.length(), mes.shift_length);
  mes.shift_burst_duration = r.duration("burst", s.burst(), mes.shift_burst_duration, true);
  if (mes.shift_burst_duration > mes.shift_length)
    r.error("burst", "must not be longer than the shift");
  mes.shift_burst_multiplier =
      r.positive("burst_multiplier", s.burst_multiplier(), mes.shift_burst_multiplier, 100);
}

void read_quiet_periods(const model::Plant& p, const FieldReader& r, fakes::MesConfig& mes) {
  sim::Time previous_end = sim::kTimeZero;
  for (int q = 0; q < p.quiet_periods_size(); ++q) {
    const model::Window& w = p.quiet_periods(q);
    const FieldReader wr = r.nested(w, "quiet_periods", q);
    const sim::Time start =
        sim::kTimeZero + wr.duration("start", w.start(), sim::Duration::zero(), true);
    const sim::Duration length = wr.duration("duration", w.duration(), sim::Duration::zero());
    if (w.duration().empty()) wr.error("duration", "is missing");
    if (start < previous_end)
      wr.error("start", "must not be before the end of the previous quiet period");
    previous_end = start + length;
    mes.quiet_periods.push_back({start, start + length});
  }
}

// read_emission reads how the MES sends: batching, resends and its interface's faults.
void read_emission(const model::Plant& p, const FieldReader& r, fakes::MesConfig& mes) {
  fakes::SenderConfig& s = mes.sender;
  s.duplicate_probability = r.probability("duplicate_probability", p.duplicate_probability(), 0.9);
  s.reorder_probability = r.probability("reorder_probability", p.reorder_probability());
  s.flush_interval = r.duration("flush_interval", p.flush_interval(), s.flush_interval);
  s.resend_after = r.duration("resend_after", p.resend_after(), s.resend_after);
  s.max_batch_events = r.count("max_batch_events", p.max_batch_events(),
                               static_cast<std::uint32_t>(s.max_batch_events), 10'000);
  s.max_batches_per_flush = r.count("max_batches_per_flush", p.max_batches_per_flush(),
                                    static_cast<std::uint32_t>(s.max_batches_per_flush), 1'000);
  mes.malformed_probability =
      r.probability("malformed_probability", p.malformed_probability(), 0.5);
  mes.restamped_resend_probability =
      r.probability("restamped_resend_probability", p.restamped_resend_probability(), 0.5);
  mes.reissued_resend_probability =
      r.probability("reissued_resend_probability", p.reissued_resend_probability(), 0.5);
  mes.corrupt_sequence_probability =
      r.probability("corrupt_sequence_probability", p.corrupt_sequence_probability(), 0.5);
}

void read_work_orders(const model::Plant& p, const FieldReader& r, fakes::MesConfig& mes) {
  mes.work_order_units_max = r.count("work_order_units_max", p.work_order_units_max(),
                                     mes.work_order_units_max, 100'000);
  if (mes.work_order_units_max < mes.work_order_units_min) {
    r.error("work_order_units_max", "must be at least " +
                                        std::to_string(mes.work_order_units_min) +
                                        " (the smallest work order)");
    mes.work_order_units_max = mes.work_order_units_min;
  }
  mes.consumption_per_unit = p.consumption_per_unit();
  if (p.has_scrap_probability())
    mes.scrap_probability = r.probability("scrap_probability", p.scrap_probability());
  mes.scrap_units_max = r.count("scrap_units_max", p.scrap_units_max(), mes.scrap_units_max, 1'000);
  mes.stock_wait = r.duration("stock_wait", p.stock_wait(), mes.stock_wait);
}

}  // namespace

void read_plant_model(const model::Plant& p, const FieldReader& r, PlantSpec& out) {
  fakes::MesConfig& mes = out.mes;
  mes.lines = r.count("lines", p.lines(), mes.lines, kMaxLines);
  mes.events_per_second_per_line = r.positive(
      "events_per_second_per_line", p.events_per_second_per_line(), mes.events_per_second_per_line,
      100);
  read_format(p, r, mes);
  mes.clock_skew = r.duration("clock_skew", p.clock_skew(), sim::Duration::zero(), true,
                              /*allow_negative=*/true);
  if (std::chrono::abs(mes.clock_skew) > sim::hours(24))
    r.error("clock_skew", "must be within a day either way");
  if (p.has_shift()) read_shift(p.shift(), r.nested(p.shift(), "shift"), mes);
  read_quiet_periods(p, r, mes);
  read_emission(p, r, mes);
  read_work_orders(p, r, mes);
  out.edge = p.edge();
  if (p.has_edge_node()) {
    if (!p.edge()) r.error("edge_node", "configures an edge the plant does not have: set edge: true");
    read_edge_model(p.edge_node(), r.nested(p.edge_node(), "edge_node"), out.edge_config);
  }
}

model::Plant effective_plant_model(const PlantSpec& plant) {
  const fakes::MesConfig& mes = plant.mes;
  model::Plant p;
  p.set_copies(1);
  p.set_lines(mes.lines);
  p.set_events_per_second_per_line(mes.events_per_second_per_line);
  p.set_format(mes.format);
  p.set_clock_skew(format_duration_text(mes.clock_skew));
  model::Shift* shift = p.mutable_shift();
  shift->set_length(format_duration_text(mes.shift_length));
  shift->set_burst(format_duration_text(mes.shift_burst_duration));
  shift->set_burst_multiplier(mes.shift_burst_multiplier);
  for (const fakes::QuietPeriod& q : mes.quiet_periods) {
    model::Window* w = p.add_quiet_periods();
    w->set_start(format_duration_text(q.start - sim::kTimeZero));
    w->set_duration(format_duration_text(q.end - q.start));
  }
  p.set_edge(plant.edge);
  p.set_duplicate_probability(mes.sender.duplicate_probability);
  p.set_reorder_probability(mes.sender.reorder_probability);
  p.set_malformed_probability(mes.malformed_probability);
  p.set_scrap_probability(mes.scrap_probability);
  p.set_flush_interval(format_duration_text(mes.sender.flush_interval));
  p.set_resend_after(format_duration_text(mes.sender.resend_after));
  p.set_restamped_resend_probability(mes.restamped_resend_probability);
  p.set_reissued_resend_probability(mes.reissued_resend_probability);
  p.set_corrupt_sequence_probability(mes.corrupt_sequence_probability);
  p.set_work_order_units_max(mes.work_order_units_max);
  p.set_consumption_per_unit(mes.consumption_per_unit);
  if (plant.edge) *p.mutable_edge_node() = effective_edge_model(plant.edge_config);
  p.set_scrap_units_max(mes.scrap_units_max);
  p.set_stock_wait(format_duration_text(mes.stock_wait));
  p.set_max_batch_events(static_cast<std::uint32_t>(mes.sender.max_batch_events));
  p.set_max_batches_per_flush(static_cast<std::uint32_t>(mes.sender.max_batches_per_flush));
  return p;
}

}  // namespace mw::scen
