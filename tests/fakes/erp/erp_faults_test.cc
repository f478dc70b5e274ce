// The simulated ERP's ugly parts: throttling, 500s, commits whose reply is lost, outages,
// crashes mid-processing, garbage on the wire, network duplicates, and determinism.
#include <gtest/gtest.h>

#include "sim/trace.h"
#include "tests/fakes/erp/erp_harness.h"

namespace mw::fakes {
namespace {

using namespace mw::fakes::testing;

constexpr sim::Duration kLatency = sim::milliseconds(100);
constexpr sim::Duration kRoundTrip = kLatency + 2 * kNetworkDelay;

TEST(ErpFaults, ThrottlingAnswersExcessRequestsWithRetryAfter) {
  ErpConfig c = fixed_latency(kLatency);
  c.throttle_requests_per_second = 10;
  c.throttle_burst = 2;
  ErpWorld w(c);
  const auto a = w.post(confirmation("a", 1));
  const auto b = w.post(confirmation("b", 1));
  const auto third = w.post(confirmation("c", 1));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(a)->reply.has_success());
  EXPECT_TRUE(w.reply_to(b)->reply.has_success());
  const Received* t = w.reply_to(third);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->reply.transient().kind(), proto::THROTTLED);
  EXPECT_EQ(t->reply.transient().retry_after_ms(), 100u);  // one token per 100 ms
  EXPECT_EQ(t->at, sim::kTimeZero + 2 * kNetworkDelay);    // refused on arrival, no latency
  // Retrying after the wait is admitted; the refused request posted nothing.
  EXPECT_EQ(w.ledger.postings().size(), 2u);
  const auto retry = w.post(confirmation("c", 1));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(retry)->reply.has_success());
  EXPECT_EQ(w.stats().throttled, 1u);
}

TEST(ErpFaults, InternalErrorsPostNothing) {
  ErpConfig c = fixed_latency(kLatency);
  c.internal_error_probability = 1;
  ErpWorld w(c);
  const auto id = w.post(goods_receipt("r1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  const Received* r = w.reply_to(id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->reply.transient().kind(), proto::INTERNAL_ERROR);
  EXPECT_EQ(r->at, sim::kTimeZero + kRoundTrip);  // a 500 comes after the processing time
  EXPECT_TRUE(w.ledger.postings().empty());
  EXPECT_TRUE(w.ledger.all_stock().empty());
  EXPECT_EQ(w.stats().internal_errors, 1u);
}

TEST(ErpFaults, InternalErrorAfterCommitPostsAndStillAnswers500) {
  ErpConfig c = fixed_latency(kLatency);
  c.internal_error_after_commit_probability = 1;
  ErpWorld w(c);
  const auto id = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  const Received* r = w.reply_to(id);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->reply.transient().kind(), proto::INTERNAL_ERROR);
  ASSERT_EQ(w.ledger.postings_for("mw:e1").size(), 1u) << "the 500 came after the commit";
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 1000);
  EXPECT_EQ(w.stats().internal_errors_after_commit, 1u);
  EXPECT_EQ(w.stats().internal_errors, 0u);
}

TEST(ErpFaults, CommitThenLostReplyLeavesThePostingWithoutAReply) {
  ErpConfig c = fixed_latency(kLatency);
  c.lost_reply_probability = 1;
  ErpWorld w(c);
  const auto id = w.post(goods_receipt("mw:e1", "L1", "0001", 1000));
  w.run_for(sim::seconds(5));
  EXPECT_EQ(w.reply_to(id), nullptr);
  ASSERT_EQ(w.ledger.postings_for("mw:e1").size(), 1u);
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 1000);
  const auto q = w.query("mw:e1");  // queries commit nothing, so they never lose their reply
  w.run_for(kRoundTrip);
  ASSERT_NE(w.reply_to(q), nullptr);
  EXPECT_TRUE(w.reply_to(q)->reply.query_result().found());
  EXPECT_EQ(w.reply_to(q)->reply.query_result().document_number(), "4900000001");
  EXPECT_EQ(w.stats().lost_replies, 1u);
}

ErpConfig with_outage(OutageMode mode) {
  ErpConfig c = fixed_latency(kLatency);
  c.outages = {{sim::kTimeZero + sim::seconds(1), sim::seconds(10), mode}};
  return c;
}

