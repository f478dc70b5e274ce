// WorkItem: one entry of an ordering key's posting queue in the Poster.
//
// An item is either an ERP command to post, or a barrier: a dead letter that parks every later
// item of its key until an operator replays or discards it.
#pragma once

#include <cstdint>
#include <string>

#include "middleware/clock.h"
#include "middleware/proto/erp.pb.h"

namespace mw::core {

struct WorkItem {
  std::int64_t event_row = 0;
  std::string event_id;
  std::string ordering_key;
  std::int64_t sequence = 0;
  std::string plant;
  std::string domain;
  bool barrier = false;
  proto::ErpCommand command;  // empty for a barrier
  Instant received_at{};
};

}  // namespace mw::core
