// How the MES turns a canonical envelope into the bytes it sends: its plant's source format,
// UTC posting dates, and the deliberately broken events of malformed_probability.
#pragma once

#include <cstdint>
#include <string>

#include "fakes/common/calendar.h"
#include "middleware/proto/events.pb.h"
#include "middleware/proto/wire.pb.h"

namespace mw::fakes {

// encode_event renders `e` in `format`: CANONICAL_PROTO is the serialized envelope, VENDOR_KV a
// line-controller record (line_controller_format.h).
std::string encode_event(const proto::EventEnvelope& e, proto::SourceFormat format);

enum class MalformedKind {
  kUndecodable,  // bytes the middleware cannot decode: a torn protobuf, a garbled record
  kInvalid,      // decodes, but schema_version 99 fails validation (the id is readable)
};

// malformed_payload renders `e` broken in the way `kind` says, in `format`.
std::string malformed_payload(proto::EventEnvelope e, proto::SourceFormat format,
                              MalformedKind kind);

}  // namespace mw::fakes
