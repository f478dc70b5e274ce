// The six oracles, checked at the end of every run (see properties/README.md for what each
// one guarantees and why). Each returns a Verdict naming every violation it found.
#pragma once

#include <vector>

#include "properties/oracles/event_fates.h"
#include "properties/oracles/oracle_input.h"
#include "properties/oracles/verdict.h"

namespace mw::props {

// 1. No loss: every event a source created is posted, done without a posting, dead-lettered
//    or quarantined with a reason, or held behind a parked dead letter of its key; none is
//    still in flight, none was never accepted.
Verdict check_no_loss(const OracleInput& in, const EventFates& fates);
// 2. Exactly once: no source event has more than one ERP posting; dead-lettered, discarded and
//    quarantined events have none; every ERP posting belongs to an event a source created.
Verdict check_exactly_once(const OracleInput& in, const EventFates& fates);
// 3. Sequencing: per ordering key, the ERP committed the events' first postings in source
//    sequence order.
Verdict check_sequencing(const OracleInput& in);
// 4. Conservation: ERP stock per plant, material and lot, minus the opening stock, equals the
//    physical effects of the events that are booked (not dead-lettered, discarded or
//    quarantined), mapped to ERP plant, material and base unit with the world's master data.
Verdict check_conservation(const OracleInput& in, const EventFates& fates);
// 5. Downstream: each subscriber applied every notification of every posted event exactly
//    once, in per-key sequence order 1, 2, 3, ..., reported no anomaly, and the core has none
//    left unacknowledged.
Verdict check_downstream(const OracleInput& in, const EventFates& fates);
// 6. Liveness: after the last fault, the world drained (nothing in flight anywhere) within the
//    scenario's bound.
Verdict check_liveness(const OracleInput& in);

// check_all runs the six oracles in the order above.
std::vector<Verdict> check_all(const OracleInput& in);

}  // namespace mw::props
