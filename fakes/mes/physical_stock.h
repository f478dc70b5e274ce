// PhysicalStock: the material that physically lies in one plant, as its MES tracks it. It is
// part of the MES's ground truth, next to the SourceLog: the MES never takes more from a lot
// than the lot holds.
//
// Two views of the same stock, both in the unit the material is kept in (its lots' unit):
//   - lots, each with what it physically holds (`available`), in age order per material:
//     opening lots in the order the config lists them, then the lots the MES makes;
//   - balances by (plant, material, lot, storage location), booked where the events' physical
//     effects book them (source_log.h). A consumption, a scrap and a finished-goods report all
//     book at the lot's storage location, as the ERP does (a lot never moves in the MES). So a
//     lot's `available` is its balance at its storage location, and opening + the sum of the
//     logged effects (converted to the lot's unit where the BOM uses another, units.h) equals
//     `balances()` key by key.
//
// Lots are addressed by a stable index (LotIndex) so that progress records can name them without
// copying strings. Not thread-safe: one simulation is one thread.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mw::fakes {

using LotIndex = std::size_t;

struct PhysicalStockKey {
  std::string plant;
  std::string material;
  std::string lot;
  std::string storage_location;
  friend auto operator<=>(const PhysicalStockKey&, const PhysicalStockKey&) = default;
};

class PhysicalStock {
 public:
  struct Lot {
    std::string material;
    std::string lot;
    std::string storage_location;
    std::string uom;
    std::int64_t available = 0;  // milli-units, all of it at `storage_location`
  };

  explicit PhysicalStock(std::string plant) : plant_(std::move(plant)) {}
  PhysicalStock(const PhysicalStock&) = delete;
  PhysicalStock& operator=(const PhysicalStock&) = delete;

  // add_opening_lot adds a lot present at the start; it is part of opening_balances().
  LotIndex add_opening_lot(std::string material, std::string lot, std::string storage_location,
                           std::int64_t milli, std::string uom);
  // add_lot adds a lot the plant made now, the youngest of its material. The (material, lot)
  // pair must be new (MW_CHECK).
  LotIndex add_lot(std::string material, std::string lot, std::string storage_location,
                   std::int64_t milli, std::string uom);

  // oldest_with returns the oldest lot of `material` that holds at least `milli`, or nullopt.
  // Its cost grows with the number of non-empty lots of the material older than the answer.
  std::optional<LotIndex> oldest_with(std::string_view material, std::int64_t milli);

  // take removes `milli` (> 0, at most what the lot holds: MW_CHECK) from lot `i`, booked at
  // the lot's storage location. Consumption and scrap both take this way.
  void take(LotIndex i, std::int64_t milli);

  const Lot& lot(LotIndex i) const { return lots_.at(i); }
  std::size_t lot_count() const { return lots_.size(); }
  const std::string& plant() const { return plant_; }

  // balances returns every non-zero balance; opening_balances those at the start.
  const std::map<PhysicalStockKey, std::int64_t>& balances() const { return balances_; }
  const std::map<PhysicalStockKey, std::int64_t>& opening_balances() const { return opening_; }

 private:
  LotIndex insert(std::string material, std::string lot, std::string storage_location,
                  std::int64_t milli, std::string uom);
  void book(std::string_view material, std::string_view lot, std::string_view location,
            std::int64_t milli);

  std::string plant_;
  std::deque<Lot> lots_;
  // Lot indices per material, oldest first; emptied lots are dropped lazily from the front.
  std::map<std::string, std::deque<LotIndex>, std::less<>> by_material_;
  std::map<std::pair<std::string, std::string>, LotIndex> by_name_;  // (material, lot)
  std::map<PhysicalStockKey, std::int64_t> balances_;
  std::map<PhysicalStockKey, std::int64_t> opening_;
};

}  // namespace mw::fakes
