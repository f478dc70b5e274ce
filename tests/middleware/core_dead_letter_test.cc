// DLQ operations: park, replay in key order, discard; all audited.
#include <gtest/gtest.h>

#include <algorithm>

#include "middleware/probes.h"
#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

TEST(CoreDeadLetter, UnknownMaterialIsDeadLetteredAtItsTurnAndParksLaterEventsOfItsKey) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1, 1000, "RM-999"), consumption("e2", "wo:1", 2)});
  EXPECT_EQ(h.acked_ids().size(), 2u);
  EXPECT_TRUE(h.erp_requests().empty());
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u);
  EXPECT_EQ(dl.value()[0].dead_letter_class, "unknown_material");
  EXPECT_NE(dl.value()[0].reason.find("RM-999"), std::string::npos);
  const MetricsSnapshot m = h.core().metrics();
  EXPECT_EQ(m.parked, 1u);
  EXPECT_EQ(m.held_behind_dead_letters, 1u);  // e2 waits for an operator
}

TEST(CoreDeadLetter, HeldBehindDeadLettersCountsOnlyLaterEventsOfKeysThatHaveOne) {
  CoreHarness h;
  // wo:1 parks at its first event, so its two later events are held; wo:2 has no dead letter,
  // so its unfinished event (in flight at the ERP) is not held.
  h.send_events({consumption("e1", "wo:1", 1, 1000, "RM-999"), consumption("e2", "wo:1", 2),
                 consumption("e3", "wo:1", 3), consumption("e4", "wo:2", 1)});
  ASSERT_EQ(h.core().dead_letters().value().size(), 1u);
  const MetricsSnapshot m = h.core().metrics();
  EXPECT_EQ(m.held_behind_dead_letters, 2u);
  EXPECT_EQ(m.waiting + m.queued, 3u);
}

TEST(CoreDeadLetter, ARegressionOrAnOutOfRangeNumberHoldsNothingBehindIt) {
  proto::Config c;
  c.mutable_sequencer()->set_max_sequence_jump(100);
  CoreHarness h(c);
  // wo:1 posts 1 and 2 (in flight), then a copy of 1 under a new id: a regression. wo:2 gets
  // a corrupt number 1000 before its 1. Neither dead letter parks its key, so the events after
  // them are in flight, not waiting for an operator: a drain check must still see them.
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  h.send_events({consumption("e1-reissued", "wo:1", 1), consumption("x", "wo:2", 1000)}, 2);
  h.send_events({consumption("f1", "wo:2", 1)}, 3);
  ASSERT_EQ(h.core().dead_letters().value().size(), 2u);
  const MetricsSnapshot m = h.core().metrics();
  EXPECT_EQ(m.held_behind_dead_letters, 0u);
  EXPECT_EQ(m.waiting + m.queued, 3u);
}

TEST(CoreDeadLetter, ReplayAllLeavesAnOutOfRangeNumberParkedAndNoReplayMovesItsKey) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1),
                 consumption("bad", "wo:1", 9'223'372'036'854'775'000LL)});
  h.reply_success(h.erp_requests().at(0));
  h.restart();  // the next life rebuilds the key's counter from the rows: "bad" is no place in it
  ASSERT_TRUE(h.core().replay_all("op").is_ok());
  EXPECT_TRUE(h.erp_requests().empty()) << "a corrupt number is not replayed in bulk";
  const auto parked = h.core().dead_letters().value();
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].event_id, "bad");
  EXPECT_EQ(parked[0].dead_letter_class, "sequence_out_of_range");
  // An operator who has looked at it may still replay it by hand; the key keeps its numbers.
  ASSERT_TRUE(h.core().replay("bad", "op").is_ok());
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "bad");
  h.reply_success(reqs[0]);
  h.restart();
  h.send_events({consumption("e2", "wo:1", 2)}, 2);
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u) << "e2 is next in its key, not a regression";
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2");
}

