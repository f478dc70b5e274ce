// The decoding half of vendor_kv.h, and the tables of vendor_kv_internal.h.
#include "middleware/ingest/vendor_kv.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "middleware/ingest/kv_text.h"
#include "middleware/ingest/vendor_kv_internal.h"

namespace mw::core {
namespace vendor_kv_internal {
namespace {

constexpr Keys keys(std::initializer_list<Key> list) {
  Keys set = 0;
  for (Key k : list) set |= Keys{1} << k;
  return set;
}
constexpr bool has(Keys set, int k) { return (set >> k) & 1; }
constexpr Keys kHeaderKeys = (Keys{1} << (kSeq + 1)) - 1;
constexpr Keys kRequiredHeader = keys({kMsgid, kTyp, kVer, kSite, kTs, kPdate, kOkey, kSeq});
constexpr Keys kQ = keys({kQty, kUom});
constexpr Keys kQ2 = keys({kQty, kQty2, kUom});

}  // namespace

const std::array<std::string_view, kKeyCount> kKeyNames = {
    "MSGID", "TYP", "VER",   "SITE",  "SYS",   "EDGE",  "CORR",  "CAUSE", "TS",  "PDATE",
    "OKEY",  "SEQ", "AUFNR", "VORNR", "ARBPL", "MATNR", "CHARG", "LGORT", "QTY", "QTY2",
    "UOM",   "RSN", "FROM",  "TO",    "STAT",  "EBELN", "ASNNO", "LIFNR", "ETA", "LN"};

// clang-format off
const std::array<TypeSpec, 13> kTypes = {{
    {"WOREL", proto::WORK_ORDER_RELEASED, "work_order_released",
     {{{kAufnr, "work_order"}, {kMatnr, "material"}, {kQty, "planned_quantity"},
       {kArbpl, "work_center"}}}, kQ},
    {"OPSTA", proto::OPERATION_STARTED, "operation_started",
     {{{kAufnr, "work_order"}, {kVornr, "operation"}, {kArbpl, "work_center"}}}, 0},
    {"OPCMP", proto::OPERATION_COMPLETED, "operation_completed",
     {{{kAufnr, "work_order"}, {kVornr, "operation"}, {kArbpl, "work_center"},
       {kQty, "yield_quantity"}, {kQty2, "scrap_quantity"}}}, kQ2},
    {"CONS", proto::MATERIAL_CONSUMED, "material_consumed",
     {{{kAufnr, "work_order"}, {kVornr, "operation"}, {kMatnr, "material"}, {kCharg, "lot"},
       {kQty, "quantity"}, {kLgort, "storage_location"}}}, kQ},
    {"SCRP", proto::SCRAP_RECORDED, "scrap_recorded",
     {{{kAufnr, "work_order"}, {kVornr, "operation"}, {kMatnr, "material"}, {kCharg, "lot"},
       {kQty, "quantity"}, {kRsn, "reason_code"}, {kLgort, "storage_location"}}}, kQ},
    {"FGR", proto::FINISHED_GOODS_REPORTED, "finished_goods_reported",
     {{{kAufnr, "work_order"}, {kMatnr, "material"}, {kCharg, "lot"}, {kQty, "quantity"},
       {kLgort, "storage_location"}}}, kQ},
    {"GR", proto::GOODS_RECEIPT_POSTED, "goods_receipt_posted",
     {{{kEbeln, "purchase_order"}, {kAsnno, "asn"}, {kMatnr, "material"}, {kCharg, "lot"},
       {kQty, "quantity"}, {kLgort, "storage_location"}}}, kQ},
    {"XFER", proto::STOCK_TRANSFERRED, "stock_transferred",
     {{{kMatnr, "material"}, {kCharg, "lot"}, {kQty, "quantity"}, {kFrom, "from_location"},
       {kTo, "to_location"}}}, kQ},
    {"ADJ", proto::STOCK_ADJUSTED, "stock_adjusted",
     {{{kMatnr, "material"}, {kCharg, "lot"}, {kLgort, "storage_location"}, {kQty, "delta"},
       {kRsn, "reason_code"}}}, kQ},
    {"LOTST", proto::LOT_STATUS_CHANGED, "lot_status_changed",
     {{{kMatnr, "material"}, {kCharg, "lot"}, {kStat, "status"}, {kRsn, "reason"}}},
     keys({kStat})},
    {"CCV", proto::CYCLE_COUNT_VARIANCE, "cycle_count_variance",
     {{{kMatnr, "material"}, {kCharg, "lot"}, {kLgort, "storage_location"}, {kQty, "counted"},
       {kQty2, "variance"}}}, kQ2},
    {"ASN", proto::ASN_RECEIVED, "asn_received",
     {{{kAsnno, "asn"}, {kLifnr, "supplier"}, {kEbeln, "purchase_order"}, {kLn, "lines"},
       {kEta, "expected_at_ns"}}}, 0},
    {"ASNDLY", proto::SUPPLIER_SHIPMENT_DELAYED, "supplier_shipment_delayed",
     {{{kAsnno, "asn"}, {kLifnr, "supplier"}, {kEta, "new_expected_at_ns"}, {kRsn, "reason"}}},
     0},
}};
// clang-format on

const std::array<VendorUnit, 5> kUnits = {{
    {"GR", "KG", true},
    {"KGM", "KG", false},
    {"PCS", "EA", false},
    {"MTR", "M", false},
    {"LTR", "L", false},
}};

const std::array<LotCode, 3> kLotCodes = {{{"00", proto::LOT_STATUS_RELEASED},
                                           {"Q1", proto::LOT_STATUS_QUALITY_HOLD},
                                           {"B9", proto::LOT_STATUS_BLOCKED}}};

namespace {

using kv_text::all_digits;
using kv_text::excerpt;
using kv_text::fits_int64;
using kv_text::Int128;
using kv_text::percent_decode;

// payload_keys is the set of payload keys a type may carry.
Keys payload_keys(const TypeSpec& spec) {
  Keys set = spec.required;
  for (const Binding& b : spec.bindings) {
    if (!b.field.empty()) set |= Keys{1} << b.key;
  }
  return set;
}

// Record: the fields of one record as sent (not yet decoded), by key.
struct Record {
  std::array<std::string_view, kKeyCount> raw{};  // empty when absent
  Keys seen = 0;
};

// split_fields lexes `payload` into a Record, checking each value as sent; it refuses unknown
// and repeated keys.
Result<Record> split_fields(std::string_view payload) {
  Record r;
  kv_text::FieldLexer lexer(payload);
  while (!lexer.at_end()) {
    MW_ASSIGN(field, lexer.next());
    int key = 0;
    while (key < kKeyCount && kKeyNames[key] != field.key) ++key;
    if (key == kKeyCount) {
      return malformed("unknown key " + excerpt(field.key) + " in field " +
                       std::to_string(field.number));
    }
    if (has(r.seen, key)) return malformed("duplicate key " + std::string(field.key));
    r.seen |= Keys{1} << key;
    r.raw[key] = field.raw;
    MW_TRY(kv_text::check_raw(field.key, field.raw));
  }
  return r;
}

// Reader decodes the values of a Record. Each method returns a neutral value on failure and
// keeps the first failure, so that decoding reads straight through and reports one reason.
class Reader {
 public:
  explicit Reader(const Record& r) : r_(r) {}
  const std::optional<Error>& error() const { return error_; }

