#include "scenarios/model/quality_model.h"

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {

void read_quality_model(const model::Quality& m, const FieldReader& r, fakes::QualityConfig& c) {
  fakes::RandomHolds& h = c.random;
  h.mean_time_between_holds =
      r.duration("mean_time_between_holds", m.mean_time_between_holds(), h.mean_time_between_holds);
  h.block_probability = r.probability("block_probability", m.block_probability());
  h.hold_median = r.duration("hold_median", m.hold_median(), h.hold_median);
  if (m.has_hold_sigma()) h.hold_sigma = r.at_most("hold_sigma", m.hold_sigma(), 5, h.hold_sigma);
  h.hold_max = r.duration("hold_max", m.hold_max(), h.hold_max);
}

model::Quality effective_quality_model(const fakes::QualityConfig& c) {
  model::Quality m;
  m.set_mean_time_between_holds(format_duration_text(c.random.mean_time_between_holds));
  m.set_block_probability(c.random.block_probability);
  m.set_hold_median(format_duration_text(c.random.hold_median));
  m.set_hold_sigma(c.random.hold_sigma);
  m.set_hold_max(format_duration_text(c.random.hold_max));
  return m;
}

}  // namespace mw::scen
