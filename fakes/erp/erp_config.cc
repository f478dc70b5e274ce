#include "fakes/erp/erp_config.h"

#include <algorithm>

namespace mw::fakes {
namespace {

bool is_probability(double p) { return p >= 0 && p <= 1; }  // false for NaN too

}  // namespace

bool is_period_name(const std::string& period) {
  if (period.size() != 7 || period[4] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u}) {
    if (period[i] < '0' || period[i] > '9') return false;
  }
  const int month = (period[5] - '0') * 10 + (period[6] - '0');
  return month >= 1 && month <= 12;
}

std::vector<std::string> validate_erp_config(const ErpConfig& c) {
  std::vector<std::string> problems;
  if (c.latency_median < sim::Duration::zero())
    problems.push_back("erp.latency_median is negative");
  if (!(c.latency_sigma >= 0)) problems.push_back("erp.latency_sigma must be >= 0");
  if (c.latency_max < sim::Duration::zero()) problems.push_back("erp.latency_max is negative");
  if (c.throttle_requests_per_second > 0 && c.throttle_burst == 0) {
    problems.push_back("erp.throttle_burst must be >= 1 when throttling is on");
  }
  if (!is_probability(c.internal_error_probability)) {
    problems.push_back("erp.internal_error_probability must be in [0, 1]");
  }
  if (!is_probability(c.lost_reply_probability)) {
    problems.push_back("erp.lost_reply_probability must be in [0, 1]");
  }
  if (!is_probability(c.internal_error_after_commit_probability)) {
    problems.push_back("erp.internal_error_after_commit_probability must be in [0, 1]");
  }
  for (std::size_t i = 0; i < c.outages.size(); ++i) {
    if (c.outages[i].duration < sim::Duration::zero()) {
      problems.push_back("erp.outages[" + std::to_string(i) + "].duration is negative");
    }
  }
  for (std::size_t i = 0; i < c.slowdowns.size(); ++i) {
    const std::string where = "erp.slowdowns[" + std::to_string(i) + "]";
    if (c.slowdowns[i].duration < sim::Duration::zero())
      problems.push_back(where + ".duration is negative");
    if (c.slowdowns[i].latency < sim::Duration::zero())
      problems.push_back(where + ".latency is negative");
  }
  for (std::size_t i = 0; i < c.period_schedule.size(); ++i) {
    const PeriodEvent& e = c.period_schedule[i];
    const std::string where = "erp.period_schedule[" + std::to_string(i) + "]";
    if (!is_period_name(e.period)) {
      problems.push_back(where + ".period \"" + e.period + "\" is not YYYY-MM");
    }
    if (i > 0 && e.at < c.period_schedule[i - 1].at) {
      problems.push_back(where +
                         " is earlier than the event before it: keep the schedule in time order");
    }
  }
  if (c.ignore_transport_duplicates && c.transport_duplicate_memory == 0) {
    problems.push_back("erp.transport_duplicate_memory must be >= 1 when ignoring duplicates");
  }
  return problems;
}

const ErpOutage* outage_at(const ErpConfig& config, sim::Time t) {
  for (const ErpOutage& o : config.outages) {
    if (t >= o.start && t - o.start < o.duration) return &o;
  }
  return nullptr;
}

sim::Duration slowdown_latency_at(const ErpConfig& config, sim::Time t) {
  sim::Duration least = sim::Duration::zero();
  for (const ErpSlowdown& s : config.slowdowns) {
    if (t >= s.start && t - s.start < s.duration) least = std::max(least, s.latency);
  }
  return least;
}

}  // namespace mw::fakes