  std::string text(Key k) { return text_of(kKeyNames[k], r_.raw[k]); }

  std::uint64_t unsigned_int(Key k, std::uint64_t max) {
    const std::string v = text(k);
    if (v.empty()) return 0;
    const std::optional<Int128> n = kv_text::parse_unsigned(v);
    if (!n) return fail(k, excerpt(v) + " is not an unsigned integer");
    if (*n > max) return fail(k, excerpt(v) + " exceeds " + std::to_string(max));
    return static_cast<std::uint64_t>(*n);
  }

  // epoch_ns reads epoch milliseconds and returns nanoseconds.
  std::int64_t epoch_ns(Key k) {
    const std::string v = text(k);
    if (v.empty()) return 0;
    const std::optional<Int128> ms = kv_text::parse_signed(v);
    if (!ms) return fail(k, excerpt(v) + " is not an integer (epoch milliseconds)");
    const Int128 ns = *ms * kNanosPerMilli;
    if (!fits_int64(ns)) return fail(k, excerpt(v) + " milliseconds is out of range");
    return static_cast<std::int64_t>(ns);
  }

  std::string date(Key k) {
    const std::string v = text(k);
    if (v.size() != 8 || !all_digits(v)) {
      fail(k, excerpt(v) + " is not a date YYYYMMDD");
      return "";
    }
    return v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
  }

