#include "scenarios/model/edge_model.h"

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {

void read_edge_model(const model::Edge& m, const FieldReader& r, fakes::EdgeConfig& c) {
  c.max_batch_events = r.count("max_batch_events", m.max_batch_events(),
                               static_cast<std::uint32_t>(c.max_batch_events), 10'000);
  c.max_batches_in_flight = r.count("max_batches_in_flight", m.max_batches_in_flight(),
                                    static_cast<std::uint32_t>(c.max_batches_in_flight), 1'000);
  c.flush_interval = r.duration("flush_interval", m.flush_interval(), c.flush_interval);
  c.resend_after = r.duration("resend_after", m.resend_after(), c.resend_after);
  c.reopen_interval = r.duration("reopen_interval", m.reopen_interval(), c.reopen_interval);
  c.max_backlog_events = r.count("max_backlog_events", m.max_backlog_events(),
                                 static_cast<std::uint32_t>(c.max_backlog_events), 100'000'000);
  c.dedup_memory =
      r.duration("dedup_memory", m.dedup_memory(), c.dedup_memory, /*allow_zero=*/true);
}

model::Edge effective_edge_model(const fakes::EdgeConfig& c) {
  model::Edge m;
  m.set_max_batch_events(static_cast<std::uint32_t>(c.max_batch_events));
  m.set_max_batches_in_flight(static_cast<std::uint32_t>(c.max_batches_in_flight));
  m.set_flush_interval(format_duration_text(c.flush_interval));
  m.set_resend_after(format_duration_text(c.resend_after));
  m.set_reopen_interval(format_duration_text(c.reopen_interval));
  m.set_max_backlog_events(static_cast<std::uint32_t>(c.max_backlog_events));
  m.set_dedup_memory(format_duration_text(c.dedup_memory));
  return m;
}

}  // namespace mw::scen
