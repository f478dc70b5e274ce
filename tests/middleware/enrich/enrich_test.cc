#include "middleware/enrich/enrich.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>

#include "middleware/proto_util.h"

namespace mw::core {
namespace {

MasterData master() {
  MasterData m;
  m.plants["P100"] = PlantInfo{"1000", "CC-100"};
  m.materials["RM-1"] = MaterialInfo{"000000000000100001", "KG"};
  m.materials["FG-1"] = MaterialInfo{"000000000000200001", "EA"};
  m.materials["RM-T"] = MaterialInfo{"000000000000100002", "T"};
  m.conversions[{"G", "KG"}] = UomConversion{1, 1000};
  m.conversions[{"T", "KG"}] = UomConversion{1000, 1};
  return m;
}

constexpr std::string_view kHead = R"pb(
  event_id: "evt-1"
  source { plant: "P100" }
  correlation_id: "flow-7"
  schema_version: 1
  occurred_at_ns: 1767225600000000000
  posting_date: "2026-01-31"
  ordering_key: "wo:4711"
  source_sequence: 3
)pb";

// The command fields every posting carries for kHead.
constexpr std::string_view kCommandHead = R"pb(
  external_reference: "mw:evt-1"
  posting_date: "2026-01-31"
  source_event_id: "evt-1"
  correlation_id: "flow-7"
)pb";

proto::EventEnvelope envelope(std::string_view payload) {
  proto::EventEnvelope e;
  const std::string text = std::string(kHead) + std::string(payload);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &e)) << text;
  return e;
}

// command_for enriches `payload` and returns the command as text, or the failure.
std::string command_for(std::string_view payload, const MasterData& m = master()) {
  std::variant<Enriched, EnrichFailure> r = enrich(envelope(payload), m);
  if (const auto* f = std::get_if<EnrichFailure>(&r)) {
    return "failure " + std::string(to_string(f->dead_letter_class)) + ": " + f->reason;
  }
  const auto& cmd = std::get<Enriched>(r).command;
  return cmd ? serialize_deterministic(*cmd) : "no command";
}

std::string expected(std::string_view body) {
  proto::ErpCommand c;
  const std::string text = std::string(kCommandHead) + std::string(body);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c)) << text;
  return serialize_deterministic(c);
}

// EXPECT_COMMAND compares commands by their bytes and prints both as text when they differ.
#define EXPECT_COMMAND(payload, body)                                                        \
  do {                                                                                       \
    const std::string got = command_for(payload);                                            \
    proto::ErpCommand got_msg;                                                               \
    got_msg.ParseFromString(got);                                                            \
    EXPECT_EQ(got, expected(body)) << "got: " << got_msg.ShortDebugString() << " / " << got; \
  } while (0)

TEST(Enrich, MaterialConsumedBecomesGoodsIssue) {
  EXPECT_COMMAND(
      R"pb(event_type: MATERIAL_CONSUMED
           material_consumed {
             work_order: "4711"
             operation: "0010"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1500 uom: "KG" }
             storage_location: "0001"
           })pb",
      R"pb(goods_issue {
             plant: "1000"
             material: "000000000000100001"
             lot: "L1"
             storage_location: "0001"
             quantity { milli: 1500 uom: "KG" }
             work_order: "4711"
           })pb");
}

TEST(Enrich, ScrapRecordedBecomesScrapPostingOnThePlantCostCenter) {
  EXPECT_COMMAND(
      R"pb(event_type: SCRAP_RECORDED
           scrap_recorded {
             work_order: "4711"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 250000 uom: "G" }
             reason_code: "BURN"
             storage_location: "0001"
           })pb",
      R"pb(scrap {
             plant: "1000"
             material: "000000000000100001"
             lot: "L1"
             quantity { milli: 250 uom: "KG" }
             reason_code: "BURN"
             cost_center: "CC-100"
             work_order: "4711"
             storage_location: "0001"
           })pb");
}

