// Reports: the JSON report reads back as the same report.proto, JUnit XML has a test case per
// check and a failure (with the replay command) for each check that did not pass.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

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

TEST(Report, HtmlPageIsSelfContainedWithThreeChartsAndTheVerdicts) {
  const ScenarioRun run = small_run();
  const std::string html = report_html(make_report(run));
  for (const char* id : {"id=\"chart-backlog\"", "id=\"chart-latency\"", "id=\"chart-dlq\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_NE(html.find("class=\"fault\""), std::string::npos) << "the outage is shaded";
  EXPECT_NE(html.find("class=\"bar\""), std::string::npos) << "latency bars";
  EXPECT_NE(html.find("mwsim replay t.textproto --seed 3"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "no scripts";
  EXPECT_EQ(html.find("http://"), std::string::npos) << "nothing fetched from the network";
  EXPECT_EQ(html.find("https://"), std::string::npos) << "nothing fetched from the network";
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
