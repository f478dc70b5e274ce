#include "properties/oracles/oracles.h"

namespace mw::props {

Verdict check_liveness(const OracleInput& in) {
  Verdict v("liveness");
  const sim::Time deadline = in.last_fault_end + in.drain_bound;
  if (!in.drained) {
    v.add({"not drained " + sim::format_duration(in.drain_bound) +
               " after the last fault; still in flight: " + in.backlog,
           {},
           "",
           {in.last_fault_end, deadline}});
  } else if (in.drained_at > deadline) {
    v.add({"drained " + sim::format_duration(in.drained_at - in.last_fault_end) +
               " after the last fault, over the bound of " + sim::format_duration(in.drain_bound),
           {},
           "",
           {in.last_fault_end, in.drained_at}});
  }
  return v;
}

std::vector<Verdict> check_all(const OracleInput& in) {
  const EventFates fates(in);
  std::vector<Verdict> out;
  out.push_back(check_no_loss(in, fates));
  out.push_back(check_exactly_once(in, fates));
  out.push_back(check_sequencing(in, fates));
  out.push_back(check_conservation(in, fates));
  out.push_back(check_downstream(in, fates));
  out.push_back(check_liveness(in));
  return out;
}

}  // namespace mw::props