TEST(CoreDeadLetter, ReplayAfterFixingMasterDataPostsInKeyOrder) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1, 1000, "RM-999"), consumption("e2", "wo:1", 2)});
  EXPECT_EQ(h.core().replay("e1", "op").error().kind, ErrorKind::kBusiness);  // still unknown
  MasterData m = test_master_data();
  m.materials["RM-999"] = MaterialInfo{"000000000000999999", "KG"};
  ASSERT_TRUE(h.core().set_master_data(m).is_ok());
  ASSERT_TRUE(h.core().replay("e1", "op").is_ok());
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e1");
  h.reply_success(reqs[0]);
  EXPECT_EQ(h.erp_requests().at(0).command().source_event_id(), "e2");
  EXPECT_TRUE(h.core().dead_letters().value().empty());
  EXPECT_EQ(h.core().metrics().counters.replayed, 1u);
  auto audit = h.core().audit_log().value();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, "replay");
  EXPECT_EQ(audit.back().event_id, "e1");
  EXPECT_EQ(audit.back().actor, "op");
  EXPECT_EQ(audit.back().correlation_id, "corr-wo:1");
}

TEST(CoreDeadLetter, DiscardNeedsAReasonAndReleasesTheKey) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  h.reply_rejection(h.erp_requests().at(0), proto::BLOCKED_LOT);
  EXPECT_EQ(h.core().discard("e1", "", "op").error().kind, ErrorKind::kInvalidArgument);
  ASSERT_TRUE(h.core().discard("e1", "lot scrapped, posted by hand", "op").is_ok());
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2");
  EXPECT_FALSE(h.core().discard("e1", "again", "op").is_ok());  // no longer parked
  EXPECT_EQ(h.core().metrics().counters.discarded, 1u);
  auto audit = h.core().audit_log().value();
  EXPECT_EQ(audit.back().action, "discard");
  EXPECT_EQ(audit.back().detail, "lot scrapped, posted by hand");
}

TEST(CoreDeadLetter, ReplayAllGoesThroughEveryParkedDeadLetterInKeyOrder) {
  CoreHarness h;
  h.send_events({consumption("b1", "wo:b", 1), consumption("a1", "wo:a", 1)});
  for (const auto& r : h.erp_requests()) h.reply_rejection(r, proto::CLOSED_PERIOD);
  auto dl = h.core().dead_letters().value();
  ASSERT_EQ(dl.size(), 2u);
  EXPECT_EQ(dl[0].ordering_key, "wo:a");  // listed in key order
  ASSERT_TRUE(h.core().replay_all("op").is_ok());
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "a1");
  EXPECT_EQ(reqs[1].command().source_event_id(), "b1");
}

TEST(CoreDeadLetter, ReplayedRegressionWaitsForTheKeysRequestInFlight) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  CoreHarness h(c);
  h.send_events({consumption("e3", "wo:1", 3)});
  h.rt.advance(seconds(1));
  auto in_flight = h.erp_requests();
  ASSERT_EQ(in_flight.size(), 1u);                   // e3
  h.send_events({consumption("e1", "wo:1", 1)}, 2);  // late: a regression
  ASSERT_TRUE(h.core().replay("e1", "op").is_ok());
  EXPECT_TRUE(h.erp_requests().empty());  // one request per key in flight
  h.reply_success(in_flight[0]);
  EXPECT_EQ(h.erp_requests().at(0).command().source_event_id(), "e1");
}

