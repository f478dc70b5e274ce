// WorkItem: one entry of an ordering key's posting queue in the Poster.
//
// An item is either an ERP command to post, or a barrier: a dead letter that parks every later
// item of its key until an operator replays or discards it.
#pragma once

#include <cstdint>
#include <string>

#include "middleware/clock.h"
#include "middleware/proto/erp.pb.h"
#include "middleware/store/store.h"

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

// work_item_for builds the item of the event in `row`: a command, or a barrier when `command`
// is null.
inline WorkItem work_item_for(const EventRow& row, const proto::ErpCommand* command) {
  return WorkItem{row.id,    row.event_id, row.ordering_key,   row.sequence,
                  row.plant, row.domain,   command == nullptr, command != nullptr ? *command : proto::ErpCommand{},
                  from_unix_nanos(row.received_ns)};
}

}  // namespace mw::core
