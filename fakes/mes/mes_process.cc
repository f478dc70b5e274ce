#include "fakes/mes/mes_process.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "fakes/common/process_factory.h"
#include "fakes/mes/event_encoding.h"
#include "fakes/mes/units.h"
#include "middleware/proto/wire.pb.h"
#include "sim/check.h"

namespace mw::fakes {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;
constexpr std::int64_t kNanosPerDay = 86400000000000LL;
constexpr std::int64_t kMilliPerUnit = 1000;

void set_quantity(proto::Quantity* q, std::int64_t milli, const std::string& uom) {
  q->set_milli(milli);
  q->set_uom(uom);
}

sim::Duration mean_gap_for(double events_per_second) {
  return sim::clamp_to_duration(1e9 / events_per_second);
}

}  // namespace

MesProcess::MesProcess(sim::Node& node, MesState& state, std::shared_ptr<const MesConfig> config)
    : node_(node),
      state_(state),
      config_(std::move(config)),
      sender_(node, state.outbox(), config_->sender, node.rng().fork("mes/sender")),
      timing_rng_(node.rng().fork("mes/timing")),
      orders_rng_(node.rng().fork("mes/orders")),
      scrap_rng_(node.rng().fork("mes/scrap")),
      malformed_rng_(node.rng().fork("mes/malformed")),
      restamp_rng_(node.rng().fork("mes/restamp")),
      reissue_rng_(node.rng().fork("mes/reissue")),
      corrupt_rng_(node.rng().fork("mes/corrupt-sequence")),
      mean_gap_(mean_gap_for(config_->events_per_second_per_line)),
      mean_burst_gap_(
          mean_gap_for(config_->events_per_second_per_line * config_->shift_burst_multiplier)) {
  MW_CHECK(state_.initialized() && state_.lines().size() == config_->lines,
           "MesProcess needs the MesState make_mes initialized from the same config");
  const std::map<std::string, std::string> units = material_stock_units(*config_);
  for (const Product& p : config_->products) {
    std::vector<std::vector<std::size_t>>& by_op = components_.emplace_back(p.routing.size());
    std::vector<std::int64_t>& kept = kept_per_unit_.emplace_back();
    for (std::size_t b = 0; b < p.bom.size(); ++b) {
      std::size_t op = 0;
      while (!p.bom[b].operation.empty() && p.routing[op].operation != p.bom[b].operation) ++op;
      by_op[op].push_back(b);
      const auto milli =
          convert_milli(p.bom[b].milli_per_unit, p.bom[b].uom, units.at(p.bom[b].material));
      MW_CHECK(milli.has_value(), "a BOM line does not convert to its stock unit");
      kept.push_back(*milli);
    }
  }
  ++state_.stats().starts;
  const sim::Time now = node_.now();
  for (std::size_t i = 0; i < state_.lines().size(); ++i) {
    const LineState& line = state_.lines()[i];
    arm(i, line.planned ? std::max(now, line.next_step_at) : now + gap());
  }
}

void MesProcess::on_message(sim::NodeId from, std::string_view bytes) {
  proto::Frame frame;
  if (frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
      sender_.on_frame(frame)) {
    return;
  }
  ++state_.stats().garbage;
  node_.trace("mes.garbage", {{"from", node_.peer_name(from)}, {"bytes", bytes.size()}});
}

// --- Timing. ----------------------------------------------------------------------------------

void MesProcess::arm(std::size_t index, sim::Time at) {
  const sim::Time when = after_quiet(at);
  if (when != at) ++state_.stats().quiet_deferrals;
  LineState& line = state_.lines()[index];
  line.planned = true;
  line.next_step_at = when;
  node_.at(when, [this, index] { step(index); });
}

sim::Duration MesProcess::gap() {
  const MesConfig& c = *config_;
  const bool burst =
      sim::to_nanos(node_.now()) % c.shift_length.count() < c.shift_burst_duration.count();
  return timing_rng_.exponential_duration(burst ? mean_burst_gap_ : mean_gap_);
}

sim::Time MesProcess::after_quiet(sim::Time t) const {
  // Periods are in order and apart, so one pass moves `t` past every period that covers it.
  for (const QuietPeriod& q : config_->quiet_periods) {
    if (t >= q.start && t < q.end) t = q.end;
  }
  return t;
}

