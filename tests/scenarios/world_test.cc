// End-to-end worlds with the safe default design: every oracle holds, whatever the faults.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/scenarios/world_harness.h"

namespace mw::scen::testing {
namespace {

TEST(World, ACleanShiftKeepsEveryOracle) {
  ReferenceWorldOptions o;
  o.plants = 2;
  o.wms = true;
  const WorldResult r = run_world(small_world(1, o));
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(r.events_created, 2000u);
  EXPECT_GT(r.notifications_applied, 1000u);
  EXPECT_EQ(r.middleware.counters.dead_lettered, 0u) << r.describe();
  EXPECT_EQ(r.erp.rejected_total(), 0u) << r.describe();
  EXPECT_TRUE(r.drained);
}

TEST(World, TheSameSeedGivesTheSameDigestAndAnotherSeedAnother) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.production = sim::minutes(10);
  const WorldResult a = run_world(small_world(7, o));
  const WorldResult b = run_world(small_world(7, o));
  const WorldResult c = run_world(small_world(8, o));
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.events_created, b.events_created);
  EXPECT_NE(a.digest, c.digest);
}

// The progress display of `mwsim run` only reads: a world with a progress callback is the
// same run, and the callback hears each phase in order with simulated time going forward.
TEST(World, AProgressCallbackHearsEveryPhaseAndChangesNothing) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.production = sim::minutes(10);
  const WorldResult quiet = run_world(small_world(7, o));
  World world(small_world(7, o));
  std::vector<RunProgress> heard;
  world.set_progress([&](const RunProgress& p) { heard.push_back(p); });
  const WorldResult watched = world.run();
  EXPECT_EQ(watched.digest, quiet.digest);
  ASSERT_GE(heard.size(), 10u) << "a report per simulated minute of production at least";
  std::string phases;
  for (std::size_t i = 0; i < heard.size(); ++i) {
    if (phases.empty() || phases.substr(phases.rfind(' ') + 1) != heard[i].phase)
      phases += std::string(" ") + heard[i].phase;
    if (i > 0) {
      EXPECT_LE(heard[i - 1].now, heard[i].now);
    }
  }
  EXPECT_TRUE(phases.starts_with(" production drain")) << phases;
  EXPECT_EQ(heard.front().settle, heard.back().settle);
}

TEST(World, AFifteenMinuteErpOutageAtPeakIsRiddenOut) {
  for (const fakes::OutageMode mode :
       {fakes::OutageMode::kUnavailable, fakes::OutageMode::kSilent}) {
    WorldSpec spec = small_world(11);
    // The shift-start burst is the peak.
    spec.erp.outages.push_back({sim::kTimeZero + sim::minutes(5), sim::minutes(15), mode});
    const WorldResult r = run_world(spec);
    EXPECT_TRUE(r.held()) << r.describe();
    EXPECT_GT(r.middleware.counters.retries + r.middleware.counters.timeouts, 0u) << r.describe();
  }
}

TEST(World, APlantWanPartitionIsBufferedAtTheEdgeAndDrainsInOrder) {
  ReferenceWorldOptions o;
  o.edges = true;
  WorldSpec spec = small_world(12, o);
  spec.network.outages.push_back(
      {"edge-P100", "middleware", sim::kTimeZero + sim::minutes(10), sim::minutes(20)});
  World world(spec);
  const WorldResult r = world.run();
  EXPECT_TRUE(r.held()) << r.describe();
}

TEST(World, MiddlewareCrashesAndPowerLossesDuringPostingLoseAndRepeatNothing) {
  ReferenceWorldOptions o;
  o.wms = true;
  WorldSpec spec = small_world(13, o);
  spec.crashes.push_back({"middleware", sim::kTimeZero + sim::minutes(7), sim::seconds(20),
                          sim::CrashKind::kProcessCrash});
  spec.crashes.push_back({"middleware", sim::kTimeZero + sim::minutes(19), sim::seconds(45),
                          sim::CrashKind::kPowerLoss});
  spec.middleware_random_crashes.mean_up = sim::minutes(4);
  spec.middleware_random_crashes.mean_down = sim::seconds(10);
  spec.middleware_random_crashes.power_loss_probability = 0.5;
  spec.middleware_random_crashes.until = sim::kTimeZero + sim::minutes(40);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
}

TEST(World, ALegacyErpThatLosesRepliesIsReconciledNotPostedTwice) {
  WorldSpec spec = small_world(14);
  spec.erp.flavor = fakes::ErpFlavor::kLegacy;
  spec.erp.lost_reply_probability = 0.05;
  spec.erp.internal_error_probability = 0.02;
  spec.design.mutable_poster()->set_erp_honours_idempotency_keys(false);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(r.middleware.counters.reconciliations, 0u);
}

TEST(World, DuplicateAndOutOfOrderMesEmissionIsPostedOnceInOrder) {
  WorldSpec spec = small_world(15);
  spec.plants[0].mes.sender.duplicate_probability = 0.2;
  spec.plants[0].mes.sender.reorder_probability = 0.3;
  spec.network.default_link.duplicate_probability = 0.05;
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(r.middleware.counters.duplicates, 0u);
  EXPECT_GT(r.middleware.counters.held_out_of_order, 0u);
}

TEST(World, AVendorFormatPlantWithSkewAndMalformedEventsIsAdaptedAndQuarantined) {
  ReferenceWorldOptions o;
  o.plants = 2;
  WorldSpec spec = small_world(17, o);
  spec.plants[1].mes.format = proto::VENDOR_KV;
  // The line controller knows KG, EA, M and L only: that plant's BOM for FG-600 is in KG.
  spec.plants[1].mes.products[1].bom[0] = {"RM-200", 250, "KG", "0010"};
  spec.plants[1].mes.clock_skew = sim::seconds(-90);
  spec.plants[1].mes.malformed_probability = 0.01;
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(r.middleware.counters.quarantined, 0u) << r.describe();
}

TEST(World, QualityHoldsRacingConsumptionEndPostedOrDeadLetteredWithAReason) {
  ReferenceWorldOptions o;
  o.wms = true;
  o.quality = true;
  WorldSpec spec = small_world(18, o);
  spec.quality->random.mean_time_between_holds = sim::minutes(4);
  const WorldResult r = run_world(spec);
  // no_loss checks that every event is posted or dead-lettered with its reason.
  EXPECT_TRUE(r.held()) << r.describe();
  const auto blocked = r.erp.rejected.find(proto::BLOCKED_LOT);
  ASSERT_NE(blocked, r.erp.rejected.end()) << r.describe();
  EXPECT_GT(blocked->second, 0u);
  EXPECT_GE(r.middleware.counters.dead_lettered, blocked->second);
}

TEST(World, AClosedPostingPeriodDeadLettersUntilReopenedAndReplayed) {
  WorldSpec spec = small_world(16);
  spec.erp.period_schedule.push_back(
      {sim::kTimeZero + sim::minutes(10), "2026-01", fakes::PeriodAction::kClose});
  spec.erp.period_schedule.push_back(
      {sim::kTimeZero + sim::minutes(30), "2026-01", fakes::PeriodAction::kReopen});
  spec.operator_actions.push_back(
      {sim::kTimeZero + sim::minutes(31), OperatorAction::Kind::kReplayAll});
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(r.held()) << r.describe();
  EXPECT_GT(r.middleware.counters.dead_lettered, 0u) << r.describe();
  EXPECT_EQ(r.middleware.parked, 0u);
}

}  // namespace
}  // namespace mw::scen::testing