TEST(CoreDeadLetter, UnsafeNoParkingLetsLaterEventsOvertakeADeadLetter) {
  proto::Config c;
  c.mutable_unsafe()->set_no_parking_behind_dead_letter(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  h.reply_rejection(h.erp_requests().at(0), proto::CLOSED_PERIOD);
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2");
}

TEST(CoreDeadLetter, AReplayedRegressionOfAnEventPostedBeforeIsNotPostedAgain) {
  proto::Config c;
  c.mutable_ingest()->set_dedup_retention_days(1);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  h.reply_success(reqs[0]);
  h.rt.advance(std::chrono::hours(49));  // past the dedup retention: e1 is new to the inbox
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  auto dl = h.core().dead_letters();
  ASSERT_EQ(dl.value().size(), 1u);
  EXPECT_EQ(dl.value()[0].dead_letter_class, "sequence_regression");
  ASSERT_TRUE(h.core().replay_all("op").is_ok());
  h.rt.advance(std::chrono::seconds(10));
  EXPECT_TRUE(h.erp_requests().empty()) << "posted once already; a second posting books it twice";
  EXPECT_TRUE(h.core().dead_letters().value().empty()) << "no longer parked";
  const auto all = h.core().dead_letters(/*parked_only=*/false).value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status, "already_posted");
  const auto audit = h.core().audit_log().value();
  const auto it = std::find_if(audit.begin(), audit.end(), [](const AuditRow& a) {
    return a.action == "replay_already_posted";
  });
  ASSERT_NE(it, audit.end());
  EXPECT_EQ(it->event_id, "e1");
  EXPECT_NE(it->detail.find("4900000001"), std::string::npos) << it->detail;
}

TEST(CoreDeadLetter, AReplayedRegressionOfAnEventNeverPostedIsPosted) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  CoreHarness h(c);
  h.send_events({consumption("e2", "wo:1", 2)});
  h.rt.advance(std::chrono::seconds(1));  // SKIP passes 1
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  h.reply_success(reqs[0]);
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  ASSERT_EQ(h.core().dead_letters().value().size(), 1u);
  ASSERT_TRUE(h.core().replay("e1", "op").is_ok());
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u) << "a late predecessor was never posted: the replay posts it";
  EXPECT_EQ(reqs[0].command().source_event_id(), "e1");
}

// replay_already_posted_detail returns the detail of the audit's replay_already_posted entry for `event_id`.
std::string replay_already_posted_detail(CoreHarness& h, const std::string& event_id) {
  const std::vector<AuditRow> audit = h.core().audit_log().value();
  for (const AuditRow& a : audit) {
    if (a.action == "replay_already_posted" && a.event_id == event_id) return a.detail;
  }
  return "";
}

TEST(CoreDeadLetter, AReplayedRegressionOfAFactPostedUnderAnotherIdIsNotPostedAgain) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1)});
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  h.reply_success(reqs[0]);
  // The MES sends the same fact again under a new id (a journal re-exported after a restore).
  h.send_events({consumption("e1-reissued", "wo:1", 1)}, 2);
  ASSERT_EQ(h.core().dead_letters().value().size(), 1u);
  ASSERT_TRUE(h.core().replay_all("op").is_ok());
  h.rt.advance(std::chrono::seconds(10));
  EXPECT_TRUE(h.erp_requests().empty()) << "the fact was posted as e1; posting it again books it twice";
  const auto all = h.core().dead_letters(/*parked_only=*/false).value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status, "already_posted");
  const std::string detail = replay_already_posted_detail(h, "e1-reissued");
  EXPECT_NE(detail.find("'e1'"), std::string::npos) << detail;
  EXPECT_NE(detail.find("4900000001"), std::string::npos) << detail;
  EXPECT_EQ(h.rt.probes(probes::kReplayFoundFactPosted), 1u) << "a scenario can require it";
}

