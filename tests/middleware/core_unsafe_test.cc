// Each unsafe setting changes behaviour the way config.proto documents. (Which oracle each one
// breaks in a simulated world is proven by the scenario tests; here: the mechanism.)
#include <gtest/gtest.h>

#include "middleware/config_defaults.h"
#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

TEST(CoreUnsafe, AckBeforeCommitAcksAtOnceAndLosesTheEventIfTheProcessDiesBeforeTheWrite) {
  proto::Config c;
  c.mutable_unsafe()->set_ack_before_commit(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e1"}));
  h.restart();  // before the write-behind timer
  h.rt.advance(seconds(60));
  EXPECT_TRUE(h.erp_requests().empty());
  EXPECT_EQ(h.core().metrics().queued, 0u);  // gone: the sender has forgotten it too
}

TEST(CoreUnsafe, AckBeforeCommitStillWritesTheEventWhenNothingCrashes) {
  proto::Config c;
  c.mutable_unsafe()->set_ack_before_commit(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.rt.advance(milliseconds(100));
  EXPECT_EQ(h.erp_requests().size(), 1u);
}

TEST(CoreUnsafe, DedupDisabledPostsAResentEventAgain) {
  proto::Config c;
  c.mutable_unsafe()->set_dedup_disabled(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);  // a second posting of the same event
  EXPECT_EQ(reqs[0].command().external_reference(), "mw:e1");
}

TEST(CoreUnsafe, MoreThanOneInFlightPerKeySendsSuccessorsBeforeTheFirstIsDone) {
  proto::Config c;
  c.mutable_unsafe()->set_max_in_flight_per_key(3);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2), consumption("e3", "wo:1", 3)});
  EXPECT_EQ(h.erp_requests().size(), 3u);
}

TEST(CoreUnsafe, PublishBeforePostedDurableRepublishesUnderNewIdsAfterACrash) {
  proto::Config c;
  c.mutable_unsafe()->set_publish_before_posted_durable(true);
  c.mutable_poster()->set_erp_honours_idempotency_keys(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  auto first = h.frames("wms");
  ASSERT_EQ(first.size(), 1u);  // published before the posted mark is written
  h.restart();                  // ... which the crash loses
  auto again = h.erp_requests();
  ASSERT_EQ(again.size(), 1u);
  h.reply_success(again[0]);
  auto second = h.frames("wms");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].notification().notification_id(), first[0].notification().notification_id());
  EXPECT_EQ(second[0].notification().source_event_id(), "e1");  // the same effect, twice
}

TEST(CoreUnsafe, DefaultsLeaveEveryUnsafeSettingOff) {
  const proto::UnsafeConfig u = with_defaults(proto::Config{}).unsafe();
  EXPECT_FALSE(u.ack_before_commit());
  EXPECT_FALSE(u.dedup_disabled());
  EXPECT_EQ(u.max_in_flight_per_key(), 0u);
  EXPECT_FALSE(u.retry_without_reconciliation());
  EXPECT_FALSE(u.no_parking_behind_dead_letter());
  EXPECT_FALSE(u.publish_before_posted_durable());
}

}  // namespace
}  // namespace mw::core::testing
