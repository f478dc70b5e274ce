// Decoding at ingest: from the bytes a plant sent (a SourceEvent) to a canonical EventEnvelope,
// whatever the plant's format. Decoding checks the form of an event, not its meaning: the
// result still goes through validate_envelope.
//
// Every failure is ErrorKind::kMalformed: the event can never be processed as sent, so the
// caller quarantines the raw bytes with the reason and does not ask the sender to resend.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"
#include "middleware/proto_util.h"
#include "middleware/result.h"

namespace mw::core {

// decode_source_event decodes `raw` according to its format. A payload larger than
// `max_event_bytes` is refused before it is looked at ("event of N bytes exceeds the limit of
// M"); callers pass the configured limit (IngestConfig.max_event_bytes after defaults).
// CANONICAL_PROTO must parse as an EventEnvelope and hold no field this schema does not know
// or with a wire type other than the schema's; VENDOR_KV goes through decode_vendor_kv; any
// other format is refused. Safe on arbitrary bytes; work is linear in the payload size.
Result<proto::EventEnvelope> decode_source_event(const proto::SourceEvent& raw,
                                                 std::uint32_t max_event_bytes);

// payload_hash returns a stable 64-bit hash of `e`, as 16 lowercase hex digits: FNV-1a 64
// over the deterministic serialization of `e`. The dedup inbox keeps it with each event id to
// detect an id reused with a different payload. It must never change for a given envelope:
// stored hashes are compared with it across restarts and upgrades.
std::string payload_hash(const proto::EventEnvelope& e);
// payload_hash_of_bytes is payload_hash for bytes that already are the deterministic
// serialization of an envelope (the core stores those bytes too, so it serializes once).
std::string payload_hash_of_bytes(std::string_view deterministic_bytes);

}  // namespace mw::core
