// Scenario files: every problem is reported as file:line:column with the field and what was
// expected; nothing invalid gets as far as a run.
#include "scenarios/scenario/scenario_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"

namespace mw::scen {
namespace {

constexpr const char* kValid = R"(name: "ok"
story: "A plant."
production: "10m"
plants { events_per_second_per_line: 1 }
)";

// errors_of parses and builds `text` as "s.textproto" and returns every error.
std::vector<std::string> errors_of(const std::string& text) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", text);
  if (!loaded.ok()) return loaded.errors;
  return build_world(loaded.file).errors;
}

// only_error expects exactly one error and returns it.
std::string only_error(const std::string& text) {
  const std::vector<std::string> errors = errors_of(text);
  EXPECT_EQ(errors.size(), 1u) << testing::PrintToString(errors);
  return errors.empty() ? "" : errors.front();
}

TEST(ScenarioFile, AValidFileBuildsItsWorld) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", kValid);
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file, 42);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  EXPECT_EQ(built.spec.seed, 42u);
  EXPECT_EQ(built.spec.production, sim::minutes(10));
  ASSERT_EQ(built.spec.plants.size(), 1u);
  EXPECT_EQ(built.spec.plants[0].mes.events_per_second_per_line, 1.0);
}

TEST(ScenarioFile, AnUnknownFieldIsAnErrorAtItsPlace) {
  const std::string e = only_error(std::string(kValid) + "plants { colour: 3 }\n");
  EXPECT_EQ(e.rfind("s.textproto:5:16: ", 0), 0u) << e;  // where protobuf's parser stops
  EXPECT_NE(e.find("colour"), std::string::npos) << e;
}

TEST(ScenarioFile, ASyntaxErrorNamesLineAndColumn) {
  const std::string e = only_error("name: \"x\"\nstory: \"y\"\nplants { lines: }\n");
  EXPECT_EQ(e.rfind("s.textproto:3:17: ", 0), 0u) << e;
}

TEST(ScenarioFile, ABadDurationNamesTheFieldAndTheSyntax) {
  const std::string e =
      only_error(std::string(kValid) +
                 "faults {\n  at: \"5 minutes\"\n  duration: \"1m\"\n  erp_outage {}\n}\n");
  EXPECT_EQ(e.rfind("s.textproto:6:3: faults[0].at: \"5 minutes\" is not a duration (", 0), 0u)
      << e;
}

TEST(ScenarioFile, AnOutOfRangeValueIsAnErrorNotAWarning) {
  const std::string e = only_error(std::string(kValid) + "erp { lost_reply_probability: 1.5 }\n");
  EXPECT_EQ(e.rfind("s.textproto:5:7: erp.lost_reply_probability: must be a probability between 0 "
                    "and 0.9, not 1.5",
                    0),
            0u)
      << e;
}

TEST(ScenarioFile, AFaultOnANodeThatDoesNotExistListsTheNodes) {
  const std::string e =
      only_error(std::string(kValid) + "faults { at: \"1m\" crash { node: \"wms\" } }\n");
  EXPECT_NE(e.find("s.textproto:5:27: faults[0].crash.node: \"wms\" is not a node of this world "
                   "(its nodes: "),
            std::string::npos)
      << e;
}

TEST(ScenarioFile, AnIsolationOfAnUnknownNodeIsAnErrorAtItsNodeField) {
  const std::string e = only_error(
      std::string(kValid) + "faults { at: \"1m\" duration: \"1m\" isolation { node: \"wms\" } }\n");
  EXPECT_EQ(e.rfind("s.textproto:5:46: faults[0].isolation.node: \"wms\" is not a node of this "
                    "world (its nodes: ",
                    0),
            0u)
      << e;
}

TEST(ScenarioFile, AClosedPeriodThatIsNotAMonthIsAnErrorAtItsField) {
  const std::string e = only_error(std::string(kValid) +
                                   "faults { at: \"1m\" posting_period_closed: \"2026-13\" }\n");
  EXPECT_NE(e.find("faults[0].posting_period_closed: \"2026-13\" is not a period: write YYYY-MM"),
            std::string::npos)
      << e;
}

