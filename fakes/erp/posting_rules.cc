#include "fakes/erp/posting_rules.h"

#include <cstdint>
#include <map>
#include <string>

namespace mw::fakes {
namespace {

proto::ErpRejection reject(proto::RejectionCode code, std::string message) {
  proto::ErpRejection r;
  r.set_code(code);
  r.set_message(std::move(message));
  return r;
}

// The material a command names, or nullptr for a production confirmation (it names none).
const std::string* material_of(const proto::ErpCommand& c) {
  switch (c.body_case()) {
    case proto::ErpCommand::kGoodsIssue:
      return &c.goods_issue().material();
    case proto::ErpCommand::kGoodsReceipt:
      return &c.goods_receipt().material();
    case proto::ErpCommand::kScrap:
      return &c.scrap().material();
    case proto::ErpCommand::kTransfer:
      return &c.transfer().material();
    case proto::ErpCommand::kAdjustment:
      return &c.adjustment().material();
    case proto::ErpCommand::kLotStatusChange:
      return &c.lot_status_change().material();
    default:
      return nullptr;
  }
}

// The lot a command takes stock from (issue, scrap, transfer), if any.
std::optional<LotKey> consumed_lot(const proto::ErpCommand& c) {
  switch (c.body_case()) {
    case proto::ErpCommand::kGoodsIssue: {
      const auto& b = c.goods_issue();
      return LotKey{b.plant(), b.material(), b.lot()};
    }
    case proto::ErpCommand::kScrap: {
      const auto& b = c.scrap();
      return LotKey{b.plant(), b.material(), b.lot()};
    }
    case proto::ErpCommand::kTransfer: {
      const auto& b = c.transfer();
      return LotKey{b.plant(), b.material(), b.lot()};
    }
    default:
      return std::nullopt;
  }
}

// The reason the command's own fields are invalid, or "" when they are fine.
std::string field_problem(const proto::ErpCommand& c) {
  if (c.body_case() == proto::ErpCommand::BODY_NOT_SET) return "the command has no body";
  if (c.external_reference().empty()) return "the command has no external_reference";
  if (!is_calendar_date(c.posting_date())) {
    return "posting_date \"" + c.posting_date() + "\" is not a calendar date YYYY-MM-DD";
  }
  auto positive = [](const proto::Quantity& q, const char* what) -> std::string {
    if (q.milli() > 0) return "";
    return std::string(what) + " must be > 0, got " + std::to_string(q.milli()) + " milli";
  };
  switch (c.body_case()) {
    case proto::ErpCommand::kGoodsIssue:
      return positive(c.goods_issue().quantity(), "quantity");
    case proto::ErpCommand::kGoodsReceipt:
      return positive(c.goods_receipt().quantity(), "quantity");
    case proto::ErpCommand::kScrap:
      return positive(c.scrap().quantity(), "quantity");
    case proto::ErpCommand::kTransfer:
      return positive(c.transfer().quantity(), "quantity");
    case proto::ErpCommand::kProductionConfirmation: {
      const auto& b = c.production_confirmation();
      if (b.yield_quantity().milli() < 0 || b.scrap_quantity().milli() < 0) {
        return "yield and scrap quantities must be >= 0";
      }
      return "";
    }
    case proto::ErpCommand::kLotStatusChange: {
      const proto::LotStatus s = c.lot_status_change().status();
      if (s == proto::LOT_STATUS_UNSPECIFIED || !proto::LotStatus_IsValid(s)) {
        return "lot status " + std::to_string(static_cast<int>(s)) + " is not a lot status";
      }
      return "";
    }
    default:
      return "";
  }
}

std::string describe(const StockKey& k) {
  return "material " + k.material + " lot " + k.lot + " in plant " + k.plant + " location \"" +
         k.storage_location + "\"";
}

}  // namespace

bool is_calendar_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  const int year = std::stoi(d.substr(0, 4));
  const int month = std::stoi(d.substr(5, 2));
  const int day = std::stoi(d.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<proto::ErpRejection> check_command(const ErpLedger& ledger, const ErpConfig& config,
                                                 const proto::ErpCommand& command) {
  if (std::string problem = field_problem(command); !problem.empty()) {
    return reject(proto::INVALID_COMMAND, std::move(problem));
  }
  // Balance before and net change per balance the command moves; the sums must not overflow.
  std::map<StockKey, std::pair<std::int64_t, std::int64_t>> moves;  // key -> (before, net)
  for (const StockDelta& d : stock_effects(command)) {
    auto& [before, net] = moves.try_emplace(d.key, ledger.stock(d.key), 0).first->second;
    std::int64_t after = 0;
    if (__builtin_add_overflow(net, d.milli, &net) || __builtin_add_overflow(before, net, &after)) {
      return reject(proto::INVALID_COMMAND,
                    "the balance of " + describe(d.key) + " would overflow");
    }
  }

  if (const std::string* material = material_of(command);
      material != nullptr && !config.known_materials.empty() &&
      !config.known_materials.contains(*material)) {
    return reject(proto::UNKNOWN_MATERIAL, "material " + *material + " is not known to the ERP");
  }
  if (!command.has_lot_status_change()) {
    const std::string period = command.posting_date().substr(0, 7);
    if (ledger.period_closed(period)) {
      return reject(proto::CLOSED_PERIOD, "posting period " + period + " is closed (posting date " +
                                              command.posting_date() + ")");
    }
  }
  if (const auto lot = consumed_lot(command)) {
    const proto::LotStatus status = ledger.lot_status(*lot);
    if (status == proto::LOT_STATUS_QUALITY_HOLD || status == proto::LOT_STATUS_BLOCKED) {
      return reject(proto::BLOCKED_LOT, "lot " + lot->lot + " of material " + lot->material +
                                            " in plant " + lot->plant + " is " +
                                            proto::LotStatus_Name(status));
    }
  }
  if (!config.allow_negative_stock) {
    for (const auto& [key, move] : moves) {
      const auto [before, net] = move;
      if (net < 0 && before + net < 0) {
        return reject(proto::INSUFFICIENT_STOCK,
                      "stock of " + describe(key) + " is " + std::to_string(before) +
                          " milli, the command moves " + std::to_string(net) + " milli");
      }
    }
  }
  return std::nullopt;
}

}  // namespace mw::fakes
