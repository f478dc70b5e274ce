#include "middleware/ingest/vendor_kv.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "middleware/proto_util.h"

namespace mw::core {
namespace {

constexpr std::string_view kHeader =
    "MSGID=e-1|VER=1|SITE=P100|SYS=mes-p100|TS=1767225600123|PDATE=20260101|OKEY=wo:4711|SEQ=3";

// record builds a vendor record: the common header, then `rest` (which starts with TYP=...).
std::string record(std::string_view rest) { return std::string(kHeader) + "|" + std::string(rest); }

proto::EventEnvelope decoded(std::string_view payload) {
  Result<proto::EventEnvelope> r = decode_vendor_kv(payload);
  EXPECT_TRUE(r.is_ok()) << payload << "\n  -> " << (r.is_ok() ? "" : r.error().message);
  return r.is_ok() ? r.value() : proto::EventEnvelope();
}

std::string failure(std::string_view payload) {
  Result<proto::EventEnvelope> r = decode_vendor_kv(payload);
  if (r.is_ok()) return "decoded without error: " + r.value().ShortDebugString();
  EXPECT_EQ(r.error().kind, ErrorKind::kMalformed);
  return r.error().message;
}

proto::EventEnvelope envelope(const std::string& text) {
  proto::EventEnvelope e;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &e)) << text;
  return e;
}

void expect_round_trip(const proto::EventEnvelope& e) {
  const std::string wire = encode_vendor_kv(e);
  Result<proto::EventEnvelope> back = decode_vendor_kv(wire);
  ASSERT_TRUE(back.is_ok()) << wire << "\n  -> " << back.error().message;
  EXPECT_EQ(serialize_deterministic(back.value()), serialize_deterministic(e))
      << "sent:    " << e.ShortDebugString() << "\nwire:    " << wire
      << "\ndecoded: " << back.value().ShortDebugString();
}

TEST(VendorKv, DecodesHeaderIntoCanonicalFields) {
  proto::EventEnvelope e =
      decoded(record("TYP=OPSTA|AUFNR=4711|VORNR=0010|ARBPL=WC1|EDGE=edge-1|CORR=c-9|CAUSE=x-1"));
  EXPECT_EQ(e.event_id(), "e-1");
  EXPECT_EQ(e.event_type(), proto::OPERATION_STARTED);
  EXPECT_EQ(e.schema_version(), 1u);
  EXPECT_EQ(e.source().plant(), "P100");
  EXPECT_EQ(e.source().system(), "mes-p100");
  EXPECT_EQ(e.source().edge_node(), "edge-1");
  EXPECT_EQ(e.correlation_id(), "c-9");
  EXPECT_EQ(e.causation_id(), "x-1");
  EXPECT_EQ(e.occurred_at_ns(), 1767225600123000000);
  EXPECT_EQ(e.posting_date(), "2026-01-01");
  EXPECT_EQ(e.ordering_key(), "wo:4711");
  EXPECT_EQ(e.source_sequence(), 3u);
  EXPECT_EQ(e.operation_started().operation(), "0010");
}

TEST(VendorKv, GramsBecomeKilogramMilliUnits) {
  proto::EventEnvelope e = decoded(record("TYP=CONS|AUFNR=4711|MATNR=RM-1|QTY=1500|UOM=GR"));
  EXPECT_EQ(e.material_consumed().quantity().milli(), 1500);
  EXPECT_EQ(e.material_consumed().quantity().uom(), "KG");
  // Zero decimals are still whole grams.
  EXPECT_EQ(decoded(record("TYP=CONS|QTY=2.000|UOM=GR")).material_consumed().quantity().milli(), 2);
}

TEST(VendorKv, ScrapTakesItsStorageLocationFromLgortAsAConsumptionDoes) {
  proto::EventEnvelope e =
      decoded(record("TYP=SCRP|AUFNR=4711|MATNR=RM-1|CHARG=L1|QTY=7|UOM=GR|RSN=DMG|LGORT=0001"));
  EXPECT_EQ(e.scrap_recorded().storage_location(), "0001");
  EXPECT_EQ(e.scrap_recorded().reason_code(), "DMG");
  EXPECT_EQ(
      decoded(record("TYP=CONS|QTY=1|UOM=GR|LGORT=0001")).material_consumed().storage_location(),
      "0001");
  EXPECT_EQ(encode_vendor_kv(e),
            "MSGID=e-1|TYP=SCRP|VER=1|SITE=P100|SYS=mes-p100|TS=1767225600123|PDATE=20260101|"
            "OKEY=wo:4711|SEQ=3|AUFNR=4711|MATNR=RM-1|CHARG=L1|QTY=7|UOM=GR|RSN=DMG|LGORT=0001");
}

