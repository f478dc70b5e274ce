// CommitGroup: steps share one commit per window; their effects wait for it; a failure rolls
// back the whole group and fails every step.
#include "middleware/pipeline/commit_group.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/middleware/manual_runtime.h"

namespace mw::core::testing {
namespace {

constexpr auto kWindow = std::chrono::milliseconds(50);

struct Fixture {
  Fixture() {
    auto opened = Db::open(":memory:", "");
    EXPECT_TRUE(opened.is_ok());
    db = std::move(opened.value());
    EXPECT_TRUE(db->exec("CREATE TABLE t(v INTEGER)").is_ok());
  }
  Status insert(int v) { return db->exec("INSERT INTO t(v) VALUES(" + std::to_string(v) + ")"); }
  std::int64_t rows() {
    auto st = db->prepare("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(st.is_ok());
    auto row = st.value()->step();
    EXPECT_TRUE(row.is_ok() && row.value());
    const std::int64_t n = st.value()->column_int(0);
    st.value()->reset();
    return n;
  }
  // step writes `v` as one pipeline step and logs its callbacks as "c<v>" or "f<v>".
  void step(CommitGroup& group, int v, bool fail = false) {
    Status s = group.begin();
    if (s.is_ok()) s = fail ? Status(technical("disk full")) : insert(v);
    group.end(
        s, [this, v] { log.push_back("c" + std::to_string(v)); },
        [this, v](const Error&) { log.push_back("f" + std::to_string(v)); });
  }

  ManualRuntime rt;
  std::unique_ptr<Db> db;
  std::vector<std::string> log;
};

TEST(CommitGroup, StepsOfOneWindowShareOneCommitAndTheirEffectsWaitForIt) {
  Fixture f;
  CommitGroup group(*f.db, f.rt, kWindow);
  f.step(group, 1);
  f.rt.advance(std::chrono::milliseconds(20));
  f.step(group, 2);
  EXPECT_TRUE(f.log.empty()) << "nothing leaves before the commit";
  EXPECT_TRUE(f.db->in_transaction());
  EXPECT_EQ(group.steps(), 2u);
  f.rt.advance(std::chrono::milliseconds(30));  // the window closes 50 ms after the first step
  EXPECT_EQ(f.log, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_FALSE(f.db->in_transaction());
  EXPECT_EQ(f.rows(), 2);
}

TEST(CommitGroup, AFailingStepRollsBackTheWholeGroupAndFailsEveryStepInOrder) {
  Fixture f;
  CommitGroup group(*f.db, f.rt, kWindow);
  f.step(group, 1);
  f.step(group, 2, /*fail=*/true);
  EXPECT_EQ(f.log, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_FALSE(group.open());
  EXPECT_EQ(f.rt.timers(), 0u) << "the window timer goes with the group";
  EXPECT_EQ(f.rows(), 0) << "the step that succeeded is rolled back too";
  f.step(group, 3);  // the next step opens a new group
  f.rt.advance(kWindow);
  EXPECT_EQ(f.log.back(), "c3");
  EXPECT_EQ(f.rows(), 1);
}

TEST(CommitGroup, ZeroWindowCommitsEveryStepAtOnce) {
  Fixture f;
  CommitGroup group(*f.db, f.rt, Duration::zero());
  f.step(group, 1);
  EXPECT_EQ(f.log, (std::vector<std::string>{"c1"}));
  EXPECT_FALSE(f.db->in_transaction());
  EXPECT_EQ(f.rt.timers(), 0u);
}

TEST(CommitGroup, FlushCommitsNowAndAStepStartedByACallbackOpensTheNextGroup) {
  Fixture f;
  CommitGroup group(*f.db, f.rt, kWindow);
  Status s = group.begin();
  if (s.is_ok()) s = f.insert(1);
  group.end(
      s, [&] { f.step(group, 2); }, [](const Error&) {});
  group.flush();
  EXPECT_EQ(f.rows(), 2) << "the second step sees the first one's rows";
  EXPECT_TRUE(group.open()) << "the step the callback started waits for its own window";
  EXPECT_EQ(group.steps(), 1u);
  f.rt.advance(kWindow);
  EXPECT_EQ(f.log, (std::vector<std::string>{"c2"}));
  EXPECT_FALSE(f.db->in_transaction());
}

TEST(CommitGroup, ATransactionSQLiteRolledBackByItselfFailsTheGroupInsteadOfGoingToAutocommit) {
  Fixture f;
  CommitGroup group(*f.db, f.rt, kWindow);
  f.step(group, 1);
  f.db->rollback();  // what SQLite does by itself after an I/O error in any statement
  f.step(group, 2);
  EXPECT_EQ(f.log, (std::vector<std::string>{"f1"})) << "the lost step fails at once";
  EXPECT_TRUE(f.db->in_transaction()) << "step 2 writes in a new group, not in autocommit";
  f.rt.advance(kWindow);
  EXPECT_EQ(f.log, (std::vector<std::string>{"f1", "c2"}));
  EXPECT_EQ(f.rows(), 1);
}

}  // namespace
}  // namespace mw::core::testing
