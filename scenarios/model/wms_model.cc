#include "scenarios/model/wms_model.h"

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {

void read_wms_model(const model::Wms& m, const FieldReader& r, fakes::WmsConfig& c) {
  c.replenishment_timeout = r.duration("replenishment_timeout", m.replenishment_timeout(),
                                       c.replenishment_timeout, /*allow_zero=*/true);
  c.max_held_notifications =
      r.count("max_held_notifications", m.max_held_notifications(),
              static_cast<std::uint32_t>(c.max_held_notifications), 10'000'000);
}

model::Wms effective_wms_model(const fakes::WmsConfig& c) {
  model::Wms m;
  m.set_replenishment_timeout(format_duration_text(c.replenishment_timeout));
  m.set_max_held_notifications(static_cast<std::uint32_t>(c.max_held_notifications));
  return m;
}

}  // namespace mw::scen
