#include "middleware/ingest/vendor_kv.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>

#include "middleware/enrich/uom.h"

namespace mw::core {
namespace {

__extension__ typedef __int128 Int128;  // exact range checks without overflow

// clang-format off
enum Key : int {
  kMsgid, kTyp, kVer, kSite, kSys, kEdge, kCorr, kCause, kTs, kPdate, kOkey, kSeq,  // header
  kAufnr, kVornr, kArbpl, kMatnr, kCharg, kLgort, kQty, kQty2, kUom, kRsn, kFrom, kTo, kStat,
  kEbeln, kAsnno, kLifnr, kEta, kLn, kKeyCount
};
// clang-format on
constexpr std::array<std::string_view, kKeyCount> kKeyNames = {
    "MSGID", "TYP", "VER",   "SITE",  "SYS",   "EDGE",  "CORR",  "CAUSE", "TS",  "PDATE",
    "OKEY",  "SEQ", "AUFNR", "VORNR", "ARBPL", "MATNR", "CHARG", "LGORT", "QTY", "QTY2",
    "UOM",   "RSN", "FROM",  "TO",    "STAT",  "EBELN", "ASNNO", "LIFNR", "ETA", "LN"};

using Keys = std::uint64_t;  // a set of keys, one bit per Key
constexpr Keys keys(std::initializer_list<Key> list) {
  Keys set = 0;
  for (Key k : list) set |= Keys{1} << k;
  return set;
}
constexpr bool has(Keys set, int k) { return (set >> k) & 1; }
constexpr Keys kHeaderKeys = (Keys{1} << (kSeq + 1)) - 1;
constexpr Keys kRequiredHeader = keys({kMsgid, kTyp, kVer, kSite, kTs, kPdate, kOkey, kSeq});

// Binding: a vendor key and the field of the type's payload message it fills.
struct Binding {
  Key key;
  std::string_view field;  // empty: unused slot
};

// TypeSpec: a vendor type code, its canonical type and payload field, the payload keys it
// carries, and those it must carry (UOM goes with the quantity keys).
struct TypeSpec {
  std::string_view code;
  proto::EventType type;
  std::string_view payload;
  std::array<Binding, 6> bindings;
  Keys required;
};
constexpr Keys kQ = keys({kQty, kUom});
constexpr Keys kQ2 = keys({kQty, kQty2, kUom});
// clang-format off
constexpr std::array<TypeSpec, 13> kTypes = {{
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
       {kQty, "quantity"}, {kRsn, "reason_code"}}}, kQ},
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

// payload_keys is the set of payload keys a type may carry.
Keys payload_keys(const TypeSpec& spec) {
  Keys set = spec.required;
  for (const Binding& b : spec.bindings) {
    if (!b.field.empty()) set |= Keys{1} << b.key;
  }
  return set;
}

// Vendor unit codes. The first entry for a canonical unit is the one encode writes.
struct VendorUnit {
  std::string_view vendor;
  std::string_view canonical;
  bool grams;  // the number is whole grams, i.e. KG milli-units one to one
};
constexpr std::array<VendorUnit, 5> kUnits = {{
    {"GR", "KG", true},
    {"KGM", "KG", false},
    {"PCS", "EA", false},
    {"MTR", "M", false},
    {"LTR", "L", false},
}};

struct LotCode {
  std::string_view code;
  proto::LotStatus status;
};
constexpr std::array<LotCode, 3> kLotCodes = {{{"00", proto::LOT_STATUS_RELEASED},
                                               {"Q1", proto::LOT_STATUS_QUALITY_HOLD},
                                               {"B9", proto::LOT_STATUS_BLOCKED}}};

constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::int64_t kNanosPerMilli = 1000000;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// excerpt quotes a value for an error message: at most 40 bytes, non-printables as \xHH.
std::string excerpt(std::string_view v) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < v.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + (v.size() > kMax ? "...'" : "'");
}

// valid_utf8 follows RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i <= static_cast<std::size_t>(extra)) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += extra + 1;
  }
  return true;
}

// check_raw accepts the value of `key` as sent: printable ASCII, no bare '=', and well-formed
// %HH escapes.
Status check_raw(std::string_view key, std::string_view raw) {
  const std::string k(key);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c < 0x20 || c >= 0x7f) {
      return malformed(k + ": byte " + excerpt(raw.substr(i, 1)) + " at offset " +
                       std::to_string(i) + " of the value must be percent-encoded");
    }
    if (c == '=') return malformed(k + ": '=' in a value must be percent-encoded as %3D");
    if (c == '%') {
      if (i + 2 >= raw.size()) {
        return malformed(k + ": incomplete percent escape " + excerpt(raw.substr(i)) +
                         " at the end of the value (is the record truncated?)");
      }
      if (hex_value(raw[i + 1]) < 0 || hex_value(raw[i + 2]) < 0) {
        return malformed(k + ": bad percent escape " + excerpt(raw.substr(i, 3)) +
                         "; expected %HH with uppercase hex digits");
      }
      i += 2;
    }
  }
  return Status::ok();
}