TEST(ScenarioFile, AnIsolationWithoutADurationSaysItIsMissing) {
  const std::string e =
      only_error(std::string(kValid) + "faults { at: \"1m\" isolation { node: \"erp\" } }\n");
  EXPECT_NE(e.find("faults[0].duration: is missing: how long does the fault last?"),
            std::string::npos)
      << e;
}

TEST(ScenarioFile, AnIsolationCutsItsNodeFromEveryOtherAndIsAFaultWindow) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string(kValid) +
                         "faults { at: \"2m\" duration: \"30s\" isolation { node: \"erp\" "
                         "one_way: true } }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  ASSERT_EQ(built.spec.network.partitions.size(), 1u);
  const sim::ScheduledPartition& p = built.spec.network.partitions[0];
  EXPECT_EQ(p.side_a, std::vector<std::string>{"erp"});
  EXPECT_TRUE(p.side_b.empty()) << "empty: every other node";
  EXPECT_TRUE(p.one_way);
  EXPECT_EQ(p.start, sim::kTimeZero + sim::minutes(2));
  EXPECT_EQ(p.duration, sim::seconds(30));
  ASSERT_EQ(built.fault_windows.size(), 1u);
  EXPECT_EQ(built.fault_windows[0].what, "isolation erp (one way)");
}

TEST(ScenarioFile, APartitionOfAnUnknownPlantIsAnError) {
  const std::string e = only_error(
      std::string(kValid) + "faults { at: \"1m\" duration: \"1m\" wan_partition: \"P900\" }\n");
  EXPECT_NE(e.find("faults[0].wan_partition: \"P900\" is not a plant of this world"),
            std::string::npos)
      << e;
}

TEST(ScenarioFile, AFaultWithoutWhatSaysWhatToSet) {
  const std::string e = only_error(std::string(kValid) + "faults { at: \"1m\" }\n");
  EXPECT_EQ(e.rfind("s.textproto:5:1: faults[0]: says when but not what", 0), 0u) << e;
}

TEST(ScenarioFile, AMissingStoryAndNoPlantsAreBothReported) {
  const std::vector<std::string> errors = errors_of("name: \"x\"\n");
  ASSERT_EQ(errors.size(), 2u) << testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("story: is missing"), std::string::npos);
  EXPECT_NE(errors[1].find("needs at least one entry in plants"), std::string::npos);
}

TEST(ScenarioFile, AnUnknownOracleNameIsAnError) {
  const std::string e = only_error(
      std::string(kValid) + "expect { oracles_fail: \"no_loss\" oracles_fail: \"speed\" }\n");
  EXPECT_NE(e.find("expect.oracles_fail[1]: \"speed\" is not an oracle"), std::string::npos) << e;
}

TEST(ScenarioFile, RandomCrashesOfOtherNodesAndRandomLinkOutagesAreBuilt) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string(kValid) +
                         "network { default_link { outage_mean_up: \"10m\" } }\n"
                         "random_faults { node_crashes { node: \"erp\" mean_up: \"5m\" "
                         "power_loss_probability: 1 } }\n");
  ASSERT_TRUE(loaded.ok());
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  ASSERT_EQ(built.spec.random_crashes.count("erp"), 1u);
  EXPECT_EQ(built.spec.random_crashes.at("erp").mean_up, sim::minutes(5));
  EXPECT_EQ(built.spec.random_crashes.at("erp").until, sim::kTimeZero + sim::minutes(10));
  EXPECT_EQ(built.spec.network.default_link.random_outages.mean_up, sim::minutes(10));
  EXPECT_EQ(built.fault_windows.size(), 2u);
}

TEST(ScenarioFile, RandomCrashesOfTheMiddlewareInNodeCrashesSayWhereTheyBelong) {
  const std::string e =
      only_error(std::string(kValid) +
                 "random_faults { node_crashes { node: \"middleware\" mean_up: \"5m\" } }\n");
  EXPECT_NE(e.find("random_faults.node_crashes[0].node: the middleware's random crashes are "
                   "middleware_mean_up"),
            std::string::npos)
      << e;
}

TEST(ScenarioFile, ADesignTheCoreWouldRefuseIsReportedAtItsField) {
  const std::string e = only_error(
      std::string(kValid) + "design {\n  poster {\n    backoff_jitter_percent: 150\n  }\n}\n");
  EXPECT_EQ(
      e, "s.textproto:7:5: design.poster.backoff_jitter_percent: must be at most 100 %, not 150");
}

