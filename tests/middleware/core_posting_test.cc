// The ERP poster: every reply class, unknown outcomes with and without idempotency keys, flow
// control, and downstream notifications.
#include <gtest/gtest.h>

#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

proto::Config fast_retries(bool idempotent_erp) {
  proto::Config c;
  c.mutable_poster()->set_erp_honours_idempotency_keys(idempotent_erp);
  c.mutable_poster()->set_request_timeout_ms(1000);
  c.mutable_poster()->set_backoff_initial_ms(100);
  c.mutable_poster()->set_backoff_max_ms(1000);
  c.mutable_poster()->set_in_doubt_wait_ms(1000);
  return c;
}

TEST(CorePosting, SuccessMarksPostedAndPublishesTheInventoryChangeDownstream) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0), "4900000042");
  auto m = h.core().metrics();
  EXPECT_EQ(m.counters.posted, 1u);
  EXPECT_EQ(m.queued, 0u);
  auto wms = h.frames("wms");
  ASSERT_EQ(wms.size(), 1u);
  const auto& n = wms[0].notification();
  EXPECT_EQ(n.source_event_id(), "e1");
  EXPECT_EQ(n.sequence(), 1u);
  EXPECT_EQ(n.inventory_updated().delta().milli(), -1500);  // a goods issue lowers stock
  EXPECT_EQ(n.inventory_updated().erp_document(), "4900000042");
}

TEST(CorePosting, ScrapPublishesAStockDecreaseAtTheLocationItWasTakenFrom) {
  CoreHarness h;
  h.send_events({scrap("s1", "wo:1", 1, 250)});
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().scrap().storage_location(), "0001");
  h.reply_success(reqs[0], "4900000043");
  auto wms = h.frames("wms");
  ASSERT_EQ(wms.size(), 1u);
  const proto::InventoryUpdated& u = wms[0].notification().inventory_updated();
  EXPECT_EQ(u.storage_location(), "0001");
  EXPECT_EQ(u.lot(), "L1");
  EXPECT_EQ(u.delta().milli(), -250);
  EXPECT_EQ(u.erp_document(), "4900000043");
}

// post_two_events posts two events of different keys and returns their two notifications.
std::vector<proto::Frame> post_two_events(CoreHarness& h) {
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:2", 1)});
  for (const auto& r : h.erp_requests()) h.reply_success(r);
  return h.frames("wms");
}

proto::Config acks_recorded_every_second() {
  proto::Config c;
  c.mutable_publisher()->set_ack_record_delay_ms(1000);
  return c;
}

TEST(CorePosting, AcksAreRecordedInBatchesAndOneLostToACrashOnlyCostsAResend) {
  CoreHarness h(acks_recorded_every_second());
  auto sent = post_two_events(h);
  ASSERT_EQ(sent.size(), 2u);
  h.ack_notification(sent[0]);
  h.rt.advance(milliseconds(1000));  // the first ack is written
  h.ack_notification(sent[1]);
  EXPECT_EQ(h.core().metrics().notifications_pending, 0u);
  h.restart();  // before the second ack is written
  auto resent = h.frames("wms");
  ASSERT_EQ(resent.size(), 1u);  // only the unrecorded one, under its own id
  EXPECT_EQ(resent[0].notification().notification_id(), sent[1].notification().notification_id());
}

TEST(CorePosting, AckAheadOfAnOutstandingNotificationIsResentAfterACrashUntilTheWatermarkPassesIt) {
  CoreHarness h(acks_recorded_every_second());
  auto sent = post_two_events(h);
  ASSERT_EQ(sent.size(), 2u);
  h.ack_notification(sent[1]);  // the second first: the watermark stays below the first
  h.rt.advance(milliseconds(1000));
  h.restart();
  auto resent = h.frames("wms");
  ASSERT_EQ(resent.size(), 2u);  // both: the acked one too, the subscriber drops its id
  EXPECT_EQ(resent[0].notification().notification_id(), sent[0].notification().notification_id());
  EXPECT_EQ(resent[1].notification().notification_id(), sent[1].notification().notification_id());
  h.ack_notification(resent[0]);
  h.ack_notification(resent[1]);
  h.rt.advance(milliseconds(1000));
  h.restart();
  EXPECT_TRUE(h.frames("wms").empty());
  EXPECT_EQ(h.core().metrics().notifications_pending, 0u);
}

