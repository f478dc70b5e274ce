#include "scenarios/world/world_result.h"

#include "sim/check.h"
#include "sim/trace.h"

namespace mw::scen {

bool WorldResult::held() const {
  for (const props::Verdict& v : verdicts) {
    if (!v.held()) return false;
  }
  return true;
}

const props::Verdict& WorldResult::verdict(const std::string& oracle) const {
  for (const props::Verdict& v : verdicts) {
    if (v.oracle() == oracle) return v;
  }
  MW_CHECK(false, "no oracle of that name");
  return verdicts.front();
}

std::vector<std::string> WorldResult::failed_oracles() const {
  std::vector<std::string> out;
  for (const props::Verdict& v : verdicts) {
    if (!v.held()) out.push_back(v.oracle());
  }
  return out;
}

std::string WorldResult::describe() const {
  std::string out;
  for (const props::Verdict& v : verdicts) out += v.describe() + "\n";
  out += "digest " + sim::format_digest(digest) + ", ended at " + sim::format_time(ended_at) +
         (drained ? ", drained at " + sim::format_time(drained_at) : ", not drained") +
         ", settle point " + sim::format_time(last_fault_end) + "\n";
  out += "events created " + std::to_string(events_created) + ", ERP postings " +
         std::to_string(erp_postings) + ", notifications applied " +
         std::to_string(notifications_applied) + ", middleware posted " +
         std::to_string(middleware.counters.posted) + ", dead-lettered " +
         std::to_string(middleware.counters.dead_lettered) + ", quarantined " +
         std::to_string(middleware.counters.quarantined) + ", parked " +
         std::to_string(middleware.parked) + "\n";
  out += "ERP: requests " + std::to_string(erp.requests) + ", posted " +
         std::to_string(erp.posted) + ", duplicates absorbed " +
         std::to_string(erp.duplicates_absorbed) + ", throttled " + std::to_string(erp.throttled) +
         ", 500s " + std::to_string(erp.internal_errors) + ", lost replies " +
         std::to_string(erp.lost_replies) + ", rejected";
  for (const auto& [code, n] : erp.rejected) {
    out += " " + proto::RejectionCode_Name(code) + "=" + std::to_string(n);
  }
  out += "\n";
  return out;
}

}  // namespace mw::scen
