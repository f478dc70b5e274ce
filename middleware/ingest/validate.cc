#include "middleware/ingest/validate.h"

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

#include "middleware/enrich/uom.h"

namespace mw::core {
namespace {

constexpr std::size_t kMaxEventIdBytes = 128;
constexpr std::size_t kMaxOrderingKeyBytes = 256;
constexpr std::uint32_t kSchemaVersion = 1;

// kPayloadFieldOf pairs each event type with the number of its payload field in EventEnvelope.
constexpr std::array<std::pair<proto::EventType, int>, 13> kPayloadFieldOf = {{
    {proto::WORK_ORDER_RELEASED, 20},
    {proto::OPERATION_STARTED, 21},
    {proto::OPERATION_COMPLETED, 22},
    {proto::MATERIAL_CONSUMED, 23},
    {proto::SCRAP_RECORDED, 24},
    {proto::FINISHED_GOODS_REPORTED, 25},
    {proto::GOODS_RECEIPT_POSTED, 30},
    {proto::STOCK_TRANSFERRED, 31},
    {proto::STOCK_ADJUSTED, 32},
    {proto::LOT_STATUS_CHANGED, 33},
    {proto::CYCLE_COUNT_VARIANCE, 34},
    {proto::ASN_RECEIVED, 40},
    {proto::SUPPLIER_SHIPMENT_DELAYED, 41},
}};

// quote renders a value for a message: at most 40 bytes, non-printables as \xHH.
std::string quote(std::string_view v) {
  constexpr std::size_t kMax = 40;
  constexpr char kHex[] = "0123456789ABCDEF";
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

Status fail(std::string_view path, const std::string& why) {
  return malformed(std::string(path) + why);
}

Status first_error(std::initializer_list<Status> checks) {
  for (const Status& s : checks) {
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

Status require(std::string_view path, const std::string& value) {
  return value.empty() ? fail(path, " is missing") : Status::ok();
}

enum class Sign { kPositive, kNonZero, kNonNegative };

Status check_quantity(std::string_view path, bool present, const proto::Quantity& q, Sign sign) {
  if (!present) return fail(path, " is missing");
  if (q.uom().empty()) return fail(path, ".uom is missing");
  if (!is_known_unit(q.uom())) return fail(path, ".uom: unknown unit " + quote(q.uom()));
  const std::string got = "; got " + format_milli(q.milli()) + " " + q.uom();
  if (sign == Sign::kPositive && q.milli() <= 0) return fail(path, " must be positive" + got);
  if (sign == Sign::kNonZero && q.milli() == 0) return fail(path, " must not be zero");
  if (sign == Sign::kNonNegative && q.milli() < 0) return fail(path, " must not be negative" + got);
  return Status::ok();
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool is_calendar_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  auto number = [&d](std::size_t pos, std::size_t len) {
    int n = 0;
    for (std::size_t i = pos; i < pos + len; ++i) n = n * 10 + (d[i] - '0');
    return n;
  };
  const int y = number(0, 4);
  const int m = number(5, 2);
  const int day = number(8, 2);
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || day < 1) return false;
  return day <= kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

Status check_header(const proto::EventEnvelope& e) {
  const std::string& id = e.event_id();
  if (id.empty()) return fail("event_id", " is missing");
  if (id.size() > kMaxEventIdBytes) {
    return fail("event_id", " is " + std::to_string(id.size()) + " bytes; the limit is " +
                                std::to_string(kMaxEventIdBytes));
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c > 0x7e) {
      // (Built step by step: GCC 12 -O3 reports a false -Wrestrict for "literal" + string&&.)
      std::string why = " ";
      why += quote(id);
      why += " has a byte that is not printable ASCII at offset " + std::to_string(i);
      return fail("event_id", why);
    }
  }
  if (e.schema_version() != kSchemaVersion) {
    return fail("schema_version", ": unknown schema version " + std::to_string(e.schema_version()) +
                                      "; this core understands " + std::to_string(kSchemaVersion));
  }
  return Status::ok();
}

Status check_type(const proto::EventEnvelope& e) {
  const std::string type_name = proto::EventType_IsValid(e.event_type())
                                    ? proto::EventType_Name(e.event_type())
                                    : std::to_string(static_cast<int>(e.event_type()));
  if (e.event_type() == proto::EVENT_TYPE_UNSPECIFIED) return fail("event_type", " is not set");
  int expected = 0;
  for (const auto& [type, field] : kPayloadFieldOf) {
    if (type == e.event_type()) expected = field;
  }
  if (expected == 0) return fail("event_type", ": unknown event type " + type_name);
  if (e.payload_case() == proto::EventEnvelope::PAYLOAD_NOT_SET) {
    return fail("payload", " is missing (event_type " + type_name + ")");
  }
  if (static_cast<int>(e.payload_case()) != expected) {
    const auto* set = e.GetDescriptor()->FindFieldByNumber(static_cast<int>(e.payload_case()));
    return fail("event_type", " " + type_name + " does not match the payload that is set (" +
                                  (set != nullptr ? set->name() : std::string("?")) + ")");
  }
  return Status::ok();
}

Status check_order_and_time(const proto::EventEnvelope& e, const MasterData& master) {
  if (e.ordering_key().empty()) return fail("ordering_key", " is missing");
  if (e.ordering_key().size() > kMaxOrderingKeyBytes) {
    return fail("ordering_key", " is " + std::to_string(e.ordering_key().size()) +
                                    " bytes; the limit is " + std::to_string(kMaxOrderingKeyBytes));
  }
  if (e.source_sequence() < 1) return fail("source_sequence", " is 0; sequences start at 1");
  if (e.source_sequence() > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail("source_sequence", " is " + std::to_string(e.source_sequence()) + ", above the largest supported (2^63-1)");
  }
  if (e.occurred_at_ns() <= 0) {
    return fail("occurred_at_ns", " must be positive; got " + std::to_string(e.occurred_at_ns()));
  }
  if (!is_calendar_date(e.posting_date())) {
    return fail("posting_date",
                ": " + quote(e.posting_date()) + " is not a calendar date YYYY-MM-DD");
  }
  if (e.source().plant().empty()) return fail("source.plant", " is missing");
  if (master.plants.find(e.source().plant()) == master.plants.end()) {
    return fail("source.plant", ": unknown plant " + quote(e.source().plant()));
  }
  return Status::ok();
}

Status check_lines(const proto::AsnReceived& p) {
  if (p.lines_size() == 0) return fail("asn_received.lines", " is empty");
  for (int i = 0; i < p.lines_size(); ++i) {
    const std::string path = "asn_received.lines[" + std::to_string(i) + "]";
    const proto::AsnLine& l = p.lines(i);
    Status s = first_error(
        {require(path + ".material", l.material()),
         check_quantity(path + ".quantity", l.has_quantity(), l.quantity(), Sign::kPositive)});
    if (!s.is_ok()) return s;
  }
  return Status::ok();
}

Status check_payload(const proto::EventEnvelope& e) {
  using S = Sign;
  switch (e.payload_case()) {
    case proto::EventEnvelope::kWorkOrderReleased: {
      const auto& p = e.work_order_released();
      return first_error(
          {require("work_order_released.work_order", p.work_order()),
           check_quantity("work_order_released.planned_quantity", p.has_planned_quantity(),
                          p.planned_quantity(), S::kNonNegative)});
    }
    case proto::EventEnvelope::kOperationStarted: {
      const auto& p = e.operation_started();
      return first_error({require("operation_started.work_order", p.work_order()),
                          require("operation_started.operation", p.operation())});
    }
    case proto::EventEnvelope::kOperationCompleted: {
      const auto& p = e.operation_completed();
      Status s =
          first_error({require("operation_completed.work_order", p.work_order()),
                       require("operation_completed.operation", p.operation()),
                       check_quantity("operation_completed.yield_quantity", p.has_yield_quantity(),
                                      p.yield_quantity(), S::kNonNegative),
                       check_quantity("operation_completed.scrap_quantity", p.has_scrap_quantity(),
                                      p.scrap_quantity(), S::kNonNegative)});
      if (s.is_ok() && p.yield_quantity().milli() == 0 && p.scrap_quantity().milli() == 0) {
        return fail("operation_completed.yield_quantity", " and scrap_quantity are both zero");
      }
      return s;
    }
    case proto::EventEnvelope::kMaterialConsumed: {
      const auto& p = e.material_consumed();
      return first_error({require("material_consumed.work_order", p.work_order()),
                          require("material_consumed.material", p.material()),
                          require("material_consumed.lot", p.lot()),
                          check_quantity("material_consumed.quantity", p.has_quantity(),
                                         p.quantity(), S::kPositive)});
    }
    case proto::EventEnvelope::kScrapRecorded: {
      const auto& p = e.scrap_recorded();
      return first_error(
          {require("scrap_recorded.work_order", p.work_order()),
           require("scrap_recorded.material", p.material()), require("scrap_recorded.lot", p.lot()),
           check_quantity("scrap_recorded.quantity", p.has_quantity(), p.quantity(), S::kPositive),
           require("scrap_recorded.storage_location", p.storage_location())});
    }
    case proto::EventEnvelope::kFinishedGoodsReported: {
      const auto& p = e.finished_goods_reported();
      return first_error({require("finished_goods_reported.work_order", p.work_order()),
                          require("finished_goods_reported.material", p.material()),
                          require("finished_goods_reported.lot", p.lot()),
                          check_quantity("finished_goods_reported.quantity", p.has_quantity(),
                                         p.quantity(), S::kPositive)});
    }
    case proto::EventEnvelope::kGoodsReceiptPosted: {
      const auto& p = e.goods_receipt_posted();
      return first_error({require("goods_receipt_posted.purchase_order", p.purchase_order()),
                          require("goods_receipt_posted.material", p.material()),
                          require("goods_receipt_posted.lot", p.lot()),
                          check_quantity("goods_receipt_posted.quantity", p.has_quantity(),
                                         p.quantity(), S::kPositive)});
    }
    case proto::EventEnvelope::kStockTransferred: {
      const auto& p = e.stock_transferred();
      Status s = first_error({require("stock_transferred.material", p.material()),
                              require("stock_transferred.lot", p.lot()),
                              require("stock_transferred.from_location", p.from_location()),
                              require("stock_transferred.to_location", p.to_location()),
                              check_quantity("stock_transferred.quantity", p.has_quantity(),
                                             p.quantity(), S::kPositive)});
      if (s.is_ok() && p.from_location() == p.to_location()) {
        return fail("stock_transferred.to_location",
                    " equals from_location " + quote(p.from_location()));
      }
      return s;
    }
    case proto::EventEnvelope::kStockAdjusted: {
      const auto& p = e.stock_adjusted();
      return first_error(
          {require("stock_adjusted.material", p.material()), require("stock_adjusted.lot", p.lot()),
           check_quantity("stock_adjusted.delta", p.has_delta(), p.delta(), S::kNonZero)});
    }
    case proto::EventEnvelope::kLotStatusChanged: {
      const auto& p = e.lot_status_changed();
      Status s = first_error({require("lot_status_changed.material", p.material()),
                              require("lot_status_changed.lot", p.lot())});
      if (s.is_ok() &&
          (p.status() == proto::LOT_STATUS_UNSPECIFIED || !proto::LotStatus_IsValid(p.status()))) {
        return fail("lot_status_changed.status",
                    " must be RELEASED, QUALITY_HOLD or BLOCKED; got " +
                        std::to_string(static_cast<int>(p.status())));
      }
      return s;
    }
    case proto::EventEnvelope::kCycleCountVariance: {
      const auto& p = e.cycle_count_variance();
      return first_error({require("cycle_count_variance.material", p.material()),
                          require("cycle_count_variance.lot", p.lot()),
                          check_quantity("cycle_count_variance.counted", p.has_counted(),
                                         p.counted(), S::kNonNegative),
                          check_quantity("cycle_count_variance.variance", p.has_variance(),
                                         p.variance(), S::kNonZero)});
    }
    case proto::EventEnvelope::kAsnReceived: {
      const auto& p = e.asn_received();
      return first_error({require("asn_received.asn", p.asn()),
                          require("asn_received.supplier", p.supplier()), check_lines(p)});
    }
    case proto::EventEnvelope::kSupplierShipmentDelayed: {
      const auto& p = e.supplier_shipment_delayed();
      return first_error({require("supplier_shipment_delayed.asn", p.asn()),
                          require("supplier_shipment_delayed.supplier", p.supplier())});
    }
    case proto::EventEnvelope::PAYLOAD_NOT_SET:
      break;
  }
  return fail("payload", " is missing");
}

}  // namespace

Status validate_envelope(const proto::EventEnvelope& e, const MasterData& master) {
  return first_error(
      {check_header(e), check_type(e), check_order_and_time(e, master), check_payload(e)});
}

}  // namespace mw::core
