// Ingest: decode, quarantine, dedup inbox, ack after commit, sequencing.
#include <gtest/gtest.h>

#include "middleware/ingest/decode.h"
#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

TEST(CoreIngest, AcksAcceptedEventsAndSendsOneErpCommandEach) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:4711", 1), consumption("e2", "wo:4712", 1)});
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e1", "e2"}));
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].command().external_reference(), "mw:e1");
  EXPECT_EQ(reqs[0].command().goods_issue().material(), "000000000000100100");
  EXPECT_EQ(reqs[0].command().goods_issue().quantity().milli(), 1500);
  EXPECT_EQ(h.core().metrics().counters.events_accepted, 2u);
}

TEST(CoreIngest, AcksAndErpCommandsLeaveOnlyWhenTheCommitWindowCloses) {
  proto::Config c;
  c.mutable_store()->set_commit_window_ms(50);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.rt.advance(std::chrono::milliseconds(20));
  h.send_events({consumption("e2", "wo:2", 1)}, 2);
  EXPECT_TRUE(h.acked_ids().empty()) << "not durable yet, so not acknowledged";
  EXPECT_TRUE(h.erp_requests().empty());
  EXPECT_EQ(h.core().metrics().uncommitted_steps, 2u);
  h.rt.advance(std::chrono::milliseconds(30));  // one commit for both batches
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ(h.erp_requests().size(), 2u);
  EXPECT_EQ(h.core().metrics().uncommitted_steps, 0u);
}

TEST(CoreIngest, HeldEventIsReleasedByItsPredecessorInTheSameCommitWindow) {
  proto::Config c;
  c.mutable_store()->set_commit_window_ms(50);
  CoreHarness h(c);
  h.send_events({consumption("e2", "wo:1", 2)});  // held for sequence 1
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  h.rt.advance(std::chrono::milliseconds(50));
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u) << "one request in flight per key";
  EXPECT_EQ(reqs[0].command().external_reference(), "mw:e1");
  h.reply_success(reqs[0]);
  h.rt.advance(std::chrono::milliseconds(50));
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u) << "e2 was released, not left waiting";
  EXPECT_EQ(reqs[0].command().external_reference(), "mw:e2");
}

TEST(CoreIngest, GapFilledWhileItsStepAwaitsTheCommitRaisesNoAlert) {
  proto::Config c;
  c.mutable_store()->set_commit_window_ms(50);
  c.mutable_sequencer()->set_gap_timeout_ms(1000);  // HOLD, the default policy
  CoreHarness h(c);
  h.send_events({consumption("e2", "wo:1", 2)});
  h.rt.advance(std::chrono::milliseconds(1020));  // committed at 50 ms: the gap times out at 1050
  h.send_events({consumption("e1", "wo:1", 1)}, 2);  // fills it; its group commits at 1070
  h.rt.advance(std::chrono::milliseconds(50));
  EXPECT_EQ(h.core().metrics().counters.gap_alerts, 0u);
  h.reply_success(h.erp_requests().at(0));
  h.rt.advance(std::chrono::milliseconds(50));
  h.reply_success(h.erp_requests().at(0));
  h.rt.advance(std::chrono::seconds(10));
  const auto m = h.core().metrics();
  EXPECT_EQ(m.counters.gap_alerts, 0u) << "no alert, and no timer re-armed for an empty key";
  EXPECT_EQ(m.counters.posted, 2u);
  EXPECT_EQ(m.waiting, 0u);
}

TEST(CoreIngest, RepeatedEventIsAckedAgainAndNotPostedAgain) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1)});
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e1", "e1"}));
  EXPECT_EQ(h.erp_requests().size(), 1u);
  EXPECT_EQ(h.core().metrics().counters.duplicates, 1u);
}

TEST(CoreIngest, ResendPastDedupRetentionIsNotADuplicateAndTheSequencerParksIt) {
  proto::Config c;
  c.mutable_ingest()->set_dedup_retention_days(1);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  h.rt.advance(std::chrono::hours(49));
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  EXPECT_EQ(h.core().metrics().counters.duplicates, 0u) << "forgotten after the retention";
  EXPECT_TRUE(h.erp_requests().empty()) << "never posted twice";
  EXPECT_EQ(h.core().metrics().counters.dead_lettered_by_class["sequence_regression"], 1u);
}

