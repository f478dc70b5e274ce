#include "middleware/ingest/decode.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

#include <unordered_map>
#include <vector>

#include "middleware/ingest/vendor_kv.h"

namespace mw::core {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::OneofDescriptor;
using google::protobuf::UnknownField;

const char* wire_type_name(UnknownField::Type t) {
  switch (t) {
    case UnknownField::TYPE_VARINT:
      return "varint";
    case UnknownField::TYPE_FIXED32:
      return "fixed32";
    case UnknownField::TYPE_FIXED64:
      return "fixed64";
    case UnknownField::TYPE_LENGTH_DELIMITED:
      return "length-delimited";
    case UnknownField::TYPE_GROUP:
      return "group";
  }
  return "unknown";
}

const char* expected_wire_type(const FieldDescriptor& f) {
  switch (f.type()) {
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
      return "fixed64";
    case FieldDescriptor::TYPE_FLOAT:
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
      return "fixed32";
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE:
      return "length-delimited";
    case FieldDescriptor::TYPE_GROUP:
      return "group";
    default:
      return "varint";
  }
}

// NestedFields lists where messages of one type can hold other messages, so that the quick
// unknown-field test asks one question per oneof (which member is set) instead of one per
// member: the envelope's payload is a oneof of 13 messages.
struct NestedFields {
  std::vector<const FieldDescriptor*> singular;  // not in a oneof
  std::vector<const FieldDescriptor*> repeated;
  std::vector<const OneofDescriptor*> oneofs;  // those with a message member
};

NestedFields nested_fields_of(const Descriptor* d) {
  NestedFields n;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      n.repeated.push_back(f);
    } else if (const OneofDescriptor* o = f->real_containing_oneof()) {
      if (n.oneofs.empty() || n.oneofs.back() != o) n.oneofs.push_back(o);
    } else {
      n.singular.push_back(f);
    }
  }
  return n;
}

// The lists of every type an EventEnvelope can contain, built once (thread-safe static
// initialisation) and read-only afterwards, so that concurrent worlds share them.
const std::unordered_map<const Descriptor*, NestedFields>& envelope_types() {
  static const std::unordered_map<const Descriptor*, NestedFields> types = [] {
    std::unordered_map<const Descriptor*, NestedFields> out;
    std::vector<const Descriptor*> todo{proto::EventEnvelope::descriptor()};
    while (!todo.empty()) {
      const Descriptor* d = todo.back();
      todo.pop_back();
      if (out.count(d) != 0) continue;
      for (int i = 0; i < d->field_count(); ++i) {
        if (d->field(i)->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          todo.push_back(d->field(i)->message_type());
        }
      }
      out.emplace(d, nested_fields_of(d));
    }
    return out;
  }();
  return types;
}

// has_unknown_field is the quick test that runs on every event; first_unknown_field, which
// builds field paths as it goes, runs only when it finds one.
bool has_unknown_field(const google::protobuf::Message& m) {
  const google::protobuf::Reflection* r = m.GetReflection();
  if (r->GetUnknownFields(m).field_count() > 0) return true;
  const auto& types = envelope_types();
  const auto it = types.find(m.GetDescriptor());
  const NestedFields computed =
      it == types.end() ? nested_fields_of(m.GetDescriptor()) : NestedFields{};
  const NestedFields& nested = it == types.end() ? computed : it->second;
  for (const FieldDescriptor* f : nested.singular) {
    if (r->HasField(m, f) && has_unknown_field(r->GetMessage(m, f))) return true;
  }
  for (const OneofDescriptor* o : nested.oneofs) {
    const FieldDescriptor* f = r->GetOneofFieldDescriptor(m, o);
    if (f != nullptr && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        has_unknown_field(r->GetMessage(m, f))) {
      return true;
    }
  }
  for (const FieldDescriptor* f : nested.repeated) {
    for (int j = 0; j < r->FieldSize(m, f); ++j) {
      if (has_unknown_field(r->GetRepeatedMessage(m, f, j))) return true;
    }
  }
  return false;
}

// first_unknown_field describes the first field of `m` (searched depth first, `path` naming
// `m`) that the parser could not place: a known field number sent with the wrong wire type,
// or a number this schema does not have. Proto3 parsing keeps both as unknown fields instead
// of failing, which would otherwise drop the data silently.
std::string first_unknown_field(const google::protobuf::Message& m, const std::string& path) {
  const google::protobuf::Reflection* r = m.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = r->GetUnknownFields(m);
  if (unknown.field_count() > 0) {
    const UnknownField& u = unknown.field(0);
    const FieldDescriptor* f = m.GetDescriptor()->FindFieldByNumber(u.number());
    if (f != nullptr) {
      return "field " + path + f->name() + " (number " + std::to_string(u.number()) +
             ") has wire type " + wire_type_name(u.type()) + "; its type needs " +
             expected_wire_type(*f);
    }
    return "unknown field number " + std::to_string(u.number()) + " in " +
           (path.empty() ? std::string("the envelope") : path.substr(0, path.size() - 1)) + " (" +
           m.GetDescriptor()->full_name() + ")";
  }
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!f->is_repeated()) {
      std::string found = first_unknown_field(r->GetMessage(m, f), path + f->name() + ".");
      if (!found.empty()) return found;
      continue;
    }
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      std::string found = first_unknown_field(r->GetRepeatedMessage(m, f, i),
                                              path + f->name() + "[" + std::to_string(i) + "].");
      if (!found.empty()) return found;
    }
  }
  return "";
}

Result<proto::EventEnvelope> decode_canonical(const std::string& payload) {
  proto::EventEnvelope e;
  if (!e.ParseFromString(payload)) {
    return malformed("not a valid EventEnvelope protobuf (" + std::to_string(payload.size()) +
                     " bytes): truncated, corrupt, or a string field that is not UTF-8");
  }
  if (has_unknown_field(e))
    return malformed("not a valid EventEnvelope protobuf: " + first_unknown_field(e, ""));
  return e;
}

}  // namespace

Result<proto::EventEnvelope> decode_source_event(const proto::SourceEvent& raw,
                                                 std::uint32_t max_event_bytes) {
  const std::string& payload = raw.payload();
  if (payload.size() > max_event_bytes) {
    return malformed("event of " + std::to_string(payload.size()) + " bytes exceeds the limit of " +
                     std::to_string(max_event_bytes));
  }
  switch (raw.format()) {
    case proto::CANONICAL_PROTO:
      return decode_canonical(payload);
    case proto::VENDOR_KV:
      return decode_vendor_kv(payload);
    default:
      return malformed("source format " + std::to_string(static_cast<int>(raw.format())) +
                       " is not supported (expected CANONICAL_PROTO or VENDOR_KV)");
  }
}

std::string payload_hash(const proto::EventEnvelope& e) {
  return payload_hash_of_bytes(serialize_deterministic(e));
}

std::string payload_hash_of_bytes(std::string_view deterministic_bytes) {
  constexpr std::uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t h = kOffsetBasis;
  for (char c : deterministic_bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kPrime;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[i] = kDigits[h & 15];
  return out;
}

}  // namespace mw::core
