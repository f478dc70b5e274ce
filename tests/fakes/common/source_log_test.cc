// SourceLog: the ground truth of what sources created, and which ids report the same fact.
#include "fakes/common/source_log.h"

#include <gtest/gtest.h>

namespace mw::fakes {
namespace {

EmittedEvent event(const std::string& id) {
  EmittedEvent e;
  e.event_id = id;
  e.source = "mes-P100";
  e.ordering_key = "wo:P100/1";
  e.source_sequence = 1;
  return e;
}

ReissuedCopy copy_of(const std::string& original, const std::string& id) {
  return ReissuedCopy{id, original, "mes-P100", "wo:P100/1", sim::kTimeZero};
}

TEST(SourceLog, AReissuedCopyReportsTheFactOfItsOriginal) {
  SourceLog log;
  log.append(event("e1"));
  log.append(event("e2"));
  log.append_reissued_copy(copy_of("e1", "e1-reissued"));
  ASSERT_NE(log.fact_of("e1-reissued"), nullptr);
  EXPECT_EQ(log.fact_of("e1-reissued")->event_id, "e1");
  EXPECT_EQ(log.fact_of("e2")->event_id, "e2");
  EXPECT_EQ(log.fact_of("nobody"), nullptr);
  EXPECT_EQ(log.find("e1-reissued"), nullptr) << "a copy is not an event of its own";
  ASSERT_EQ(log.reissued_copies().size(), 1u);
  EXPECT_EQ(log.reissued_copies()[0].original_id, "e1");
}

TEST(SourceLogDeathTest, ACopyMustRepeatALoggedEventUnderAnIdNobodyUsed) {
  SourceLog log;
  log.append(event("e1"));
  log.append(event("e2"));
  EXPECT_DEATH(log.append_reissued_copy(copy_of("ghost", "ghost-reissued")), "never logged");
  EXPECT_DEATH(log.append_reissued_copy(copy_of("e1", "e2")), "an id a source logged");
  log.append_reissued_copy(copy_of("e1", "e1-reissued"));
  EXPECT_DEATH(log.append_reissued_copy(copy_of("e2", "e1-reissued")), "two reissued copies");
  EXPECT_DEATH(log.append(event("e1-reissued")), "reissued copy's id");
}

}  // namespace
}  // namespace mw::fakes
