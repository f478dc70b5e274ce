#include "fakes/quality/quality_config.h"

#include <set>
#include <tuple>


namespace mw::fakes {
namespace {

void check_lot(const QualityLot& l, const std::string& where, std::vector<std::string>& problems) {
  if (l.plant.empty()) problems.push_back(where + ".plant is empty");
  if (l.material.empty()) problems.push_back(where + ".material is empty");
  if (l.lot.empty()) problems.push_back(where + ".lot is empty");
}

std::string lot_name(const QualityLot& l) { return l.plant + "/" + l.material + "/" + l.lot; }

}  // namespace

std::vector<std::string> validate_quality_config(const QualityConfig& c) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < c.schedule.size(); ++i) {
    const QualityAction& a = c.schedule[i];
    const std::string where = "quality.schedule[" + std::to_string(i) + "]";
    check_lot(a.lot, where, problems);
    if (a.at < sim::kTimeZero) problems.push_back(where + ".at is before the start of the run");
    if (a.status == proto::LOT_STATUS_UNSPECIFIED || !proto::LotStatus_IsValid(a.status)) {
      problems.push_back(where + ".status must be RELEASED, QUALITY_HOLD or BLOCKED");
    }
    if (i > 0 && a.at < c.schedule[i - 1].at) {
      problems.push_back(where +
                         " is earlier than the action before it: keep the schedule in time order");
    }
  }
  const RandomHolds& r = c.random;
  if (r.mean_time_between_holds < sim::Duration::zero()) {
    problems.push_back("quality.random.mean_time_between_holds is negative");
  }
  if (r.mean_time_between_holds > sim::Duration::zero() && r.lots.empty()) {
    problems.push_back("quality.random.lots is empty while random holds are on");
  }
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (std::size_t i = 0; i < r.lots.size(); ++i) {
    const std::string where = "quality.random.lots[" + std::to_string(i) + "]";
    check_lot(r.lots[i], where, problems);
    if (!seen.emplace(r.lots[i].plant, r.lots[i].material, r.lots[i].lot).second) {
      problems.push_back(where + " repeats lot " + lot_name(r.lots[i]));
    }
  }
  if (r.start < sim::kTimeZero) problems.push_back("quality.random.start is negative");
  if (r.until < r.start) problems.push_back("quality.random.until is before start");
  if (r.hold_median < sim::Duration::zero())
    problems.push_back("quality.random.hold_median is negative");
  if (!(r.hold_sigma >= 0)) problems.push_back("quality.random.hold_sigma must be >= 0");
  if (r.hold_max < sim::Duration::zero()) problems.push_back("quality.random.hold_max is negative");
  if (!(r.block_probability >= 0 && r.block_probability <= 1)) {
    problems.push_back("quality.random.block_probability must be in [0, 1]");
  }
  if (c.epoch_unix_ns <= 0) problems.push_back("quality.epoch_unix_ns must be positive");
  for (std::string& p : validate_sender_config(c.sender, "quality.sender.")) {
    problems.push_back(std::move(p));
  }
  return problems;
}

}  // namespace mw::fakes
