// compare: one scenario, the same seeds, under several middleware designs, side by side.
//
// A design is a file of the core's Config in protobuf text format (scenarios/designs/*.textproto,
// or any file); it is merged over the scenario's own design, so a scenario's essentials (say,
// an ERP without idempotency keys) stay and the design changes what it sets. Because that
// includes an `unsafe` setting of the scenario, the comparison prints the scenario's own design
// first and each design's effective differences from it, and marks the failures the
// scenario expects as expected.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "middleware/proto/config.pb.h"
#include "scenarios/proto/report.pb.h"
#include "scenarios/scenario/scenario_file.h"

namespace mw::scen {

struct Design {
  std::string name;
  proto::Config config;
};

// load_design reads the design `name_or_path`: a file path, or the name of a file in
// `designs_dir`. Problems go to `errors` as file:line:column.
bool load_design(const std::string& name_or_path, const std::string& designs_dir, Design& design,
                 std::vector<std::string>& errors);

// merge_design merges `design` over the scenario's own design.
void merge_design(const Design& design, ScenarioFile& file);

// design_differences lists the fields in which `to` differs from `from`, one
// "field.path: from -> to" each (an unset field counts as its default), sorted by path.
std::vector<std::string> design_differences(const proto::Config& from, const proto::Config& to);

// ComparisonRow: one line of the comparison, a value per design in the report's order.
struct ComparisonRow {
  std::string label;
  std::vector<std::string> values;
};

// comparison_rows: runs as expected, failures per check (those the scenario expects marked
// "(expected)" and counted where they happened), and the figures across seeds (worst p99 of
// the events no fault touched and of all, worst drain time and how many never drained, worst
// backlog, mean retries, requests, throttling, reconciliations, dead letters).
std::vector<ComparisonRow> comparison_rows(const scenario::CompareReport& report);

// format_comparison renders the report: what every design is merged over, then one column
// per design with its differences, then comparison_rows.
std::string format_comparison(const scenario::CompareReport& report);

}  // namespace mw::scen
