#include "fakes/erp/erp_config.h"

#include <cstdio>

#include "fakes/common/config_lines.h"

namespace mw::fakes {
namespace {

bool is_probability(double p) { return p >= 0 && p <= 1; }  // false for NaN too

const char* flavor_name(ErpFlavor f) { return f == ErpFlavor::kCloud ? "cloud" : "legacy"; }
const char* mode_name(OutageMode m) {
  return m == OutageMode::kUnavailable ? "unavailable" : "silent";
}
const char* action_name(PeriodAction a) { return a == PeriodAction::kClose ? "close" : "reopen"; }

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

std::string describe_erp_config(const ErpConfig& c) {
  std::string out;
  auto add = [&out](const char* fmt, auto... args) { append_line(out, fmt, args...); };
  add("erp.flavor=%s", flavor_name(c.flavor));
  add("erp.latency_median=%s", sim::format_duration(c.latency_median).c_str());
  add("erp.latency_sigma=%.17g", c.latency_sigma);
  add("erp.latency_max=%s", sim::format_duration(c.latency_max).c_str());
  add("erp.throttle_requests_per_second=%u", c.throttle_requests_per_second);
  add("erp.throttle_burst=%u", c.throttle_burst);
  add("erp.internal_error_probability=%.17g", c.internal_error_probability);
  add("erp.lost_reply_probability=%.17g", c.lost_reply_probability);
  add("erp.internal_error_after_commit_probability=%.17g",
      c.internal_error_after_commit_probability);
  for (const ErpOutage& o : c.outages) {
    add("erp.outage=%s+%s %s", sim::format_time(o.start).c_str(),
        sim::format_duration(o.duration).c_str(), mode_name(o.mode));
  }
  for (const PeriodEvent& e : c.period_schedule) {
    add("erp.period_event=%s %s %s", sim::format_time(e.at).c_str(), action_name(e.action),
        e.period.c_str());
  }
  add("erp.allow_negative_stock=%s", c.allow_negative_stock ? "true" : "false");
  std::string materials;
  for (const std::string& m : c.known_materials) materials += (materials.empty() ? "" : ",") + m;
  out += "erp.known_materials=" + (materials.empty() ? std::string("(all)") : materials) + "\n";
  add("erp.ignore_transport_duplicates=%s", c.ignore_transport_duplicates ? "true" : "false");
  add("erp.transport_duplicate_memory=%zu", c.transport_duplicate_memory);
  return out;
}

const ErpOutage* outage_at(const ErpConfig& config, sim::Time t) {
  for (const ErpOutage& o : config.outages) {
    if (t >= o.start && t - o.start < o.duration) return &o;
  }
  return nullptr;
}

}  // namespace mw::fakes