TEST(CoreIngest, UnfinishedEventIsRememberedPastDedupRetention) {
  proto::Config c;
  c.mutable_ingest()->set_dedup_retention_days(1);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});  // the ERP never answers: it stays unfinished
  h.rt.advance(std::chrono::hours(49));
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  EXPECT_EQ(h.core().metrics().counters.duplicates, 1u);
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e1", "e1"}));
}

TEST(CoreOpen, AConfigOutsideWhatTheCoreAcceptsIsRefusedNamingTheField) {
  proto::Config c;
  c.mutable_poster()->set_backoff_jitter_percent(150);
  ManualRuntime rt;
  auto r = Core::open(c, rt, ":memory:", "");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(r.error().message.find("poster.backoff_jitter_percent must be at most 100 %"),
            std::string::npos)
      << r.error().message;
}

TEST(CoreIngest, IdReusedWithAnotherPayloadIsQuarantinedAndNacked) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1, 1500)});
  h.send_events({consumption("e1", "wo:1", 1, 2500)}, 2);
  auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_FALSE(nacks[0].retryable());
  EXPECT_NE(nacks[0].reason().find("reused with a different payload"), std::string::npos);
  auto q = h.core().quarantine();
  ASSERT_TRUE(q.is_ok());
  ASSERT_EQ(q.value().size(), 1u);
  EXPECT_EQ(q.value()[0].event_id, "e1");
  EXPECT_EQ(h.core().metrics().counters.conflicts, 1u);
}

TEST(CoreIngest, MalformedEventIsQuarantinedWithRawBytesAndTheRestOfTheBatchProceeds) {
  CoreHarness h;
  proto::Frame f;
  auto* b = f.mutable_event_batch();
  b->set_batch_id(9);
  auto* bad = b->add_events();
  bad->set_format(proto::CANONICAL_PROTO);
  bad->set_payload("\xff\xff garbage");
  auto* good = b->add_events();
  good->set_format(proto::CANONICAL_PROTO);
  good->set_payload(consumption("e2", "wo:1", 1).SerializeAsString());
  h.core().on_message("mes-p100", f.SerializeAsString());
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e2"}));
  auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].index(), 0u);
  EXPECT_FALSE(nacks[0].retryable());
  auto q = h.core().quarantine();
  ASSERT_EQ(q.value().size(), 1u);
  EXPECT_EQ(q.value()[0].raw, "\xff\xff garbage");
  EXPECT_FALSE(q.value()[0].reason.empty());
}

TEST(CoreIngest, BytesThatAreNotAFrameAreQuarantinedAndNacked) {
  CoreHarness h;
  h.core().on_message("mes-p100", std::string("\x08\x96\x01\xff", 4));
  auto q = h.core().quarantine();
  ASSERT_EQ(q.value().size(), 1u);
  EXPECT_EQ(h.nacks().size(), 1u);
  EXPECT_EQ(h.core().metrics().counters.frames_malformed, 1u);
}

TEST(CoreIngest, OutOfOrderEventWaitsForItsPredecessor) {
  CoreHarness h;
  h.send_events({consumption("e2", "wo:1", 2)});
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e2"}));  // durable, so acked
  EXPECT_TRUE(h.erp_requests().empty());
  EXPECT_EQ(h.core().metrics().waiting, 1u);
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);  // one in flight per key
  EXPECT_EQ(reqs[0].command().source_event_id(), "e1");
  h.reply_success(reqs[0]);
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2");
}

TEST(CoreIngest, GapTimeoutWithHoldKeepsWaitingAndRaisesAnAlert) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::HOLD);
  CoreHarness h(c);
  h.send_events({consumption("e3", "wo:1", 3)});
  h.rt.advance(seconds(1));
  EXPECT_EQ(h.core().metrics().counters.gap_alerts, 1u);
  EXPECT_TRUE(h.erp_requests().empty());
  h.rt.advance(seconds(1));
  EXPECT_EQ(h.core().metrics().counters.gap_alerts, 2u);  // the alert repeats while it holds
}

