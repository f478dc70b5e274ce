#include "scenarios/scenario/compare.h"

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

std::string format_comparison(
    const std::string& scenario,
    const std::vector<std::pair<std::string, scenario::SweepReport>>& runs) {
  constexpr std::size_t kLabel = 38;
  std::size_t width = 16;
  for (const auto& [name, r] : runs) width = std::max(width, name.size() + 2);
  std::set<std::string> failed_checks;
  for (const auto& [name, r] : runs) {
    for (const auto& s : r.runs())
      failed_checks.insert(s.failed_checks().begin(), s.failed_checks().end());
  }
  std::string out = "compare " + scenario;
  if (!runs.empty()) {
    out += ", seeds " + std::to_string(runs.front().second.first_seed()) + ".." +
           std::to_string(runs.front().second.last_seed());
  }
  out += "\n" + cell("", kLabel);
  for (const auto& [name, r] : runs) out += cell(name, width);
  out += "\n";
  auto line = [&](const std::string& label, auto value_of) {
    out += cell("  " + label, kLabel);
    for (const auto& [name, r] : runs) out += cell(value_of(r), width);
    out += "\n";
  };
  line("runs passed", [](const scenario::SweepReport& r) {
    const auto passed =
        std::count_if(r.runs().begin(), r.runs().end(), [](const auto& s) { return s.passed(); });
    return std::to_string(passed) + "/" + std::to_string(r.runs_size());
  });
  for (const std::string& check : failed_checks) {
    line("failed " + check, [&check](const scenario::SweepReport& r) {
      const auto n = std::count_if(r.runs().begin(), r.runs().end(), [&](const auto& s) {
        return std::find(s.failed_checks().begin(), s.failed_checks().end(), check) !=
               s.failed_checks().end();
      });
      return std::to_string(n);
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
  line("posting latency p99 (worst seed)", [&](const auto& r) {
    return fixed(worst(r, [](const auto& f) { return f.posting_latency_p99(); }), " s");
  });
  line("posting latency max (worst seed)", [&](const auto& r) {
    return fixed(worst(r, [](const auto& f) { return f.posting_latency_max(); }), " s");
  });
  line("drain time (worst seed)", [&](const auto& r) {
    return fixed(worst(r, [](const auto& f) { return f.drain_time(); }), " s");
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
  line("dead-lettered (mean)", [&](const auto& r) {
    return fixed(mean(r, [](const auto& f) { return f.dead_lettered(); }), "");
  });
  return out;
}

}  // namespace mw::scen
