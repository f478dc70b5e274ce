// The catalogue: every file is valid, named after its scenario, and tells its story; and a
// catalogue scenario run twice with the same seed gives the same trace digest.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "scenarios/scenario/scenario_file.h"
#include "scenarios/scenario/scenario_run.h"
#include "scenarios/scenario/scenario_world.h"

namespace mw::scen {
namespace {

std::vector<std::filesystem::path> catalogue() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(MWSIM_CATALOGUE_DIR)) {
    if (e.path().extension() == ".textproto") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Catalogue, HoldsAtLeastTwelveValidScenariosNamedAfterTheirFiles) {
  const auto files = catalogue();
  EXPECT_GE(files.size(), 12u);
  std::set<std::string> names;
  int unsafe = 0;
  for (const auto& path : files) {
    const LoadedScenario loaded = load_scenario_file(path.string());
    ASSERT_TRUE(loaded.ok()) << testing::PrintToString(loaded.errors);
    const BuiltWorld built = build_world(loaded.file);
    EXPECT_TRUE(built.ok()) << testing::PrintToString(built.errors);
    EXPECT_EQ(loaded.file.scenario.name(), path.stem().string());
    EXPECT_TRUE(names.insert(loaded.file.scenario.name()).second);
    if (!built.expect.oracles_fail.empty()) ++unsafe;
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.rfind("# ", 0), 0u) << path << " must open with a comment that tells its story";
  }
  EXPECT_GE(unsafe, 2) << "the catalogue shows at least two unsafe designs failing";
}

TEST(Catalogue, AScenarioRunTwiceWithTheSameSeedGivesTheSameDigest) {
  const LoadedScenario loaded = load_scenario_file(std::string(MWSIM_CATALOGUE_DIR) +
                                                   "/middleware_crash_mid_posting.textproto");
  ASSERT_TRUE(loaded.ok());
  const BuiltWorld built = build_world(loaded.file, 5);
  ASSERT_TRUE(built.ok());
  const ScenarioRun a = run_scenario(loaded.file, built);
  const ScenarioRun b = run_scenario(loaded.file, built);
  EXPECT_EQ(a.result.digest, b.result.digest);
  EXPECT_TRUE(a.passed()) << format_summary(a);
  const ScenarioRun c = run_scenario(loaded.file, build_world(loaded.file, 6));
  EXPECT_NE(a.result.digest, c.result.digest) << "another seed, another run";
}

}  // namespace
}  // namespace mw::scen
