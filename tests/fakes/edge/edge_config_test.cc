// The edge's knobs and the key it deduplicates on.
#include "fakes/edge/edge_config.h"

#include <gtest/gtest.h>

#include <string>

#include "fakes/edge/event_key.h"
#include "tests/fakes/edge/edge_harness.h"

namespace mw::fakes {
namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const std::string& p : problems) {
    if (p.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(EdgeConfig, DefaultsAreValid) { EXPECT_TRUE(validate_edge_config(EdgeConfig{}).empty()); }

TEST(EdgeConfig, ValidateNamesEveryBadKnob) {
  EdgeConfig c;
  c.target = "";
  c.db_path = "";
  c.max_batch_events = 0;
  c.max_batches_in_flight = 0;
  c.flush_interval = sim::Duration::zero();
  c.resend_after = -sim::seconds(1);
  c.reopen_interval = sim::Duration::zero();
  c.max_backlog_events = 0;
  c.dedup_memory = -sim::seconds(1);
  const std::vector<std::string> problems = validate_edge_config(c);
  EXPECT_EQ(problems.size(), 9u);
  for (const char* knob :
       {"edge.target", "edge.db_path", "edge.max_batch_events", "edge.max_batches_in_flight",
        "edge.flush_interval", "edge.resend_after", "edge.reopen_interval",
        "edge.max_backlog_events", "edge.dedup_memory"}) {
    EXPECT_TRUE(mentions(problems, knob)) << knob;
  }
}

TEST(EdgeEventKey, ReadsTheIdOfACanonicalEnvelope) {
  const proto::SourceEvent e = testing::canonical_event("ev-42", 7);
  EXPECT_EQ(peek_event_id(e.format(), e.payload()), "ev-42");
}

TEST(EdgeEventKey, ReadsTheLastIdFieldAndSkipsEveryWireType) {
  proto::EventEnvelope env;
  env.set_event_id("first");
  env.set_occurred_at_ns(-5);  // varint, 10 bytes
  env.set_source_sequence(9);
  env.mutable_source()->set_plant("P100");  // length-delimited
  std::string bytes = env.SerializeAsString();
  bytes += std::string("\x0a\x04last", 6);  // field 1 again: the last one wins, as when parsing
  EXPECT_EQ(peek_event_id(proto::CANONICAL_PROTO, bytes), "last");
}

TEST(EdgeEventKey, ReadsThePercentDecodedMsgidOfAVendorRecord) {
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "TYP=CONS|MSGID=a%7Cb%25c|SEQ=1"), "a|b%c");
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "MSGID=only"), "only");
}

TEST(EdgeEventKey, AnIdThatCannotBeReadIsNone) {
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "TYP=CONS|SEQ=1"), std::nullopt);
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "MSGID=|SEQ=1"), std::nullopt);
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "MSGID=bad%7|SEQ=1"), std::nullopt);
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "MSGID=lower%7c"), std::nullopt);
  EXPECT_EQ(peek_event_id(proto::VENDOR_KV, "MSGID=%FF"), std::nullopt);  // not UTF-8
  EXPECT_EQ(peek_event_id(proto::CANONICAL_PROTO, "\xff\xff\xff"), std::nullopt);
  EXPECT_EQ(peek_event_id(proto::CANONICAL_PROTO, std::string("\x0a\x09short", 7)),
            std::nullopt);  // the length runs past the end
  EXPECT_EQ(peek_event_id(proto::SOURCE_FORMAT_UNSPECIFIED, "MSGID=x"), std::nullopt);
  EXPECT_EQ(peek_event_id(proto::CANONICAL_PROTO, ""), std::nullopt);
}

TEST(EdgeEventKey, HashDependsOnFormatAndEveryByte) {
  const std::uint64_t h = event_hash(proto::VENDOR_KV, "MSGID=a");
  EXPECT_EQ(h, event_hash(proto::VENDOR_KV, "MSGID=a"));
  EXPECT_NE(h, event_hash(proto::CANONICAL_PROTO, "MSGID=a"));
  EXPECT_NE(h, event_hash(proto::VENDOR_KV, "MSGID=b"));
  EXPECT_NE(h, event_hash(proto::VENDOR_KV, "MSGID=a "));
}

}  // namespace
}  // namespace mw::fakes
