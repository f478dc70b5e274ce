// QualityConfig: every knob of the simulated quality system (LIMS / QM), in one struct.
//
// The quality system decides lot statuses and reports each decision to the middleware as a
// LOT_STATUS_CHANGED event. Decisions come from two places, merged in time order:
//   schedule   explicit actions at fixed times (a scripted scenario: "hold lot L7 at 00:05");
//   random     holds at exponential intervals on lots drawn from a list, each ended after a
//              lognormal hold duration by a release (or, with block_probability, a block).
// Lots are named in the plant's terms: plant code and plant material number, as the middleware
// receives them from the MES. Times and durations are simulated time. Defaults: no schedule,
// random mode off.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "fakes/common/calendar.h"
#include "fakes/common/event_sender.h"
#include "middleware/proto/common.pb.h"
#include "sim/time.h"

namespace mw::fakes {

// QualityLot names one lot.
struct QualityLot {
  std::string plant;     // plant code, e.g. "P100": source.plant
  std::string material;  // plant material number
  std::string lot;
  friend auto operator<=>(const QualityLot&, const QualityLot&) = default;
};

// QualityAction: at time `at`, set lot `lot` to `status` for `reason`.
struct QualityAction {
  sim::Time at{};
  QualityLot lot;
  proto::LotStatus status = proto::LOT_STATUS_QUALITY_HOLD;
  std::string reason;
};

// RandomHolds: random inspections. Holds arrive at exponential intervals with mean
// mean_time_between_holds (zero: off), from `start` on; none at or after `until`. Each hits a
// lot drawn uniformly among `lots` that the quality system believes RELEASED and that no random
// hold is pending on (none such: the hold is skipped). It ends after
// hold_median * e^(hold_sigma * N(0,1)), at most hold_max, with RELEASED, or with BLOCKED with
// probability block_probability (a failed inspection; the lot stays blocked).
struct RandomHolds {
  std::vector<QualityLot> lots;
  sim::Duration mean_time_between_holds = sim::Duration::zero();
  sim::Time start = sim::kTimeZero;
  sim::Time until = sim::kTimeMax;
  sim::Duration hold_median = sim::minutes(10);
  double hold_sigma = 0.5;
  sim::Duration hold_max = sim::hours(8);
  double block_probability = 0;
};

struct QualityConfig {
  // Explicit actions in non-decreasing time order.
  std::vector<QualityAction> schedule;
  RandomHolds random;
  // Simulated time zero as a Unix time in ns, for occurred_at_ns and posting_date.
  std::int64_t epoch_unix_ns = kDefaultEpochUnixNs;
  // How the events reach the middleware.
  SenderConfig sender;
};

// validate_quality_config returns one message per problem in `config`; empty means valid.
std::vector<std::string> validate_quality_config(const QualityConfig& config);


}  // namespace mw::fakes