TEST(ScenarioFile, SubscribersAreWiredByTheWorldNotTheFile) {
  const std::string e =
      only_error(std::string(kValid) + "design { publisher { subscribers: \"wms\" } }\n");
  EXPECT_NE(e.find("s.textproto:5:22: design.publisher.subscribers[0]: is wired by the world"),
            std::string::npos)
      << e;
}

// built_design builds `text` and returns its design; the file must be valid.
proto::Config built_design(const std::string& text) {
  const LoadedScenario loaded = parse_scenario_text("s.textproto", text);
  EXPECT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file);
  EXPECT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  return built.spec.design;
}

TEST(ScenarioFile, ACloudErpWorldRunsTheDesignThatReliesOnIdempotencyKeys) {
  EXPECT_TRUE(built_design(kValid).poster().erp_honours_idempotency_keys());
  EXPECT_TRUE(built_design(std::string(kValid) + "erp { flavor: CLOUD }\n")
                  .poster()
                  .erp_honours_idempotency_keys());
  EXPECT_FALSE(built_design(std::string(kValid) + "erp { flavor: LEGACY }\n")
                   .poster()
                   .erp_honours_idempotency_keys());
}

TEST(ScenarioFile, ConversionsRecordedInReverseSayTheSameTheOtherWayRound) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto",
      std::string(kValid) + "master_data { conversions_recorded_in_reverse: true }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  const auto& conversions = built.spec.master.conversions;
  EXPECT_EQ(conversions.count({"G", "KG"}), 0u);
  ASSERT_EQ(conversions.count({"KG", "G"}), 1u);
  EXPECT_EQ(conversions.at({"KG", "G"}).numerator, 1000);  // 1 KG = 1000 G
  EXPECT_EQ(conversions.at({"KG", "G"}).denominator, 1);
}

TEST(ScenarioFile, AWithheldMaterialMustBeAMaterialOfThePlantsAndIsReportedAtItsPlace) {
  const std::string e =
      only_error(std::string(kValid) + "master_data { withheld_materials: \"RM-999\" }\n");
  EXPECT_EQ(e.rfind("s.textproto:5:15: master_data.withheld_materials[0]", 0), 0u) << e;
  EXPECT_NE(e.find("RM-200"), std::string::npos) << "lists the materials there are: " << e;
  const std::string until_alone =
      only_error(std::string(kValid) + "master_data { withheld_until: \"5m\" }\n");
  EXPECT_NE(until_alone.find("needs withheld_materials"), std::string::npos) << until_alone;
}

TEST(ScenarioFile, AMaterialWithheldUntilTheOperatorDeadLettersItsEventsWhichTheReplayPosts) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string(kValid) + "master_data { withheld_materials: \"RM-200\" }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file, 2);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  const ScenarioRun run = run_scenario(loaded.file, built);
  std::uint64_t unknown_material = 0;
  for (const auto& [cls, n] : run.result.middleware_totals.dead_lettered_by_class)
    if (cls == "unknown_material") unknown_material += n;
  EXPECT_GT(unknown_material, 0u) << "RM-200 is consumed in ten minutes of production";
  EXPECT_TRUE(run.passed()) << run.result.describe();
}

TEST(ScenarioFile, ALegacyErpWithADesignTrustingKeysIsRefusedUnlessMeant) {
  const std::string wrong = std::string(kValid) +
                            "erp { flavor: LEGACY }\n"
                            "design { poster { erp_honours_idempotency_keys: true } }\n";
  const std::string e = only_error(wrong);
  EXPECT_EQ(e.rfind("s.textproto:6:19: design.poster.erp_honours_idempotency_keys", 0), 0u) << e;
  EXPECT_NE(e.find("LEGACY"), std::string::npos) << e;
  const std::string meant = std::string(kValid) +
                            "erp { flavor: LEGACY design_may_contradict_flavor: true }\n"
                            "design { poster { erp_honours_idempotency_keys: true } }\n";
  EXPECT_TRUE(built_design(meant).poster().erp_honours_idempotency_keys());
  const std::string cloud_reconciling =
      std::string(kValid) + "erp { flavor: CLOUD design_may_contradict_flavor: true }\n";
  EXPECT_FALSE(built_design(cloud_reconciling).poster().erp_honours_idempotency_keys());
}