void MesProcess::step(std::size_t index) {
  LineState& line = state_.lines()[index];
  const bool made = advance(index, line);
  arm(index, node_.now() + (made ? gap() : config_->stock_wait));
}

// --- The production model. ----------------------------------------------------------------------

bool MesProcess::advance(std::size_t index, LineState& line) {
  for (;;) {
    switch (line.stage) {
      case LineStage::kRelease:
        return release(index, line);
      case LineStage::kStart:
        start_operation(line);
        return true;
      case LineStage::kConsume: {
        const std::vector<std::size_t>& bom = components_[line.product][line.operation];
        if (line.component == bom.size()) {
          line.stage = LineStage::kClose;
          continue;
        }
        if (!consume(index, line, bom[line.component])) return false;
        if (!config_->consumption_per_unit ||
            ++line.units_reported == line.planned_milli / kMilliPerUnit) {
          ++line.component;
          line.units_reported = 0;
        }
        return true;
      }
      case LineStage::kClose:
        if (close_operation(line)) return true;
        continue;  // nothing to scrap from: complete the operation in this step
      case LineStage::kComplete:
        complete_operation(line);
        return true;
      case LineStage::kFinish:
        finish(line);
        return true;
    }
  }
}

const std::string* MesProcess::first_missing(std::size_t product, std::int64_t units) {
  const std::vector<BomLine>& bom = config_->products[product].bom;
  for (std::size_t b = 0; b < bom.size(); ++b) {
    if (!state_.stock().oldest_with(bom[b].material, kept_per_unit_[product][b] * units)) {
      return &bom[b].material;
    }
  }
  return nullptr;
}

bool MesProcess::release(std::size_t index, LineState& line) {
  const MesConfig& c = *config_;
  const std::size_t products = c.products.size();
  const auto drawn = static_cast<std::size_t>(orders_rng_.uniform(products));
  const std::int64_t units =
      orders_rng_.uniform_range(c.work_order_units_min, c.work_order_units_max);
  // Release only what the plant's stock can build now: the drawn product, else the next one.
  const std::string* missing = nullptr;
  std::size_t k = 0;
  for (; k < products; ++k) {
    const std::string* m = first_missing((drawn + k) % products, units);
    if (m == nullptr) break;
    if (missing == nullptr) missing = m;
  }
  if (k == products) {
    ++state_.stats().stock_waits;
    node_.trace("mes.wait", {{"line", static_cast<std::uint64_t>(index)}, {"material", *missing}});
    return false;
  }
  line.product = (drawn + k) % products;
  line.work_order = std::to_string(state_.take_work_order());
  line.ordering_key = "wo:" + c.plant + "/" + line.work_order;
  line.planned_milli = units * kMilliPerUnit;
  line.good_milli = line.planned_milli;
  line.next_sequence = 1;
  line.operation = 0;
  line.component = 0;
  line.units_reported = 0;
  line.operation_scrap_milli = 0;
  line.consumed.clear();
  const Product& p = c.products[line.product];
  auto* b = begin(line, proto::WORK_ORDER_RELEASED).mutable_work_order_released();
  b->set_work_order(line.work_order);
  b->set_material(p.material);
  set_quantity(b->mutable_planned_quantity(), line.planned_milli, p.uom);
  b->set_work_center(p.routing.front().work_center);
  emit(line, {});
  ++state_.stats().work_orders_released;
  line.stage = LineStage::kStart;
  return true;
}

void MesProcess::start_operation(LineState& line) {
  const RoutingStep& op = config_->products[line.product].routing[line.operation];
  auto* b = begin(line, proto::OPERATION_STARTED).mutable_operation_started();
  b->set_work_order(line.work_order);
  b->set_operation(op.operation);
  b->set_work_center(op.work_center);
  emit(line, {});
  line.stage = LineStage::kConsume;
  line.component = 0;
}

