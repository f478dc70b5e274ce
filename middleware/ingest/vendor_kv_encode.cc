// The encoding half of vendor_kv.h: from a canonical EventEnvelope to a LineCtl record.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "middleware/enrich/uom.h"
#include "middleware/ingest/kv_text.h"
#include "middleware/ingest/vendor_kv.h"
#include "middleware/ingest/vendor_kv_internal.h"

namespace mw::core {
namespace vendor_kv_internal {
namespace {

using google::protobuf::FieldDescriptor;
using kv_text::all_digits;
using kv_text::percent_encode;

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

// vendor_date writes an ISO posting date "YYYY-MM-DD" as YYYYMMDD; anything else goes as it is,
// so that decoding refuses it.
std::string vendor_date(const std::string& d) {
  const bool iso = d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                   all_digits(std::string_view(d).substr(0, 4)) &&
                   all_digits(std::string_view(d).substr(5, 2)) &&
                   all_digits(std::string_view(d).substr(8, 2));
  return iso ? d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2) : d;
}

// vendor_lines renders the lines of `asn` as the value of LN, each component escaped.
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

// find_type returns the spec of the canonical `type`, or nullptr if the format has none.
const TypeSpec* find_type(proto::EventType type) {
  for (const TypeSpec& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
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

// encode renders one envelope; encode_vendor_kv in vendor_kv.h is its contract.
std::string encode(const proto::EventEnvelope& e) {
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

}  // namespace
}  // namespace vendor_kv_internal

std::string encode_vendor_kv(const proto::EventEnvelope& e) {
  return vendor_kv_internal::encode(e);
}

}  // namespace mw::core
