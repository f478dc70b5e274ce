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
