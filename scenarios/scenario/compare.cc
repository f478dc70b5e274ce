#include "scenarios/scenario/compare.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "scenarios/scenario/scenario_file.h"

namespace mw::scen {
namespace {

std::string cell(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string fixed(double v, const char* unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f%s", v, unit);
  return buf;
}

}  // namespace

bool load_design(const std::string& name_or_path, const std::string& designs_dir, Design& design,
                 std::vector<std::string>& errors) {
  const bool is_path =
      name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".textproto");
  const std::string path =
      is_path ? name_or_path
              : (std::filesystem::path(designs_dir) / (name_or_path + ".textproto")).string();
  std::string text;
  if (!read_text_file(path, text, errors)) return false;
  design.name = std::filesystem::path(path).stem().string();
  const std::vector<std::string> problems = parse_text_message(path, text, design.config);
  errors.insert(errors.end(), problems.begin(), problems.end());
  return problems.empty();
}

void merge_design(const Design& design, ScenarioFile& file) {
  file.scenario.mutable_design()->MergeFrom(design.config);
}

namespace {

// flatten lists every leaf field of `m` as "path" -> value text, unset ones at their defaults
// and unset messages as their default instances, so that two configurations list the same
// paths (but for repeated fields) and a difference always has two sides.
void flatten(const google::protobuf::Message& m, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string path = prefix + f->name();
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(m, f); ++k) {
        const std::string at = path + "[" + std::to_string(k) + "]";
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          flatten(r->GetRepeatedMessage(m, f, k), at + ".", out);
        } else {
          google::protobuf::TextFormat::PrintFieldValueToString(m, f, k, &out[at]);
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      flatten(r->GetMessage(m, f), path + ".", out);
    } else {
      google::protobuf::TextFormat::PrintFieldValueToString(m, f, -1, &out[path]);
    }
  }
}

}  // namespace

std::vector<std::string> design_differences(const proto::Config& from, const proto::Config& to) {
  std::map<std::string, std::string> a, b;
  flatten(from, "", a);
  flatten(to, "", b);
  std::vector<std::string> out;
  for (const auto& [path, value] : b) {
    const auto it = a.find(path);
    if (it == a.end()) {
      out.push_back(path + ": " + value + " (added)");
    } else if (it->second != value) {
      out.push_back(path + ": " + it->second + " -> " + value);
    }
  }
  for (const auto& [path, value] : a) {
    if (!b.contains(path)) out.push_back(path + ": " + value + " (removed)");
  }
  return out;
}

