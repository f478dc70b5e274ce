#include "scenarios/model/disk_model.h"

namespace mw::scen {

void read_disk_model(const model::Disk& m, const FieldReader& r, sim::VolumeOptions& o) {
  if (m.sector_bytes() != 0) {
    const std::uint32_t s = m.sector_bytes();
    if (s < 512 || s > 65536 || (s & (s - 1)) != 0) {
      r.error("sector_bytes",
              "must be a power of two from 512 to 65536, not " + std::to_string(s));
    } else {
      o.sector_bytes = s;
    }
  }
  if (m.has_sector_survives_probability())
    o.sector_survives_probability =
        r.probability("sector_survives_probability", m.sector_survives_probability());
}

model::Disk effective_disk_model(const sim::VolumeOptions& o) {
  model::Disk m;
  m.set_sector_bytes(o.sector_bytes);
  m.set_sector_survives_probability(o.sector_survives_probability);
  return m;
}

}  // namespace mw::scen
