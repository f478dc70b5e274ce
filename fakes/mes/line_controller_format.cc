#include "fakes/mes/line_controller_format.h"

#include <cstdint>
#include <string_view>

#include "sim/check.h"

namespace mw::fakes {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;

struct Unit {
  std::string_view canonical;
  std::string_view vendor;
  bool grams;  // the number is whole grams (KG milli-units one to one)
};
constexpr Unit kUnits[] = {
    {"KG", "GR", true}, {"EA", "PCS", false}, {"M", "MTR", false}, {"L", "LTR", false}};

const Unit* unit_for(const std::string& canonical) {
  for (const Unit& u : kUnits) {
    if (u.canonical == canonical) return &u;
  }
  return nullptr;
}

// Record appends KEY=VALUE fields; an empty value is left out, as the format reads it as absent.
class Record {
 public:
  explicit Record(std::string& out) : out_(out) {}

  void put(std::string_view key, std::string_view value) {
    if (value.empty()) return;
    start(key);
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char ch : value) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c >= 0x7f || c == '%' || c == '|' || c == '=') {
        out_ += '%';
        out_ += kHex[c >> 4];
        out_ += kHex[c & 15];
      } else {
        out_ += ch;
      }
    }
  }
  void put_number(std::string_view key, std::uint64_t v) { put(key, std::to_string(v)); }

  // put_quantity writes the number of `q` under `key` and, when `with_unit`, its unit as UOM.
  void put_quantity(std::string_view key, const proto::Quantity& q, bool with_unit) {
    const Unit* u = unit_for(q.uom());
    MW_CHECK(u != nullptr, "a line-controller quantity has a unit the format cannot carry");
    put(key, u->grams ? std::to_string(q.milli()) : decimal(q.milli()));
    if (with_unit) put("UOM", u->vendor);
  }

 private:
  // decimal renders milli-units without trailing zeros: 1500 -> "1.5", 2000 -> "2".
  static std::string decimal(std::int64_t milli) {
    const std::uint64_t magnitude =
        milli < 0 ? ~static_cast<std::uint64_t>(milli) + 1 : static_cast<std::uint64_t>(milli);
    std::string s = milli < 0 ? "-" : "";
    s += std::to_string(magnitude / 1000);
    if (std::uint64_t frac = magnitude % 1000; frac != 0) {
      char digits[4] = {static_cast<char>('0' + frac / 100),
                        static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10),
                        0};
      std::string_view d(digits, 3);
      while (d.back() == '0') d.remove_suffix(1);
      s += '.';
      s += d;
    }
    return s;
  }
  void start(std::string_view key) {
    if (!out_.empty()) out_ += '|';
    out_ += key;
    out_ += '=';
  }
  std::string& out_;
};

// vendor_date writes "YYYY-MM-DD" as YYYYMMDD (anything else as it is: the decoder refuses it).
std::string vendor_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return d;
  return d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
}

const char* type_code(proto::EventType t) {
  switch (t) {
    case proto::WORK_ORDER_RELEASED:
      return "WOREL";
    case proto::OPERATION_STARTED:
      return "OPSTA";
    case proto::OPERATION_COMPLETED:
      return "OPCMP";
    case proto::MATERIAL_CONSUMED:
      return "CONS";
    case proto::SCRAP_RECORDED:
      return "SCRP";
    case proto::FINISHED_GOODS_REPORTED:
      return "FGR";
    default:
      return nullptr;
  }
}

bool unit_ok(const proto::Quantity& q) { return unit_for(q.uom()) != nullptr; }

}  // namespace

bool line_controller_encodable(const proto::EventEnvelope& e) {
  if (type_code(e.event_type()) == nullptr) return false;
  switch (e.payload_case()) {
    case proto::EventEnvelope::kWorkOrderReleased:
      return unit_ok(e.work_order_released().planned_quantity());
    case proto::EventEnvelope::kOperationStarted:
      return true;
    case proto::EventEnvelope::kOperationCompleted: {
      const auto& p = e.operation_completed();
      return unit_ok(p.yield_quantity()) && p.yield_quantity().uom() == p.scrap_quantity().uom();
    }
    case proto::EventEnvelope::kMaterialConsumed:
      return unit_ok(e.material_consumed().quantity());
    case proto::EventEnvelope::kScrapRecorded:
      return unit_ok(e.scrap_recorded().quantity());
    case proto::EventEnvelope::kFinishedGoodsReported:
      return unit_ok(e.finished_goods_reported().quantity());
    default:
      return false;
  }
}

std::string encode_line_controller(const proto::EventEnvelope& e) {
  MW_CHECK(line_controller_encodable(e), "an event the line-controller format cannot carry");
  std::string out;
  out.reserve(256);
  Record r(out);
  r.put("MSGID", e.event_id());
  r.put("TYP", type_code(e.event_type()));
  r.put_number("VER", e.schema_version());
  r.put("SITE", e.source().plant());
  r.put("SYS", e.source().system());
  r.put("EDGE", e.source().edge_node());
  r.put("CORR", e.correlation_id());
  r.put("CAUSE", e.causation_id());
  r.put("TS", std::to_string(e.occurred_at_ns() / kNanosPerMilli));
  r.put("PDATE", vendor_date(e.posting_date()));
  r.put("OKEY", e.ordering_key());
  r.put_number("SEQ", e.source_sequence());
  switch (e.payload_case()) {
    case proto::EventEnvelope::kWorkOrderReleased: {
      const auto& p = e.work_order_released();
      r.put("AUFNR", p.work_order());
      r.put("MATNR", p.material());
      r.put_quantity("QTY", p.planned_quantity(), true);
      r.put("ARBPL", p.work_center());
      break;
    }
    case proto::EventEnvelope::kOperationStarted: {
      const auto& p = e.operation_started();
      r.put("AUFNR", p.work_order());
      r.put("VORNR", p.operation());
      r.put("ARBPL", p.work_center());
      break;
    }
    case proto::EventEnvelope::kOperationCompleted: {
      const auto& p = e.operation_completed();
      r.put("AUFNR", p.work_order());
      r.put("VORNR", p.operation());
      r.put("ARBPL", p.work_center());
      r.put_quantity("QTY", p.yield_quantity(), true);
      r.put_quantity("QTY2", p.scrap_quantity(), false);
      break;
    }
    case proto::EventEnvelope::kMaterialConsumed: {
      const auto& p = e.material_consumed();
      r.put("AUFNR", p.work_order());
      r.put("VORNR", p.operation());
      r.put("MATNR", p.material());
      r.put("CHARG", p.lot());
      r.put_quantity("QTY", p.quantity(), true);
      r.put("LGORT", p.storage_location());
      break;
    }
    case proto::EventEnvelope::kScrapRecorded: {
      const auto& p = e.scrap_recorded();
      r.put("AUFNR", p.work_order());
      r.put("VORNR", p.operation());
      r.put("MATNR", p.material());
      r.put("CHARG", p.lot());
      r.put_quantity("QTY", p.quantity(), true);
      r.put("RSN", p.reason_code());
      r.put("LGORT", p.storage_location());
      break;
    }
    case proto::EventEnvelope::kFinishedGoodsReported: {
      const auto& p = e.finished_goods_reported();
      r.put("AUFNR", p.work_order());
      r.put("MATNR", p.material());
      r.put("CHARG", p.lot());
      r.put_quantity("QTY", p.quantity(), true);
      r.put("LGORT", p.storage_location());
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace mw::fakes
