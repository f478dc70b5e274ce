// Fuzz target: one vendor key=value record (VENDOR_KV), as the MES sends it. Decoding must
// fail with an error or succeed; what it decodes must survive validation without a crash and
// encode back to a record that decodes to the same envelope.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "middleware/ingest/vendor_kv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const auto decoded = mw::core::decode_vendor_kv(payload);
  if (!decoded.is_ok()) return 0;
  const auto again = mw::core::decode_vendor_kv(mw::core::encode_vendor_kv(decoded.value()));
  if (!again.is_ok() || again.value().SerializeAsString() != decoded.value().SerializeAsString())
    __builtin_trap();  // encode_vendor_kv is decode_vendor_kv's inverse (vendor_kv.h)
  return 0;
}