TEST(Enrich, FinishedGoodsBecomeGoodsReceiptAgainstTheWorkOrder) {
  EXPECT_COMMAND(
      R"pb(event_type: FINISHED_GOODS_REPORTED
           finished_goods_reported {
             work_order: "4711"
             material: "FG-1"
             lot: "F1"
             quantity { milli: 12000 uom: "EA" }
             storage_location: "0002"
           })pb",
      R"pb(goods_receipt {
             plant: "1000"
             material: "000000000000200001"
             lot: "F1"
             storage_location: "0002"
             quantity { milli: 12000 uom: "EA" }
             work_order: "4711"
           })pb");
}

TEST(Enrich, OperationCompletedBecomesConfirmationWithQuantitiesAsReported) {
  EXPECT_COMMAND(
      R"pb(event_type: OPERATION_COMPLETED
           operation_completed {
             work_order: "4711"
             operation: "0010"
             work_center: "WC1"
             yield_quantity { milli: 98000 uom: "EA" }
             scrap_quantity { milli: 2000 uom: "EA" }
           })pb",
      R"pb(production_confirmation {
             plant: "1000"
             work_order: "4711"
             operation: "0010"
             work_center: "WC1"
             yield_quantity { milli: 98000 uom: "EA" }
             scrap_quantity { milli: 2000 uom: "EA" }
           })pb");
}

TEST(Enrich, GoodsReceiptPostedBecomesGoodsReceiptAgainstThePurchaseOrder) {
  EXPECT_COMMAND(
      R"pb(event_type: GOODS_RECEIPT_POSTED
           goods_receipt_posted {
             purchase_order: "PO-1"
             asn: "ASN-1"
             material: "RM-T"
             lot: "S1"
             quantity { milli: 2500000 uom: "KG" }
             storage_location: "0001"
           })pb",
      R"pb(goods_receipt {
             plant: "1000"
             material: "000000000000100002"
             lot: "S1"
             storage_location: "0001"
             quantity { milli: 2500 uom: "T" }
             purchase_order: "PO-1"
           })pb");
}

TEST(Enrich, StockTransferredBecomesTransfer) {
  EXPECT_COMMAND(
      R"pb(event_type: STOCK_TRANSFERRED
           stock_transferred {
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1000 uom: "KG" }
             from_location: "0001"
             to_location: "0002"
           })pb",
      R"pb(transfer {
             plant: "1000"
             material: "000000000000100001"
             lot: "L1"
             quantity { milli: 1000 uom: "KG" }
             from_location: "0001"
             to_location: "0002"
           })pb");
}

TEST(Enrich, StockAdjustedBecomesAdjustmentOnThePlantCostCenter) {
  EXPECT_COMMAND(
      R"pb(event_type: STOCK_ADJUSTED
           stock_adjusted {
             material: "RM-1"
             lot: "L1"
             storage_location: "0001"
             delta { milli: -3000 uom: "G" }
             reason_code: "DMG"
           })pb",
      R"pb(adjustment {
             plant: "1000"
             material: "000000000000100001"
             lot: "L1"
             storage_location: "0001"
             delta { milli: -3 uom: "KG" }
             reason_code: "DMG"
             cost_center: "CC-100"
           })pb");
}

TEST(Enrich, CycleCountVarianceBecomesAdjustmentOfTheVariance) {
  EXPECT_COMMAND(
      R"pb(event_type: CYCLE_COUNT_VARIANCE
           cycle_count_variance {
             material: "FG-1"
             lot: "F1"
             storage_location: "0002"
             counted { milli: 7000 uom: "EA" }
             variance { milli: -2000 uom: "EA" }
           })pb",
      R"pb(adjustment {
             plant: "1000"
             material: "000000000000200001"
             lot: "F1"
             storage_location: "0002"
             delta { milli: -2000 uom: "EA" }
             reason_code: "CYCLE_COUNT"
             cost_center: "CC-100"
           })pb");
}

TEST(Enrich, LotStatusChangedBecomesLotStatusChange) {
  EXPECT_COMMAND(
      R"pb(event_type: LOT_STATUS_CHANGED
           lot_status_changed { material: "RM-1" lot: "L1" status: LOT_STATUS_BLOCKED reason: "QC" })pb",
      R"pb(lot_status_change {
             plant: "1000"
             material: "000000000000100001"
             lot: "L1"
             status: LOT_STATUS_BLOCKED
           })pb");
}