bool MesProcess::consume(std::size_t index, LineState& line, std::size_t bom_line) {
  const MesConfig& c = *config_;
  const Product& p = c.products[line.product];
  const BomLine& need = p.bom[bom_line];
  const std::int64_t units = c.consumption_per_unit ? 1 : line.planned_milli / kMilliPerUnit;
  const std::int64_t milli = need.milli_per_unit * units;  // as the BOM and the event say
  const std::int64_t kept = kept_per_unit_[line.product][bom_line] * units;  // from the lot
  PhysicalStock& stock = state_.stock();
  const std::optional<LotIndex> lot = stock.oldest_with(need.material, kept);
  if (!lot) {
    ++state_.stats().stock_waits;
    node_.trace("mes.wait",
                {{"line", static_cast<std::uint64_t>(index)}, {"material", need.material}});
    return false;
  }
  const PhysicalStock::Lot& from = stock.lot(*lot);
  stock.take(*lot, kept);
  line.consumed.push_back(ConsumedLot{bom_line, *lot, line.operation});
  auto* b = begin(line, proto::MATERIAL_CONSUMED).mutable_material_consumed();
  b->set_work_order(line.work_order);
  b->set_operation(p.routing[line.operation].operation);
  b->set_material(need.material);
  b->set_lot(from.lot);
  set_quantity(b->mutable_quantity(), milli, need.uom);
  b->set_storage_location(from.storage_location);
  emit(line,
       {PhysicalEffect{c.plant, need.material, from.lot, from.storage_location, -milli, need.uom}});
  return true;
}

bool MesProcess::close_operation(LineState& line) {
  const MesConfig& c = *config_;
  line.stage = LineStage::kComplete;
  line.operation_scrap_milli = 0;
  if (!scrap_rng_.bernoulli(c.scrap_probability)) return false;
  ++state_.stats().scrap_incidents;
  const std::int64_t drawn = scrap_rng_.uniform_range(1, c.scrap_units_max);
  const std::int64_t good_units = line.good_milli / kMilliPerUnit;
  line.operation_scrap_milli = std::min(drawn, good_units - 1) * kMilliPerUnit;

  // The spoiled component: one consumed at this operation, else any the order consumed.
  std::size_t first = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < line.consumed.size(); ++i) {
    if (line.consumed[i].operation == line.operation) {
      if (count == 0) first = i;
      ++count;
    }
  }
  if (count == 0) count = line.consumed.size();
  if (count == 0) {
    ++state_.stats().component_scrap_skipped;
    return false;
  }
  const ConsumedLot pick = line.consumed[first + scrap_rng_.uniform(count)];
  const Product& p = c.products[line.product];
  const BomLine& component = p.bom[pick.bom_line];
  PhysicalStock& stock = state_.stock();
  const PhysicalStock::Lot& lot = stock.lot(pick.lot);
  // Whole units' worth, at most what the lot still holds.
  const std::int64_t kept_per_unit = kept_per_unit_[line.product][pick.bom_line];
  const std::int64_t units = std::min(drawn, lot.available / kept_per_unit);
  if (units == 0) {
    ++state_.stats().component_scrap_skipped;
    return false;
  }
  const std::int64_t milli = component.milli_per_unit * units;
  // The scrap is taken where the lot lies, which is where the component was consumed from.
  stock.take(pick.lot, kept_per_unit * units);
  auto* b = begin(line, proto::SCRAP_RECORDED).mutable_scrap_recorded();
  b->set_work_order(line.work_order);
  b->set_operation(p.routing[line.operation].operation);
  b->set_material(component.material);
  b->set_lot(lot.lot);
  set_quantity(b->mutable_quantity(), milli, component.uom);
  b->set_reason_code(c.scrap_reason_code);
  b->set_storage_location(lot.storage_location);
  emit(line, {PhysicalEffect{c.plant, component.material, lot.lot, lot.storage_location, -milli,
                             component.uom}});
  return true;
}

void MesProcess::complete_operation(LineState& line) {
  const Product& p = config_->products[line.product];
  const RoutingStep& op = p.routing[line.operation];
  const std::int64_t yield = line.good_milli - line.operation_scrap_milli;
  auto* b = begin(line, proto::OPERATION_COMPLETED).mutable_operation_completed();
  b->set_work_order(line.work_order);
  b->set_operation(op.operation);
  b->set_work_center(op.work_center);
  set_quantity(b->mutable_yield_quantity(), yield, p.uom);
  set_quantity(b->mutable_scrap_quantity(), line.operation_scrap_milli, p.uom);
  emit(line, {});
  line.good_milli = yield;
  line.operation_scrap_milli = 0;
  ++line.operation;
  line.stage = line.operation < p.routing.size() ? LineStage::kStart : LineStage::kFinish;
}