TEST(ScenarioFile, AMissingFileSaysSo) {
  const LoadedScenario loaded = load_scenario_file("/nonexistent/x.textproto");
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_NE(loaded.errors[0].find("cannot open"), std::string::npos);
}

TEST(ScenarioFile, ADirectoryIsAnErrorNotAnEmptyFile) {
  const LoadedScenario loaded = load_scenario_file(testing::TempDir());
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_NE(loaded.errors[0].find("is a directory, not a file"), std::string::npos)
      << loaded.errors[0];
}

TEST(ScenarioFile, AUtf8ByteOrderMarkIsAcceptedAndColumnsCountFromAfterIt) {
  const LoadedScenario bom =
      parse_scenario_text("s.textproto", "\xEF\xBB\xBF" + std::string(kValid));
  EXPECT_TRUE(bom.ok()) << testing::PrintToString(bom.errors);
  // The mark is not a column: the error is where it would be without it.
  EXPECT_EQ(only_error("\xEF\xBB\xBF"
                       "colour: 3\n"),
            only_error("colour: 3\n"));
}

TEST(ScenarioFile, AnErrorNeverEchoesAMegabyteOfInput) {
  const std::string huge(1 << 20, 'x');
  const std::string e = only_error(std::string(kValid) + huge + "\n");
  EXPECT_LT(e.size(), 600u);
  EXPECT_EQ(e.rfind("s.textproto:", 0), 0u) << e.substr(0, 200);
  EXPECT_NE(e.find("has no field named"), std::string::npos) << e.substr(0, 200);
}

TEST(ScenarioFile, SixtyFivePlantsOrTenThousandAreAnErrorNotAnAbort) {
  for (const char* copies : {"65", "10000"}) {
    const std::vector<std::string> errors =
        errors_of("name: \"x\"\nstory: \"y\"\nplants { copies: " + std::string(copies) + " }\n");
    ASSERT_FALSE(errors.empty());
    EXPECT_NE(testing::PrintToString(errors).find("at most 64"), std::string::npos)
        << testing::PrintToString(errors);
  }
  const std::vector<std::string> split =
      errors_of("name: \"x\"\nstory: \"y\"\nplants { copies: 40 }\nplants { copies: 40 }\n");
  ASSERT_EQ(split.size(), 1u);
  EXPECT_NE(split[0].find("come to 80 plants; at most 64"), std::string::npos) << split[0];
}

TEST(ScenarioFile, PlantCopiesAreNumberedInOrderAndFaultsNameThem) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string(kValid) +
                         "plants { copies: 2 edge: true }\n"
                         "faults { at: \"1m\" duration: \"2m\" wan_partition: \"P300\" }\n");
  ASSERT_TRUE(loaded.ok());
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  ASSERT_EQ(built.spec.plants.size(), 3u);
  EXPECT_EQ(built.spec.plants[2].mes.plant, "P300");
  EXPECT_TRUE(built.spec.plants[2].edge);
  ASSERT_EQ(built.spec.network.outages.size(), 1u);
  EXPECT_EQ(built.spec.network.outages[0].a, "edge-P300");
}

TEST(ScenarioFile, CrashPointsAndRequiredProbesAreReadAndUnknownNamesAreErrorsAtTheirPlace) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string(kValid) +
                         "crash_points { fire_probability: 0.5 points: \"during_recovery\" }\n"
                         "expect { probes_reached: \"late_reply\" }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  EXPECT_TRUE(built.spec.crash_points.enabled);
  EXPECT_EQ(built.spec.crash_points.fire_probability, 0.5);
  EXPECT_EQ(built.spec.crash_points.points, std::vector<std::string>{"during_recovery"});
  EXPECT_EQ(built.expect.probes_reached, std::set<std::string>{"late_reply"});

  const std::string point =
      only_error(std::string(kValid) + "crash_points {\n  points: \"nowhere\"\n}\n");
  EXPECT_EQ(
      point.rfind("s.textproto:6:3: crash_points.points[0]: \"nowhere\" is not a crash point (", 0),
      0u)
      << point;
  const std::string probe =
      only_error(std::string(kValid) + "expect {\n  probes_reached: \"bogus\"\n}\n");
  EXPECT_EQ(probe.rfind("s.textproto:6:3: expect.probes_reached[0]: \"bogus\" is not a probe (", 0),
            0u)
      << probe;
}

}  // namespace
}  // namespace mw::scen