TEST(VendorKv, VendorUnitsMapToCanonicalUnits) {
  auto qty = [](std::string_view q, std::string_view u) {
    return decoded(record("TYP=CONS|QTY=" + std::string(q) + "|UOM=" + std::string(u)))
        .material_consumed()
        .quantity()
        .ShortDebugString();
  };
  EXPECT_EQ(qty("1.5", "KGM"), R"(milli: 1500 uom: "KG")");
  EXPECT_EQ(qty("12", "PCS"), R"(milli: 12000 uom: "EA")");
  EXPECT_EQ(qty("0.25", "MTR"), R"(milli: 250 uom: "M")");
  EXPECT_EQ(qty("3.001", "LTR"), R"(milli: 3001 uom: "L")");
}

TEST(VendorKv, FractionalGramIsMalformed) {
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1500.5|UOM=GR")),
            "QTY: '1500.5' GR is a fractional gram, which KG milli-units cannot represent exactly");
}

TEST(VendorKv, QuantityNeedsAtMostThreeDecimals) {
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1.2345|UOM=KGM")),
            "QTY: '1.2345' is not a decimal number with at most 3 decimals");
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1.|UOM=KGM")),
            "QTY: '1.' is not a decimal number with at most 3 decimals");
  EXPECT_EQ(failure(record("TYP=CONS|QTY=+1|UOM=KGM")),
            "QTY: '+1' is not a decimal number with at most 3 decimals");
}

TEST(VendorKv, QuantityOutOfRangeIsMalformed) {
  EXPECT_EQ(failure(record("TYP=CONS|QTY=9223372036854776|UOM=KGM")),
            "QTY: '9223372036854776' is out of range");
  EXPECT_EQ(decoded(record("TYP=CONS|QTY=-9223372036854775808|UOM=GR"))
                .material_consumed()
                .quantity()
                .milli(),
            std::numeric_limits<std::int64_t>::min());
}

TEST(VendorKv, UnknownVendorUnitIsMalformed) {
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1|UOM=KG")),
            "UOM: unknown vendor unit 'KG' (known: GR, KGM, PCS, MTR, LTR)");
}

TEST(VendorKv, SignIsLeftForValidationToJudge) {
  proto::EventEnvelope e = decoded(record("TYP=ADJ|MATNR=RM-1|CHARG=L1|QTY=-2.5|UOM=KGM|RSN=DMG"));
  EXPECT_EQ(e.stock_adjusted().delta().milli(), -2500);
  proto::EventEnvelope c = decoded(record("TYP=CCV|MATNR=RM-1|QTY=10|QTY2=-1|UOM=PCS"));
  EXPECT_EQ(c.cycle_count_variance().counted().milli(), 10000);
  EXPECT_EQ(c.cycle_count_variance().variance().milli(), -1000);
  EXPECT_EQ(c.cycle_count_variance().variance().uom(), "EA");
}

TEST(VendorKv, PercentEscapesDecode) {
  proto::EventEnvelope e =
      decoded(record("TYP=LOTST|MATNR=RM%7C1%3D%25|CHARG=L%C3%A9|STAT=Q1|RSN=a%0Ab"));
  EXPECT_EQ(e.lot_status_changed().material(), "RM|1=%");
  EXPECT_EQ(e.lot_status_changed().lot(), "L\xC3\xA9");
  EXPECT_EQ(e.lot_status_changed().reason(), "a\nb");
  EXPECT_EQ(e.lot_status_changed().status(), proto::LOT_STATUS_QUALITY_HOLD);
}

