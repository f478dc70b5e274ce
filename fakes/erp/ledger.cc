#include "fakes/erp/ledger.h"

#include <cstdio>

#include "sim/check.h"

namespace mw::fakes {

std::vector<StockDelta> stock_effects(const proto::ErpCommand& command) {
  switch (command.body_case()) {
    case proto::ErpCommand::kGoodsIssue: {
      const auto& b = command.goods_issue();
      return {{{b.plant(), b.material(), b.lot(), b.storage_location()}, -b.quantity().milli()}};
    }
    case proto::ErpCommand::kGoodsReceipt: {
      const auto& b = command.goods_receipt();
      return {{{b.plant(), b.material(), b.lot(), b.storage_location()}, b.quantity().milli()}};
    }
    case proto::ErpCommand::kScrap: {
      const auto& b = command.scrap();
      return {{{b.plant(), b.material(), b.lot(), b.storage_location()}, -b.quantity().milli()}};
    }
    case proto::ErpCommand::kTransfer: {
      const auto& b = command.transfer();
      return {{{b.plant(), b.material(), b.lot(), b.from_location()}, -b.quantity().milli()},
              {{b.plant(), b.material(), b.lot(), b.to_location()}, b.quantity().milli()}};
    }
    case proto::ErpCommand::kAdjustment: {
      const auto& b = command.adjustment();
      return {{{b.plant(), b.material(), b.lot(), b.storage_location()}, b.delta().milli()}};
    }
    case proto::ErpCommand::kProductionConfirmation:
    case proto::ErpCommand::kLotStatusChange:
    case proto::ErpCommand::BODY_NOT_SET:
      break;
  }
  return {};
}

void ErpLedger::set_opening_stock(const StockKey& key, std::int64_t milli) {
  opening_stock_[key] = milli;
  if (milli == 0) {
    stock_.erase(key);
  } else {
    stock_[key] = milli;
  }
}

void ErpLedger::set_opening_lot_status(const LotKey& key, proto::LotStatus status) {
  lot_status_[key] = status;
}

void ErpLedger::add_stock(const StockKey& key, std::int64_t milli) {
  auto it = stock_.try_emplace(key, 0).first;
  std::int64_t sum = 0;
  MW_CHECK(!__builtin_add_overflow(it->second, milli, &sum),
           "stock balance overflows int64: the posting rules must reject such a command");
  if (sum == 0) {
    stock_.erase(it);
  } else {
    it->second = sum;
  }
}

const Posting& ErpLedger::commit(const proto::ErpCommand& command, sim::Time at) {
  MW_CHECK(command.body_case() != proto::ErpCommand::BODY_NOT_SET,
           "commit of a command without body");
  MW_CHECK(postings_.empty() || postings_.back().committed_at <= at, "commits go forward in time");
  for (const StockDelta& d : stock_effects(command)) add_stock(d.key, d.milli);
  if (command.has_lot_status_change()) {
    const auto& b = command.lot_status_change();
    lot_status_[LotKey{b.plant(), b.material(), b.lot()}] = b.status();
  }

  const std::uint64_t sequence = postings_.size() + 1;
  char document[32];
  std::snprintf(document, sizeof document, "49%08llu", static_cast<unsigned long long>(sequence));
  Posting& p = postings_.emplace_back();
  p.sequence = sequence;
  p.document_number = document;
  p.external_reference = command.external_reference();
  p.source_event_id = command.source_event_id();
  p.command = command;
  p.committed_at = at;
  by_reference_[p.external_reference].push_back(postings_.size() - 1);
  by_source_event_[p.source_event_id].push_back(postings_.size() - 1);
  return p;
}

void ErpLedger::change_period(std::string_view period, bool closed, sim::Time at) {
  if (closed) {
    closed_periods_.emplace(period);
  } else if (auto it = closed_periods_.find(period); it != closed_periods_.end()) {
    closed_periods_.erase(it);
  }
  period_history_.push_back(PeriodChange{at, std::string(period), closed});
}

std::int64_t ErpLedger::stock(const StockKey& key) const {
  const auto it = stock_.find(key);
  return it == stock_.end() ? 0 : it->second;
}

std::vector<const Posting*> ErpLedger::postings_for(std::string_view external_reference) const {
  std::vector<const Posting*> out;
  if (auto it = by_reference_.find(external_reference); it != by_reference_.end()) {
    for (std::size_t i : it->second) out.push_back(&postings_[i]);
  }
  return out;
}

const Posting* ErpLedger::first_posting_for(std::string_view external_reference) const {
  const auto it = by_reference_.find(external_reference);
  return it == by_reference_.end() ? nullptr : &postings_[it->second.front()];
}

std::size_t ErpLedger::count_for_source_event(std::string_view source_event_id) const {
  const auto it = by_source_event_.find(source_event_id);
  return it == by_source_event_.end() ? 0 : it->second.size();
}

std::vector<const Posting*> ErpLedger::postings_for_source_event(
    std::string_view source_event_id) const {
  std::vector<const Posting*> out;
  if (auto it = by_source_event_.find(source_event_id); it != by_source_event_.end()) {
    for (std::size_t i : it->second) out.push_back(&postings_[i]);
  }
  return out;
}

void ErpLedger::record_rejection(std::string_view source_event_id, proto::RejectionCode code,
                                 sim::Time at) {
  rejections_[std::string(source_event_id)].push_back(
      Rejection{std::string(source_event_id), code, at});
}

std::vector<Rejection> ErpLedger::rejections_of(std::string_view source_event_id) const {
  const auto it = rejections_.find(source_event_id);
  return it == rejections_.end() ? std::vector<Rejection>{} : it->second;
}

std::vector<LotKey> ErpLedger::lots_not_released() const {
  std::vector<LotKey> out;
  for (const auto& [key, status] : lot_status_) {
    if (status != proto::LOT_STATUS_RELEASED) out.push_back(key);
  }
  return out;
}

proto::LotStatus ErpLedger::lot_status(const LotKey& key) const {
  const auto it = lot_status_.find(key);
  return it == lot_status_.end() ? proto::LOT_STATUS_RELEASED : it->second;
}

}  // namespace mw::fakes