TEST(ErpFaults, UnavailableOutageAnswersImmediatelyAndPostsNothing) {
  ErpWorld w(with_outage(OutageMode::kUnavailable));
  w.run_for(sim::seconds(2));
  const sim::Time sent = w.now();
  const auto id = w.post(goods_receipt("r1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  ASSERT_NE(w.reply_to(id), nullptr);
  EXPECT_EQ(w.reply_to(id)->reply.transient().kind(), proto::UNAVAILABLE);
  EXPECT_EQ(w.reply_to(id)->at - sent, 2 * kNetworkDelay);
  EXPECT_TRUE(w.ledger.postings().empty());
  w.run_for(sim::seconds(10));  // past the outage
  const auto after = w.post(goods_receipt("r1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  EXPECT_TRUE(w.reply_to(after)->reply.has_success());
  EXPECT_EQ(w.stats().outage_unavailable, 1u);
}

TEST(ErpFaults, SilentOutageDropsRequestsWithoutAReply) {
  ErpWorld w(with_outage(OutageMode::kSilent));
  w.run_for(sim::seconds(2));
  const auto id = w.post(goods_receipt("r1", "L1", "0001", 1000));
  w.run_for(sim::seconds(5));
  EXPECT_EQ(w.reply_to(id), nullptr);
  EXPECT_TRUE(w.ledger.postings().empty());
  EXPECT_EQ(w.stats().outage_dropped, 1u);
}

TEST(ErpFaults, AnOutageThatStartsDuringProcessingRefusesAtTheEnd) {
  ErpConfig c = fixed_latency(kLatency);
  c.outages = {{sim::kTimeZero + sim::milliseconds(50), sim::seconds(1), OutageMode::kUnavailable}};
  ErpWorld w(c);
  const auto id = w.post(goods_receipt("r1", "L1", "0001", 1000));  // arrives before the outage
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.reply_to(id)->reply.transient().kind(), proto::UNAVAILABLE);
  EXPECT_TRUE(w.ledger.postings().empty());
}

TEST(ErpFaults, ASlowSpellHoldsEveryRequestArrivingInItForItsLatency) {
  ErpConfig c = fixed_latency(kLatency);
  c.slowdowns.push_back({sim::kTimeZero + sim::seconds(1), sim::seconds(10), sim::seconds(15)});
  ErpWorld w(c);
  const auto before = w.post(confirmation("a", 1));  // arrives before the spell
  w.run_for(sim::seconds(2));
  const auto during = w.post(confirmation("b", 1));  // arrives in it
  w.run_for(sim::seconds(10));
  const auto after = w.post(confirmation("c", 1));  // arrives after it
  w.run_for(sim::seconds(10));
  ASSERT_NE(w.reply_to(before), nullptr);
  EXPECT_EQ(w.reply_to(before)->at, sim::kTimeZero + kRoundTrip);
  ASSERT_NE(w.reply_to(during), nullptr);
  EXPECT_EQ(w.reply_to(during)->at,
            sim::kTimeZero + sim::seconds(2) + sim::seconds(15) + 2 * kNetworkDelay);
  EXPECT_TRUE(w.reply_to(during)->reply.has_success());
  ASSERT_NE(w.reply_to(after), nullptr);
  EXPECT_EQ(w.reply_to(after)->at, sim::kTimeZero + sim::seconds(12) + kRoundTrip);
}

TEST(ErpFaults, CrashMidProcessingLosesTheRequestButKeepsEarlierPostings) {
  ErpWorld w(fixed_latency(kLatency));
  const auto earlier = w.post(goods_receipt("r1", "L1", "0001", 1000));
  w.run_for(kRoundTrip);
  ASSERT_TRUE(w.reply_to(earlier)->reply.has_success());
  const auto lost = w.post(goods_receipt("r2", "L1", "0001", 500));
  w.run_for(kLatency / 2);
  w.sim.crash(w.erp);
  w.sim.start_node(w.erp);
  w.run_for(sim::seconds(5));
  EXPECT_EQ(w.reply_to(lost), nullptr);
  EXPECT_TRUE(w.ledger.postings_for("r2").empty());
  ASSERT_EQ(w.ledger.postings().size(), 1u);
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 1000);
  // The next incarnation serves on the same books.
  const auto next = w.post(goods_receipt("r2", "L1", "0001", 500));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.reply_to(next)->reply.success().document_number(), "4900000002");
  EXPECT_EQ(w.ledger.stock(key("L1", "0001")), 1500);
}

TEST(ErpFaults, GarbageIsCountedAndIgnored) {
  ErpWorld w(fixed_latency(kLatency));
  w.send_bytes(std::string("\xff\xfe\x00garbage", 10));
  w.send_bytes("");  // parses as an empty Frame: no erp_request
  proto::Frame reply_frame;
  reply_frame.mutable_erp_reply()->set_request_id(1);
  w.send_bytes(reply_frame.SerializeAsString());
  proto::ErpRequest no_body;
  no_body.set_request_id(7);
  const auto empty = w.send_request(no_body);
  const auto good = w.post(confirmation("c1", 1));
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.stats().garbage, 3u);
  EXPECT_EQ(w.reply_to(empty)->reply.rejection().code(), proto::INVALID_COMMAND);
  EXPECT_TRUE(w.reply_to(good)->reply.has_success());
  EXPECT_EQ(w.replies.size(), 2u);
  EXPECT_EQ(w.other, 0);
}

