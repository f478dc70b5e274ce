#include "fakes/mes/event_encoding.h"

#include <cstdio>

#include "fakes/mes/line_controller_format.h"
#include "sim/check.h"

namespace mw::fakes {

std::string utc_date(std::int64_t unix_ns) {
  MW_CHECK(unix_ns >= 0, "utc_date needs a time after 1970");
  // Howard Hinnant's civil_from_days, for days since 1970-01-01.
  const std::int64_t z = unix_ns / 86400000000000LL + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char out[24];
  std::snprintf(out, sizeof out, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  return out;
}

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
