#include "fakes/mes/event_encoding.h"

#include <cstdio>

#include "fakes/mes/line_controller_format.h"
#include "sim/check.h"

namespace mw::fakes {

std::string encode_event(const proto::EventEnvelope& e, proto::SourceFormat format) {
  if (format == proto::VENDOR_KV) return encode_line_controller(e);
  std::string out;
  MW_CHECK(e.SerializeToString(&out), "an MES event failed to serialize");
  return out;
}

std::string malformed_payload(proto::EventEnvelope e, proto::SourceFormat format,
                              MalformedKind kind) {
  if (kind == MalformedKind::kInvalid) {
    e.set_schema_version(99);
    return encode_event(e, format);
  }
  std::string out = encode_event(e, format);
  if (format == proto::VENDOR_KV) return out + "|GARBLED";  // a field without '='
  // The payload message is the envelope's last field and never empty: without its last byte
  // its length prefix runs past the end, so the bytes no longer parse.
  MW_CHECK(e.payload_case() != proto::EventEnvelope::PAYLOAD_NOT_SET && !out.empty(),
           "a torn event needs a payload to tear");
  out.pop_back();
  return out;
}

}  // namespace mw::fakes
