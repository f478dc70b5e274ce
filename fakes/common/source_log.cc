#include "fakes/common/source_log.h"

#include <utility>

#include "sim/check.h"

namespace mw::fakes {

void SourceLog::append(EmittedEvent e) {
  const bool fresh = by_id_.emplace(e.event_id, events_.size()).second;
  MW_CHECK(fresh, "a source logged the same event id twice");
  MW_CHECK(!original_by_copy_.contains(e.event_id), "an event logged under a reissued copy's id");
  events_.push_back(std::move(e));
}

void SourceLog::append_conflicting_copy(ConflictingCopy c) {
  MW_CHECK(find(c.event_id) != nullptr, "a conflicting copy of an event that was never logged");
  conflicting_copies_.push_back(std::move(c));
}

void SourceLog::append_reissued_copy(ReissuedCopy c) {
  const auto original = by_id_.find(c.original_id);
  MW_CHECK(original != by_id_.end(), "a reissued copy of an event that was never logged");
  MW_CHECK(find(c.event_id) == nullptr, "a reissued copy under an id a source logged");
  const bool fresh = original_by_copy_.emplace(c.event_id, original->second).second;
  MW_CHECK(fresh, "two reissued copies under one id");
  reissued_copies_.push_back(std::move(c));
}

const EmittedEvent* SourceLog::fact_of(std::string_view event_id) const {
  if (const EmittedEvent* e = find(event_id)) return e;
  const auto it = original_by_copy_.find(event_id);
  return it == original_by_copy_.end() ? nullptr : &events_[it->second];
}

const EmittedEvent* SourceLog::find(std::string_view event_id) const {
  const auto it = by_id_.find(event_id);
  return it == by_id_.end() ? nullptr : &events_[it->second];
}

}  // namespace mw::fakes