  proto::LotStatus lot_status(Key k) {
    const std::string v = text(k);
    for (const LotCode& c : kLotCodes) {
      if (c.code == v) return c.status;
    }
    fail(k, "unknown lot status code " + excerpt(v) + " (known: 00, Q1, B9)");
    return proto::LOT_STATUS_UNSPECIFIED;
  }

  void quantity(Key k, proto::Quantity* out) {
    quantity_of(std::string(kKeyNames[k]), text(k), "UOM", text(kUom), out);
  }

  void lines(proto::AsnReceived* asn) {
    std::string_view rest = r_.raw[kLn];
    for (int n = 1; !rest.empty() && !error_; ++n) {
      const std::size_t comma = rest.find(',');
      const std::string_view entry = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const std::string label = "LN line " + std::to_string(n);
      std::array<std::string_view, 4> part;
      std::size_t count = 0;
      for (std::size_t pos = 0;; ++count) {
        const std::size_t semi = entry.find(';', pos);
        if (count < part.size()) {
          part[count] = entry.substr(pos, semi == std::string_view::npos ? semi : semi - pos);
        }
        if (semi == std::string_view::npos) break;
        pos = semi + 1;
      }
      ++count;  // the loop counted separators
      if (count != part.size()) {
        fail_at(label, excerpt(percent_decode(entry)) + " must be matnr;charg;qty;uom");
        return;
      }
      proto::AsnLine* line = asn->add_lines();
      line->set_material(text_of(label + " matnr", part[0]));
      line->set_lot(text_of(label + " charg", part[1]));
      quantity_of(label + " qty", percent_decode(part[2]), label + " uom", percent_decode(part[3]),
                  line->mutable_quantity());
    }
    if (comma_at_end(r_.raw[kLn])) fail_at("LN", "ends with ','; an empty line is not allowed");
  }

 private:
  static bool comma_at_end(std::string_view v) { return !v.empty() && v.back() == ','; }

  std::string text_of(std::string_view label, std::string_view raw) {
    std::string v = percent_decode(raw);
    if (kv_text::valid_utf8(v)) return v;
    fail_at(std::string(label), "value is not valid UTF-8");
    return "";
  }

  void quantity_of(const std::string& label, const std::string& number,
                   const std::string& unit_label, const std::string& unit, proto::Quantity* out) {
    const VendorUnit* u = nullptr;
    for (const VendorUnit& candidate : kUnits) {
      if (candidate.vendor == unit) u = &candidate;
    }
    if (u == nullptr) {
      return fail_at(unit_label,
                     "unknown vendor unit " + excerpt(unit) + " (known: GR, KGM, PCS, MTR, LTR)");
    }
    std::optional<Int128> t = kv_text::parse_thousandths(number);
    if (!t) {
      return fail_at(label, excerpt(number) + " is not a decimal number with at most 3 decimals");
    }
    if (u->grams) {
      if (*t % 1000 != 0) {
        return fail_at(label, excerpt(number) +
                                  " GR is a fractional gram, which KG milli-units "
                                  "cannot represent exactly");
      }
      *t /= 1000;
    }
    if (!fits_int64(*t)) return fail_at(label, excerpt(number) + " is out of range");
    out->set_milli(static_cast<std::int64_t>(*t));
    out->set_uom(std::string(u->canonical));
  }