// percent_decode decodes a value that check_raw accepted.
std::string percent_decode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out += static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
      i += 2;
    } else {
      out += raw[i];
    }
  }
  return out;
}

// percent_encode escapes what the format requires; `in_list` also escapes the LN separators.
void percent_encode(std::string_view v, bool in_list, std::string* out) {
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '%' || c == '|' || c == '=' ||
        (in_list && (c == ',' || c == ';'))) {
      *out += '%';
      *out += kHex[c >> 4];
      *out += kHex[c & 15];
    } else {
      *out += ch;
    }
  }
}

// parse_thousandths reads -?D+(.D{1,3})? as a count of thousandths. Integer parts longer than
// 20 digits are refused: nothing that large fits in 64 bits, and the bound keeps Int128 exact.
std::optional<Int128> parse_thousandths(std::string_view s) {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 20 || !all_digits(whole)) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 3 || !all_digits(frac))) {
    return std::nullopt;
  }
  Int128 v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  for (std::size_t i = 0; i < 3; ++i) v = v * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return negative ? -v : v;
}

bool fits_int64(Int128 v) {
  return v >= std::numeric_limits<std::int64_t>::min() &&
         v <= std::numeric_limits<std::int64_t>::max();
}

// Record: the fields of one record as sent (not yet decoded), by key.
struct Record {
  std::array<std::string_view, kKeyCount> raw{};  // empty when absent
  Keys seen = 0;
};