namespace mw::scen {
namespace {

TEST(ScenarioFile, DiskFaultsOnTheMiddlewareAndAnEdgeAreBuilt) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto",
      std::string(kValid) +
          "plants { edge: true }\n"
          "faults { at: \"1m\" duration: \"30s\" disk_errors { node: \"middleware\" probability: "
          "0.1 } }\n"
          "faults { at: \"2m\" duration: \"1m\" disk_full { node: \"edge-P200\" headroom_bytes: "
          "4096 } }\n");
  ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  ASSERT_EQ(built.spec.disk_faults.size(), 2u);
  EXPECT_EQ(built.spec.disk_faults[0].node, "middleware");
  EXPECT_EQ(built.spec.disk_faults[0].error_probability, 0.1);
  EXPECT_FALSE(built.spec.disk_faults[0].headroom_bytes.has_value());
  EXPECT_EQ(built.spec.disk_faults[1].node, "edge-P200");
  EXPECT_EQ(built.spec.disk_faults[1].at, sim::kTimeZero + sim::minutes(2));
  EXPECT_EQ(built.spec.disk_faults[1].duration, sim::minutes(1));
  EXPECT_EQ(built.spec.disk_faults[1].headroom_bytes, 4096u);
}

TEST(ScenarioFile, DiskFaultsNeedANodeWithAStoreADurationAndARate) {
  const std::string erp = only_error(
      std::string(kValid) + "faults { at: \"1m\" duration: \"1m\" disk_full { node: \"erp\" } }\n");
  EXPECT_EQ(
      erp.rfind("s.textproto:5:46: faults[0].disk_full.node: \"erp\" keeps nothing on disk", 0), 0u)
      << erp;
  const std::string endless = only_error(
      std::string(kValid) + "faults { at: \"1m\" disk_full { node: \"middleware\" } }\n");
  EXPECT_EQ(endless.rfind("s.textproto:5:1: faults[0].duration: is missing", 0), 0u) << endless;
  const std::string rate =
      only_error(std::string(kValid) +
                 "faults { at: \"1m\" duration: \"1m\" disk_errors { node: \"middleware\" } }\n");
  EXPECT_NE(rate.find("faults[0].disk_errors.probability: must be above 0"), std::string::npos)
      << rate;
}

}  // namespace
}  // namespace mw::scen

namespace mw::scen {
namespace {

TEST(ScenarioFile, AnErpSlowSpellIsBuiltAsASlowdownOfTheErp) {
  const LoadedScenario loaded = parse_scenario_text(
      "s.textproto", std::string(kValid) +
                         "faults { at: \"2m\" duration: \"3m\" erp_slow { latency: \"15s\" } }\n");
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front();
  const BuiltWorld built = build_world(loaded.file);
  ASSERT_TRUE(built.ok()) << built.errors.front();
  ASSERT_EQ(built.spec.erp.slowdowns.size(), 1u);
  EXPECT_EQ(built.spec.erp.slowdowns[0].start, sim::kTimeZero + sim::minutes(2));
  EXPECT_EQ(built.spec.erp.slowdowns[0].duration, sim::minutes(3));
  EXPECT_EQ(built.spec.erp.slowdowns[0].latency, sim::seconds(15));
}

TEST(ScenarioFile, AnErpSlowSpellNeedsALatencyNoLongerThanTheErpsLongest) {
  const std::string missing =
      only_error(std::string(kValid) + "faults { at: \"1m\" duration: \"1m\" erp_slow {} }\n");
  EXPECT_EQ(missing.rfind("s.textproto:5:", 0), 0u) << missing;
  EXPECT_NE(missing.find("faults[0].erp_slow.latency: is missing"), std::string::npos) << missing;
  const std::string beyond =
      only_error(std::string(kValid) + "erp { latency_max: \"20s\" }\n" +
                 "faults { at: \"1m\" duration: \"1m\" erp_slow { latency: \"21s\" } }\n");
  EXPECT_NE(beyond.find("faults[0].erp_slow.latency: must not exceed erp.latency_max (20s)"),
            std::string::npos)
      << beyond;
}

}  // namespace
}  // namespace mw::scen