TEST(CoreIngest, GapTimeoutWithSkipReleasesHeldEventsInOrder) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  CoreHarness h(c);
  h.send_events({consumption("e4", "wo:1", 4), consumption("e3", "wo:1", 3)});
  h.rt.advance(seconds(1));
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e3");
  // A late predecessor is a sequence regression: dead-lettered, parks nothing.
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u);
  EXPECT_EQ(dl.value()[0].dead_letter_class, "sequence_regression");
  h.reply_success(reqs[0]);
  EXPECT_EQ(h.erp_requests().at(0).command().source_event_id(), "e4");
}

// The largest sequence number validation accepts, 2^63-1: SKIP once jumped to it and added one
// (signed overflow), and every later event of the key became a regression.
constexpr std::uint64_t kHugeSequence = 9'223'372'036'854'775'807ULL;

TEST(CoreIngest, ASequenceFarAheadOfItsKeyIsDeadLetteredAtOnceAndParksNothingUnderSkip) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1), consumption("bad", "wo:1", kHugeSequence),
                 consumption("e3", "wo:1", 3)});
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u);
  EXPECT_EQ(dl.value()[0].event_id, "bad");
  EXPECT_EQ(dl.value()[0].dead_letter_class, "sequence_out_of_range");
  EXPECT_NE(dl.value()[0].reason.find("max_sequence_jump"), std::string::npos);
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  h.reply_success(reqs[0]);
  h.rt.advance(seconds(1));  // the gap at 2 times out: SKIP jumps to 3, not to 2^63-1
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e3");
  h.reply_success(reqs[0]);
  h.send_events({consumption("e4", "wo:1", 4)}, 2);
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u) << "the key goes on in order after the corrupt number";
  EXPECT_EQ(reqs[0].command().source_event_id(), "e4");
}

TEST(CoreIngest, ASequenceJustUnderTheJumpLimitIsAGapNotADeadLetter) {
  proto::Config c;
  c.mutable_sequencer()->set_max_sequence_jump(10);
  CoreHarness h(c);
  h.send_events({consumption("e10", "wo:1", 10)});
  EXPECT_TRUE(h.core().dead_letters().value().empty()) << "9 ahead of 1: held for the gap";
  h.send_events({consumption("e12", "wo:2", 11)}, 2);
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u) << "10 ahead of 1: out of range";
  EXPECT_EQ(dl.value()[0].event_id, "e12");
}

TEST(CoreIngest, GapTimeoutWithDeadLetterParksTheKeyUntilReplay) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::DEAD_LETTER);
  CoreHarness h(c);
  h.send_events({consumption("e3", "wo:1", 3), consumption("e4", "wo:1", 4)});
  h.rt.advance(seconds(1));
  EXPECT_TRUE(h.erp_requests().empty());  // e3 is a dead letter; e4 is parked behind it
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u);
  EXPECT_EQ(dl.value()[0].event_id, "e3");
  EXPECT_EQ(dl.value()[0].dead_letter_class, "sequence_gap");
  ASSERT_TRUE(h.core().replay("e3", "operator-1").is_ok());
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e3");
  h.reply_success(reqs[0]);
  EXPECT_EQ(h.erp_requests().at(0).command().source_event_id(), "e4");
}

TEST(CoreIngest, GapClosedInsideOneBatchRaisesNoGapAlert) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  CoreHarness h(c);
  h.send_events({consumption("e2", "wo:1", 2), consumption("e1", "wo:1", 1)});
  h.rt.advance(seconds(10));
  EXPECT_EQ(h.core().metrics().counters.gap_alerts, 0u);
}

TEST(CoreIngest, SequenceAboveTheSupportedRangeIsQuarantined) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 9'300'000'000'000'000'000ULL)});
  auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_NE(nacks[0].reason().find("source_sequence"), std::string::npos);
}

TEST(CoreIngest, EventWithoutErpEffectFinishesWithoutPosting) {
  CoreHarness h;
  h.send_events({operation_started("s1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2");
  EXPECT_EQ(h.core().metrics().counters.no_posting, 1u);
}

TEST(CoreIngest, OversizedBatchTakesTheLimitAndNacksTheRestAsRetryable) {
  proto::Config c;
  c.mutable_ingest()->set_max_batch_events(2);
  CoreHarness h(c);
  h.send_events({consumption("a", "k1", 1), consumption("b", "k2", 1), consumption("c", "k3", 1)});
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"a", "b"}));
  auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_TRUE(nacks[0].retryable());
  EXPECT_EQ(nacks[0].index(), 2u);
}

