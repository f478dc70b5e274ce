// The MES's parts on their own: config validation and description, physical stock, the
// line-controller encoder (checked against the core's decoder) and UTC posting dates.
#include <gtest/gtest.h>

#include <string>

#include "fakes/mes/event_encoding.h"
#include "fakes/mes/line_controller_format.h"
#include "fakes/mes/physical_stock.h"
#include "fakes/mes/units.h"
#include "middleware/ingest/decode.h"
#include "middleware/ingest/vendor_kv.h"
#include "tests/fakes/mes/mes_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const std::string& p : problems) {
    if (p.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(MesConfig, SampleIsValidAndAnEmptyCatalogueIsNot) {
  EXPECT_TRUE(validate_mes_config(sample_config()).empty());
  const auto problems = validate_mes_config(MesConfig{});
  EXPECT_TRUE(mentions(problems, "mes.products is empty")) << problems.size();
}

TEST(MesConfig, ValidateNamesEveryProblemAndWhere) {
  MesConfig c = sample_config();
  c.lines = 0;
  c.work_order_units_min = 5;
  c.work_order_units_max = 4;
  c.products[0].routing.push_back({"0010", ""});
  c.products[0].bom.push_back({"RM-900", 0, "LB", "0099"});
  c.products[1].bom[0].uom = "G";  // RM-100 is KG elsewhere
  c.opening_stock.push_back({"P200", "RM-100", "L1", "", -1, "KG"});
  c.opening_stock.push_back({kPlant, "RM-100", "P100-7", "SL01", 1, "KG"});
  c.opening_stock.push_back({kPlant, "RM-100", "G1", "SL01", 1, "G"});
  c.opening_stock.push_back({kPlant, "RM-100", "P100-RM-100-1", "SL01", 1, "KG"});  // a fine name
  c.events_per_second_per_line = 0;
  c.shift_burst_duration = sim::hours(9);
  c.quiet_periods = {{sim::kTimeZero + sim::minutes(10), sim::kTimeZero + sim::minutes(5)}};
  c.scrap_probability = 2;
  c.malformed_probability = -1;
  c.clock_skew = sim::hours(25);
  c.sender.target = "";
  const auto p = validate_mes_config(c);
  for (const char* what :
       {"mes.lines",
        "work_order_units",
        "routing[2].operation \"0010\" repeats",
        "routing[2].work_center is empty",
        "bom[3].milli_per_unit",
        "bom[3].uom \"LB\"",
        "bom[3].operation \"0099\"",
        "products[1].bom[0].milli_per_unit 1100 G is not a whole number of milli-KG",
        "products[0].bom[3]: no opening lot of \"RM-900\"",
        "opening_stock[5].plant",
        "opening_stock[5] repeats lot",
        "opening_stock[5].storage_location",
        "opening_stock[5].milli",
        "opening_stock[6].lot \"P100-7\"",
        "events_per_second_per_line",
        "shift_burst_duration",
        "quiet_periods[0] must start",
        "scrap_probability",
        "malformed_probability",
        "clock_skew",
        "mes.sender.target"}) {
    EXPECT_TRUE(mentions(p, what)) << "no problem mentions " << what;
  }
  EXPECT_FALSE(mentions(p, "opening_stock[8]"));
}

TEST(MesConfig, ABomMayUseAnotherUnitOfTheSameKindThatConvertsExactly) {
  MesConfig c = sample_config();
  c.products[1].bom[0] = {"RM-100", 1100000, "G", "0010"};  // 1.1 kg per unit, in grams
  EXPECT_TRUE(validate_mes_config(c).empty());
  c.products[1].bom[0] = {"RM-100", 1100, "EA", "0010"};
  EXPECT_TRUE(mentions(validate_mes_config(c), "does not convert to \"KG\""));
}

TEST(MesConfig, VendorFormatNeedsUnitsTheLineControllerCanCarry) {
  MesConfig c = sample_config();
  c.format = proto::VENDOR_KV;
  EXPECT_TRUE(validate_mes_config(c).empty());
  c.products[1].uom = "ML";
  EXPECT_TRUE(mentions(validate_mes_config(c), "has no line-controller unit code"));
}

TEST(MesUnits, ConvertsExactlyWithinAKindOnly) {
  EXPECT_EQ(convert_milli(1100000, "G", "KG"), 1100);
  EXPECT_EQ(convert_milli(1100, "KG", "G"), 1100000);
  EXPECT_EQ(convert_milli(2, "T", "KG"), 2000);
  EXPECT_EQ(convert_milli(15, "CM", "MM"), 150);
  EXPECT_EQ(convert_milli(1500, "ML", "L"), std::nullopt);  // 1.5 ml is not whole milli-litres
  EXPECT_EQ(convert_milli(1000, "KG", "EA"), std::nullopt);
  EXPECT_EQ(convert_milli(1000, "LB", "KG"), std::nullopt);
  EXPECT_EQ(convert_milli(INT64_MAX / 10, "T", "G"), std::nullopt);
}

TEST(MesPhysicalStock, PicksTheOldestLotThatHoldsTheWholeQuantity) {
  PhysicalStock s("P100");
  const LotIndex a = s.add_opening_lot("RM", "A", "SL01", 100, "KG");
  const LotIndex b = s.add_opening_lot("RM", "B", "SL01", 300, "KG");
  EXPECT_EQ(s.oldest_with("RM", 100), a);
  EXPECT_EQ(s.oldest_with("RM", 101), b);
  EXPECT_EQ(s.oldest_with("RM", 301), std::nullopt);
  EXPECT_EQ(s.oldest_with("OTHER", 1), std::nullopt);
  s.take(a, 100);
  EXPECT_EQ(s.oldest_with("RM", 1), b);
  const LotIndex c = s.add_lot("RM", "C", "SL02", 1000, "KG");
  EXPECT_EQ(s.oldest_with("RM", 500), c);
}

TEST(MesPhysicalStock, BooksEveryTakeAtTheLotsStorageLocation) {
  PhysicalStock s("P100");
  const LotIndex a = s.add_opening_lot("RM", "A", "SL01", 1000, "KG");
  const LotIndex b = s.add_lot("RM", "B", "SL02", 400, "KG");
  s.take(a, 300);  // a consumption
  s.take(a, 200);  // a scrap
  s.take(b, 100);
  EXPECT_EQ(s.lot(a).available, 500);
  const std::map<PhysicalStockKey, std::int64_t> expected = {{{"P100", "RM", "A", "SL01"}, 500},
                                                             {{"P100", "RM", "B", "SL02"}, 300}};
  EXPECT_EQ(s.balances(), expected);
  EXPECT_EQ(s.opening_balances().at({"P100", "RM", "A", "SL01"}), 1000);
  EXPECT_DEATH(s.take(a, 501), "more from a lot than it physically holds");
}

proto::EventEnvelope consumption() {
  proto::EventEnvelope e;
  e.set_event_id("P100-1000001-3");
  e.mutable_source()->set_plant("P100");
  e.mutable_source()->set_system("mes-P100");
  e.set_correlation_id("1000001");
  e.set_event_type(proto::MATERIAL_CONSUMED);
  e.set_schema_version(1);
  e.set_occurred_at_ns(kDefaultEpochUnixNs + 1500000000);
  e.set_posting_date("2026-01-05");
  e.set_ordering_key("wo:P100/1000001");
  e.set_source_sequence(3);
  auto* m = e.mutable_material_consumed();
  m->set_work_order("1000001");
  m->set_operation("0010");
  m->set_material("RM|100");  // a separator in a value is escaped
  m->set_lot("L1");
  m->mutable_quantity()->set_milli(2500);
  m->mutable_quantity()->set_uom("KG");
  m->set_storage_location("SL01");
  return e;
}

TEST(MesLineControllerFormat, WritesTheRecordTheCoreDecodesBack) {
  const proto::EventEnvelope e = consumption();
  const std::string record = encode_line_controller(e);
  EXPECT_EQ(record,
            "MSGID=P100-1000001-3|TYP=CONS|VER=1|SITE=P100|SYS=mes-P100|CORR=1000001|"
            "TS=1767571201500|PDATE=20260105|OKEY=wo:P100/1000001|SEQ=3|AUFNR=1000001|"
            "VORNR=0010|MATNR=RM%7C100|CHARG=L1|QTY=2500|UOM=GR|LGORT=SL01");
  const auto decoded = core::decode_vendor_kv(record);
  ASSERT_TRUE(decoded.is_ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().SerializeAsString(), e.SerializeAsString());
}

TEST(MesLineControllerFormat, WritesDecimalsAndBothQuantitiesOfACompletion) {
  proto::EventEnvelope e = consumption();
  e.set_event_type(proto::OPERATION_COMPLETED);
  auto* c = e.mutable_operation_completed();
  c->set_work_order("1000001");
  c->set_operation("0020");
  c->set_work_center("WC-TEST");
  c->mutable_yield_quantity()->set_milli(12500);
  c->mutable_yield_quantity()->set_uom("EA");
  c->mutable_scrap_quantity()->set_milli(0);
  c->mutable_scrap_quantity()->set_uom("EA");
  const std::string record = encode_line_controller(e);
  EXPECT_NE(record.find("|QTY=12.5|UOM=PCS|QTY2=0"), std::string::npos) << record;
  const auto decoded = core::decode_vendor_kv(record);
  ASSERT_TRUE(decoded.is_ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().SerializeAsString(), e.SerializeAsString());
}

TEST(MesLineControllerFormat, WritesTheStorageLocationOfAScrapAsLgort) {
  proto::EventEnvelope e = consumption();
  e.set_event_type(proto::SCRAP_RECORDED);
  auto* s = e.mutable_scrap_recorded();
  s->set_work_order("1000001");
  s->set_operation("0010");
  s->set_material("RM-100");
  s->set_lot("L1");
  s->mutable_quantity()->set_milli(500);
  s->mutable_quantity()->set_uom("KG");
  s->set_reason_code("DMG");
  s->set_storage_location("SL01");
  const std::string record = encode_line_controller(e);
  EXPECT_NE(record.find("|TYP=SCRP|"), std::string::npos) << record;
  EXPECT_NE(record.find("|QTY=500|UOM=GR|RSN=DMG|LGORT=SL01"), std::string::npos) << record;
  EXPECT_EQ(record, core::encode_vendor_kv(e));
  const auto decoded = core::decode_vendor_kv(record);
  ASSERT_TRUE(decoded.is_ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().SerializeAsString(), e.SerializeAsString());
}

TEST(MesEventEncoding, MalformedPayloadsFailTheCoreDecoderOrCarryAnUnknownSchema) {
  const proto::EventEnvelope e = consumption();
  for (const proto::SourceFormat f : {proto::CANONICAL_PROTO, proto::VENDOR_KV}) {
    proto::SourceEvent raw;
    raw.set_format(f);
    raw.set_payload(encode_event(e, f));
    EXPECT_TRUE(core::decode_source_event(raw, 65536).is_ok());
    raw.set_payload(malformed_payload(e, f, MalformedKind::kUndecodable));
    EXPECT_FALSE(core::decode_source_event(raw, 65536).is_ok()) << raw.payload();
    raw.set_payload(malformed_payload(e, f, MalformedKind::kInvalid));
    const auto invalid = core::decode_source_event(raw, 65536);
    ASSERT_TRUE(invalid.is_ok());
    EXPECT_EQ(invalid.value().schema_version(), 99u);
    EXPECT_EQ(invalid.value().event_id(), e.event_id());
  }
}

TEST(MesEventEncoding, UtcDateIsTheCalendarDateOfUnixTime) {
  EXPECT_EQ(utc_date(0), "1970-01-01");
  EXPECT_EQ(utc_date(kDefaultEpochUnixNs), "2026-01-05");
  EXPECT_EQ(utc_date(kDefaultEpochUnixNs - 1), "2026-01-04");
  EXPECT_EQ(utc_date(1709164800LL * 1000000000), "2024-02-29");
  EXPECT_EQ(utc_date(1735689599LL * 1000000000), "2024-12-31");
  EXPECT_EQ(utc_date(951868800LL * 1000000000), "2000-03-01");
}

}  // namespace
}  // namespace mw::fakes