TEST(CorePosting, NotificationIsResentUntilAcknowledged) {
  proto::Config c;
  c.mutable_publisher()->set_retry_ms(500);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  auto first = h.frames("wms");
  ASSERT_EQ(first.size(), 1u);
  h.rt.advance(milliseconds(500));
  auto again = h.frames("wms");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].notification().notification_id(), first[0].notification().notification_id());
  h.ack_notification(first[0]);
  h.rt.advance(seconds(5));
  EXPECT_TRUE(h.frames("wms").empty());
  EXPECT_EQ(h.core().metrics().notifications_pending, 0u);
}

TEST(CorePosting, BusinessRejectionDeadLettersTheEventAndParksItsKey) {
  CoreHarness h;
  h.send_events(
      {consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2), consumption("x1", "wo:2", 1)});
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 2u);  // e1 and x1: one in flight per key
  h.reply_rejection(reqs[0], proto::CLOSED_PERIOD);
  h.reply_success(reqs[1]);
  EXPECT_TRUE(h.erp_requests().empty());  // e2 is parked behind e1
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u);
  EXPECT_EQ(dl.value()[0].event_id, "e1");
  EXPECT_EQ(dl.value()[0].dead_letter_class, "closed_period");
  EXPECT_EQ(h.core().metrics().counters.dead_lettered_by_class["closed_period"], 1u);
}

TEST(CorePosting, TransientFailureIsRetriedWithBackoffAndTheSameExternalReference) {
  CoreHarness h(fast_retries(true));
  h.send_events({consumption("e1", "wo:1", 1)});
  auto first = h.erp_requests().at(0);
  h.reply_transient(first, proto::UNAVAILABLE);
  EXPECT_TRUE(h.erp_requests().empty());  // waits for its backoff
  h.rt.advance(milliseconds(100));
  auto second = h.erp_requests().at(0);
  EXPECT_NE(second.request_id(), first.request_id());
  EXPECT_EQ(second.command().external_reference(), first.command().external_reference());
  EXPECT_EQ(h.core().metrics().counters.retries, 1u);
}

TEST(CorePosting, ThrottlingHonoursRetryAfter) {
  CoreHarness h(fast_retries(true));
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_transient(h.erp_requests().at(0), proto::THROTTLED, 3000);
  h.rt.advance(milliseconds(2999));
  EXPECT_TRUE(h.erp_requests().empty());
  h.rt.advance(milliseconds(1));
  EXPECT_EQ(h.erp_requests().size(), 1u);
  EXPECT_EQ(h.core().metrics().counters.throttled, 1u);
}

TEST(CorePosting, TimeoutOnIdempotentErpResendsTheCommand) {
  CoreHarness h(fast_retries(true));
  h.send_events({consumption("e1", "wo:1", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(1100));  // timeout + first backoff
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].has_command());
  EXPECT_EQ(h.core().metrics().counters.timeouts, 1u);
}

