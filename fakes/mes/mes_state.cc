#include "fakes/mes/mes_state.h"

#include <memory>

#include "sim/check.h"

namespace mw::fakes {

void MesState::initialize(const MesConfig& config) {
  if (initialized()) {
    MW_CHECK(stock_->plant() == config.plant && lines_.size() == config.lines,
             "an MesState was reused with a config of another plant or line count");
    return;
  }
  stock_ = std::make_unique<PhysicalStock>(config.plant);
  for (const OpeningLot& l : config.opening_stock) {
    stock_->add_opening_lot(l.material, l.lot, l.storage_location, l.milli, l.uom);
  }
  lines_.resize(config.lines);
  next_work_order_ = config.first_work_order;
}

}  // namespace mw::fakes
