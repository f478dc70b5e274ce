// Reports: the JSON report reads back as the same report.proto, JUnit XML has a test case per
// check and a failure (with the replay command) for each check that did not pass.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "scenarios/report/chrome_trace.h"
#include "scenarios/report/report_html.h"
#include "scenarios/report/report_json.h"
#include "scenarios/report/report_junit.h"
#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_run.h"
#include "sim/trace.h"

namespace mw::scen {
namespace {

ScenarioRun small_run(const std::string& extra = "", sim::TraceSink* trace = nullptr) {
  const LoadedScenario loaded = parse_scenario_text("t.textproto", R"(name: "t"
story: "A short shift with an ERP outage."
production: "5m"
plants { events_per_second_per_line: 1 }
faults { at: "1m" duration: "2m" erp_outage {} }
)" + extra);
  EXPECT_TRUE(loaded.ok());
  const BuiltWorld built = build_world(loaded.file, 3);
  EXPECT_TRUE(built.ok());
  return run_scenario(loaded.file, built, trace);
}

TEST(Report, JsonReadsBackAsTheSameReport) {
  const ScenarioRun run = small_run();
  const scenario::Report report = make_report(run);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.seed(), 3u);
  EXPECT_EQ(report.checks_size(), 7) << "six oracles and the operator phase";
  ASSERT_EQ(report.faults_size(), 1);
  EXPECT_EQ(report.faults(0).start(), 60.0);
  EXPECT_GT(report.samples_size(), 30) << "a sample every 10 s of a 5-minute shift and its drain";
  EXPECT_GT(report.figures().max_backlog_in_middleware(), 0u) << "the outage holds postings back";
  scenario::Report back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(report_json(report), &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(report, back));
}

TEST(Report, JunitHasACasePerCheckAndAFailureWithTheReplayCommand) {
  // Expecting no_loss to fail, in a run where it holds, fails that check.
  const ScenarioRun run =
      small_run("expect { oracles_fail: \"no_loss\" max_drain_time: \"1h\" }\n");
  EXPECT_FALSE(run.passed());
  const std::string xml = junit_xml({&run});
  EXPECT_NE(xml.find("tests=\"8\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"mwsim.t\" name=\"drain time\"/>"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"held, but this scenario shows it failing\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("replay: mwsim replay t.textproto --seed 3"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"digest\" value=\"" + sim::format_digest(run.result.digest) +
                     "\"/>"),
            std::string::npos)
      << "each suite carries its trace digest: " << xml;
}

TEST(Report, HtmlPageIsSelfContainedWithItsChartsAndTheVerdicts) {
  const ScenarioRun run = small_run();
  const std::string html = report_html(make_report(run));
  for (const char* id : {"id=\"chart-faults\"", "id=\"chart-backlog\"", "id=\"chart-latency-time\"",
                         "id=\"chart-latency\"", "id=\"chart-dlq\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_NE(html.find("class=\"fault\""), std::string::npos) << "the outage is shaded";
  EXPECT_NE(html.find("class=\"bar\""), std::string::npos) << "latency bars";
  EXPECT_NE(html.find("mwsim replay t.textproto --seed 3"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no scripts";
  EXPECT_EQ(html.find("http://"), std::string::npos) << "nothing fetched from the network";
  EXPECT_EQ(html.find("https://"), std::string::npos) << "nothing fetched from the network";
}

// The old page greyed every legend: a style rule's fill beats an SVG fill attribute. Each
// entry now carries its series' colour as an inline style, and no rule sets a legend's fill.
TEST(Report, HtmlLegendEntriesAreDrawnInTheirSeriesColour) {
  const std::string html = report_html(make_report(small_run()));
  const std::string css = html.substr(0, html.find("</style>"));
  const std::size_t rule = css.find("svg .legend {");
  ASSERT_NE(rule, std::string::npos);
  EXPECT_EQ(css.substr(rule, css.find('}', rule) - rule).find("fill"), std::string::npos);
  std::size_t legends = 0;
  for (std::size_t at = html.find("class=\"legend\" data-series=\""); at != std::string::npos;
       at = html.find("class=\"legend\" data-series=\"", at + 1)) {
    const std::size_t name = at + std::string("class=\"legend\" data-series=\"").size();
    const std::string series = html.substr(name, html.find('"', name) - name);
    const std::size_t style = html.find("style=\"fill: ", name);
    const std::string color = html.substr(style + 13, 7);
    const std::size_t line = html.find("data-name=\"" + series + "\"");
    ASSERT_NE(line, std::string::npos) << series;
    EXPECT_EQ(html.substr(html.find("stroke=\"", line) + 8, 7), color) << series;
    ++legends;
  }
  EXPECT_GE(legends, 8u) << "backlog (2), latency over time (3), dead letters (3)";
}

TEST(Report, HtmlShowsTheStoryParametersDesignAndLatencyOverTime) {
  const ScenarioRun run = small_run("design { poster { backoff_initial_ms: 70 } }\n");
  const scenario::Report report = make_report(run);
  EXPECT_EQ(report.story(), "A short shift with an ERP outage.");
  bool production = false;
  for (const auto& p : report.parameters()) production |= p.name() == "production" && p.value() == "\"5m\"";
  EXPECT_TRUE(production) << "the file's production time is a parameter";
  EXPECT_NE(std::find(report.design_differences().begin(), report.design_differences().end(),
                      "poster.backoff_initial_ms: 200 -> 70"),
            report.design_differences().end());
  std::uint64_t postings = 0;
  for (const auto& w : report.latency_over_time()) {
    EXPECT_LE(w.p50(), w.p99());
    EXPECT_LE(w.p99(), w.max());
    postings += w.postings();
  }
  EXPECT_EQ(postings, run.result.posting_timings.size()) << "every posting in one window";
  const std::string html = report_html(report);
  for (const char* part : {"A short shift with an ERP outage.", "id=\"chart-latency-time\"",
                           "id=\"chart-faults\"", "poster.backoff_initial_ms", "production"})
    EXPECT_NE(html.find(part), std::string::npos) << part;
}

TEST(Report, RandomFaultsAreOnTheTimelineOneEntryPerOccurrence) {
  const ScenarioRun run =
      small_run("random_faults { middleware_mean_up: \"40s\" middleware_mean_down: \"2s\" }\n");
  ASSERT_GT(run.result.crashes.size(), 2u);
  const scenario::Report report = make_report(run);
  std::size_t crashes = 0, outages = 0;
  for (const auto& o : report.occurrences()) {
    if (o.lane() == "crashes middleware") {
      ++crashes;
      EXPECT_TRUE(o.random());
    }
    if (o.lane() == "erp outage") ++outages;
  }
  EXPECT_EQ(crashes, run.result.crashes.size()) << "one entry per crash, not one band";
  EXPECT_EQ(outages, 1u) << "the scheduled outage";
  const std::string html = report_html(report);
  EXPECT_NE(html.find("crashes middleware (" + std::to_string(crashes) + ")"), std::string::npos)
      << "the lane is labelled with its count";
}

TEST(Report, EveryViolationUpToAHundredPerOracleIsListedAndAllAreCounted) {
  ScenarioRun run = small_run();
  props::Verdict lossy("no_loss");
  for (int i = 0; i < 150; ++i)
    lossy.add({"lost " + std::to_string(i), {"E" + std::to_string(i)}, "k",
               {sim::kTimeZero + std::chrono::seconds(200 - i)}});
  run.result.verdicts.front() = lossy;
  run.checks = judge(run.result, {}, run.fault_windows);
  const scenario::Report report = make_report(run);
  EXPECT_EQ(report.checks(0).violations(), 150u);
  EXPECT_EQ(report.violations_size(), 100) << "the first 100 kept";
  const std::string html = report_html(report);
  EXPECT_NE(html.find("no_loss: 150 violation(s), the first 100 listed"), std::string::npos);
  std::size_t rows = 0;
  for (std::size_t at = html.find("<tr class=\"violation\">"); at != std::string::npos;
       at = html.find("<tr class=\"violation\">", at + 1))
    ++rows;
  EXPECT_EQ(rows, 100u);
  EXPECT_NE(html.find("first violation (no_loss)"), std::string::npos)
      << "the earliest kept violation (at 101 s) is marked";
  EXPECT_NE(html.find("mwsim shrink t.textproto --seed 3"), std::string::npos);
  EXPECT_NE(html.find("mwsim replay t.textproto --seed 3"), std::string::npos);
}

TEST(Report, ChromeTraceHasNodeTracksFaultSpansEventFlowsAndBacklogCounters) {
  ChromeTraceRecorder recorder;
  const ScenarioRun run = small_run("", &recorder);
  google::protobuf::Struct trace;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(chrome_trace_json(recorder, run), &trace).ok());
  std::map<std::string, int> by_phase;
  std::map<std::string, int> track_names;
  bool outage_span = false;
  for (const auto& e : trace.fields().at("traceEvents").list_value().values()) {
    const auto& f = e.struct_value().fields();
    const std::string ph = f.at("ph").string_value();
    ++by_phase[ph];
    if (ph == "M" && f.at("name").string_value() == "thread_name") {
      ++track_names[f.at("args").struct_value().fields().at("name").string_value()];
    }
    if (ph == "X" && f.at("name").string_value() == "erp outage") {
      outage_span = f.at("ts").number_value() == 60e6 && f.at("dur").number_value() == 120e6;
    }
  }
  EXPECT_TRUE(outage_span) << "the outage from 1m for 2m, in microseconds";
  for (const char* track : {"faults", "middleware", "erp", "mes-P100"})
    EXPECT_EQ(track_names[track], 1) << track;
  EXPECT_GT(by_phase["s"], 0);
  EXPECT_GT(by_phase["f"], 0) << "arrows from events created to their postings";
  EXPECT_LE(by_phase["f"], by_phase["s"]);
  EXPECT_GT(by_phase["C"], 0) << "backlog counters";
}

}  // namespace
}  // namespace mw::scen
