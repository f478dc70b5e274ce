#include "scenarios/report/chrome_trace.h"

#include <cstdio>
#include <map>

namespace mw::scen {
namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Microseconds, the trace format's unit, with the nanoseconds kept as decimals.
std::string micros(sim::Time t) {
  const std::int64_t ns = (t - sim::kTimeZero).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ns / 1000),
                static_cast<long long>(ns % 1000));
  return buf;
}

std::string field_value(const ChromeTraceRecorder::Field& f) {
  if (f.is_text) return json_string(f.text);
  return f.is_unsigned ? std::to_string(static_cast<std::uint64_t>(f.number))
                       : std::to_string(f.number);
}

const std::string* text_field(const ChromeTraceRecorder::Record& r, std::string_view key) {
  for (const auto& f : r.fields) {
    if (f.key == key && f.is_text) return &f.text;
  }
  return nullptr;
}

}  // namespace

void ChromeTraceRecorder::write(const sim::TraceRecord& record) {
  if (nodes_.count(record.node) == 0) nodes_.emplace(record.node);
  if (record.kind == "net.send" || record.kind == "net.deliver") return;
  Record r{record.time, std::string(record.node), std::string(record.kind), {}};
  r.fields.reserve(record.fields.size());
  for (const sim::TraceField& f : record.fields) {
    Field out;
    out.key = std::string(f.key);
    out.is_text = f.kind == sim::TraceField::Kind::kText;
    out.is_unsigned = f.kind == sim::TraceField::Kind::kUint;
    if (out.is_text) {
      out.text = std::string(f.text);
    } else {
      out.number = static_cast<std::int64_t>(f.number);
    }
    r.fields.push_back(std::move(out));
  }
  records_.push_back(std::move(r));
}

std::string chrome_trace_json(const ChromeTraceRecorder& recorder, const ScenarioRun& run) {
  // Tracks: 1 is the faults, then the nodes in name order (a stable layout run after run).
  std::map<std::string, int> tids;
  for (const std::string& node : recorder.nodes()) tids.emplace(node, 0);
  int next = 2;
  for (auto& [node, tid] : tids) tid = next++;

  std::string out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  auto event = [&out](const std::string& body) { out += body + ",\n"; };
  event("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":" +
        json_string("mwsim " + run.name + " seed " + std::to_string(run.seed)) + "}}");
  event(
      "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"faults\"}}");
  for (const auto& [node, tid] : tids) {
    event("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(tid) +
          ",\"args\":{\"name\":" + json_string(node) + "}}");
  }
  for (const FaultWindow& w : run.fault_windows) {
    const std::int64_t dur_ns = (w.end - w.start).count();
    event("{\"name\":" + json_string(w.what) +
          ",\"cat\":\"fault\",\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":" + micros(w.start) +
          ",\"dur\":" + std::to_string(dur_ns / 1000) + "}");
  }
  std::map<std::string, std::uint64_t> flow_of;  // event id -> flow id, from its creation
  for (const auto& r : recorder.records()) {
    std::string args;
    for (const auto& f : r.fields)
      args += (args.empty() ? "" : ",") + json_string(f.key) + ":" + field_value(f);
    const std::string common =
        ",\"pid\":1,\"tid\":" + std::to_string(tids.at(r.node)) + ",\"ts\":" + micros(r.time);
    event("{\"name\":" + json_string(r.kind) + ",\"ph\":\"X\",\"dur\":1" + common + ",\"args\":{" +
          args + "}}");
    if (r.kind == "mes.event") {
      if (const std::string* id = text_field(r, "id")) {
        const std::uint64_t flow = flow_of.size() + 1;
        flow_of.emplace(*id, flow);
        event("{\"name\":\"event\",\"cat\":\"flow\",\"ph\":\"s\",\"id\":" + std::to_string(flow) +
              common + "}");
      }
    } else if (r.kind == "erp.post") {
      const std::string* id = text_field(r, "event");
      if (id != nullptr) {
        if (auto it = flow_of.find(*id); it != flow_of.end()) {
          event("{\"name\":\"event\",\"cat\":\"flow\",\"ph\":\"f\",\"bp\":\"e\",\"id\":" +
                std::to_string(it->second) + common + "}");
        }
      }
    }
  }
  for (const MetricsSample& s : run.result.samples) {
    for (const auto& [plant, b] : s.plants) {
      event("{\"name\":" + json_string("backlog " + plant) + ",\"ph\":\"C\",\"pid\":1,\"ts\":" +
            micros(s.at) + ",\"args\":{\"in middleware\":" + std::to_string(b.in_middleware) +
            ",\"at source\":" + std::to_string(b.at_source) + "}}");
    }
  }
  out += "{\"name\":\"end\",\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":1,\"ts\":" +
         micros(run.result.ended_at) + "}\n]}\n";
  return out;
}

}  // namespace mw::scen
