#include "middleware/config_defaults.h"

#include <google/protobuf/text_format.h>

namespace mw::core {
namespace {

template <typename Msg, typename Get, typename Set>
void default_to(Msg* m, Get get, Set set, std::uint32_t value) {
  if ((m->*get)() == 0) (m->*set)(value);
}

}  // namespace

proto::Config with_defaults(proto::Config c) {
  auto* in = c.mutable_ingest();
  default_to(in, &proto::IngestConfig::max_event_bytes, &proto::IngestConfig::set_max_event_bytes, 65536);
  default_to(in, &proto::IngestConfig::max_batch_events, &proto::IngestConfig::set_max_batch_events, 500);
  default_to(in, &proto::IngestConfig::dedup_retention_days, &proto::IngestConfig::set_dedup_retention_days, 30);
  auto* sq = c.mutable_sequencer();
  default_to(sq, &proto::SequencerConfig::gap_timeout_ms, &proto::SequencerConfig::set_gap_timeout_ms, 60000);
  if (sq->gap_policy() == proto::GAP_POLICY_UNSPECIFIED) sq->set_gap_policy(proto::HOLD);
  auto* p = c.mutable_poster();
  default_to(p, &proto::PosterConfig::request_timeout_ms, &proto::PosterConfig::set_request_timeout_ms, 10000);
  default_to(p, &proto::PosterConfig::backoff_initial_ms, &proto::PosterConfig::set_backoff_initial_ms, 200);
  default_to(p, &proto::PosterConfig::backoff_max_ms, &proto::PosterConfig::set_backoff_max_ms, 60000);
  default_to(p, &proto::PosterConfig::backoff_multiplier_percent, &proto::PosterConfig::set_backoff_multiplier_percent, 200);
  default_to(p, &proto::PosterConfig::backoff_jitter_percent, &proto::PosterConfig::set_backoff_jitter_percent, 50);
  default_to(p, &proto::PosterConfig::rate_limit_per_s, &proto::PosterConfig::set_rate_limit_per_s, 50);
  default_to(p, &proto::PosterConfig::rate_limit_burst, &proto::PosterConfig::set_rate_limit_burst, 20);
  default_to(p, &proto::PosterConfig::max_in_flight, &proto::PosterConfig::set_max_in_flight, 32);
  default_to(p, &proto::PosterConfig::breaker_failure_threshold, &proto::PosterConfig::set_breaker_failure_threshold, 5);
  default_to(p, &proto::PosterConfig::breaker_open_ms, &proto::PosterConfig::set_breaker_open_ms, 30000);
  auto* pub = c.mutable_publisher();
  default_to(pub, &proto::PublisherConfig::retry_ms, &proto::PublisherConfig::set_retry_ms, 2000);
  default_to(pub, &proto::PublisherConfig::max_in_flight, &proto::PublisherConfig::set_max_in_flight, 64);
  default_to(pub, &proto::PublisherConfig::ack_record_delay_ms, &proto::PublisherConfig::set_ack_record_delay_ms, 1000);
  if (c.erp_endpoint().empty()) c.set_erp_endpoint("erp");
  return c;
}

std::string describe_config(const proto::Config& config) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetPrintMessageFieldsInIndexOrder(true);
  std::string out;
  printer.PrintToString(config, &out);
  return out;
}

}  // namespace mw::core
