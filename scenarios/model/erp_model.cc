#include "scenarios/model/erp_model.h"

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {

void read_erp_model(const model::Erp& e, const FieldReader& r, fakes::ErpConfig& c) {
  c.flavor = e.flavor() == model::Erp::LEGACY ? fakes::ErpFlavor::kLegacy : fakes::ErpFlavor::kCloud;
  c.latency_median = r.duration("latency_median", e.latency_median(), c.latency_median);
  if (e.has_latency_sigma())
    c.latency_sigma = r.at_most("latency_sigma", e.latency_sigma(), 5, c.latency_sigma);
  c.latency_max = r.duration("latency_max", e.latency_max(), c.latency_max);
  c.throttle_requests_per_second = e.throttle_requests_per_second();
  c.throttle_burst = r.count("throttle_burst", e.throttle_burst(), c.throttle_burst, 100'000);
  c.internal_error_probability =
      r.probability("internal_error_probability", e.internal_error_probability(), 0.9);
  c.lost_reply_probability =
      r.probability("lost_reply_probability", e.lost_reply_probability(), 0.9);
  c.internal_error_after_commit_probability =
      r.probability("internal_error_after_commit_probability",
                    e.internal_error_after_commit_probability(), 0.9);
  c.allow_negative_stock = e.allow_negative_stock();
}

model::Erp effective_erp_model(const fakes::ErpConfig& c) {
  model::Erp e;
  e.set_flavor(c.flavor == fakes::ErpFlavor::kLegacy ? model::Erp::LEGACY : model::Erp::CLOUD);
  e.set_latency_median(format_duration_text(c.latency_median));
  e.set_latency_sigma(c.latency_sigma);
  e.set_latency_max(format_duration_text(c.latency_max));
  e.set_throttle_requests_per_second(c.throttle_requests_per_second);
  e.set_throttle_burst(c.throttle_burst);
  e.set_internal_error_probability(c.internal_error_probability);
  e.set_lost_reply_probability(c.lost_reply_probability);
  e.set_allow_negative_stock(c.allow_negative_stock);
  e.set_internal_error_after_commit_probability(c.internal_error_after_commit_probability);
  return e;
}

}  // namespace mw::scen
