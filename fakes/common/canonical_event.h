// Building the canonical events a source system (WMS, quality) creates: the envelope header,
// the ground-truth entry, and the bytes it sends. The MES builds its own, in place, on its hot
// path and in either source format.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fakes/common/source_log.h"
#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "sim/node.h"

namespace mw::fakes {

// canonical_event returns an envelope of `type` with its header filled: id
// "<node>:<ordering_key>:<sequence>", source (plant, node), correlation (the id itself when
// `correlation` is empty), causation, schema version 1, occurred at now, the UTC posting date,
// ordering key and sequence. The caller sets the payload.
proto::EventEnvelope canonical_event(const sim::Node& node, std::int64_t epoch_unix_ns,
                                     const std::string& plant, proto::EventType type,
                                     const std::string& ordering_key, std::uint64_t sequence,
                                     const std::string& correlation, const std::string& causation);

// log_created records `e` in `log` as created at `at`, with its physical `effects`.
void log_created(SourceLog& log, const proto::EventEnvelope& e, sim::Time at,
                 std::vector<PhysicalEffect> effects = {});

// canonical_bytes returns `e` as a SourceEvent in the CANONICAL_PROTO format.
proto::SourceEvent canonical_bytes(const proto::EventEnvelope& e);

}  // namespace mw::fakes
