#include "middleware/ingest/validate.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mw::core {
namespace {

MasterData master() {
  MasterData m;
  m.plants["P100"] = PlantInfo{"1000", "CC-100"};
  return m;
}

constexpr std::string_view kHead = R"pb(
  event_id: "evt-1"
  source { plant: "P100" system: "mes-p100" }
  schema_version: 1
  occurred_at_ns: 1767225600000000000
  posting_date: "2026-01-01"
  ordering_key: "wo:4711"
  source_sequence: 1
)pb";

proto::EventEnvelope envelope(std::string_view payload) {
  proto::EventEnvelope e;
  const std::string text = std::string(kHead) + std::string(payload);
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &e)) << text;
  return e;
}

// One valid event of every type.
const std::vector<std::string>& valid_payloads() {
  static const std::vector<std::string> kPayloads = {
      R"pb(event_type: WORK_ORDER_RELEASED
           work_order_released {
             work_order: "4711"
             material: "FG-1"
             planned_quantity { milli: 100000 uom: "EA" }
           })pb",
      R"pb(event_type: OPERATION_STARTED
           operation_started { work_order: "4711" operation: "0010" })pb",
      R"pb(event_type: OPERATION_COMPLETED
           operation_completed {
             work_order: "4711"
             operation: "0010"
             yield_quantity { milli: 0 uom: "EA" }
             scrap_quantity { milli: 1000 uom: "EA" }
           })pb",
      R"pb(event_type: MATERIAL_CONSUMED
           material_consumed {
             work_order: "4711"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1500 uom: "KG" }
           })pb",
      R"pb(event_type: SCRAP_RECORDED
           scrap_recorded {
             work_order: "4711"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 5 uom: "G" }
             storage_location: "0001"
           })pb",
      R"pb(event_type: FINISHED_GOODS_REPORTED
           finished_goods_reported {
             work_order: "4711"
             material: "FG-1"
             lot: "F1"
             quantity { milli: 1000 uom: "EA" }
           })pb",
      R"pb(event_type: GOODS_RECEIPT_POSTED
           goods_receipt_posted {
             purchase_order: "PO-1"
             material: "RM-1"
             lot: "S1"
             quantity { milli: 1 uom: "T" }
           })pb",
      R"pb(event_type: STOCK_TRANSFERRED
           stock_transferred {
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1 uom: "ML" }
             from_location: "0001"
             to_location: "0002"
           })pb",
      R"pb(event_type: STOCK_ADJUSTED
           stock_adjusted {
             material: "RM-1"
             lot: "L1"
             delta { milli: -1 uom: "CM" }
           })pb",
      R"pb(event_type: LOT_STATUS_CHANGED
           lot_status_changed { material: "RM-1" lot: "L1" status: LOT_STATUS_QUALITY_HOLD })pb",
      R"pb(event_type: CYCLE_COUNT_VARIANCE
           cycle_count_variance {
             material: "RM-1"
             lot: "L1"
             counted { milli: 0 uom: "MM" }
             variance { milli: -5 uom: "MM" }
           })pb",
      R"pb(event_type: ASN_RECEIVED
           asn_received {
             asn: "ASN-1"
             supplier: "S-1"
             lines {
               material: "RM-1"
               quantity { milli: 3 uom: "L" }
             }
           })pb",
      R"pb(event_type: SUPPLIER_SHIPMENT_DELAYED
           supplier_shipment_delayed { asn: "ASN-1" supplier: "S-1" })pb",
  };
  return kPayloads;
}

std::string failure(const proto::EventEnvelope& e) {
  Status s = validate_envelope(e, master());
  if (s.is_ok()) return "valid";
  EXPECT_EQ(s.error().kind, ErrorKind::kMalformed);
  return s.error().message;
}

proto::EventEnvelope consumed() { return envelope(valid_payloads()[3]); }

TEST(Validate, AcceptsAValidEventOfEveryType) {
  for (const std::string& p : valid_payloads()) {
    EXPECT_EQ(failure(envelope(p)), "valid") << p;
  }
}

TEST(Validate, EventIdMustBePresentShortAndPrintable) {
  proto::EventEnvelope e = consumed();
  e.clear_event_id();
  EXPECT_EQ(failure(e), "event_id is missing");
  e.set_event_id(std::string(129, 'x'));
  EXPECT_EQ(failure(e), "event_id is 129 bytes; the limit is 128");
  e.set_event_id(std::string(128, 'x'));
  EXPECT_EQ(failure(e), "valid");
  e.set_event_id("evt\t1");
  EXPECT_EQ(failure(e), "event_id 'evt\\x091' has a byte that is not printable ASCII at offset 3");
}