void MesProcess::finish(LineState& line) {
  const MesConfig& c = *config_;
  const Product& p = c.products[line.product];
  std::string lot = c.plant + "-" + line.work_order;
  state_.stock().add_lot(p.material, lot, p.storage_location, line.good_milli, p.uom);
  auto* b = begin(line, proto::FINISHED_GOODS_REPORTED).mutable_finished_goods_reported();
  b->set_work_order(line.work_order);
  b->set_material(p.material);
  b->set_lot(lot);
  set_quantity(b->mutable_quantity(), line.good_milli, p.uom);
  b->set_storage_location(p.storage_location);
  emit(line, {PhysicalEffect{c.plant, p.material, std::move(lot), p.storage_location,
                             line.good_milli, p.uom}});
  ++state_.stats().work_orders_finished;
  line.stage = LineStage::kRelease;
  line.consumed.clear();
}

// --- Creating events. ---------------------------------------------------------------------------

proto::EventEnvelope& MesProcess::begin(LineState& line, proto::EventType type) {
  const MesConfig& c = *config_;
  proto::EventEnvelope& e = scratch_;
  e.Clear();
  scratch_sequence_ = line.next_sequence++;
  std::string* id = e.mutable_event_id();
  id->reserve(c.plant.size() + line.work_order.size() + 8);
  id->append(c.plant).append(1, '-').append(line.work_order).append(1, '-');
  id->append(std::to_string(scratch_sequence_));
  e.mutable_source()->set_plant(c.plant);
  e.mutable_source()->set_system(node_.name());
  e.set_correlation_id(line.work_order);
  e.set_event_type(type);
  e.set_schema_version(1);
  const std::int64_t unix_ns = c.epoch_unix_ns + sim::to_nanos(node_.now());
  std::int64_t occurred = unix_ns + c.clock_skew.count();
  if (c.format == proto::VENDOR_KV) occurred -= occurred % kNanosPerMilli;  // the format's grain
  e.set_occurred_at_ns(occurred);
  e.set_posting_date(posting_date(unix_ns));
  e.set_ordering_key(line.ordering_key);
  e.set_source_sequence(scratch_sequence_);
  return e;
}

void MesProcess::emit(const LineState& line, std::vector<PhysicalEffect> effects) {
  const MesConfig& c = *config_;
  if (c.malformed_probability > 0 && malformed_rng_.bernoulli(c.malformed_probability)) {
    emit_malformed();
  }
  if (c.corrupt_sequence_probability > 0 &&
      corrupt_rng_.bernoulli(c.corrupt_sequence_probability)) {
    emit_corrupt_sequence(line);
  }
  const proto::EventEnvelope& e = scratch_;
  proto::SourceEvent out;
  out.set_format(c.format);
  out.set_payload(encode_event(e, c.format));
  state_.log().append(EmittedEvent{e.event_id(), node_.name(), c.plant, e.event_type(),
                                   line.ordering_key, scratch_sequence_, node_.now(), false,
                                   std::move(effects)});
  node_.trace("mes.event", {{"id", e.event_id()}, {"type", proto::EventType_Name(e.event_type())}});
  sender_.enqueue(e.event_id(), std::move(out));
  MesStats& s = state_.stats();
  ++s.events;
  ++s.events_by_type[e.event_type()];
  if (c.restamped_resend_probability > 0 || c.reissued_resend_probability > 0) {
    const bool delivered =
        previous_ && state_.outbox().find(previous_->event_id()) == nullptr;
    if (delivered && c.restamped_resend_probability > 0 &&
        restamp_rng_.bernoulli(c.restamped_resend_probability)) {
      resend_restamped();
    }
    if (delivered && c.reissued_resend_probability > 0 &&
        reissue_rng_.bernoulli(c.reissued_resend_probability)) {
      resend_reissued();
    }
    previous_ = e;
  }
}