TEST(VendorKv, MalformedEscapesAndRawBytesAreNamed) {
  EXPECT_EQ(failure(record("TYP=LOTST|STAT=00|MATNR=a%7c")),
            "MATNR: bad percent escape '%7c'; expected %HH with uppercase hex digits");
  EXPECT_EQ(failure(record("TYP=LOTST|STAT=00|MATNR=a%7")),
            "MATNR: incomplete percent escape '%7' at the end of the value (is the record "
            "truncated?)");
  EXPECT_EQ(failure(record("TYP=LOTST|STAT=00|MATNR=a\nb")),
            "MATNR: byte '\\x0A' at offset 1 of the value must be percent-encoded");
  EXPECT_EQ(failure(record("TYP=LOTST|STAT=00|MATNR=a=b")),
            "MATNR: '=' in a value must be percent-encoded as %3D");
  EXPECT_EQ(failure(record("TYP=LOTST|STAT=00|MATNR=%C3%28")), "MATNR: value is not valid UTF-8");
}

TEST(VendorKv, StructuralProblemsNameTheKey) {
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1|UOM=GR|SEQ=4")), "duplicate key SEQ");
  EXPECT_EQ(failure(record("TYP=XYZ")), "unknown type code 'XYZ'");
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1|UOM=GR|COLOR=red")), "unknown key 'COLOR' in field 12");
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1|UOM=GR|STAT=00")), "key STAT is not used by type CONS");
  EXPECT_EQ(failure(record("TYP=CONS|UOM=GR")), "missing required key QTY for type CONS");
  EXPECT_EQ(failure("VER=1|TYP=CONS"), "missing required key MSGID");
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1|UOM=GR|")),
            "field 12 is empty (two '|' in a row, or a '|' at the start or end)");
  EXPECT_EQ(failure(record("TYP=CONS|QTY=1|UO")),
            "field 11 'UO' is not KEY=VALUE (is the record truncated?)");
  EXPECT_EQ(failure(""), "empty record: expected KEY=VALUE fields separated by '|'");
}

TEST(VendorKv, EmptyValueCountsAsAbsent) {
  EXPECT_EQ(failure("MSGID=|TYP=OPSTA|VER=1|SITE=P1|TS=1|PDATE=20260101|OKEY=k|SEQ=1"),
            "missing required key MSGID");
  EXPECT_EQ(decoded(record("TYP=OPSTA|AUFNR=")).operation_started().work_order(), "");
}

TEST(VendorKv, NumbersAndDatesAreChecked) {
  const std::string tail = "|TYP=OPSTA|VER=1|SITE=P1|OKEY=k";
  EXPECT_EQ(failure("MSGID=e|TS=1|PDATE=20260101|SEQ=abc" + tail),
            "SEQ: 'abc' is not an unsigned integer");
  EXPECT_EQ(failure("MSGID=e|TS=1|PDATE=20260101|SEQ=-1" + tail),
            "SEQ: '-1' is not an unsigned integer");
  EXPECT_EQ(failure("MSGID=e|TS=1|PDATE=20260101|SEQ=18446744073709551616" + tail),
            "SEQ: '18446744073709551616' exceeds 18446744073709551615");
  EXPECT_EQ(failure("MSGID=e|TS=12x|PDATE=20260101|SEQ=1" + tail),
            "TS: '12x' is not an integer (epoch milliseconds)");
  EXPECT_EQ(failure("MSGID=e|TS=9223372036855|PDATE=20260101|SEQ=1" + tail),
            "TS: '9223372036855' milliseconds is out of range");
  EXPECT_EQ(failure("MSGID=e|TS=1|PDATE=2026-01-01|SEQ=1" + tail),
            "PDATE: '2026-01-01' is not a date YYYYMMDD");
  EXPECT_EQ(failure("MSGID=e|TS=1|PDATE=20260101|SEQ=1|TYP=OPSTA|VER=4294967296|SITE=P1|OKEY=k"),
            "VER: '4294967296' exceeds 4294967295");
}

TEST(VendorKv, LotStatusCodes) {
  auto status = [](std::string_view code) {
    return decoded(record("TYP=LOTST|STAT=" + std::string(code))).lot_status_changed().status();
  };
  EXPECT_EQ(status("00"), proto::LOT_STATUS_RELEASED);
  EXPECT_EQ(status("Q1"), proto::LOT_STATUS_QUALITY_HOLD);
  EXPECT_EQ(status("B9"), proto::LOT_STATUS_BLOCKED);
  EXPECT_EQ(failure(record("TYP=LOTST|STAT=01")),
            "STAT: unknown lot status code '01' (known: 00, Q1, B9)");
}

