#include "fakes/quality/quality_config.h"

#include <cstdio>
#include <set>
#include <tuple>

#include "fakes/common/config_lines.h"

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

std::string describe_quality_config(const QualityConfig& c) {
  std::string out;
  auto add = [&out](const char* fmt, auto... args) { append_line(out, fmt, args...); };
  for (const QualityAction& a : c.schedule) {
    out += "quality.action=" + sim::format_time(a.at) + " " + lot_name(a.lot) + " " +
           proto::LotStatus_Name(a.status) + " (" + a.reason + ")\n";
  }
  const RandomHolds& r = c.random;
  add("quality.random.mean_time_between_holds=%s",
      sim::format_duration(r.mean_time_between_holds).c_str());
  for (const QualityLot& l : r.lots) out += "quality.random.lot=" + lot_name(l) + "\n";
  add("quality.random.start=%s", sim::format_time(r.start).c_str());
  add("quality.random.until=%s",
      r.until == sim::kTimeMax ? "never" : sim::format_time(r.until).c_str());
  add("quality.random.hold_median=%s", sim::format_duration(r.hold_median).c_str());
  add("quality.random.hold_sigma=%.17g", r.hold_sigma);
  add("quality.random.hold_max=%s", sim::format_duration(r.hold_max).c_str());
  add("quality.random.block_probability=%.17g", r.block_probability);
  add("quality.epoch_unix_ns=%lld", static_cast<long long>(c.epoch_unix_ns));
  const SenderConfig& s = c.sender;
  add("quality.sender.target=%s", s.target.c_str());
  add("quality.sender.max_batch_events=%zu", s.max_batch_events);
  add("quality.sender.max_batches_per_flush=%zu", s.max_batches_per_flush);
  add("quality.sender.flush_interval=%s", sim::format_duration(s.flush_interval).c_str());
  add("quality.sender.resend_after=%s", sim::format_duration(s.resend_after).c_str());
  add("quality.sender.duplicate_probability=%.17g", s.duplicate_probability);
  add("quality.sender.reorder_probability=%.17g", s.reorder_probability);
  return out;
}

}  // namespace mw::fakes