void MesProcess::resend_restamped() {
  const MesConfig& c = *config_;
  proto::EventEnvelope copy = *previous_;
  // The stamp of the step just created; a copy stamped in the same instant moves by the
  // format's grain, so its payload always differs.
  std::int64_t stamp = scratch_.occurred_at_ns();
  if (stamp == copy.occurred_at_ns()) stamp += kNanosPerMilli;
  copy.set_occurred_at_ns(stamp);
  proto::SourceEvent out;
  out.set_format(c.format);
  out.set_payload(encode_event(copy, c.format));
  state_.log().append_conflicting_copy(
      ConflictingCopy{copy.event_id(), node_.name(), copy.ordering_key(), node_.now()});
  node_.trace("mes.restamped_resend", {{"id", copy.event_id()}});
  sender_.enqueue(copy.event_id(), std::move(out));
  ++state_.stats().restamped_resends;
}

void MesProcess::resend_reissued() {
  const MesConfig& c = *config_;
  proto::EventEnvelope copy = *previous_;
  // Unique: an event is previous_ for one step only, and is reissued at most once then.
  copy.set_event_id(previous_->event_id() + "-reissued");
  proto::SourceEvent out;
  out.set_format(c.format);
  out.set_payload(encode_event(copy, c.format));
  state_.log().append_reissued_copy(ReissuedCopy{copy.event_id(), previous_->event_id(),
                                                 node_.name(), copy.ordering_key(), node_.now()});
  node_.trace("mes.reissued_resend", {{"id", copy.event_id()}, {"of", previous_->event_id()}});
  sender_.enqueue(copy.event_id(), std::move(out));
  ++state_.stats().reissued_resends;
}

void MesProcess::emit_corrupt_sequence(const LineState& line) {
  const MesConfig& c = *config_;
  const std::uint64_t n = ++state_.stats().corrupt_sequences;
  proto::EventEnvelope e = scratch_;
  e.set_event_id(c.plant + "-S" + std::to_string(n));
  constexpr std::uint64_t kLargest = std::numeric_limits<std::int64_t>::max();
  const std::uint64_t sequence = corrupt_rng_.bernoulli(0.5)
                                     ? line.next_sequence + (std::uint64_t{1} << 32)
                                     : kLargest - corrupt_rng_.uniform(1000);
  e.set_source_sequence(sequence);
  proto::SourceEvent out;
  out.set_format(c.format);
  out.set_payload(encode_event(e, c.format));
  EmittedEvent logged{e.event_id(), node_.name(), c.plant, e.event_type(), line.ordering_key,
                      sequence, node_.now(), false, {}};
  logged.corrupt_sequence = true;
  state_.log().append(std::move(logged));
  node_.trace("mes.event", {{"id", e.event_id()}, {"type", "corrupt_sequence"}});
  sender_.enqueue(e.event_id(), std::move(out));
  ++state_.stats().events;
}

void MesProcess::emit_malformed() {
  const MesConfig& c = *config_;
  const std::uint64_t n = state_.take_malformed();
  proto::EventEnvelope e = scratch_;
  e.set_event_id(c.plant + "-M" + std::to_string(n));
  e.set_ordering_key("malformed:" + c.plant);
  e.set_source_sequence(n);
  const MalformedKind kind =
      malformed_rng_.bernoulli(0.5) ? MalformedKind::kUndecodable : MalformedKind::kInvalid;
  proto::SourceEvent out;
  out.set_format(c.format);
  out.set_payload(malformed_payload(e, c.format, kind));
  state_.log().append(EmittedEvent{e.event_id(),
                                   node_.name(),
                                   c.plant,
                                   e.event_type(),
                                   e.ordering_key(),
                                   n,
                                   node_.now(),
                                   true,
                                   {}});
  node_.trace("mes.event", {{"id", e.event_id()}, {"type", "malformed"}});
  sender_.enqueue(e.event_id(), std::move(out));
  ++state_.stats().events;
  ++state_.stats().malformed;
}

const std::string& MesProcess::posting_date(std::int64_t unix_ns) {
  const std::int64_t day = unix_ns / kNanosPerDay;
  if (day != date_day_) {
    date_day_ = day;
    date_ = utc_date(unix_ns);
  }
  return date_;
}

sim::ProcessFactory make_mes(MesState& state, std::shared_ptr<const MesConfig> config) {
  require_valid(validate_mes_config(*config));
  state.initialize(*config);
  return process_factory<MesProcess>(state, std::move(config));
}

sim::ProcessFactory make_mes(MesState& state, MesConfig config) {
  return make_mes(state, std::make_shared<const MesConfig>(std::move(config)));
}

}  // namespace mw::fakes