TEST(VendorKv, AsnLinesSplitBeforeDecoding) {
  proto::EventEnvelope e =
      decoded(record("TYP=ASN|ASNNO=A1|LIFNR=S1|EBELN=PO1|ETA=1767225600000|"
                     "LN=RM%2C1;L%3B1;2.5;KGM,RM-2;;1500;GR"));
  const proto::AsnReceived& a = e.asn_received();
  ASSERT_EQ(a.lines_size(), 2);
  EXPECT_EQ(a.lines(0).material(), "RM,1");
  EXPECT_EQ(a.lines(0).lot(), "L;1");
  EXPECT_EQ(a.lines(0).quantity().milli(), 2500);
  EXPECT_EQ(a.lines(1).lot(), "");
  EXPECT_EQ(a.lines(1).quantity().ShortDebugString(), R"(milli: 1500 uom: "KG")");
  EXPECT_EQ(a.expected_at_ns(), 1767225600000000000);
}

TEST(VendorKv, MalformedAsnLinesAreNamed) {
  EXPECT_EQ(failure(record("TYP=ASN|LN=RM-1;L1;2")),
            "LN line 1: 'RM-1;L1;2' must be matnr;charg;qty;uom");
  EXPECT_EQ(failure(record("TYP=ASN|LN=RM-1;L1;2;GR;x")),
            "LN line 1: 'RM-1;L1;2;GR;x' must be matnr;charg;qty;uom");
  EXPECT_EQ(failure(record("TYP=ASN|LN=RM-1;L1;2;GR,,RM-2;L;1;GR")),
            "LN line 2: '' must be matnr;charg;qty;uom");
  EXPECT_EQ(failure(record("TYP=ASN|LN=RM-1;L1;2;GR,")),
            "LN: ends with ','; an empty line is not allowed");
  EXPECT_EQ(failure(record("TYP=ASN|LN=RM-1;L1;0.5;GR")),
            "LN line 1 qty: '0.5' GR is a fractional gram, which KG milli-units cannot represent "
            "exactly");
  EXPECT_EQ(failure(record("TYP=ASN|LN=RM-1;L1;5;LB")),
            "LN line 1 uom: unknown vendor unit 'LB' (known: GR, KGM, PCS, MTR, LTR)");
}

TEST(VendorKv, EncodeWritesKilogramsAsGramsAndEscapes) {
  proto::EventEnvelope e = envelope(R"pb(
    event_id: "e|1"
    source { plant: "P100" }
    event_type: MATERIAL_CONSUMED
    schema_version: 1
    occurred_at_ns: 1767225600123456789
    posting_date: "2026-01-31"
    ordering_key: "k=1"
    source_sequence: 7
    material_consumed {
      work_order: "4711"
      material: "RM%1"
      quantity { milli: 1500 uom: "KG" }
    }
  )pb");
  EXPECT_EQ(encode_vendor_kv(e),
            "MSGID=e%7C1|TYP=CONS|VER=1|SITE=P100|TS=1767225600123|PDATE=20260131|OKEY=k%3D1|"
            "SEQ=7|AUFNR=4711|MATNR=RM%251|QTY=1500|UOM=GR");
}

