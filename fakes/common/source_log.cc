#include "fakes/common/source_log.h"

#include <utility>

#include "sim/check.h"

namespace mw::fakes {

void SourceLog::append(EmittedEvent e) {
  const bool fresh = by_id_.emplace(e.event_id, events_.size()).second;
  MW_CHECK(fresh, "a source logged the same event id twice");
  events_.push_back(std::move(e));
}

void SourceLog::append_conflicting_copy(ConflictingCopy c) {
  MW_CHECK(find(c.event_id) != nullptr, "a conflicting copy of an event that was never logged");
  conflicting_copies_.push_back(std::move(c));
}

const EmittedEvent* SourceLog::find(std::string_view event_id) const {
  const auto it = by_id_.find(event_id);
  return it == by_id_.end() ? nullptr : &events_[it->second];
}

}  // namespace mw::fakes
