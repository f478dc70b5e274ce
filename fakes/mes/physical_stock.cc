#include "fakes/mes/physical_stock.h"

#include <utility>

#include "sim/check.h"

namespace mw::fakes {

LotIndex PhysicalStock::add_opening_lot(std::string material, std::string lot,
                                        std::string storage_location, std::int64_t milli,
                                        std::string uom) {
  opening_[PhysicalStockKey{plant_, material, lot, storage_location}] += milli;
  return insert(std::move(material), std::move(lot), std::move(storage_location), milli,
                std::move(uom));
}

LotIndex PhysicalStock::add_lot(std::string material, std::string lot, std::string storage_location,
                                std::int64_t milli, std::string uom) {
  return insert(std::move(material), std::move(lot), std::move(storage_location), milli,
                std::move(uom));
}

LotIndex PhysicalStock::insert(std::string material, std::string lot, std::string storage_location,
                               std::int64_t milli, std::string uom) {
  MW_CHECK(milli > 0, "a new lot must hold something");
  const LotIndex i = lots_.size();
  const bool fresh = by_name_.emplace(std::make_pair(material, lot), i).second;
  MW_CHECK(fresh, "a lot of this material with this name already exists in the plant");
  book(material, lot, storage_location, milli);
  by_material_[material].push_back(i);
  lots_.push_back(
      Lot{std::move(material), std::move(lot), std::move(storage_location), std::move(uom), milli});
  return i;
}

std::optional<LotIndex> PhysicalStock::oldest_with(std::string_view material, std::int64_t milli) {
  const auto it = by_material_.find(material);
  if (it == by_material_.end()) return std::nullopt;
  std::deque<LotIndex>& order = it->second;
  while (!order.empty() && lots_[order.front()].available == 0) order.pop_front();
  for (LotIndex i : order) {
    if (lots_[i].available >= milli) return i;
  }
  return std::nullopt;
}

void PhysicalStock::take(LotIndex i, std::int64_t milli) {
  Lot& l = lots_.at(i);
  MW_CHECK(milli > 0, "a take must move something");
  MW_CHECK(milli <= l.available, "the MES took more from a lot than it physically holds");
  l.available -= milli;
  book(l.material, l.lot, l.storage_location, -milli);
}

void PhysicalStock::book(std::string_view material, std::string_view lot, std::string_view location,
                         std::int64_t milli) {
  PhysicalStockKey key{plant_, std::string(material), std::string(lot), std::string(location)};
  auto it = balances_.try_emplace(std::move(key), 0).first;
  it->second += milli;
  if (it->second == 0) balances_.erase(it);
}

}  // namespace mw::fakes
