// Protobuf helpers shared by the core.
//
// Anything the core hashes, compares or stores byte for byte (the dedup inbox's payload hash,
// outbox rows, trace digests) must use deterministic serialization, so that equal messages give
// equal bytes in every run and on every machine of the same protobuf version.
#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message_lite.h>

#include <string>

namespace mw::core {

// serialize_deterministic returns the wire bytes of `message` with deterministic serialization
// switched on (map entries sorted by key; unknown fields kept in the order they were parsed).
inline std::string serialize_deterministic(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializePartialToCodedStream(&coded);
  }  // `coded` flushes into `out` when it goes out of scope
  return out;
}

}  // namespace mw::core