TEST(CorePosting, TimeoutOnErpWithoutIdempotencyAsksBeforeResendingAndFindsThePosting) {
  CoreHarness h(fast_retries(false));
  h.send_events({consumption("e1", "wo:1", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(1100));
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  ASSERT_TRUE(reqs[0].has_query());
  EXPECT_EQ(reqs[0].query().external_reference(), "mw:e1");
  h.reply_query(reqs[0], /*found=*/true, "4900000077");
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);
  EXPECT_EQ(h.core().metrics().counters.reconciled_as_posted, 1u);
  h.rt.advance(seconds(30));
  EXPECT_TRUE(h.erp_requests().empty());  // never sent twice
}

TEST(CorePosting, TimeoutOnErpWithoutIdempotencyResendsOnlyWhenTheQueryFindsNothing) {
  CoreHarness h(fast_retries(false));
  h.send_events({consumption("e1", "wo:1", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(1100));
  h.reply_query(h.erp_requests().at(0), /*found=*/false);
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].has_command());
}

TEST(CorePosting, TimeoutOnErpWithoutIdempotencyAsksOnlyOnceTheErpCannotStillBeProcessing) {
  // The ERP may take longer than the request timeout: asked at once, it would answer "not
  // found" for a command it is still processing, and the resent command would post twice.
  proto::Config c = fast_retries(false);
  c.mutable_poster()->set_in_doubt_wait_ms(5000);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(4990));  // timed out at 1 s; the command is in doubt until 5 s
  EXPECT_TRUE(h.erp_requests().empty());
  EXPECT_EQ(h.core().metrics().counters.timeouts, 1u);
  h.rt.advance(milliseconds(10));
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].has_query());
}

TEST(CorePosting, InternalErrorEndsTheDoubtAboutTheCommandItAnswers) {
  // The ERP answered: it is no longer processing that command, so the question goes at once.
  proto::Config c = fast_retries(false);
  c.mutable_poster()->set_in_doubt_wait_ms(5000);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_transient(h.erp_requests().at(0), proto::INTERNAL_ERROR);
  h.rt.advance(milliseconds(500));
  auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_TRUE(next[0].has_query());
}

TEST(CorePosting, UnsafeRetryWithoutReconciliationResendsBlindly) {
  proto::Config c = fast_retries(false);
  c.mutable_unsafe()->set_retry_without_reconciliation(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(1100));
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(reqs[0].has_command());
}

TEST(CorePosting, LateSuccessAfterTimeoutIsStillHonoured) {
  CoreHarness h(fast_retries(false));
  h.send_events({consumption("e1", "wo:1", 1)});
  auto original = h.erp_requests().at(0);
  h.rt.advance(milliseconds(1000));  // timed out; the query waits for its backoff
  h.reply_success(original, "4900000099");
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);
  h.rt.advance(seconds(30));
  EXPECT_TRUE(h.erp_requests().empty());
}

TEST(CorePosting,
     PostedMarkAndNotificationWaitForTheCommitWindowAndALateDuplicateSuccessIsIgnored) {
  proto::Config c = fast_retries(true);
  c.mutable_store()->set_commit_window_ms(50);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.rt.advance(milliseconds(50));
  auto original = h.erp_requests().at(0);
  h.rt.advance(milliseconds(1200));  // timed out and resent with the same external reference
  auto retry = h.erp_requests().at(0);
  h.reply_success(retry, "4900000001");
  EXPECT_TRUE(h.frames("wms").empty()) << "published only once the posted mark is durable";
  EXPECT_EQ(h.core().metrics().counters.posted, 0u);
  h.reply_success(original, "4900000001");  // the first attempt's late answer, same window
  h.rt.advance(milliseconds(50));
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);
  EXPECT_EQ(h.frames("wms").size(), 1u) << "one notification, not one per success";
  h.rt.advance(seconds(30));
  EXPECT_TRUE(h.erp_requests().empty());
}

TEST(CorePosting, ReplyThatDoesNotAnswerTheCommandIsReconciledBeforeResending) {
  CoreHarness h(fast_retries(false));
  h.send_events({consumption("e1", "wo:1", 1)});
  auto req = h.erp_requests().at(0);
  h.reply_query(req, /*found=*/false);  // a query result to a command proves nothing
  h.rt.advance(milliseconds(1000));  // the command is in doubt until then
  auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_TRUE(next[0].has_query());
}

