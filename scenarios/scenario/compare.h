// compare: one scenario, the same seeds, under several middleware designs, side by side.
//
// A design is a file of the core's Config in protobuf text format (scenarios/designs/*.textproto,
// or any file); it is merged over the scenario's own design, so a scenario's essentials (say,
// an ERP without idempotency keys) stay and the design changes what it sets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "middleware/proto/config.pb.h"
#include "scenarios/proto/report.pb.h"

namespace mw::scen {

struct Design {
  std::string name;
  proto::Config config;
};

// load_design reads the design `name_or_path`: a file path, or the name of a file in
// `designs_dir`. Problems go to `errors` as file:line:column.
bool load_design(const std::string& name_or_path, const std::string& designs_dir, Design& design,
                 std::vector<std::string>& errors);

// format_comparison renders one column per design: runs passed, failures per check, and the
// figures across seeds (worst p99 latency, worst drain time, worst backlog, mean retries).
std::string format_comparison(
    const std::string& scenario,
    const std::vector<std::pair<std::string, scenario::SweepReport>>& runs);

}  // namespace mw::scen