// One hand-made envelope of every type, decoded after encoding.
TEST(VendorKv, RoundTripsEveryTypeByHand) {
  const std::string head = R"pb(
    event_id: "evt-0001"
    source { plant: "P100" system: "mes-p100" edge_node: "edge-1" }
    correlation_id: "flow-9"
    causation_id: "evt-0000"
    schema_version: 1
    occurred_at_ns: 1767225600123000000
    posting_date: "2026-01-01"
    ordering_key: "wo:4711"
    source_sequence: 42
  )pb";
  const std::vector<std::string> payloads = {
      R"pb(event_type: WORK_ORDER_RELEASED
           work_order_released {
             work_order: "4711"
             material: "FG-1"
             planned_quantity { milli: 100000 uom: "EA" }
             work_center: "WC1"
           })pb",
      R"pb(event_type: OPERATION_STARTED
           operation_started { work_order: "4711" operation: "0010" work_center: "WC1" })pb",
      R"pb(event_type: OPERATION_COMPLETED
           operation_completed {
             work_order: "4711"
             operation: "0010"
             work_center: "WC1"
             yield_quantity { milli: 98000 uom: "EA" }
             scrap_quantity { milli: 2000 uom: "EA" }
           })pb",
      R"pb(event_type: MATERIAL_CONSUMED
           material_consumed {
             work_order: "4711"
             operation: "0010"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1500 uom: "KG" }
             storage_location: "0001"
           })pb",
      R"pb(event_type: SCRAP_RECORDED
           scrap_recorded {
             work_order: "4711"
             operation: "0020"
             material: "RM-1"
             lot: "L1"
             quantity { milli: 7 uom: "KG" }
             reason_code: "BURN"
             storage_location: "0001"
           })pb",
      R"pb(event_type: FINISHED_GOODS_REPORTED
           finished_goods_reported {
             work_order: "4711"
             material: "FG-1"
             lot: "F1"
             quantity { milli: 12500 uom: "M" }
             storage_location: "0002"
           })pb",
      R"pb(event_type: GOODS_RECEIPT_POSTED
           goods_receipt_posted {
             purchase_order: "PO-1"
             asn: "ASN-1"
             material: "RM-1"
             lot: "S1"
             quantity { milli: 25000000 uom: "KG" }
             storage_location: "0001"
           })pb",
      R"pb(event_type: STOCK_TRANSFERRED
           stock_transferred {
             material: "RM-1"
             lot: "L1"
             quantity { milli: 1 uom: "L" }
             from_location: "0001"
             to_location: "0002"
           })pb",
      R"pb(event_type: STOCK_ADJUSTED
           stock_adjusted {
             material: "RM-1"
             lot: "L1"
             storage_location: "0001"
             delta { milli: -2500 uom: "KG" }
             reason_code: "DMG"
           })pb",
      R"pb(event_type: LOT_STATUS_CHANGED
           lot_status_changed {
             material: "RM-1"
             lot: "L1"
             status: LOT_STATUS_BLOCKED
             reason: "failed QC, see report 12"
           })pb",
      R"pb(event_type: CYCLE_COUNT_VARIANCE
           cycle_count_variance {
             material: "RM-1"
             lot: "L1"
             storage_location: "0001"
             counted { milli: 0 uom: "EA" }
             variance { milli: -3000 uom: "EA" }
           })pb",
      R"pb(event_type: ASN_RECEIVED
           asn_received {
             asn: "ASN-1"
             supplier: "S-77"
             purchase_order: "PO-1"
             expected_at_ns: 1767312000000000000
             lines {
               material: "RM-1"
               lot: "S1"
               quantity { milli: 25000000 uom: "KG" }
             }
             lines {
               material: "RM;2"
               quantity { milli: 10 uom: "EA" }
             }
           })pb",
      R"pb(event_type: SUPPLIER_SHIPMENT_DELAYED
           supplier_shipment_delayed {
             asn: "ASN-1"
             supplier: "S-77"
             new_expected_at_ns: 1767398400000000000
             reason: "port strike"
           })pb",
  };
  for (const std::string& p : payloads) {
    SCOPED_TRACE(p);
    expect_round_trip(envelope(head + p));
  }
}

