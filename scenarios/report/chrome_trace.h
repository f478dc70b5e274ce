// The run as a Chrome trace (--trace FILE): JSON in the Trace Event Format, which Perfetto
// (ui.perfetto.dev) and chrome://tracing open. One track per node with a short slice per
// trace record (network sends and deliveries left out: they would outnumber the rest five to
// one), the scheduled faults as spans on a "faults" track, an arrow from each event's
// creation at its MES to its ERP posting, and counter tracks of the backlogs per plant.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "scenarios/scenario/scenario_run.h"
#include "sim/trace.h"

namespace mw::scen {

// ChromeTraceRecorder keeps the records of a run (attach it before the run).
class ChromeTraceRecorder : public sim::TraceSink {
 public:
  void write(const sim::TraceRecord& record) override;

  struct Field {
    std::string key;
    bool is_text = false;
    std::string text;
    std::int64_t number = 0;
    bool is_unsigned = false;
  };
  struct Record {
    sim::Time time{};
    std::string node;
    std::string kind;
    std::vector<Field> fields;
  };
  const std::vector<Record>& records() const { return records_; }
  // nodes lists every node that traced anything, network records included.
  const std::set<std::string, std::less<>>& nodes() const { return nodes_; }

 private:
  std::vector<Record> records_;
  std::set<std::string, std::less<>> nodes_;
};

// chrome_trace_json renders the recorded run and its faults and samples.
std::string chrome_trace_json(const ChromeTraceRecorder& recorder, const ScenarioRun& run);

}  // namespace mw::scen
