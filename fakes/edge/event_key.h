// The edge's view of an event it carries: its id, read without decoding the rest, and a hash of
// its bytes. Together they are the key the edge deduplicates on.
//
// Why both: the MES resends an event with its id and identical bytes, so (id, bytes hash)
// recognises every resend and duplicate emission. Keying on the id alone would let the edge
// swallow a second event that reuses an id with other bytes, which the middleware must see to
// quarantine as a conflict; keying on the bytes alone could not name the event in the Ack the
// MES needs. An event whose id cannot be read is keyed by its hash alone (id "").
//
// The readers accept arbitrary bytes, never throw, and are linear in the payload's size; they
// link nothing of the middleware core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "middleware/proto/wire.pb.h"

namespace mw::fakes {

// peek_event_id returns the event id of `payload` sent in `format`, or nullopt when it has none
// the edge can read: for CANONICAL_PROTO, the last occurrence of field 1 (event_id) of the
// serialized EventEnvelope, scanning the wire format up to the first malformed tag; for
// VENDOR_KV, the percent-decoded value of the first MSGID key. An empty id, or one that is not
// valid UTF-8, is unreadable (a proto3 string field could not carry it in an Ack).
std::optional<std::string> peek_event_id(proto::SourceFormat format, std::string_view payload);

// event_hash is FNV-1a 64 over the format's value (4 bytes, little-endian) and then the
// payload bytes: the same on every platform and in every run.
std::uint64_t event_hash(proto::SourceFormat format, std::string_view payload);

}  // namespace mw::fakes