// SplitMix64 (Steele, Lea, Flood): a fixed-seed generator that is the same everywhere.
class Gen {
 public:
  explicit Gen(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

  // text draws 0..7 tokens, printable and not, separators and multi-byte UTF-8 included.
  std::string text(bool non_empty) {
    static const std::vector<std::string> kTokens = {"A",
                                                     "z",
                                                     "0",
                                                     "9",
                                                     "-",
                                                     "_",
                                                     " ",
                                                     "|",
                                                     "=",
                                                     "%",
                                                     ",",
                                                     ";",
                                                     ".",
                                                     "\n",
                                                     "\x01",
                                                     "\x7f",
                                                     "\xC3\xA9",
                                                     "\xE2\x82\xAC",
                                                     "\xF0\x9F\x98\x80",
                                                     "RM-100",
                                                     "%41"};
    std::string out;
    const std::uint64_t n = below(8) + (non_empty ? 1 : 0);
    for (std::uint64_t i = 0; i < n; ++i) out += kTokens[below(kTokens.size())];
    return out;
  }
  std::int64_t milli() {
    switch (below(4)) {
      case 0:
        return static_cast<std::int64_t>(below(2000)) - 1000;
      case 1:
        return static_cast<std::int64_t>(next());
      case 2:
        return std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(below(3));
      default:
        return std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(below(3));
    }
  }
  std::int64_t epoch_ns() {
    constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 1000000;
    return (static_cast<std::int64_t>(below(2 * kMaxMs + 1)) - kMaxMs) * 1000000;
  }
  void quantity(proto::Quantity* q, const std::string& uom) {
    q->set_milli(milli());
    q->set_uom(uom);
  }

 private:
  std::uint64_t s_;
};

// random_envelope draws an envelope of the shape decode_vendor_kv produces: required header
// strings non-empty, every quantity set with a unit that has a vendor code, the one unit of a
// record shared by its quantities, millisecond times, an 8-digit posting date.
proto::EventEnvelope random_envelope(Gen& g) {
  using google::protobuf::FieldDescriptor;
  static const std::vector<std::string> kUoms = {"KG", "EA", "M", "L"};
  static const std::vector<std::string> kTypes = {
      "work_order_released",      "operation_started",    "operation_completed",
      "material_consumed",        "scrap_recorded",       "finished_goods_reported",
      "goods_receipt_posted",     "stock_transferred",    "stock_adjusted",
      "lot_status_changed",       "cycle_count_variance", "asn_received",
      "supplier_shipment_delayed"};
  static const std::vector<proto::EventType> kTypeValues = {
      proto::WORK_ORDER_RELEASED,      proto::OPERATION_STARTED,    proto::OPERATION_COMPLETED,
      proto::MATERIAL_CONSUMED,        proto::SCRAP_RECORDED,       proto::FINISHED_GOODS_REPORTED,
      proto::GOODS_RECEIPT_POSTED,     proto::STOCK_TRANSFERRED,    proto::STOCK_ADJUSTED,
      proto::LOT_STATUS_CHANGED,       proto::CYCLE_COUNT_VARIANCE, proto::ASN_RECEIVED,
      proto::SUPPLIER_SHIPMENT_DELAYED};
  proto::EventEnvelope e;
  e.set_event_id(g.text(true));
  e.mutable_source()->set_plant(g.text(true));
  e.mutable_source()->set_system(g.text(false));
  e.mutable_source()->set_edge_node(g.text(false));
  e.set_correlation_id(g.text(false));
  e.set_causation_id(g.text(false));
  e.set_schema_version(static_cast<std::uint32_t>(g.below(3) == 0 ? g.next() : 1));
  e.set_occurred_at_ns(g.epoch_ns());
  std::string date;
  for (int i = 0; i < 8; ++i) date += static_cast<char>('0' + g.below(10));
  e.set_posting_date(date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2));
  e.set_ordering_key(g.text(true));
  e.set_source_sequence(g.next());
  const std::size_t t = g.below(kTypes.size());
  e.set_event_type(kTypeValues[t]);
  const std::string uom = kUoms[g.below(kUoms.size())];
  const FieldDescriptor* pf = e.GetDescriptor()->FindFieldByName(kTypes[t]);
  google::protobuf::Message* p = e.GetReflection()->MutableMessage(&e, pf);
  const google::protobuf::Reflection* r = p->GetReflection();
  for (int i = 0; i < p->GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* f = p->GetDescriptor()->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      r->SetString(p, f, g.text(false));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
      r->SetInt64(p, f, g.epoch_ns());
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      r->SetEnumValue(p, f, static_cast<int>(1 + g.below(3)));
    } else if (f->is_repeated()) {
      auto* asn = static_cast<proto::AsnReceived*>(p);
      for (std::uint64_t n = g.below(4); n > 0; --n) {
        proto::AsnLine* line = asn->add_lines();
        line->set_material(g.text(false));
        line->set_lot(g.text(false));
        g.quantity(line->mutable_quantity(), kUoms[g.below(kUoms.size())]);
      }
    } else {
      g.quantity(static_cast<proto::Quantity*>(r->MutableMessage(p, f)), uom);
    }
  }
  return e;
}

TEST(VendorKv, RoundTripsRandomEnvelopes) {
  Gen g(20260101);
  for (int i = 0; i < 5000; ++i) {
    proto::EventEnvelope e = random_envelope(g);
    SCOPED_TRACE("envelope " + std::to_string(i));
    expect_round_trip(e);
    if (HasFatalFailure() || HasNonfatalFailure()) break;
  }
}

}  // namespace
}  // namespace mw::core