TEST(CorePosting, RejectionOfAQueryDoesNotDeadLetterAPossiblyPostedEvent) {
  CoreHarness h(fast_retries(false));
  h.send_events({consumption("e1", "wo:1", 1)});
  h.erp_requests();
  h.rt.advance(milliseconds(1100));
  auto query = h.erp_requests().at(0);
  ASSERT_TRUE(query.has_query());
  h.reply_rejection(query, proto::CLOSED_PERIOD);
  EXPECT_TRUE(h.core().dead_letters().value().empty());
  h.rt.advance(milliseconds(500));
  auto again = h.erp_requests();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].has_query());
}

TEST(CorePosting, InternalErrorOnErpWithoutIdempotencyIsReconciledBeforeResending) {
  CoreHarness h(fast_retries(false));
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_transient(h.erp_requests().at(0), proto::INTERNAL_ERROR);  // may have committed
  h.rt.advance(milliseconds(500));
  auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_TRUE(next[0].has_query());
}

TEST(CorePosting, CircuitBreakerStopsTrafficAfterConsecutiveFailuresThenProbes) {
  proto::Config c = fast_retries(true);
  c.mutable_poster()->set_breaker_failure_threshold(2);
  c.mutable_poster()->set_breaker_open_ms(10000);
  CoreHarness h(c);
  h.send_events({consumption("a", "k1", 1), consumption("b", "k2", 1), consumption("c", "k3", 1)});
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 3u);
  h.reply_transient(reqs[0], proto::INTERNAL_ERROR);
  h.reply_transient(reqs[1], proto::INTERNAL_ERROR);  // opens the breaker
  h.reply_transient(reqs[2], proto::INTERNAL_ERROR);
  EXPECT_EQ(h.core().metrics().breaker_state, "open");
  h.rt.advance(milliseconds(9999));
  EXPECT_TRUE(h.erp_requests().empty());
  h.rt.advance(milliseconds(1));
  auto probe = h.erp_requests();
  ASSERT_EQ(probe.size(), 1u);  // half-open: one probe
  h.reply_success(probe[0]);
  EXPECT_EQ(h.erp_requests().size(), 2u);  // closed again
}

TEST(CorePosting, RateLimitSpacesRequests) {
  proto::Config c;
  c.mutable_poster()->set_rate_limit_per_s(10);
  c.mutable_poster()->set_rate_limit_burst(2);
  CoreHarness h(c);
  std::vector<proto::EventEnvelope> events;
  for (int i = 0; i < 5; ++i)
    events.push_back(consumption("e" + std::to_string(i), "k" + std::to_string(i), 1));
  h.send_events(events);
  EXPECT_EQ(h.erp_requests().size(), 2u);  // the burst
  h.rt.advance(milliseconds(100));
  EXPECT_EQ(h.erp_requests().size(), 1u);
  h.rt.advance(milliseconds(200));
  EXPECT_EQ(h.erp_requests().size(), 2u);
}

TEST(CorePosting, EventStatesShowWhereEveryAcceptedEventIs) {
  CoreHarness h;
  h.send_events(
      {consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2), consumption("e4", "wo:2", 2)});
  h.reply_success(h.erp_requests().at(0), "4900000042");
  auto states = h.core().event_states();
  ASSERT_TRUE(states.is_ok());
  ASSERT_EQ(states.value().size(), 3u);
  const EventState& posted = states.value()[0];
  EXPECT_EQ(posted.event_id, "e1");
  EXPECT_EQ(posted.state, "posted");
  EXPECT_EQ(posted.erp_document, "4900000042");
  EXPECT_GT(posted.finished_ns, 0);
  EXPECT_EQ(states.value()[1].state, "queued");   // released, its command in posting
  EXPECT_EQ(states.value()[2].state, "waiting");  // held for wo:2 sequence 1
  EXPECT_EQ(states.value()[2].finished_ns, 0);
}

}  // namespace
}  // namespace mw::core::testing
