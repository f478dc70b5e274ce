#include "scenarios/report/report_junit.h"

#include <cstdio>

#include "scenarios/scenario/sweep.h"
#include "sim/trace.h"

namespace mw::scen {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string junit_xml(const std::vector<const ScenarioRun*>& runs) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  for (const ScenarioRun* run : runs) {
    tests += run->checks.size();
    for (const Check& c : run->checks) failures += c.passed ? 0 : 1;
  }
  char buf[64];
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"mwsim\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\">\n";
  for (const ScenarioRun* run : runs) {
    std::size_t run_failures = 0;
    for (const Check& c : run->checks) run_failures += c.passed ? 0 : 1;
    std::snprintf(buf, sizeof buf, "%.3f", run->wall_seconds);
    const std::string suite = run->name + " (seed " + std::to_string(run->seed) + ")";
    out += "  <testsuite name=\"" + xml_escape(suite) + "\" tests=\"" +
           std::to_string(run->checks.size()) + "\" failures=\"" + std::to_string(run_failures) +
           "\" time=\"" + buf + "\">\n";
    out += "    <properties>\n      <property name=\"seed\" value=\"" + std::to_string(run->seed) +
           "\"/>\n      <property name=\"digest\" value=\"" +
           sim::format_digest(run->result.digest) + "\"/>\n    </properties>\n";
    for (const Check& c : run->checks) {
      out += "    <testcase classname=\"mwsim." + xml_escape(run->name) + "\" name=\"" +
             xml_escape(c.name) + "\"";
      if (c.passed) {
        out += "/>\n";
        continue;
      }
      out +=
          ">\n      <failure message=\"" + xml_escape(c.detail) + "\">" +
          xml_escape(c.detail + "\nreplay: " + replay_command(run->path, run->seed, run->design)) +
          "</failure>\n    </testcase>\n";
    }
    if (!run->effective_configuration.empty()) {
      out += "    <system-out>effective configuration:\n" +
             xml_escape(run->effective_configuration) + "</system-out>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

namespace {

std::size_t failures_of(const scenario::SweepReport& report) {
  std::size_t failures = 0;
  for (const scenario::SeedResult& r : report.runs()) failures += r.passed() ? 0 : 1;
  return failures;
}

// sweep_suite renders one sweep as a test suite called `name`, a test case per seed.
std::string sweep_suite(const scenario::SweepReport& report, const std::string& name) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", report.wall_seconds());
  std::string out = "  <testsuite name=\"" + xml_escape(name) + "\" tests=\"" +
                    std::to_string(report.runs_size()) + "\" failures=\"" +
                    std::to_string(failures_of(report)) + "\" time=\"" + buf + "\">\n";
  for (const scenario::SeedResult& r : report.runs()) {
    std::snprintf(buf, sizeof buf, "%.3f", r.wall_seconds());
    out += "    <testcase classname=\"mwsim." + xml_escape(name) + "\" name=\"seed " +
           std::to_string(r.seed()) + "\" time=\"" + buf + "\"";
    if (r.passed()) {
      out += "/>\n";
      continue;
    }
    out += ">\n      <failure message=\"" + xml_escape(failure_group(r)) + "\">" +
           xml_escape(r.detail() +
                      "\nreplay: " + replay_command(report.path(), r.seed(), report.design())) +
           "</failure>\n    </testcase>\n";
  }
  if (!report.effective_configuration().empty()) {
    out += "    <system-out>effective configuration (seed " + std::to_string(report.first_seed()) +
           "; the other seeds differ in the seed only):\n" +
           xml_escape(report.effective_configuration()) + "</system-out>\n";
  }
  return out + "  </testsuite>\n";
}

std::string testsuites(std::size_t tests, std::size_t failures, const std::string& suites) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mwsim\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\">\n" + suites +
         "</testsuites>\n";
}

}  // namespace

std::string sweep_junit_xml(const scenario::SweepReport& report) {
  return testsuites(static_cast<std::size_t>(report.runs_size()), failures_of(report),
                    sweep_suite(report, report.scenario()));
}

std::string compare_junit_xml(const scenario::CompareReport& report) {
  std::size_t tests = 0, failures = 0;
  std::string suites;
  for (const scenario::DesignColumn& d : report.designs()) {
    tests += static_cast<std::size_t>(d.sweep().runs_size());
    failures += failures_of(d.sweep());
    suites += sweep_suite(d.sweep(), report.scenario() + " [" + d.name() + "]");
  }
  return testsuites(tests, failures, suites);
}

}  // namespace mw::scen
