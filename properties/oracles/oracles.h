// The six oracles, checked at the end of every run (see properties/README.md for what each
// one guarantees and why). Each returns a Verdict naming every violation it found.
#pragma once

#include <vector>

#include "properties/oracles/event_fates.h"
#include "properties/oracles/oracle_input.h"
#include "properties/oracles/verdict.h"
#include "sim/id_index.h"

namespace mw::props {

// 1. No loss: every event a source created is posted, done without a posting, dead-lettered
//    or quarantined with a reason, or held behind a parked dead letter of its key; none is
//    still in flight, none was never accepted.
Verdict check_no_loss(const OracleInput& in, const EventFates& fates);
// 2. Exactly once: no source event has more than one ERP posting; dead-lettered, discarded and
//    quarantined events have none; every ERP posting belongs to an event a source created.
Verdict check_exactly_once(const OracleInput& in, const EventFates& fates);
// 3. Sequencing: per ordering key, the ERP committed the events' first postings in source
//    sequence order, and nothing of a key was posted past a parked dead letter of that key.
//    Postings of the ids in `exempt` are not judged: the operator phase exempts replayed sequence
//    regressions, whose order a gap-skipping design gave up on purpose.
Verdict check_sequencing(const OracleInput& in, const EventFates& fates,
                         const sim::IdSet* exempt = nullptr);
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

// 7. Operator phase: judged on the world after the operator's Monday morning (every cause the
//    world made undone: periods reopened, lots released; every parked dead letter replayed;
//    drained again). `after` is the state then. Every event a source created, unless it was
//    malformed on purpose, is now posted exactly once (or done without a posting), the world
//    drained, and exactly_once, sequencing, conservation and downstream hold on the final books.
//    This is where a dead letter or a parked key that hid a bug shows.
Verdict check_operator_phase(const OracleInput& after);

}  // namespace mw::props
