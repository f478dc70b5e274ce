// Crash and recovery at each transaction boundary: the process dies between two steps, a new
// one opens the same database, and nothing acked is lost or posted twice.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/middleware/core_harness.h"

namespace mw::core::testing {
namespace {

proto::Config legacy_erp() {
  proto::Config c;
  c.mutable_poster()->set_erp_honours_idempotency_keys(false);
  c.mutable_poster()->set_request_timeout_ms(1000);
  c.mutable_poster()->set_in_doubt_wait_ms(3000);
  c.mutable_sequencer()->set_gap_timeout_ms(1000);
  c.mutable_sequencer()->set_gap_policy(proto::SKIP);
  return c;
}

TEST(CoreRecovery, CrashInsideTheCommitWindowLosesOnlyWhatWasNeverAcked) {
  proto::Config c;
  c.mutable_store()->set_commit_window_ms(50);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  EXPECT_TRUE(h.acked_ids().empty());
  h.restart();  // the process dies inside the window
  auto states = h.core().event_states();
  ASSERT_TRUE(states.is_ok());
  EXPECT_TRUE(states.value().empty()) << "nothing of the batch committed";
  h.send_events({consumption("e1", "wo:1", 1)}, 2);  // the sender was never acked: it resends
  h.rt.advance(std::chrono::milliseconds(50));
  EXPECT_EQ(h.acked_ids(), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(h.erp_requests().size(), 1u);
  EXPECT_EQ(h.core().metrics().counters.duplicates, 0u);
}

TEST(CoreRecovery, AckedEventSurvivesACrashBeforeItsPostingIsSent) {
  proto::Config c;
  c.mutable_poster()->set_erp_honours_idempotency_keys(true);
  CoreHarness h(c);
  h.send_events({consumption("e1", "wo:1", 1)});
  ASSERT_EQ(h.acked_ids().size(), 1u);
  h.restart();
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);  // an idempotent ERP gets the command again at once
  EXPECT_TRUE(reqs[0].has_command());
  EXPECT_EQ(reqs[0].command().external_reference(), "mw:e1");
}

TEST(CoreRecovery, CommandInFlightAtACrashIsReconciledBeforeBeingSentAgain) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1)});
  ASSERT_EQ(h.erp_requests().size(), 1u);  // the ERP may have posted it
  h.restart();
  // The previous life's command may still be on the wire or in processing at the ERP: a
  // query before the in-doubt wait could find nothing and lead to a second posting.
  h.rt.advance(milliseconds(2990));
  EXPECT_TRUE(h.erp_requests().empty());
  h.rt.advance(milliseconds(10));  // the in-doubt wait is over
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  ASSERT_TRUE(reqs[0].has_query());
  h.reply_query(reqs[0], /*found=*/true);
  EXPECT_EQ(h.core().metrics().counters.posted, 1u);
  h.rt.advance(seconds(60));
  EXPECT_TRUE(h.erp_requests().empty());
}

TEST(CoreRecovery, PostedEventIsNotPostedAgainAfterACrash) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  h.restart();
  h.rt.advance(seconds(60));
  EXPECT_TRUE(h.erp_requests().empty());
}

TEST(CoreRecovery, UnacknowledgedNotificationIsResentAfterACrashWithItsId) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1)});
  h.reply_success(h.erp_requests().at(0));
  const auto first = h.frames("wms").at(0).notification();
  h.restart();
  auto again = h.frames("wms");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].notification().notification_id(), first.notification_id());
  EXPECT_EQ(again[0].notification().sequence(), first.sequence());
}

// The sequencer's and the notifications' counters reach their tables only every 60 s; the
// rows written since show the rest. Two lives in a row must not lose what the first folded in.
TEST(CoreRecovery, KeyPositionSurvivesTwoCrashesBetweenCounterFlushes) {
  CoreHarness h;
  h.send_events({consumption("x1", "wo:2", 1)});  // this commit flushes the counters
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)}, 2);  // unflushed
  h.restart();
  h.rt.advance(seconds(61));
  h.send_events({consumption("x2", "wo:2", 2)}, 3);  // the next flush, in the second life
  h.restart();
  h.send_events({consumption("e3", "wo:1", 3)}, 4);
  EXPECT_EQ(h.core().metrics().waiting, 0u) << "e3 is next in its key, not held for a gap";
}

TEST(CoreRecovery, KeyPositionAfterReleasingHeldEventsSurvivesACrashBeforeTheNextFlush) {
  proto::Config c;
  c.mutable_sequencer()->set_gap_timeout_ms(3'600'000);  // e2 waits for e1, not for a timeout
  CoreHarness h(c);
  h.send_events({consumption("x1", "wo:2", 1)});     // this commit flushes the counters
  h.send_events({consumption("e2", "wo:1", 2)}, 2);  // held for e1
  h.rt.advance(seconds(61));
  h.send_events({consumption("x2", "wo:2", 2)}, 3);  // a flush: its marks pass e2's row
  h.send_events({consumption("e1", "wo:1", 1)}, 4);  // releases e1 and e2: wo:1 is at 3
  EXPECT_EQ(h.core().metrics().waiting, 0u);
  h.restart();  // before the next flush; e2's row is behind the marks
  h.send_events({consumption("e3", "wo:1", 3)}, 5);
  EXPECT_EQ(h.core().metrics().waiting, 0u) << "e3 is next in its key, not held for a gap";
}