std::vector<ComparisonRow> comparison_rows(const scenario::CompareReport& report) {
  const std::set<std::string> expected(report.expected_failures().begin(),
                                       report.expected_failures().end());
  std::set<std::string> failed_checks(expected.begin(), expected.end());
  for (const scenario::DesignColumn& d : report.designs()) {
    for (const auto& s : d.sweep().runs())
      failed_checks.insert(s.failed_checks().begin(), s.failed_checks().end());
  }
  std::vector<ComparisonRow> rows;
  auto line = [&](const std::string& label, auto value_of) {
    ComparisonRow& row = rows.emplace_back();
    row.label = label;
    for (const scenario::DesignColumn& d : report.designs())
      row.values.push_back(value_of(d.sweep()));
  };
  line("runs as expected", [](const scenario::SweepReport& r) {
    const auto passed =
        std::count_if(r.runs().begin(), r.runs().end(), [](const auto& s) { return s.passed(); });
    return std::to_string(passed) + "/" + std::to_string(r.runs_size());
  });
  // A run's failed_checks are the checks that missed their expectation: for a check the
  // scenario expects to fail, that is a run where it held. So its row counts the other runs,
  // where it failed as expected.
  for (const std::string& check : failed_checks) {
    const bool is_expected = expected.contains(check);
    line("failed " + check + (is_expected ? " (expected)" : ""),
         [&check, is_expected](const scenario::SweepReport& r) {
           const auto missed = std::count_if(r.runs().begin(), r.runs().end(), [&](const auto& s) {
             return std::find(s.failed_checks().begin(), s.failed_checks().end(), check) !=
                    s.failed_checks().end();
           });
           return std::to_string(is_expected ? r.runs_size() - missed : missed);
         });
  }
  auto worst = [](const scenario::SweepReport& r, auto field) {
    double v = 0;
    for (const auto& s : r.runs()) v = std::max(v, static_cast<double>(field(s.figures())));
    return v;
  };
  auto mean = [](const scenario::SweepReport& r, auto field) {
    double sum = 0;
    for (const auto& s : r.runs()) sum += static_cast<double>(field(s.figures()));
    return r.runs_size() == 0 ? 0.0 : sum / r.runs_size();
  };
  line("p99 latency, events no fault touched", [&](const auto& r) {
    return fixed(worst(r, [](const auto& f) { return f.latency_outside_faults_p99(); }), " s");
  });
  line("p99 latency, all events", [&](const auto& r) {
    return fixed(worst(r, [](const auto& f) { return f.posting_latency_p99(); }), " s");
  });
  line("max latency, all events", [&](const auto& r) {
    return fixed(worst(r, [](const auto& f) { return f.posting_latency_max(); }), " s");
  });
  line("drain time (worst drained seed)", [&](const scenario::SweepReport& r) {
    double v = 0;
    std::size_t drained = 0;
    for (const auto& s : r.runs()) {
      if (!s.figures().drained()) continue;
      ++drained;
      v = std::max(v, s.figures().drain_time());
    }
    if (drained == 0) return std::string("never drained");
    const std::size_t never = static_cast<std::size_t>(r.runs_size()) - drained;
    return fixed(v, " s") + (never == 0 ? "" : ", " + std::to_string(never) + " never");
  });
  line("max backlog in middleware", [&](const auto& r) {
    return std::to_string(static_cast<std::uint64_t>(
        worst(r, [](const auto& f) { return f.max_backlog_in_middleware(); })));
  });
  line("retries (mean)", [&](const auto& r) {
    return fixed(mean(r, [](const auto& f) { return f.retries(); }), "");
  });
  line("ERP requests (mean)", [&](const auto& r) {
    return fixed(mean(r, [](const auto& f) { return f.erp_requests(); }), "");
  });
  line("ERP throttled (mean)", [&](const auto& r) {
    return fixed(mean(r, [](const auto& f) { return f.erp_throttled(); }), "");
  });
  line("reconciliations (mean)", [&](const auto& r) {
    return fixed(mean(r, [](const auto& f) { return f.reconciliations(); }), "");
  });
  line("dead-lettered (mean)", [&](const auto& r) {
    return fixed(mean(r, [](const auto& f) { return f.dead_lettered(); }), "");
  });
  return rows;
}

std::string format_comparison(const scenario::CompareReport& report) {
  constexpr std::size_t kLabel = 44;
  std::size_t width = 16;
  for (const scenario::DesignColumn& d : report.designs())
    width = std::max(width, d.name().size() + 2);
  const std::set<std::string> expected(report.expected_failures().begin(),
                                       report.expected_failures().end());
  std::string out = "compare " + report.scenario();
  if (!report.designs().empty()) {
    const scenario::SweepReport& first = report.designs(0).sweep();
    out +=
        ", seeds " + std::to_string(first.first_seed()) + ".." + std::to_string(first.last_seed());
  }
  out += "\nevery design is merged over the scenario's own design, ";
  if (report.scenario_design().empty()) {
    out += "which is the core's defaults\n";
  } else {
    out += "which differs from the core's defaults in:\n";
    for (const std::string& d : report.scenario_design()) {
      out += "  " + d + "\n";
      if (d.starts_with("unsafe.")) {
        out += "    (an unsafe setting of the scenario: every design below keeps it)\n";
      }
    }
  }
  if (!expected.empty()) {
    std::string names;
    for (const std::string& e : expected) names += (names.empty() ? "" : ", ") + e;
    out += "the scenario expects these checks to fail: " + names +
           " (a run is \"as expected\" when exactly these fail)\n";
  }
  for (const scenario::DesignColumn& d : report.designs()) {
    if (d.differences().empty()) {
      out += "design " + d.name() + ": the scenario's own design, unchanged\n";
      continue;
    }
    out += "design " + d.name() + " differs from the scenario's own design in:\n";
    for (const std::string& diff : d.differences()) out += "  " + diff + "\n";
  }
  out += cell("", kLabel);
  for (const scenario::DesignColumn& d : report.designs()) out += cell(d.name(), width);
  out += "\n";
  for (const ComparisonRow& row : comparison_rows(report)) {
    out += cell("  " + row.label, kLabel);
    for (const std::string& v : row.values) out += cell(v, width);
    out += "\n";
  }
  return out;
}

}  // namespace mw::scen
