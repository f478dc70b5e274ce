// Situation probes and crash points: the core names the rare situations it is in and the
// places where a simulated world may crash it, through the Runtime port (middleware/probes.h).
#include <gtest/gtest.h>

#include "middleware/probes.h"
#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

proto::Config legacy_erp() {
  proto::Config c;
  c.mutable_poster()->set_erp_honours_idempotency_keys(false);
  c.mutable_poster()->set_request_timeout_ms(1000);
  c.mutable_poster()->set_backoff_initial_ms(100);
  c.mutable_poster()->set_backoff_max_ms(1000);
  c.mutable_poster()->set_in_doubt_wait_ms(1000);
  return c;
}

TEST(CoreProbes, EveryNameIsListedOnceAndTheListsDoNotOverlap) {
  for (std::size_t i = 0; i < probes::kProbes.size(); ++i) {
    for (std::size_t j = i + 1; j < probes::kProbes.size(); ++j)
      EXPECT_NE(probes::kProbes[i], probes::kProbes[j]);
    EXPECT_FALSE(probes::is_crash_point(probes::kProbes[i]));
  }
  EXPECT_TRUE(probes::is_probe("late_reply"));
  EXPECT_TRUE(probes::is_crash_point("inside_group_commit"));
  EXPECT_FALSE(probes::is_probe("no_such_probe"));
}

TEST(CoreProbes, ReconciliationThatFindsThePostingAndOneThatDoesNot) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:2", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(1100));  // both time out; each is queried after its backoff
  auto queries = h.erp_requests();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(h.rt.probes(probes::kReconcileFound), 0u);
  h.reply_query(queries[0], /*found=*/true, "4900000077");
  EXPECT_EQ(h.rt.probes(probes::kReconcileFound), 1u);
  EXPECT_EQ(h.rt.probes(probes::kReconcileNotFound), 0u);
  h.reply_query(queries[1], /*found=*/false);
  EXPECT_EQ(h.rt.probes(probes::kReconcileNotFound), 1u);
}

TEST(CoreProbes, ReplyAfterItsRequestTimedOutIsALateReply) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1)});
  auto original = h.erp_requests().at(0);
  h.rt.advance(milliseconds(1000));
  EXPECT_EQ(h.rt.probes(probes::kLateReply), 0u);
  h.reply_success(original);
  EXPECT_EQ(h.rt.probes(probes::kLateReply), 1u);
}

TEST(CoreProbes, AHalfOpenProbeAnsweredAfterItsTimeout) {
  proto::Config c = legacy_erp();
  c.mutable_poster()->set_erp_honours_idempotency_keys(true);
  c.mutable_poster()->set_breaker_failure_threshold(1);
  c.mutable_poster()->set_breaker_open_ms(1000);
  CoreHarness h(c);
  h.send_events({consumption("a", "k1", 1)});
  auto first = h.erp_requests().at(0);
  h.rt.advance(milliseconds(1000));  // times out: the breaker opens
  EXPECT_EQ(h.rt.probes(probes::kBreakerOpened), 1u);
  h.reply_success(first);  // a late reply, but not to a probe
  EXPECT_EQ(h.rt.probes(probes::kLateReply), 1u);
  EXPECT_EQ(h.rt.probes(probes::kHalfOpenProbeAnsweredLate), 0u);
  h.send_events({consumption("b", "k2", 1)}, 2);
  h.rt.advance(milliseconds(1000));  // half-open: b's request is the probe
  auto probe = h.erp_requests().at(0);
  h.rt.advance(milliseconds(1000));  // the probe times out
  EXPECT_EQ(h.rt.probes(probes::kHalfOpenProbeAnsweredLate), 0u);
  h.reply_success(probe);
  EXPECT_EQ(h.rt.probes(probes::kHalfOpenProbeAnsweredLate), 1u);
}

TEST(CoreProbes, ConflictGapKeyPast255AndRetryableNack) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_ingest()->set_max_batch_events(2);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1, 1500)});
  h.send_events({consumption("e1", "wo:1", 1, 2500)}, 2);
  EXPECT_EQ(h.rt.probes(probes::kDuplicateIdOtherPayload), 1u);
  h.send_events({consumption("e256", "wo:2", 256)}, 3);
  EXPECT_EQ(h.rt.probes(probes::kKeyPastSequence255), 1u);
  EXPECT_EQ(h.rt.probes(probes::kGapTimedOut), 0u);
  h.rt.advance(milliseconds(1100));
  EXPECT_GE(h.rt.probes(probes::kGapTimedOut), 1u);
  EXPECT_EQ(h.rt.probes(probes::kRetryableNack), 0u);
  h.send_events(
      {consumption("x1", "wo:3", 1), consumption("x2", "wo:3", 2), consumption("x3", "wo:3", 3)},
      4);
  EXPECT_EQ(h.rt.probes(probes::kRetryableNack), 1u);
}

TEST(CoreProbes, RejectionParksAKeyWithASuccessorQueued) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  h.reply_rejection(h.erp_requests().at(0), proto::CLOSED_PERIOD);
  EXPECT_GE(h.rt.probes(probes::kDeadLetterParksSuccessors), 1u);
}

TEST(CoreProbes, RecoveryThatFindsQueuedWork) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1)});
  EXPECT_EQ(h.rt.probes(probes::kRecoveredQueuedWork), 0u);
  h.restart();
  EXPECT_EQ(h.rt.probes(probes::kRecoveredQueuedWork), 1u);
  EXPECT_EQ(h.rt.crash_points(probes::kDuringRecovery), 2u);  // first open, then the restart
}

TEST(CoreProbes, AnEventsPathPassesEveryCrashPoint) {
  proto::Config c;
  c.mutable_store()->set_commit_window_ms(50);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  EXPECT_EQ(h.rt.crash_points(probes::kInsideGroupCommit), 0u);
  h.rt.advance(milliseconds(50));
  EXPECT_EQ(h.rt.crash_points(probes::kInsideGroupCommit), 1u);
  EXPECT_EQ(h.rt.crash_points(probes::kAfterBatchCommitBeforeAck), 1u);
  EXPECT_EQ(h.rt.crash_points(probes::kAfterErpRequestSent), 1u);
  h.reply_success(h.erp_requests().at(0));
  EXPECT_EQ(h.rt.crash_points(probes::kBeforePostedMarkCommits), 1u);
  EXPECT_EQ(h.rt.crash_points(probes::kAfterNotificationSent), 0u);
  h.rt.advance(milliseconds(50));
  EXPECT_EQ(h.rt.crash_points(probes::kAfterNotificationSent), 1u);
}

TEST(CoreProbes, AWatermarkCommittedBelowAnOutstandingNotificationIsACrashPoint) {
  proto::Config c;
  c.mutable_publisher()->set_ack_record_delay_ms(1000);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:2", 1)});
  for (const auto& r : h.erp_requests()) h.reply_success(r);
  const std::vector<proto::Frame> sent = h.frames("wms");
  ASSERT_EQ(sent.size(), 2u);
  h.ack_notification(sent[0]);
  h.rt.advance(milliseconds(1000));  // the watermark passes the first; the second is out
  EXPECT_EQ(h.rt.crash_points(probes::kAfterAckWatermarkCommits), 1u);
  h.ack_notification(sent[1]);
  h.rt.advance(milliseconds(1000));  // nothing outstanding any more: not the point
  EXPECT_EQ(h.rt.crash_points(probes::kAfterAckWatermarkCommits), 1u);
}

}  // namespace
}  // namespace mw::core::testing
