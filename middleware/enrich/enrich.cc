#include "middleware/enrich/enrich.h"

#include "middleware/enrich/uom.h"

namespace mw::core {
namespace {

constexpr std::string_view kCycleCountReason = "CYCLE_COUNT";

// Mapper holds what every command of one event needs and keeps the first failure.
class Mapper {
 public:
  Mapper(const proto::EventEnvelope& e, const MasterData& master, const PlantInfo& plant)
      : e_(e), master_(master), plant_(plant) {}

  const PlantInfo& plant() const { return plant_; }
  const std::optional<EnrichFailure>& failure() const { return failure_; }

  // material returns the ERP material of plant material `m` and remembers its base unit.
  std::string material(const std::string& m) {
    auto it = master_.materials.find(m);
    if (it == master_.materials.end()) {
      fail(DeadLetterClass::kUnknownMaterial,
           "material '" + m + "' of plant " + e_.source().plant() + " has no ERP mapping");
      return "";
    }
    material_ = m;
    base_uom_ = it->second.base_uom;
    return it->second.erp_material;
  }

  // quantity converts `q` to the base unit of the material last passed to material().
  proto::Quantity quantity(const proto::Quantity& q) {
    proto::Quantity out;
    if (failure_) return out;
    Result<std::int64_t> milli = convert_milli(q.milli(), q.uom(), base_uom_, master_);
    if (!milli.is_ok()) {
      fail(DeadLetterClass::kUnitConversion, "material '" + material_ + "' of plant " +
                                                 e_.source().plant() + ": " +
                                                 milli.error().message);
      return out;
    }
    out.set_milli(milli.value());
    out.set_uom(base_uom_);
    return out;
  }

  void fail(DeadLetterClass c, std::string reason) {
    if (!failure_) failure_ = EnrichFailure{c, std::move(reason)};
  }

