// Effects: what a pipeline transaction decided that must reach memory or the network. They are
// collected while the transaction runs and applied only after it commits, so a failed commit
// leaves no trace outside the database (nothing acked, queued or counted).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "middleware/pipeline/work_item.h"

namespace mw::core {

struct Effects {
  std::vector<WorkItem> work;           // new commands and barriers for the Poster
  std::set<std::string> keys_waiting;   // keys that still hold events for a gap
  std::set<std::string> keys_drained;   // keys that hold nothing any more
  std::uint64_t held = 0;
  std::uint64_t no_posting = 0;
  std::map<std::string, std::uint64_t> dead_lettered_by_class;
};

}  // namespace mw::core