TEST(CoreDeadLetter, AReplayedRegressionOfAFactStillQueuedUnderAnotherIdIsNotPostedAgain) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  CoreHarness h(c);
  h.send_events({consumption("e2", "wo:1", 2)});
  h.rt.advance(std::chrono::seconds(1));  // SKIP passes 1; e2 is in flight
  auto in_flight = h.erp_requests();
  ASSERT_EQ(in_flight.size(), 1u);
  h.send_events({consumption("e2-reissued", "wo:1", 2)}, 2);  // a regression while e2 is queued
  ASSERT_EQ(h.core().dead_letters().value().size(), 1u);
  ASSERT_TRUE(h.core().replay("e2-reissued", "op").is_ok());
  h.reply_success(in_flight[0]);
  h.rt.advance(std::chrono::seconds(10));
  EXPECT_TRUE(h.erp_requests().empty()) << "e2 carries the fact; its copy must not follow it";
  EXPECT_NE(replay_already_posted_detail(h, "e2-reissued").find("not yet posted"),
            std::string::npos);
}

TEST(CoreDeadLetter, AReplayedRegressionWithAnotherFactUnderAQueuedNumberIsRefusedAndStaysParked) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  CoreHarness h(c);
  h.send_events({consumption("e2", "wo:1", 2)});
  h.rt.advance(std::chrono::seconds(1));  // SKIP passes 1; e2 is in flight
  ASSERT_EQ(h.erp_requests().size(), 1u);
  h.send_events({consumption("other", "wo:1", 2, 9999)}, 2);  // another fact, number 2
  const Status s = h.core().replay("other", "op");
  ASSERT_FALSE(s.is_ok()) << "e2 is still queued: posting both books two facts under one number";
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(s.error().message.find("not yet posted"), std::string::npos) << s.error().message;
  EXPECT_EQ(h.core().dead_letters().value().size(), 1u);
  h.rt.advance(std::chrono::seconds(10));
  EXPECT_TRUE(h.erp_requests().empty());
}

TEST(CoreDeadLetter, AReplayedRegressionWithAnotherFactUnderAPostedNumberIsRefusedAndStaysParked) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1, 1500)});
  h.reply_success(h.erp_requests().at(0));
  h.send_events({consumption("e9", "wo:1", 1, 2500)}, 2);  // sequence 1 again, another quantity
  const Status s = h.core().replay("e9", "op");
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(s.error().message.find("two facts under one number"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("'e1'"), std::string::npos) << s.error().message;
  EXPECT_TRUE(h.erp_requests().empty());
  ASSERT_EQ(h.core().dead_letters().value().size(), 1u) << "still parked, for an operator";
  EXPECT_TRUE(h.core().discard("e9", "a second fact under a used number", "op").is_ok());
}

TEST(CoreDeadLetter, AParkedEventWhoseCopyWasReplayedFirstIsNotPostedAgainAndReleasesItsKey) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  h.reply_rejection(h.erp_requests().at(0), proto::CLOSED_PERIOD);  // e1 parks wo:1
  h.send_events({consumption("e1-reissued", "wo:1", 1)}, 2);       // a regression
  ASSERT_TRUE(h.core().replay("e1-reissued", "op").is_ok());       // queued behind e1
  EXPECT_TRUE(h.erp_requests().empty()) << "wo:1 is parked at e1";
  ASSERT_TRUE(h.core().replay("e1", "op").is_ok());
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e1-reissued") << "the fact, once";
  h.reply_success(reqs[0]);
  reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2") << "the key goes on";
  h.reply_success(reqs[0]);
  EXPECT_TRUE(h.erp_requests().empty());
  EXPECT_NE(replay_already_posted_detail(h, "e1").find("'e1-reissued'"), std::string::npos);
}

TEST(CoreDeadLetter, AFactPostedUnderAnotherIdIsStillFoundAfterARestart) {
  CoreHarness h;
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  h.send_events({consumption("e1-reissued", "wo:1", 1)}, 2);
  h.restart();
  ASSERT_TRUE(h.core().replay_all("op").is_ok());
  h.rt.advance(std::chrono::seconds(10));
  EXPECT_TRUE(h.erp_requests().empty());
  EXPECT_EQ(h.core().dead_letters(/*parked_only=*/false).value().at(0).status, "already_posted");
}

}  // namespace
}  // namespace mw::core::testing
