#include "fakes/erp/erp_process.h"

#include <algorithm>
#include <utility>

#include "fakes/common/process_factory.h"
#include "fakes/erp/posting_rules.h"
#include "middleware/proto/wire.pb.h"
#include "sim/check.h"

namespace mw::fakes {
namespace {

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

const char* command_kind(const proto::ErpCommand& c) {
  switch (c.body_case()) {
    case proto::ErpCommand::kGoodsIssue:
      return "goods_issue";
    case proto::ErpCommand::kProductionConfirmation:
      return "production_confirmation";
    case proto::ErpCommand::kGoodsReceipt:
      return "goods_receipt";
    case proto::ErpCommand::kScrap:
      return "scrap";
    case proto::ErpCommand::kTransfer:
      return "transfer";
    case proto::ErpCommand::kAdjustment:
      return "adjustment";
    case proto::ErpCommand::kLotStatusChange:
      return "lot_status_change";
    case proto::ErpCommand::BODY_NOT_SET:
      break;
  }
  return "none";
}

// The reference a request is about, for traces: a command's or a query's.
const std::string& reference_of(const proto::ErpRequest& r) {
  return r.has_query() ? r.query().external_reference() : r.command().external_reference();
}

std::uint32_t ceil_ms(sim::Duration d) {
  const std::int64_t ms = (d.count() + 999'999) / 1'000'000;
  return static_cast<std::uint32_t>(
      std::min<std::int64_t>(std::max<std::int64_t>(ms, 1), UINT32_MAX));
}

}  // namespace

ErpProcess::ErpProcess(sim::Node& node, ErpLedger& ledger, std::shared_ptr<const ErpConfig> config)
    : node_(node),
      ledger_(ledger),
      config_(std::move(config)),
      limiter_(config_->throttle_requests_per_second, config_->throttle_burst),
      latency_rng_(node.rng().fork("erp/latency")),
      fault_rng_(node.rng().fork("erp/faults")) {
  apply_due_period_events();
  arm_next_period_event();
}

void ErpProcess::on_message(sim::NodeId from, std::string_view bytes) {
  proto::Frame frame;
  if (!frame.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      !frame.has_erp_request()) {
    ++ledger_.stats().garbage;
    node_.trace("erp.garbage", {{"from", node_.peer_name(from)}, {"bytes", bytes.size()}});
    return;
  }
  ++ledger_.stats().requests;
  proto::ErpRequest& request = *frame.mutable_erp_request();
  if (is_transport_duplicate(from, request.request_id(), bytes)) {
    ++ledger_.stats().transport_duplicates;
    node_.trace("erp.drop", {{"request", request.request_id()}, {"reason", "transport duplicate"}});
    return;
  }
  if (refused_by_outage(from, request)) return;
  if (const auto wait = limiter_.admit(node_.now())) {
    ++ledger_.stats().throttled;
    reply_transient(from, request, proto::THROTTLED, ceil_ms(*wait));
    return;
  }
  const ErpConfig& c = *config_;
  // Drawn whether or not a slow spell covers now, so that a spell changes no other draw.
  const sim::Duration latency =
      std::max(latency_rng_.lognormal_duration(c.latency_median, c.latency_sigma, c.latency_max),
               slowdown_latency_at(c, node_.now()));
  const std::uint64_t ticket = next_ticket_++;
  in_processing_.emplace(ticket, Pending{from, std::move(request)});
  node_.after(latency, [this, ticket] { finish(ticket); });
}

bool ErpProcess::is_transport_duplicate(sim::NodeId from, std::uint64_t request_id,
                                        std::string_view bytes) {
  if (!config_->ignore_transport_duplicates) return false;
  const Fingerprint fp{from.value, request_id, fnv1a(bytes)};
  if (!seen_.insert(fp).second) return true;
  seen_order_.push_back(fp);
  if (seen_order_.size() > config_->transport_duplicate_memory) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  return false;
}

bool ErpProcess::refused_by_outage(sim::NodeId from, const proto::ErpRequest& request) {
  const ErpOutage* outage = outage_at(*config_, node_.now());
  if (outage == nullptr) return false;
  if (outage->mode == OutageMode::kSilent) {
    ++ledger_.stats().outage_dropped;
    node_.trace("erp.drop", {{"request", request.request_id()}, {"reason", "outage"}});
  } else {
    ++ledger_.stats().outage_unavailable;
    reply_transient(from, request, proto::UNAVAILABLE, 0);
  }
  return true;
}

void ErpProcess::finish(std::uint64_t ticket) {
  auto entry = in_processing_.extract(ticket);
  MW_CHECK(!entry.empty(), "a processing timer fired for an unknown ticket");
  const Pending& p = entry.mapped();
  if (refused_by_outage(p.from, p.request)) return;
  if (fault_rng_.bernoulli(config_->internal_error_probability)) {
    ++ledger_.stats().internal_errors;
    reply_transient(p.from, p.request, proto::INTERNAL_ERROR, 0);
    return;
  }
  apply_due_period_events();
  if (p.request.has_query()) {
    answer_query(p.from, p.request);
  } else {
    answer_command(p.from, p.request);
  }
}

void ErpProcess::answer_query(sim::NodeId from, const proto::ErpRequest& request) {
  ++ledger_.stats().queries;
  const std::string& ref = request.query().external_reference();
  proto::ErpReply out;
  out.set_request_id(request.request_id());
  const Posting* first = ref.empty() ? nullptr : ledger_.first_posting_for(ref);
  auto* result = out.mutable_query_result();
  result->set_found(first != nullptr);
  if (first != nullptr) result->set_document_number(first->document_number);
  node_.trace(
      "erp.query",
      {{"ref", ref}, {"found", first != nullptr ? 1 : 0}, {"doc", result->document_number()}});
  reply(from, out);
}

void ErpProcess::answer_command(sim::NodeId from, const proto::ErpRequest& request) {
  ++ledger_.stats().commands;
  const proto::ErpCommand& cmd = request.command();
  proto::ErpReply out;
  out.set_request_id(request.request_id());

  if (config_->flavor == ErpFlavor::kCloud && !cmd.external_reference().empty()) {
    if (const Posting* first = ledger_.first_posting_for(cmd.external_reference())) {
      ++ledger_.stats().duplicates_absorbed;
      node_.trace("erp.duplicate",
                  {{"ref", cmd.external_reference()}, {"doc", first->document_number}});
      out.mutable_success()->set_document_number(first->document_number);
      out.mutable_success()->set_duplicate(true);
      reply(from, out);
      return;
    }
  }
  if (auto rejection = check_command(ledger_, *config_, cmd)) {
    ++ledger_.stats().rejected[rejection->code()];
    ledger_.record_rejection(cmd.source_event_id(), rejection->code(), node_.now());
    node_.trace("erp.reject", {{"ref", cmd.external_reference()},
                               {"code", proto::RejectionCode_Name(rejection->code())},
                               {"reason", rejection->message()}});
    *out.mutable_rejection() = std::move(*rejection);
    reply(from, out);
    return;
  }
  const Posting& posting = ledger_.commit(cmd, node_.now());
  ++ledger_.stats().posted;
  node_.trace("erp.post", {{"ref", posting.external_reference},
                           {"doc", posting.document_number},
                           {"event", posting.source_event_id},
                           {"seq", posting.sequence},
                           {"kind", command_kind(cmd)}});
  if (fault_rng_.bernoulli(config_->lost_reply_probability)) {
    ++ledger_.stats().lost_replies;
    node_.trace("erp.lost_reply",
                {{"ref", posting.external_reference}, {"doc", posting.document_number}});
    return;
  }
  if (fault_rng_.bernoulli(config_->internal_error_after_commit_probability)) {
    ++ledger_.stats().internal_errors_after_commit;
    node_.trace("erp.internal_error_after_commit",
                {{"ref", posting.external_reference}, {"doc", posting.document_number}});
    reply_transient(from, request, proto::INTERNAL_ERROR, 0);
    return;
  }
  out.mutable_success()->set_document_number(posting.document_number);
  reply(from, out);
}

void ErpProcess::apply_due_period_events() {
  const auto& schedule = config_->period_schedule;
  // The ledger's period history is written only from this schedule, so its length is the
  // number of events applied so far, by this incarnation or an earlier one.
  while (ledger_.period_history().size() < schedule.size() &&
         schedule[ledger_.period_history().size()].at <= node_.now()) {
    const PeriodEvent& e = schedule[ledger_.period_history().size()];
    const bool close = e.action == PeriodAction::kClose;
    ledger_.change_period(e.period, close, node_.now());
    node_.trace("erp.period", {{"period", e.period}, {"action", close ? "close" : "reopen"}});
  }
}

void ErpProcess::arm_next_period_event() {
  const auto& schedule = config_->period_schedule;
  const std::size_t next = ledger_.period_history().size();
  if (next >= schedule.size()) return;
  node_.at(schedule[next].at, [this] {
    apply_due_period_events();
    arm_next_period_event();
  });
}

void ErpProcess::reply(sim::NodeId to, const proto::ErpReply& reply) {
  proto::Frame frame;
  *frame.mutable_erp_reply() = reply;
  std::string bytes;
  MW_CHECK(frame.SerializeToString(&bytes), "an ERP reply failed to serialize");
  node_.send(to, std::move(bytes));
}

void ErpProcess::reply_transient(sim::NodeId to, const proto::ErpRequest& request,
                                 proto::TransientKind kind, std::uint32_t retry_after_ms) {
  node_.trace("erp.transient", {{"request", request.request_id()},
                                {"kind", proto::TransientKind_Name(kind)},
                                {"ref", reference_of(request)}});
  proto::ErpReply out;
  out.set_request_id(request.request_id());
  out.mutable_transient()->set_kind(kind);
  out.mutable_transient()->set_retry_after_ms(retry_after_ms);
  reply(to, out);
}

sim::ProcessFactory make_erp(ErpLedger& ledger, ErpConfig config) {
  require_valid(validate_erp_config(config));
  return process_factory<ErpProcess>(ledger, std::make_shared<const ErpConfig>(std::move(config)));
}

}  // namespace mw::fakes