TEST(CoreIngest, ABatchTwentyTimesOverTheLimitGetsOneNackForAllOfItsRest) {
  proto::Config c;
  c.mutable_ingest()->set_max_batch_events(2);
  CoreHarness h(c);
  std::vector<proto::EventEnvelope> events;
  for (int i = 0; i < 40; ++i) events.push_back(consumption("e" + std::to_string(i), "k", i + 1));
  h.send_events(events);
  EXPECT_EQ(h.acked_ids().size(), 2u);
  const auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u) << "was one nack frame per event beyond the limit";
  EXPECT_EQ(nacks[0].index(), 2u);
  EXPECT_EQ(nacks[0].count(), 38u);
  EXPECT_TRUE(nacks[0].retryable());
  EXPECT_EQ(h.core().metrics().counters.events_received, 40u);
}

TEST(CoreIngest, AnEventOverTheSizeLimitIsQuarantinedAsAPrefixWithItsLengthAndHash) {
  proto::Config c;
  c.mutable_ingest()->set_max_event_bytes(1024);
  c.mutable_ingest()->set_quarantine_kept_bytes(100);
  CoreHarness h(c);
  proto::Frame f;
  auto* bad = f.mutable_event_batch()->add_events();
  bad->set_format(proto::CANONICAL_PROTO);
  bad->set_payload(std::string(8 << 20, 'x'));  // 8 MiB against 1 KiB
  h.core().on_message("mes-p100", f.SerializeAsString());
  const auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_FALSE(nacks[0].retryable());
  const auto q = h.core().quarantine().value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].raw, std::string(100, 'x')) << "a bounded prefix, not 8 MiB";
  EXPECT_EQ(q[0].raw_length, 8 << 20);
  EXPECT_EQ(q[0].raw_hash, payload_hash_of_bytes(std::string(8 << 20, 'x')));
}

TEST(CoreIngest, AFrameOverTheFrameLimitIsRefusedForGoodUnparsedAndKeptAsAPrefix) {
  proto::Config c;
  c.mutable_ingest()->set_max_frame_bytes(4096);
  c.mutable_ingest()->set_quarantine_kept_bytes(16);
  CoreHarness h(c);
  const std::string garbage(1 << 20, '\xff');
  h.core().on_message("mes-p100", garbage);
  const auto nacks = h.nacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_FALSE(nacks[0].retryable()) << "too big stays too big: a resend cannot help";
  EXPECT_NE(nacks[0].reason().find("max_frame_bytes"), std::string::npos) << nacks[0].reason();
  const auto q = h.core().quarantine().value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].raw.size(), 16u);
  EXPECT_EQ(q[0].raw_length, 1 << 20);
  EXPECT_EQ(h.core().metrics().counters.frames_malformed, 1u);
}

TEST(CoreIngest, TheQuarantineKeepsAtMostItsCapAndCountsWhatItDropped) {
  proto::Config c;
  c.mutable_ingest()->set_quarantine_max_rows(3);
  CoreHarness h(c);
  for (int i = 0; i < 5; ++i) h.core().on_message("mes-p100", "junk " + std::to_string(i));
  const auto q = h.core().quarantine().value();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].raw, "junk 2") << "the oldest go first";
  EXPECT_EQ(h.core().metrics().counters.quarantine_dropped, 2u);
  EXPECT_EQ(h.core().metrics().counters.quarantined, 5u);
}

TEST(CoreIngest, QuarantineRowsPastTheirRetentionAreDropped) {
  proto::Config c;
  c.mutable_ingest()->set_quarantine_retention_days(1);
  CoreHarness h(c);
  h.core().on_message("mes-p100", "old junk");
  h.rt.advance(std::chrono::hours(25));
  h.core().on_message("mes-p100", "new junk");
  const auto q = h.core().quarantine().value();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].raw, "new junk");
  EXPECT_EQ(h.core().metrics().counters.quarantine_dropped, 1u);
}

}  // namespace
}  // namespace mw::core::testing
