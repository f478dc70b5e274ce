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
  // A key's last word wins: a gap that opens and closes within one transaction ends drained.
  std::set<std::string> keys_waiting;   // keys that still hold events for a gap
  std::set<std::string> keys_drained;   // keys that hold nothing any more
  void mark_waiting(const std::string& key) {
    keys_drained.erase(key);
    keys_waiting.insert(key);
  }
  void mark_drained(const std::string& key) {
    keys_waiting.erase(key);
    keys_drained.insert(key);
  }
  std::uint64_t held = 0;
  std::uint64_t no_posting = 0;
  std::map<std::string, std::uint64_t> dead_lettered_by_class;
};

}  // namespace mw::core