  int fail(Key k, const std::string& why) {
    fail_at(std::string(kKeyNames[k]), why);
    return 0;
  }
  void fail_at(const std::string& label, const std::string& why) {
    if (!error_) error_ = malformed(label + ": " + why);
  }

  const Record& r_;
  std::optional<Error> error_;
};

const TypeSpec* find_type(std::string_view code) {
  for (const TypeSpec& t : kTypes) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

using google::protobuf::FieldDescriptor;

// decode_payload fills the payload message of `spec` from the record, field by field as the
// bindings say. It returns false only if a binding names no field (a bug in kTypes).
bool decode_payload(const TypeSpec& spec, Reader& in, proto::EventEnvelope& e) {
  const FieldDescriptor* pf = e.GetDescriptor()->FindFieldByName(std::string(spec.payload));
  if (pf == nullptr) return false;
  google::protobuf::Message* payload = e.GetReflection()->MutableMessage(&e, pf);
  const google::protobuf::Reflection* r = payload->GetReflection();
  for (const Binding& b : spec.bindings) {
    if (b.field.empty()) break;
    const FieldDescriptor* f = payload->GetDescriptor()->FindFieldByName(std::string(b.field));
    if (f == nullptr) return false;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      r->SetString(payload, f, in.text(b.key));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
      r->SetInt64(payload, f, in.epoch_ns(b.key));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      r->SetEnumValue(payload, f, in.lot_status(b.key));
    } else if (f->is_repeated()) {  // AsnReceived.lines, the only repeated field bound
      in.lines(static_cast<proto::AsnReceived*>(payload));
    } else {  // a Quantity
      in.quantity(b.key, static_cast<proto::Quantity*>(r->MutableMessage(payload, f)));
    }
  }
  return true;
}

// decode parses one record; decode_vendor_kv in vendor_kv.h is its contract.
Result<proto::EventEnvelope> decode(std::string_view payload) {
  Result<Record> split = split_fields(payload);
  if (!split.is_ok()) return split.error();
  const Record& r = split.value();
  for (int k = 0; k < kKeyCount; ++k) {
    if (has(kRequiredHeader, k) && r.raw[k].empty()) {
      return malformed("missing required key " + std::string(kKeyNames[k]));
    }
  }
  Reader in(r);
  const std::string code = in.text(kTyp);
  const TypeSpec* spec = find_type(code);
  if (spec == nullptr) return malformed("unknown type code " + excerpt(code));
  for (int k = 0; k < kKeyCount; ++k) {
    if (has(r.seen, k) && !has(kHeaderKeys | payload_keys(*spec), k)) {
      return malformed("key " + std::string(kKeyNames[k]) + " is not used by type " +
                       std::string(spec->code));
    }
    if (has(spec->required, k) && r.raw[k].empty()) {
      return malformed("missing required key " + std::string(kKeyNames[k]) + " for type " +
                       std::string(spec->code));
    }
  }
  proto::EventEnvelope e;
  e.set_event_id(in.text(kMsgid));
  e.mutable_source()->set_plant(in.text(kSite));
  e.mutable_source()->set_system(in.text(kSys));
  e.mutable_source()->set_edge_node(in.text(kEdge));
  e.set_correlation_id(in.text(kCorr));
  e.set_causation_id(in.text(kCause));
  e.set_event_type(spec->type);
  e.set_schema_version(
      static_cast<std::uint32_t>(in.unsigned_int(kVer, std::numeric_limits<std::uint32_t>::max())));
  e.set_occurred_at_ns(in.epoch_ns(kTs));
  e.set_posting_date(in.date(kPdate));
  e.set_ordering_key(in.text(kOkey));
  e.set_source_sequence(in.unsigned_int(kSeq, std::numeric_limits<std::uint64_t>::max()));
  if (!decode_payload(*spec, in, e)) {
    return malformed("type " + std::string(spec->code) + " has no payload mapping");
  }
  if (in.error()) return *in.error();
  return e;
}

}  // namespace
}  // namespace vendor_kv_internal

Result<proto::EventEnvelope> decode_vendor_kv(std::string_view payload) {
  return vendor_kv_internal::decode(payload);
}

}  // namespace mw::core
