// dead_letter_causes: whether the world explains a dead letter.
//
// A dead letter is a designed outcome only when the world made the event unpostable or its
// source really produced the gap or regression; a middleware that dead-letters good events
// must not pass because "dead-lettered" is a fate. The causes are judged by ground truth (the
// master data, the ERP's own record of what it refused, the sources' sequence numbers) and by
// when the core accepted each event, never by the reason the core wrote.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "fakes/common/source_log.h"
#include "middleware/store/store.h"
#include "properties/oracles/event_fates.h"
#include "properties/oracles/oracle_input.h"

namespace mw::props {

// DeadLetterCauses judges dead letters against the world; `in` and `fates` must outlive it.
class DeadLetterCauses {
 public:
  DeadLetterCauses(const OracleInput& in, const EventFates& fates) : in_(in), fates_(fates) {}

  // unexplained returns "" when the world explains dead letter `dl` of event `e`, else what
  // is wrong with it, in a sentence:
  //     unknown_material, unit_conversion: the master data cannot map one of the event's
  //     quantities (or the ERP itself refused the material);
  //     closed_period, blocked_lot, insufficient_stock, unknown_work_order, invalid_command: the
  //       ERP recorded a rejection of the event with the matching code (invalid_command also when
  //     the master data has no mapping for the event's plant);
  //   sequence_gap: some earlier sequence number of the key had not reached the core when the
  //     gap was declared;
  //   sequence_regression: the core had already accepted an event of the key with a higher
  //     sequence number, or another event with the same one (a reissued copy of this one
  //     included: it carries the same number);
  //   sequence_out_of_range: the source sent the event with a corrupt number.
  std::string unexplained(const fakes::EmittedEvent& e, const core::DeadLetterRow& dl);

 private:
  using BySequence = std::multimap<std::uint64_t, const fakes::EmittedEvent*>;
  // key_events returns the source events of `key` by sequence number (several ids may share
  // one if a source re-used it); the index is built on first use.
  const BySequence& key_events(const std::string& key);
  std::string gap_problem(const fakes::EmittedEvent& e, const core::DeadLetterRow& dl);
  std::string regression_problem(const fakes::EmittedEvent& e);

  const OracleInput& in_;
  const EventFates& fates_;
  std::unique_ptr<std::map<std::string, BySequence>> by_key_;
  // original id -> ids of its reissued copies; built on first use.
  std::unique_ptr<std::multimap<std::string, std::string, std::less<>>> copies_;
};

}  // namespace mw::props