TEST(Enrich, PlanningAndProcurementEventsPostNothing) {
  EXPECT_EQ(
      command_for(R"pb(event_type: WORK_ORDER_RELEASED
                       work_order_released { work_order: "4711" material: "NOT-IN-MASTER" })pb"),
      "no command");
  EXPECT_EQ(command_for(R"pb(event_type: OPERATION_STARTED
                             operation_started { work_order: "4711" })pb"),
            "no command");
  EXPECT_EQ(command_for(R"pb(event_type: ASN_RECEIVED
                             asn_received { asn: "A" })pb"), "no command");
  EXPECT_EQ(command_for(R"pb(event_type: SUPPLIER_SHIPMENT_DELAYED
                             supplier_shipment_delayed { asn: "A" })pb"),
            "no command");
}

TEST(Enrich, InexactConversionIsAUnitConversionFailure) {
  EXPECT_EQ(command_for(R"pb(event_type: MATERIAL_CONSUMED
                             material_consumed {
                               material: "RM-1"
                               quantity { milli: 1500 uom: "G" }
                             })pb"),
            "failure unit_conversion: material 'RM-1' of plant P100: converting 1.5 G to KG is "
            "not exact (factor 1/1000 leaves a remainder below one milli-unit)");
}

TEST(Enrich, MissingConversionIsAUnitConversionFailure) {
  EXPECT_EQ(command_for(R"pb(event_type: MATERIAL_CONSUMED
                             material_consumed {
                               material: "RM-1"
                               quantity { milli: 1500 uom: "L" }
                             })pb"),
            "failure unit_conversion: material 'RM-1' of plant P100: no unit conversion from L "
            "to KG in master data");
}

TEST(Enrich, UnknownMaterialIsAnUnknownMaterialFailure) {
  EXPECT_EQ(command_for(R"pb(event_type: MATERIAL_CONSUMED
                             material_consumed {
                               material: "RM-9"
                               quantity { milli: 1500 uom: "KG" }
                             })pb"),
            "failure unknown_material: material 'RM-9' of plant P100 has no ERP mapping");
}

TEST(Enrich, UnknownPlantIsAnInvalidCommand) {
  MasterData m = master();
  m.plants.clear();
  EXPECT_EQ(command_for(R"pb(event_type: MATERIAL_CONSUMED
                             material_consumed {
                               material: "RM-1"
                               quantity { milli: 1500 uom: "KG" }
                             })pb",
                        m),
            "failure invalid_command: plant 'P100' has no ERP mapping");
}

TEST(Enrich, TypeAndPayloadDisagreeingIsAnInvalidCommand) {
  EXPECT_EQ(command_for(R"pb(event_type: SCRAP_RECORDED
                             material_consumed {
                               material: "RM-1"
                               quantity { milli: 1500 uom: "KG" }
                             })pb"),
            "failure invalid_command: event 'evt-1': event_type 5 does not match its payload; "
            "the event was not validated");
}

TEST(Enrich, ExternalReferenceDependsOnlyOnTheEventId) {
  const std::string payload =
      R"pb(event_type: MATERIAL_CONSUMED
           material_consumed {
             work_order: "4711"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1500 uom: "KG" }
           })pb";
  auto reference = [](const proto::EventEnvelope& e) {
    auto r = enrich(e, master());
    return std::get<Enriched>(r).command->external_reference();
  };
  proto::EventEnvelope a = envelope(payload);
  proto::EventEnvelope b = a;
  b.set_source_sequence(99);
  b.set_occurred_at_ns(a.occurred_at_ns() + 1);
  b.set_correlation_id("other-flow");
  b.mutable_source()->set_edge_node("edge-2");
  b.mutable_material_consumed()->mutable_quantity()->set_milli(2000);
  EXPECT_EQ(reference(a), "mw:evt-1");
  EXPECT_EQ(reference(b), "mw:evt-1");
  b.set_event_id("evt-2");
  EXPECT_EQ(reference(b), "mw:evt-2");
}

TEST(Enrich, IsDeterministic) {
  const std::string payload =
      R"pb(event_type: SCRAP_RECORDED
           scrap_recorded {
             work_order: "4711"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 250000 uom: "G" }
             reason_code: "BURN"
             storage_location: "0001"
           })pb";
  EXPECT_EQ(command_for(payload), command_for(payload));
}

}  // namespace
}  // namespace mw::core
