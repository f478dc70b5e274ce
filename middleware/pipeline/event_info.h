// Small facts about canonical events that several steps need.
#pragma once

#include <string_view>

#include "middleware/proto/events.pb.h"

namespace mw::core {

// domain_of names the business domain of an event type, for backlog metrics by plant and
// domain: "production", "inventory" or "procurement".
std::string_view domain_of(proto::EventType type);

}  // namespace mw::core