 private:
  const proto::EventEnvelope& e_;
  const MasterData& master_;
  const PlantInfo& plant_;
  std::string material_;
  std::string base_uom_;
  std::optional<EnrichFailure> failure_;
};

// fill_body sets the body of `cmd` for `e`; it returns false for types that post nothing.
bool fill_body(const proto::EventEnvelope& e, Mapper& m, proto::ErpCommand& cmd) {
  const std::string& plant = m.plant().erp_plant;
  switch (e.event_type()) {
    case proto::MATERIAL_CONSUMED: {
      const auto& p = e.material_consumed();
      auto* b = cmd.mutable_goods_issue();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      b->set_storage_location(p.storage_location());
      *b->mutable_quantity() = m.quantity(p.quantity());
      b->set_work_order(p.work_order());
      return true;
    }
    case proto::SCRAP_RECORDED: {
      const auto& p = e.scrap_recorded();
      auto* b = cmd.mutable_scrap();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      *b->mutable_quantity() = m.quantity(p.quantity());
      b->set_reason_code(p.reason_code());
      b->set_cost_center(m.plant().cost_center);
      b->set_work_order(p.work_order());
      b->set_storage_location(p.storage_location());
      return true;
    }
    case proto::FINISHED_GOODS_REPORTED: {
      const auto& p = e.finished_goods_reported();
      auto* b = cmd.mutable_goods_receipt();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      b->set_storage_location(p.storage_location());
      *b->mutable_quantity() = m.quantity(p.quantity());
      b->set_work_order(p.work_order());
      return true;
    }
    case proto::OPERATION_COMPLETED: {
      const auto& p = e.operation_completed();
      auto* b = cmd.mutable_production_confirmation();
      b->set_plant(plant);
      b->set_work_order(p.work_order());
      b->set_operation(p.operation());
      b->set_work_center(p.work_center());
      *b->mutable_yield_quantity() = p.yield_quantity();
      *b->mutable_scrap_quantity() = p.scrap_quantity();
      return true;
    }
    case proto::GOODS_RECEIPT_POSTED: {
      const auto& p = e.goods_receipt_posted();
      auto* b = cmd.mutable_goods_receipt();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      b->set_storage_location(p.storage_location());
      *b->mutable_quantity() = m.quantity(p.quantity());
      b->set_purchase_order(p.purchase_order());
      return true;
    }
    case proto::STOCK_TRANSFERRED: {
      const auto& p = e.stock_transferred();
      auto* b = cmd.mutable_transfer();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      *b->mutable_quantity() = m.quantity(p.quantity());
      b->set_from_location(p.from_location());
      b->set_to_location(p.to_location());
      return true;
    }
    case proto::STOCK_ADJUSTED: {
      const auto& p = e.stock_adjusted();
      auto* b = cmd.mutable_adjustment();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      b->set_storage_location(p.storage_location());
      *b->mutable_delta() = m.quantity(p.delta());
      b->set_reason_code(p.reason_code());
      b->set_cost_center(m.plant().cost_center);
      return true;
    }
    case proto::CYCLE_COUNT_VARIANCE: {
      const auto& p = e.cycle_count_variance();
      auto* b = cmd.mutable_adjustment();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      b->set_storage_location(p.storage_location());
      *b->mutable_delta() = m.quantity(p.variance());
      b->set_reason_code(std::string(kCycleCountReason));
      b->set_cost_center(m.plant().cost_center);
      return true;
    }
    case proto::LOT_STATUS_CHANGED: {
      const auto& p = e.lot_status_changed();
      auto* b = cmd.mutable_lot_status_change();
      b->set_plant(plant);
      b->set_material(m.material(p.material()));
      b->set_lot(p.lot());
      b->set_status(p.status());
      return true;
    }
    default:
      return false;
  }
}

bool posts_nothing(proto::EventType t) {
  return t == proto::WORK_ORDER_RELEASED || t == proto::OPERATION_STARTED ||
         t == proto::ASN_RECEIVED || t == proto::SUPPLIER_SHIPMENT_DELAYED;
}

// payload_matches_type: the payload field numbers are the type numbers shifted by 19 (production)
// or 20 (inventory and procurement); see events.proto.
bool payload_matches_type(const proto::EventEnvelope& e) {
  const int type = static_cast<int>(e.event_type());
  const int field = static_cast<int>(e.payload_case());
  return (type >= 1 && type <= 6 && field == type + 19) || (type >= 10 && field == type + 20);
}

}  // namespace

std::variant<Enriched, EnrichFailure> enrich(const proto::EventEnvelope& e,
                                             const MasterData& master) {
  if (!payload_matches_type(e)) {
    return EnrichFailure{DeadLetterClass::kInvalidCommand,
                         "event '" + e.event_id() + "': event_type " +
                             std::to_string(static_cast<int>(e.event_type())) +
                             " does not match its payload; the event was not validated"};
  }
  if (posts_nothing(e.event_type())) return Enriched{std::nullopt};
  auto plant = master.plants.find(e.source().plant());
  if (plant == master.plants.end()) {
    return EnrichFailure{DeadLetterClass::kInvalidCommand,
                         "plant '" + e.source().plant() + "' has no ERP mapping"};
  }
  Mapper mapper(e, master, plant->second);
  proto::ErpCommand cmd;
  cmd.set_external_reference("mw:" + e.event_id());
  cmd.set_posting_date(e.posting_date());
  cmd.set_source_event_id(e.event_id());
  cmd.set_correlation_id(e.correlation_id());
  if (!fill_body(e, mapper, cmd)) {
    return EnrichFailure{DeadLetterClass::kInvalidCommand,
                         "event '" + e.event_id() + "': event type " +
                             std::to_string(static_cast<int>(e.event_type())) + " is not known"};
  }
  if (mapper.failure()) return *mapper.failure();
  return Enriched{std::move(cmd)};
}

}  // namespace mw::core