Result<Record> split_fields(std::string_view payload) {
  if (payload.empty()) return malformed("empty record: expected KEY=VALUE fields separated by '|'");
  Record r;
  std::size_t pos = 0;
  for (int n = 1;; ++n) {
    const std::size_t bar = payload.find('|', pos);
    const std::string_view field =
        payload.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos);
    const std::string where = "field " + std::to_string(n);
    if (field.empty()) {
      return malformed(where + " is empty (two '|' in a row, or a '|' at the start or end)");
    }
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
      return malformed(where + " " + excerpt(field) +
                       " is not KEY=VALUE (is the record truncated?)");
    }
    const std::string_view name = field.substr(0, eq);
    int key = 0;
    while (key < kKeyCount && kKeyNames[key] != name) ++key;
    if (key == kKeyCount) return malformed("unknown key " + excerpt(name) + " in " + where);
    if (has(r.seen, key)) return malformed("duplicate key " + std::string(name));
    r.seen |= Keys{1} << key;
    r.raw[key] = field.substr(eq + 1);
    if (Status s = check_raw(name, r.raw[key]); !s.is_ok()) return s.error();
    if (bar == std::string_view::npos) return r;
    pos = bar + 1;
  }
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
    Int128 n = 0;
    if (v.size() > 20 || !all_digits(v)) return fail(k, excerpt(v) + " is not an unsigned integer");
    for (char c : v) n = n * 10 + (c - '0');
    if (n > max) return fail(k, excerpt(v) + " exceeds " + std::to_string(max));
    return static_cast<std::uint64_t>(n);
  }

  // epoch_ns reads epoch milliseconds and returns nanoseconds.
  std::int64_t epoch_ns(Key k) {
    const std::string v = text(k);
    if (v.empty()) return 0;
    const bool negative = v[0] == '-';
    const std::string_view digits = std::string_view(v).substr(negative ? 1 : 0);
    if (digits.empty() || digits.size() > 20 || !all_digits(digits)) {
      return fail(k, excerpt(v) + " is not an integer (epoch milliseconds)");
    }
    Int128 ms = 0;
    for (char c : digits) ms = ms * 10 + (c - '0');
    const Int128 ns = (negative ? -ms : ms) * kNanosPerMilli;
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
    if (valid_utf8(v)) return v;
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
    std::optional<Int128> t = parse_thousandths(number);
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

const TypeSpec* find_type(proto::EventType type) {
  for (const TypeSpec& t : kTypes) {
    if (t.type == type) return &t;
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

}  // namespace

Result<proto::EventEnvelope> decode_vendor_kv(std::string_view payload) {
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

namespace {

// Writer appends KEY=VALUE fields; empty values are left out (the format reads them as absent).
class Writer {
 public:
  void put(Key k, std::string_view value) {
    if (value.empty()) return;
    start(k);
    percent_encode(value, false, &out_);
  }
  void put_encoded(Key k, std::string_view encoded) {
    if (encoded.empty()) return;
    start(k);
    out_ += encoded;
  }
  void put_quantity(Key k, const proto::Quantity& q, bool with_unit) {
    put(k, number_of(q));
    if (with_unit) put(kUom, unit_of(q));
  }
  std::string take() { return std::move(out_); }

  static std::string number_of(const proto::Quantity& q) {
    const VendorUnit* u = unit_for(q.uom());
    return u != nullptr && u->grams ? std::to_string(q.milli()) : format_milli(q.milli());
  }
  static std::string unit_of(const proto::Quantity& q) {
    const VendorUnit* u = unit_for(q.uom());
    return u != nullptr ? std::string(u->vendor) : q.uom();
  }

 private:
  static const VendorUnit* unit_for(const std::string& canonical) {
    for (const VendorUnit& u : kUnits) {
      if (u.canonical == canonical) return &u;
    }
    return nullptr;
  }
  void start(Key k) {
    if (!out_.empty()) out_ += '|';
    out_ += kKeyNames[k];
    out_ += '=';
  }
  std::string out_;
};

std::string vendor_date(const std::string& d) {
  const bool iso = d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                   all_digits(std::string_view(d).substr(0, 4)) &&
                   all_digits(std::string_view(d).substr(5, 2)) &&
                   all_digits(std::string_view(d).substr(8, 2));
  return iso ? d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2) : d;
}

std::string vendor_lines(const proto::AsnReceived& asn) {
  std::string out;
  for (const proto::AsnLine& line : asn.lines()) {
    if (!out.empty()) out += ',';
    percent_encode(line.material(), true, &out);
    out += ';';
    percent_encode(line.lot(), true, &out);
    out += ';';
    percent_encode(Writer::number_of(line.quantity()), true, &out);
    out += ';';
    percent_encode(Writer::unit_of(line.quantity()), true, &out);
  }
  return out;
}

// encode_payload writes the payload message of `spec`, the inverse of decode_payload.
void encode_payload(const TypeSpec& spec, const proto::EventEnvelope& e, Writer& w) {
  const FieldDescriptor* pf = e.GetDescriptor()->FindFieldByName(std::string(spec.payload));
  if (pf == nullptr) return;
  const google::protobuf::Message& payload = e.GetReflection()->GetMessage(e, pf);
  const google::protobuf::Reflection* r = payload.GetReflection();
  bool unit_written = false;
  for (const Binding& b : spec.bindings) {
    if (b.field.empty()) break;
    const FieldDescriptor* f = payload.GetDescriptor()->FindFieldByName(std::string(b.field));
    if (f == nullptr) return;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      w.put(b.key, r->GetString(payload, f));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
      const std::int64_t ns = r->GetInt64(payload, f);
      if (ns != 0) w.put(b.key, std::to_string(ns / kNanosPerMilli));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      for (const LotCode& c : kLotCodes) {
        if (c.status == r->GetEnumValue(payload, f)) w.put(b.key, c.code);
      }
    } else if (f->is_repeated()) {
      w.put_encoded(b.key, vendor_lines(static_cast<const proto::AsnReceived&>(payload)));
    } else if (r->HasField(payload, f)) {
      w.put_quantity(b.key, static_cast<const proto::Quantity&>(r->GetMessage(payload, f)),
                     !unit_written);
      unit_written = true;
    }
  }
}

}  // namespace

std::string encode_vendor_kv(const proto::EventEnvelope& e) {
  Writer w;
  w.put(kMsgid, e.event_id());
  if (const TypeSpec* spec = find_type(e.event_type())) w.put(kTyp, spec->code);
  w.put(kVer, std::to_string(e.schema_version()));
  w.put(kSite, e.source().plant());
  w.put(kSys, e.source().system());
  w.put(kEdge, e.source().edge_node());
  w.put(kCorr, e.correlation_id());
  w.put(kCause, e.causation_id());
  w.put(kTs, std::to_string(e.occurred_at_ns() / kNanosPerMilli));
  w.put(kPdate, vendor_date(e.posting_date()));
  w.put(kOkey, e.ordering_key());
  w.put(kSeq, std::to_string(e.source_sequence()));
  if (const TypeSpec* spec = find_type(e.event_type())) encode_payload(*spec, e, w);
  return w.take();
}

}  // namespace mw::core
