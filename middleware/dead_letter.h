// Dead-letter classes: why an event that was valid input cannot be posted. Each class tells an
// operator what to fix before a replay (master data, the ERP period, the lot) or whether to
// discard.
#pragma once

#include <optional>
#include <string_view>

namespace mw::core {

enum class DeadLetterClass {
  kUnknownMaterial,      // no mapping from the plant material to an ERP material
  kUnitConversion,       // no conversion from the event's unit to the material's base unit
  kClosedPeriod,         // ERP: the posting period is closed
  kBlockedLot,           // ERP: the lot is blocked or on quality hold
  kInsufficientStock,    // ERP: the posting would make stock negative
  kUnknownWorkOrder,     // ERP: the work order does not exist or is closed
  kInvalidCommand,       // ERP: rejected the command as invalid
  kSequenceGap,          // the sequencer gave up waiting for a missing sequence number
  kSequenceRegression,   // a new event id with a sequence number the key already passed
  kSequenceOutOfRange,   // a sequence number max_sequence_jump or more ahead of its key
};

// parks_its_key tells whether a dead letter of class `c` holds back the later events of its
// key until it is replayed or discarded. A regression or an out-of-range number does not:
// the key has passed it, or will never reach it.
bool parks_its_key(DeadLetterClass c);
bool parks_its_key(std::string_view c);

std::string_view to_string(DeadLetterClass c);
std::optional<DeadLetterClass> dead_letter_class_from_string(std::string_view s);

}  // namespace mw::core
