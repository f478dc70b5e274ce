// Each unsafe setting of the core breaks at least one oracle in a world built to expose it:
// proof that the oracles can fail and that the safe default is what keeps them.
#include <gtest/gtest.h>

#include "tests/scenarios/world_harness.h"

namespace mw::scen::testing {
namespace {

// crashing_world: the reference world with frequent middleware crashes during production.
WorldSpec crashing_world(std::uint64_t seed, ReferenceWorldOptions o = {}) {
  WorldSpec spec = small_world(seed, o);
  spec.middleware_random_crashes.mean_up = sim::minutes(1);
  spec.middleware_random_crashes.mean_down = sim::seconds(5);
  spec.middleware_random_crashes.until = sim::kTimeZero + spec.production;
  return spec;
}

TEST(WorldUnsafe, AckBeforeCommitLosesEventsWhenTheMiddlewareCrashes) {
  WorldSpec spec = crashing_world(21);
  spec.design.mutable_unsafe()->set_ack_before_commit(true);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(fired(r, "no_loss")) << r.describe();
}

TEST(WorldUnsafe, DedupDisabledPostsResentEventsTwiceToALegacyErp) {
  WorldSpec spec = small_world(22);
  spec.erp.flavor = fakes::ErpFlavor::kLegacy;
  spec.design.mutable_poster()->set_erp_honours_idempotency_keys(false);
  spec.plants[0].mes.sender.duplicate_probability = 0.1;
  spec.design.mutable_unsafe()->set_dedup_disabled(true);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(fired(r, "exactly_once")) << r.describe();
}

TEST(WorldUnsafe, SeveralRequestsInFlightPerKeyPostOutOfOrder) {
  WorldSpec spec = small_world(23);
  spec.erp.latency_sigma = 1.5;  // very variable processing time overtakes earlier requests
  spec.design.mutable_unsafe()->set_max_in_flight_per_key(8);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(fired(r, "sequencing")) << r.describe();
}

TEST(WorldUnsafe, RetryWithoutReconciliationPostsTwiceWhenALegacyErpLosesReplies) {
  WorldSpec spec = small_world(24);
  spec.erp.flavor = fakes::ErpFlavor::kLegacy;
  spec.erp.lost_reply_probability = 0.05;
  spec.design.mutable_poster()->set_erp_honours_idempotency_keys(false);
  spec.design.mutable_unsafe()->set_retry_without_reconciliation(true);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(fired(r, "exactly_once")) << r.describe();
}

TEST(WorldUnsafe, NotParkingBehindADeadLetterPostsTheKeyOutOfOrderAfterReplay) {
  WorldSpec spec = small_world(25);
  // Many lines with slow work orders (minutes each), so that the reopen falls in the middle of
  // several: their early events are dead-lettered, their later ones are not.
  spec.plants[0].mes.lines = 20;
  spec.plants[0].mes.events_per_second_per_line = 0.05;
  spec.plants[0].mes.shift_burst_multiplier = 1;
  spec.erp.period_schedule.push_back(
      {sim::kTimeZero + sim::minutes(10), "2026-01", fakes::PeriodAction::kClose});
  spec.erp.period_schedule.push_back(
      {sim::kTimeZero + sim::minutes(12), "2026-01", fakes::PeriodAction::kReopen});
  spec.operator_actions.push_back(
      {sim::kTimeZero + sim::minutes(20), OperatorAction::Kind::kReplayAll});
  spec.design.mutable_unsafe()->set_no_parking_behind_dead_letter(true);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(fired(r, "sequencing")) << r.describe();
}

TEST(WorldUnsafe, PublishingBeforeThePostedMarkIsDurableAppliesEffectsTwiceDownstream) {
  ReferenceWorldOptions o;
  o.wms = true;
  WorldSpec spec = crashing_world(26, o);
  spec.design.mutable_unsafe()->set_publish_before_posted_durable(true);
  const WorldResult r = run_world(spec);
  EXPECT_TRUE(fired(r, "downstream")) << r.describe();
}

TEST(WorldUnsafe, TheSameCrashingWorldHoldsEveryOracleWithTheSafeDesign) {
  ReferenceWorldOptions o;
  o.wms = true;
  const WorldResult r = run_world(crashing_world(26, o));
  EXPECT_TRUE(r.held()) << r.describe();
}

}  // namespace
}  // namespace mw::scen::testing
