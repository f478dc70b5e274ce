#include "fakes/common/canonical_event.h"

#include <utility>

#include "fakes/common/calendar.h"
#include "sim/check.h"

namespace mw::fakes {

proto::EventEnvelope canonical_event(const sim::Node& node, std::int64_t epoch_unix_ns,
                                     const std::string& plant, proto::EventType type,
                                     const std::string& ordering_key, std::uint64_t sequence,
                                     const std::string& correlation, const std::string& causation) {
  const std::string event_id = node.name() + ":" + ordering_key + ":" + std::to_string(sequence);
  const std::int64_t unix_ns = epoch_unix_ns + sim::to_nanos(node.now());
  proto::EventEnvelope e;
  e.set_event_id(event_id);
  e.mutable_source()->set_plant(plant);
  e.mutable_source()->set_system(node.name());
  e.set_correlation_id(correlation.empty() ? event_id : correlation);
  e.set_causation_id(causation);
  e.set_event_type(type);
  e.set_schema_version(1);
  e.set_occurred_at_ns(unix_ns);
  e.set_posting_date(utc_date(unix_ns));
  e.set_ordering_key(ordering_key);
  e.set_source_sequence(sequence);
  return e;
}

void log_created(SourceLog& log, const proto::EventEnvelope& e, sim::Time at,
                 std::vector<PhysicalEffect> effects) {
  EmittedEvent logged;
  logged.event_id = e.event_id();
  logged.source = e.source().system();
  logged.plant = e.source().plant();
  logged.type = e.event_type();
  logged.ordering_key = e.ordering_key();
  logged.source_sequence = e.source_sequence();
  logged.created_at = at;
  logged.effects = std::move(effects);
  log.append(std::move(logged));
}

proto::SourceEvent canonical_bytes(const proto::EventEnvelope& e) {
  proto::SourceEvent out;
  out.set_format(proto::CANONICAL_PROTO);
  std::string payload;
  MW_CHECK(e.SerializeToString(&payload), "a canonical event failed to serialize");
  out.set_payload(std::move(payload));
  return out;
}

}  // namespace mw::fakes
