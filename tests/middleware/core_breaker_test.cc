// The poster and its circuit breaker: every request the breaker let through reaches it with
// exactly one outcome, its reply or its timeout, whatever became of the event it carried. A
// half-open breaker therefore always learns its probe's fate and never stops posting for
// good (issue 18), and a reply slower than the request timeout does not close it.
#include <gtest/gtest.h>

#include "middleware/probes.h"
#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

using std::chrono::milliseconds;

// breaker_after_one_failure: a cloud ERP design whose breaker opens at the first technical
// failure and stays open for one second; requests time out after one second.
proto::Config breaker_after_one_failure() {
  proto::Config c;
  c.mutable_poster()->set_erp_honours_idempotency_keys(true);
  c.mutable_poster()->set_request_timeout_ms(1000);
  c.mutable_poster()->set_backoff_initial_ms(100);
  c.mutable_poster()->set_backoff_max_ms(100);
  c.mutable_poster()->set_breaker_failure_threshold(1);
  c.mutable_poster()->set_breaker_open_ms(1000);
  return c;
}

TEST(CoreBreaker, AProbeAnsweredAfterItsTimeoutSettlesItsEventAndThePosterProbesAgain) {
  CoreHarness h(breaker_after_one_failure());
  h.send_events({consumption("a", "k1", 1)});
  h.reply_transient(h.erp_requests().at(0), proto::UNAVAILABLE);  // opens the breaker
  h.rt.advance(milliseconds(1000));
  const auto probe = h.erp_requests();
  ASSERT_EQ(probe.size(), 1u);
  h.send_events({consumption("b", "k2", 1)}, 2);
  EXPECT_TRUE(h.erp_requests().empty());  // half-open: the probe flies alone
  h.rt.advance(milliseconds(1000));       // the probe times out: the breaker opens again
  EXPECT_EQ(h.core().metrics().breaker_state, "open");
  EXPECT_EQ(h.rt.probes(probes::kHalfOpenProbeAnsweredLate), 0u);
  h.reply_success(probe[0]);  // the only reply in flight, after its timeout
  EXPECT_EQ(h.rt.probes(probes::kHalfOpenProbeAnsweredLate), 1u);
  h.rt.advance(milliseconds(10));
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);    // a is posted all the same
  EXPECT_EQ(h.core().metrics().breaker_state, "open");  // but the timeout was its outcome
  EXPECT_TRUE(h.erp_requests().empty());
  h.rt.advance(milliseconds(990));  // half-open again: the next probe carries b
  const auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].command().external_reference(), "mw:b");
  h.reply_success(next[0]);
  EXPECT_EQ(h.core().metrics().breaker_state, "closed");
}

// The probe carries an event that a late reply to its earlier attempt settles while the probe
// is out. The probe's own reply, in time, finds nothing left to do for the event, and must
// still reach the breaker: otherwise the breaker waits for it forever and nothing is posted.
class CoreBreakerProbeForASettledEvent : public ::testing::Test {
 protected:
  CoreBreakerProbeForASettledEvent() : h(breaker_after_one_failure()) {
    h.send_events({consumption("a", "k1", 1)});
    first = h.erp_requests().at(0);
    h.rt.advance(milliseconds(1000));  // a's first attempt times out: the breaker opens
    h.rt.advance(milliseconds(1000));  // half-open: a's second attempt is the probe
    probe = h.erp_requests().at(0);
    h.reply_success(first);  // the first attempt's late success settles a
    h.rt.advance(milliseconds(10));
    h.send_events({consumption("b", "k2", 1)}, 2);
  }
  CoreHarness h;
  proto::ErpRequest first;
  proto::ErpRequest probe;
};

TEST_F(CoreBreakerProbeForASettledEvent, ALateReplyToAnEarlierAttemptDoesNotAnswerTheProbe) {
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);
  EXPECT_EQ(h.core().metrics().breaker_state, "half-open");
  EXPECT_TRUE(h.erp_requests().empty());  // b waits for the probe's outcome
}

TEST_F(CoreBreakerProbeForASettledEvent, ItsSuccessClosesTheBreakerAndTheNextEventGoesOut) {
  h.reply_success(probe);
  EXPECT_EQ(h.core().metrics().breaker_state, "closed");
  const auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].command().external_reference(), "mw:b");
  h.rt.advance(milliseconds(10));
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);  // a is not posted a second time
}

TEST_F(CoreBreakerProbeForASettledEvent, ItsFailureOpensTheBreakerAndTheNextProbeGoesOut) {
  h.reply_transient(probe, proto::UNAVAILABLE);
  EXPECT_EQ(h.core().metrics().breaker_state, "open");
  h.rt.advance(milliseconds(1000));
  const auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].command().external_reference(), "mw:b");
}

TEST_F(CoreBreakerProbeForASettledEvent, ItsTimeoutOpensTheBreakerAndTheNextProbeGoesOut) {
  h.rt.advance(milliseconds(1000));  // the probe times out
  EXPECT_EQ(h.core().metrics().breaker_state, "open");
  h.rt.advance(milliseconds(1000));
  const auto next = h.erp_requests();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].command().external_reference(), "mw:b");
}

}  // namespace
}  // namespace mw::core::testing
