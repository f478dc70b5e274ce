// The models' one representation: a scenario's knobs read over the models' defaults, and the
// effective configuration written back as a scenario that builds the same world again.
#include "scenarios/model/effective_scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"
#include "scenarios/scenario/swarm.h"

namespace mw::scen {
namespace {

std::vector<std::string> catalogue() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(MWSIM_CATALOGUE_DIR)) {
    if (e.path().extension() == ".textproto") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// reparsed is the effective configuration of `built` read back as a scenario file, the way
// a user who saved `mwsim run`'s output would.
LoadedScenario reparsed(const ScenarioFile& file, const BuiltWorld& built) {
  return parse_scenario_text(file.path + " (effective)",
                             effective_configuration_text(file.scenario, built.spec));
}

// fixed_point checks that the effective configuration of `file` builds again and prints the
// same text: nothing is lost or changed on the way through the models.
void expect_fixed_point(const ScenarioFile& file) {
  const BuiltWorld built = build_world(file);
  ASSERT_TRUE(built.ok()) << file.path << ": " << testing::PrintToString(built.errors);
  const LoadedScenario again = reparsed(file, built);
  ASSERT_TRUE(again.ok()) << testing::PrintToString(again.errors);
  const BuiltWorld rebuilt = build_world(again.file);
  ASSERT_TRUE(rebuilt.ok()) << file.path << ": " << testing::PrintToString(rebuilt.errors);
  EXPECT_EQ(effective_configuration_text(file.scenario, built.spec),
            effective_configuration_text(again.file.scenario, rebuilt.spec))
      << file.path;
}

TEST(EffectiveScenario, OfEveryCatalogueFileBuildsAgainIntoTheSameConfiguration) {
  for (const std::string& path : catalogue()) {
    const LoadedScenario loaded = load_scenario_file(path);
    ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
    expect_fixed_point(loaded.file);
  }
}

TEST(EffectiveScenario, OfSwarmWorldsBuildsAgainIntoTheSameConfiguration) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    ScenarioFile file;
    file.path = "swarm_" + std::to_string(seed);
    file.scenario = swarm_scenario(seed);
    expect_fixed_point(file);
  }
}

// The printed configuration is the run: a world built from it runs with the same trace
// digest, for a catalogue world with edges, WMS and quality and for swarm worlds.
TEST(EffectiveScenario, RunsWithTheSameTraceDigestAsTheScenarioItCameFrom) {
  std::vector<ScenarioFile> files;
  for (const char* name : {"quality_hold_race", "two_formats_slow_wms", "wan_partition_edge_buffering"}) {
    const LoadedScenario loaded =
        load_scenario_file(std::string(MWSIM_CATALOGUE_DIR) + "/" + name + ".textproto");
    ASSERT_TRUE(loaded.ok());
    files.push_back(loaded.file);
  }
  for (std::uint64_t seed : {3u, 7u}) {
    ScenarioFile file;
    file.path = "swarm_" + std::to_string(seed);
    file.scenario = swarm_scenario(seed);
    files.push_back(file);
  }
  for (const ScenarioFile& file : files) {
    const BuiltWorld built = build_world(file);
    ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
    const LoadedScenario again = reparsed(file, built);
    ASSERT_TRUE(again.ok()) << testing::PrintToString(again.errors);
    const BuiltWorld rebuilt = build_world(again.file);
    ASSERT_TRUE(rebuilt.ok()) << testing::PrintToString(rebuilt.errors);
    EXPECT_EQ(run_scenario(file, built).result.digest,
              run_scenario(again.file, rebuilt).result.digest)
        << file.path;
  }
}

TEST(EffectiveScenario, PrintsEveryKnobZerosAndDefaultsIncluded) {
  const LoadedScenario loaded =
      load_scenario_file(std::string(MWSIM_CATALOGUE_DIR) + "/clean_shift.textproto");
  ASSERT_TRUE(loaded.ok());
  const std::string text =
      effective_configuration_text(loaded.file.scenario, build_world(loaded.file).spec);
  for (const char* knob :
       {"flavor: CLOUD", "lost_reply_probability: 0", "latency_median: \"50ms\"",
        "loss_probability: 0", "latency_base: \"500us\"", "scrap_probability: 0.02",
        "sector_bytes: 512", "request_timeout_ms: 10000", "erp_honours_idempotency_keys: true"}) {
    EXPECT_NE(text.find(knob), std::string::npos) << knob << " missing from\n" << text;
  }
}

BuiltWorld built_from(const std::string& text) {
  const LoadedScenario loaded = parse_scenario_text("x.textproto", text);
  EXPECT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
  return build_world(loaded.file);
}

TEST(PlantModel, AnExplicitZeroIsAValueNotTheDefault) {
  const BuiltWorld built = built_from(
      "name: \"x\" story: \"s\" plants { scrap_probability: 0 edge: true "
      "edge_node { dedup_memory: \"0s\" max_backlog_events: 50 } }");
  ASSERT_TRUE(built.ok()) << testing::PrintToString(built.errors);
  EXPECT_EQ(built.spec.plants[0].mes.scrap_probability, 0);
  EXPECT_EQ(built.spec.plants[0].edge_config.dedup_memory, sim::Duration::zero());
  EXPECT_EQ(built.spec.plants[0].edge_config.max_backlog_events, 50u);
}

TEST(PlantModel, AnEdgeNodeWithoutAnEdgeIsReportedAtItsField) {
  const BuiltWorld built =
      built_from("name: \"x\" story: \"s\"\nplants {\n  edge_node { flush_interval: \"1s\" }\n}");
  ASSERT_EQ(built.errors.size(), 1u);
  EXPECT_NE(built.errors[0].find("x.textproto:3:3: plants[0].edge_node: configures an edge"),
            std::string::npos)
      << built.errors[0];
}

TEST(NetworkModel, PartitionKnobsWithoutAnIntervalAreReported) {
  const BuiltWorld built = built_from(
      "name: \"x\" story: \"s\" plants {} network { partition_one_way_probability: 0.5 }");
  ASSERT_EQ(built.errors.size(), 1u);
  EXPECT_NE(built.errors[0].find("network.partition_mean_interval: is missing"), std::string::npos)
      << built.errors[0];
}

TEST(DiskModel, ASectorSizeThatIsNotAPowerOfTwoIsReported) {
  const BuiltWorld built =
      built_from("name: \"x\" story: \"s\" plants {} disk { sector_bytes: 1000 }");
  ASSERT_EQ(built.errors.size(), 1u);
  EXPECT_NE(built.errors[0].find("disk.sector_bytes: must be a power of two"), std::string::npos)
      << built.errors[0];
}

}  // namespace
}  // namespace mw::scen