TEST(CoreRecovery, KeyPositionSurvivesARolledBackStepBetweenCounterFlushes) {
  CoreHarness h;
  h.send_events({consumption("x1", "wo:2", 1)});     // this commit flushes the counters
  h.send_events({consumption("e1", "wo:1", 1)}, 2);  // unflushed: only e1's row shows wo:1 at 2
  {
    // Another connection makes the next insert of "boom" fail, so its step rolls back.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(h.path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TRIGGER fail_boom BEFORE INSERT ON events WHEN "
                           "NEW.event_id = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  h.send_events({consumption("boom", "wo:3", 1)}, 3);
  ASSERT_EQ(h.nacks().size(), 1u) << "the failed step is nacked";
  h.send_events({consumption("e2", "wo:1", 2)}, 4);
  EXPECT_EQ(h.core().metrics().waiting, 0u) << "e2 is next in its key, not held for a gap";
}

TEST(CoreRecovery, NotificationSequenceContinuesAcrossTwoCrashesBetweenCounterFlushes) {
  CoreHarness h;
  auto post = [&](const proto::EventEnvelope& e, std::uint64_t batch) {
    h.send_events({e}, batch);
    for (const auto& r : h.erp_requests()) h.reply_success(r);
  };
  auto sequence_of = [&](const std::string& event_id) -> std::uint64_t {
    for (const auto& f : h.frames("wms")) {
      if (f.notification().source_event_id() == event_id) return f.notification().sequence();
    }
    return 0;
  };
  post(consumption("x1", "wo:2", 1), 1);  // this commit flushes the counters
  post(consumption("e1", "wo:1", 1), 2);  // unflushed
  EXPECT_EQ(sequence_of("e1"), 1u);
  h.restart();
  h.rt.advance(seconds(61));
  post(consumption("x2", "wo:2", 2), 3);  // the next flush, in the second life
  h.restart();
  post(consumption("e2", "wo:1", 2), 4);
  EXPECT_EQ(sequence_of("e2"), 2u);
}

TEST(CoreRecovery, HeldEventsAndTheirGapTimerSurviveACrash) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e2", "wo:1", 2)});
  h.restart();
  EXPECT_EQ(h.core().metrics().waiting, 1u);
  h.rt.advance(seconds(1));  // the gap timer was re-armed: SKIP releases e2
  auto reqs = h.erp_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].command().source_event_id(), "e2");
}

TEST(CoreRecovery, DeadLetterStillParksItsKeyAfterACrash) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  h.reply_rejection(h.erp_requests().at(0), proto::CLOSED_PERIOD);
  h.restart();
  h.rt.advance(seconds(60));
  EXPECT_TRUE(h.erp_requests().empty());
  ASSERT_TRUE(h.core().replay("e1", "op").is_ok());
  EXPECT_EQ(h.erp_requests().at(0).command().source_event_id(), "e1");
}

TEST(CoreRecovery, RepeatOfAnEventAckedBeforeTheCrashIsStillADuplicate) {
  CoreHarness h(legacy_erp());
  h.send_events({consumption("e1", "wo:1", 1)});
  h.restart();
  h.send_events({consumption("e1", "wo:1", 1)}, 2);
  EXPECT_EQ(h.core().metrics().counters.duplicates, 1u);
}

TEST(CoreRecovery, PostingWhoseReplyWasLostBeforeACrashIsFoundNotRepeated) {
  CoreHarness h(legacy_erp());
  std::map<std::string, int> books;
  h.send_events({consumption("e1", "wo:1", 1), consumption("e2", "wo:1", 2)});
  for (const auto& r : h.erp_requests())
    ++books[r.command().external_reference()];  // posted, reply lost
  h.restart();
  for (int i = 0; i < 30; ++i) {
    h.rt.advance(milliseconds(500));
    for (const auto& r : h.erp_requests()) {
      if (r.has_query()) {
        h.reply_query(r, books.count(r.query().external_reference()) != 0);
      } else {
        ++books[r.command().external_reference()];
        h.reply_success(r);
      }
    }
  }
  EXPECT_EQ(books, (std::map<std::string, int>{{"mw:e1", 1}, {"mw:e2", 1}}));
  EXPECT_EQ(h.core().metrics().queued, 0u);
}

// Crash between every two steps of a small workload, and check the end state every time.
TEST(CoreRecovery, CrashBetweenAnyTwoStepsLosesNothingAndPostsNothingTwice) {
  constexpr int kSteps = 7;
  for (int crash_after = 0; crash_after <= kSteps; ++crash_after) {
    CoreHarness h(legacy_erp());
    std::map<std::string, int> postings;  // what the ERP has posted, by external reference
    int step = 0;
    auto maybe_crash = [&] {
      if (step++ == crash_after) h.restart();
    };
    // The ERP: posts commands (once per reference, as its books would record), answers queries.
    auto serve_erp = [&] {
      for (const auto& r : h.erp_requests()) {
        if (r.has_command()) {
          ++postings[r.command().external_reference()];
          h.reply_success(r);
        } else {
          h.reply_query(r, postings.count(r.query().external_reference()) != 0);
        }
      }
    };
    h.send_events({consumption("e2", "wo:1", 2)});
    maybe_crash();
    h.send_events({consumption("e1", "wo:1", 1), consumption("x1", "wo:2", 1)}, 2);
    maybe_crash();
    serve_erp();
    maybe_crash();
    serve_erp();
    maybe_crash();
    h.send_events({consumption("e1", "wo:1", 1)}, 3);  // a resend after a lost ack
    maybe_crash();
    for (int i = 0; i < 20; ++i) {
      serve_erp();
      h.rt.advance(seconds(1));
    }
    maybe_crash();
    serve_erp();
    maybe_crash();
    serve_erp();
    EXPECT_EQ(postings, (std::map<std::string, int>{{"mw:e1", 1}, {"mw:e2", 1}, {"mw:x1", 1}}))
        << "crash after step " << crash_after;
    EXPECT_EQ(h.core().metrics().queued, 0u) << "crash after step " << crash_after;
  }
}

}  // namespace
}  // namespace mw::core::testing
