// Schema migrations: each keeps what the version before it stored.
#include "middleware/store/schema.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

TEST(Schema, VersionTwoGivesQuarantineRowsOfVersionOneTheirOwnLength) {
  auto db = Db::open(":memory:", "");
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(migrate(*db.value(), 1).is_ok());
  ASSERT_TRUE(db.value()
                  ->exec("INSERT INTO quarantine(received_ns, sender, event_id, format, raw, "
                         "reason) VALUES(1, 'mes', '', 0, 'abcdef', 'not a frame')")
                  .is_ok());
  ASSERT_TRUE(migrate(*db.value()).is_ok());
  EXPECT_EQ(schema_version(*db.value()).value(), kSchemaVersion);
  auto st = db.value()->prepare("SELECT raw_length, raw_hash FROM quarantine");
  ASSERT_TRUE(st.is_ok());
  ASSERT_TRUE(st.value()->step().value());
  EXPECT_EQ(st.value()->column_int(0), 6);
  EXPECT_EQ(st.value()->column_text(1), "");
  st.value()->reset();
}

TEST(Schema, VersionThreeIndexesThePostedEventsOfAVersionTwoDatabase) {
  auto db = Db::open(":memory:", "");
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(migrate(*db.value(), 2).is_ok());
  ASSERT_TRUE(db.value()
                  ->exec("INSERT INTO events(event_id, payload_hash, ordering_key, sequence, "
                         "plant, domain, correlation_id, state, received_ns, envelope) "
                         "VALUES('e1', 'h', 'wo:1', 1, 'P100', 'production', 'c', 'posted', 1, x'')")
                  .is_ok());
  ASSERT_TRUE(migrate(*db.value()).is_ok());
  auto plan = db.value()->prepare(
      "EXPLAIN QUERY PLAN SELECT id FROM events WHERE ordering_key = 'wo:1' AND sequence = 1 AND "
      "state = 'posted'");
  ASSERT_TRUE(plan.is_ok());
  std::string details;
  while (plan.value()->step().value()) details += plan.value()->column_text(3) + "\n";
  plan.value()->reset();
  EXPECT_NE(details.find("events_posted"), std::string::npos) << details;
  auto st = db.value()->prepare("SELECT COUNT(*) FROM events INDEXED BY events_posted WHERE "
                                "ordering_key = 'wo:1' AND sequence = 1 AND state = 'posted'");
  ASSERT_TRUE(st.is_ok());
  ASSERT_TRUE(st.value()->step().value());
  EXPECT_EQ(st.value()->column_int(0), 1) << "the row posted before the migration is indexed";
  st.value()->reset();
}

TEST(Schema, ADatabaseNewerThanTheCodeIsRefused) {
  auto db = Db::open(":memory:", "");
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(migrate(*db.value()).is_ok());
  ASSERT_TRUE(db.value()->exec("UPDATE schema_version SET version = 99").is_ok());
  const Status s = migrate(*db.value());
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.error().message.find("newer than this core understands"), std::string::npos);
}

}  // namespace
}  // namespace mw::core