TEST(Validate, UnknownSchemaVersionIsRefused) {
  proto::EventEnvelope e = consumed();
  e.set_schema_version(7);
  EXPECT_EQ(failure(e), "schema_version: unknown schema version 7; this core understands 1");
}

TEST(Validate, EventTypeMustMatchThePayload) {
  proto::EventEnvelope e = consumed();
  e.set_event_type(proto::SCRAP_RECORDED);
  EXPECT_EQ(failure(e),
            "event_type SCRAP_RECORDED does not match the payload that is set (material_consumed)");
  e.set_event_type(proto::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(failure(e), "event_type is not set");
  e.set_event_type(static_cast<proto::EventType>(99));
  EXPECT_EQ(failure(e), "event_type: unknown event type 99");
  e.set_event_type(proto::MATERIAL_CONSUMED);
  e.clear_payload();
  EXPECT_EQ(failure(e), "payload is missing (event_type MATERIAL_CONSUMED)");
}

TEST(Validate, OrderingKeySequenceAndTimeAreRequired) {
  proto::EventEnvelope e = consumed();
  e.clear_ordering_key();
  EXPECT_EQ(failure(e), "ordering_key is missing");
  e.set_ordering_key(std::string(257, 'k'));
  EXPECT_EQ(failure(e), "ordering_key is 257 bytes; the limit is 256");
  e = consumed();
  e.set_source_sequence(0);
  EXPECT_EQ(failure(e), "source_sequence is 0; sequences start at 1");
  e = consumed();
  e.set_occurred_at_ns(-5);
  EXPECT_EQ(failure(e), "occurred_at_ns must be positive; got -5");
}

TEST(Validate, PostingDateMustBeACalendarDate) {
  proto::EventEnvelope e = consumed();
  e.set_posting_date("2026-02-30");
  EXPECT_EQ(failure(e), "posting_date: '2026-02-30' is not a calendar date YYYY-MM-DD");
  e.set_posting_date("2025-02-29");
  EXPECT_EQ(failure(e), "posting_date: '2025-02-29' is not a calendar date YYYY-MM-DD");
  e.set_posting_date("2026-13-01");
  EXPECT_EQ(failure(e), "posting_date: '2026-13-01' is not a calendar date YYYY-MM-DD");
  e.set_posting_date("20260101");
  EXPECT_EQ(failure(e), "posting_date: '20260101' is not a calendar date YYYY-MM-DD");
  e.set_posting_date("");
  EXPECT_EQ(failure(e), "posting_date: '' is not a calendar date YYYY-MM-DD");
  for (const char* ok : {"2024-02-29", "2000-02-29", "2026-12-31", "2026-04-30"}) {
    e.set_posting_date(ok);
    EXPECT_EQ(failure(e), "valid") << ok;
  }
  e.set_posting_date("1900-02-29");
  EXPECT_EQ(failure(e), "posting_date: '1900-02-29' is not a calendar date YYYY-MM-DD");
}

TEST(Validate, PlantMustBeKnown) {
  proto::EventEnvelope e = consumed();
  e.mutable_source()->set_plant("P999");
  EXPECT_EQ(failure(e), "source.plant: unknown plant 'P999'");
  e.mutable_source()->clear_plant();
  EXPECT_EQ(failure(e), "source.plant is missing");
}

TEST(Validate, QuantitiesNeedAKnownUnit) {
  proto::EventEnvelope e = consumed();
  e.mutable_material_consumed()->mutable_quantity()->set_uom("LB");
  EXPECT_EQ(failure(e), "material_consumed.quantity.uom: unknown unit 'LB'");
  e.mutable_material_consumed()->mutable_quantity()->set_uom("kg");
  EXPECT_EQ(failure(e), "material_consumed.quantity.uom: unknown unit 'kg'");
  e.mutable_material_consumed()->mutable_quantity()->clear_uom();
  EXPECT_EQ(failure(e), "material_consumed.quantity.uom is missing");
  e.mutable_material_consumed()->clear_quantity();
  EXPECT_EQ(failure(e), "material_consumed.quantity is missing");
}

TEST(Validate, MovedQuantitiesMustBePositive) {
  proto::EventEnvelope e = consumed();
  e.mutable_material_consumed()->mutable_quantity()->set_milli(-1500);
  EXPECT_EQ(failure(e), "material_consumed.quantity must be positive; got -1.5 KG");
  e.mutable_material_consumed()->mutable_quantity()->set_milli(0);
  EXPECT_EQ(failure(e), "material_consumed.quantity must be positive; got 0 KG");
  proto::EventEnvelope asn = envelope(valid_payloads()[11]);
  asn.mutable_asn_received()->mutable_lines(0)->mutable_quantity()->set_milli(0);
  EXPECT_EQ(failure(asn), "asn_received.lines[0].quantity must be positive; got 0 L");
}

TEST(Validate, SignedDeltasMustNotBeZero) {
  proto::EventEnvelope adj = envelope(valid_payloads()[8]);
  adj.mutable_stock_adjusted()->mutable_delta()->set_milli(0);
  EXPECT_EQ(failure(adj), "stock_adjusted.delta must not be zero");
  proto::EventEnvelope ccv = envelope(valid_payloads()[10]);
  ccv.mutable_cycle_count_variance()->mutable_variance()->set_milli(0);
  EXPECT_EQ(failure(ccv), "cycle_count_variance.variance must not be zero");
  ccv.mutable_cycle_count_variance()->mutable_variance()->set_milli(1);
  ccv.mutable_cycle_count_variance()->mutable_counted()->set_milli(-1);
  EXPECT_EQ(failure(ccv), "cycle_count_variance.counted must not be negative; got -0.001 MM");
}

TEST(Validate, OperationYieldAndScrapMustNotBothBeZero) {
  proto::EventEnvelope e = envelope(valid_payloads()[2]);
  e.mutable_operation_completed()->mutable_scrap_quantity()->set_milli(0);
  EXPECT_EQ(failure(e), "operation_completed.yield_quantity and scrap_quantity are both zero");
  e.mutable_operation_completed()->mutable_scrap_quantity()->set_milli(-1);
  EXPECT_EQ(failure(e), "operation_completed.scrap_quantity must not be negative; got -0.001 EA");
}

TEST(Validate, RequiredIdentifiersAreNamed) {
  proto::EventEnvelope e = consumed();
  e.mutable_material_consumed()->clear_work_order();
  EXPECT_EQ(failure(e), "material_consumed.work_order is missing");
  e = consumed();
  e.mutable_material_consumed()->clear_lot();
  EXPECT_EQ(failure(e), "material_consumed.lot is missing");
  proto::EventEnvelope gr = envelope(valid_payloads()[6]);
  gr.mutable_goods_receipt_posted()->clear_purchase_order();
  EXPECT_EQ(failure(gr), "goods_receipt_posted.purchase_order is missing");
  proto::EventEnvelope asn = envelope(valid_payloads()[11]);
  asn.mutable_asn_received()->clear_supplier();
  EXPECT_EQ(failure(asn), "asn_received.supplier is missing");
  asn = envelope(valid_payloads()[11]);
  asn.mutable_asn_received()->clear_lines();
  EXPECT_EQ(failure(asn), "asn_received.lines is empty");
  proto::EventEnvelope delay = envelope(valid_payloads()[12]);
  delay.mutable_supplier_shipment_delayed()->clear_asn();
  EXPECT_EQ(failure(delay), "supplier_shipment_delayed.asn is missing");
  proto::EventEnvelope op = envelope(valid_payloads()[1]);
  op.mutable_operation_started()->clear_operation();
  EXPECT_EQ(failure(op), "operation_started.operation is missing");
}

TEST(Validate, TransferNeedsTwoDifferentLocations) {
  proto::EventEnvelope e = envelope(valid_payloads()[7]);
  e.mutable_stock_transferred()->set_to_location("0001");
  EXPECT_EQ(failure(e), "stock_transferred.to_location equals from_location '0001'");
  e.mutable_stock_transferred()->clear_from_location();
  EXPECT_EQ(failure(e), "stock_transferred.from_location is missing");
}

TEST(Validate, ScrapNeedsTheStorageLocationItIsTakenFrom) {
  proto::EventEnvelope e = envelope(valid_payloads()[4]);
  e.mutable_scrap_recorded()->clear_storage_location();
  EXPECT_EQ(failure(e), "scrap_recorded.storage_location is missing");
}

TEST(Validate, LotStatusMustBeSpecified) {
  proto::EventEnvelope e = envelope(valid_payloads()[9]);
  e.mutable_lot_status_changed()->set_status(proto::LOT_STATUS_UNSPECIFIED);
  EXPECT_EQ(failure(e),
            "lot_status_changed.status must be RELEASED, QUALITY_HOLD or BLOCKED; got 0");
  e.mutable_lot_status_changed()->set_status(static_cast<proto::LotStatus>(42));
  EXPECT_EQ(failure(e),
            "lot_status_changed.status must be RELEASED, QUALITY_HOLD or BLOCKED; got 42");
}

}  // namespace
}  // namespace mw::core