TEST(ErpFaults, ANetworkCopyOfARequestIsIgnored) {
  ErpWorld w(fixed_latency(kLatency, ErpFlavor::kLegacy));
  proto::ErpRequest r;
  r.set_request_id(42);
  *r.mutable_command() = goods_receipt("r1", "L1", "0001", 1000);
  w.send_request(r);
  w.send_request(r);
  w.run_for(kRoundTrip);
  EXPECT_EQ(w.replies_to(42), 1u);
  EXPECT_EQ(w.ledger.postings().size(), 1u);
  EXPECT_EQ(w.stats().transport_duplicates, 1u);
}

// A busy run with every random fault on: lognormal latency, a jittery lossy network that
// duplicates, throttling, 500s, lost replies and an ERP crash. Returns the trace and digest.
struct RunResult {
  std::uint64_t digest;
  std::vector<std::string> lines;
  std::size_t postings;
};

RunResult busy_run(std::uint64_t seed) {
  ErpConfig c;
  c.flavor = ErpFlavor::kLegacy;
  c.latency_sigma = 1.0;
  c.throttle_requests_per_second = 40;
  c.throttle_burst = 5;
  c.internal_error_probability = 0.1;
  c.lost_reply_probability = 0.1;
  c.allow_negative_stock = true;
  sim::SimulationOptions o = exact_network(seed);
  o.network.default_link.latency.jitter_median = sim::milliseconds(2);
  o.network.default_link.latency.jitter_sigma = 1.0;
  o.network.default_link.duplicate_probability = 0.05;
  o.network.default_link.loss_probability = 0.02;
  sim::MemoryTraceSink sink;
  ErpWorld w(c, o);
  w.sim.tracer().set_sink(&sink);
  w.sim.schedule_crash(w.erp, sim::kTimeZero + sim::seconds(3), sim::seconds(1),
                       sim::CrashKind::kProcessCrash);
  for (int i = 0; i < 300; ++i) {
    w.post(goods_issue("mw:" + std::to_string(i % 200), "L1", "0001", 10 + i));
    if (i % 7 == 0) w.query("mw:" + std::to_string(i / 2));
    w.run_for(sim::milliseconds(20));
  }
  w.run_for(sim::seconds(60));
  w.sim.tracer().set_sink(nullptr);
  // Replies never contradict the books: every success names the posting of its document.
  for (const Received& r : w.replies) {
    if (!r.reply.has_success()) continue;
    const std::string& doc = r.reply.success().document_number();
    const std::uint64_t seq = std::stoull(doc.substr(2));
    EXPECT_EQ(w.ledger.postings().at(seq - 1).document_number, doc);
  }
  EXPECT_GT(w.stats().throttled, 0u);
  EXPECT_GT(w.stats().internal_errors, 0u);
  EXPECT_GT(w.stats().lost_replies, 0u);
  EXPECT_GT(w.stats().transport_duplicates, 0u);
  return {w.sim.tracer().digest(), sink.lines(), w.ledger.postings().size()};
}

TEST(ErpFaults, TheSameSeedGivesTheSameTraceDigest) {
  const RunResult a = busy_run(7);
  const RunResult b = busy_run(7);
  EXPECT_EQ(a.lines, b.lines);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_GT(a.postings, 100u);
  EXPECT_NE(busy_run(8).digest, a.digest);
}

}  // namespace
}  // namespace mw::fakes
