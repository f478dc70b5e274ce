// ErpProcess: the simulated ERP on a sim node, behind the business API of erp.proto.
//
// It receives wire Frames carrying an ErpRequest and answers the sender with a Frame carrying
// the ErpReply for the same request_id. Anything else (bytes that do not parse, frames of other
// kinds) is counted as garbage, traced and otherwise ignored.
//
// Life of a request (the knobs are in erp_config.h):
//   - On arrival, an outage may answer UNAVAILABLE at once or drop it; the rate limit may
//     answer THROTTLED with retry_after_ms. Neither touches the books.
//   - Otherwise the request is in processing for a drawn latency. At the end of it, and only
//     then, the ERP decides and commits in one step: outage, random INTERNAL_ERROR, due period
//     closes and reopens, idempotency (cloud flavor), the posting rules (posting_rules.h), the
//     commit to the ledger, and the reply. A reply never contradicts the ledger: success means
//     committed in that very step; a rejection or transient failure means nothing was posted.
//     A lost reply (lost_reply_probability) means committed and silent; a 500 after the
//     commit (internal_error_after_commit_probability) means committed and answered
//     INTERNAL_ERROR, the one transient failure that is not "nothing posted".
//   - A crash of the node ends the incarnation and its timers: requests in processing are lost
//     without a posting and without a reply. The ledger keeps every earlier commit.
//   - A query (QueryByReference) is decided at the end of its latency too: found, with the
//     document of the first posting carrying the reference.
//
// Traces (node.trace): "erp.post" (ref, doc, event, seq, kind), "erp.duplicate" (ref, doc),
// "erp.reject" (ref, code, reason), "erp.transient" (request, kind, ref), "erp.lost_reply"
// (ref, doc), "erp.internal_error_after_commit" (ref, doc), "erp.drop" (request, reason), "erp.query" (ref, found, doc), "erp.period"
// (period, action), "erp.garbage" (from, bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "fakes/erp/erp_config.h"
#include "fakes/erp/erp_stats.h"
#include "fakes/erp/ledger.h"
#include "fakes/erp/rate_limiter.h"
#include "middleware/proto/erp.pb.h"
#include "sim/node.h"
#include "sim/rng.h"

namespace mw::fakes {

class ErpProcess final : public sim::Process {
 public:
  // ErpProcess runs on `node` with the books `ledger` (which must outlive it) and `config`
  // (shared with the factory; it must be valid, see validate_erp_config). It applies period
  // events already due and arms a timer for the next one.
  ErpProcess(sim::Node& node, ErpLedger& ledger, std::shared_ptr<const ErpConfig> config);

  void on_message(sim::NodeId from, std::string_view bytes) override;

  // stats returns the ERP's counters, kept in the ledger across incarnations.
  const ErpStats& stats() const { return ledger_.stats(); }
  // in_processing returns the number of requests waiting for the end of their latency.
  std::size_t in_processing() const { return in_processing_.size(); }

 private:
  struct Pending {
    sim::NodeId from;
    proto::ErpRequest request;
  };

  bool is_transport_duplicate(sim::NodeId from, std::uint64_t request_id, std::string_view bytes);
  // refused_by_outage answers or drops `request` if an outage covers now; true if it did.
  bool refused_by_outage(sim::NodeId from, const proto::ErpRequest& request);
  void finish(std::uint64_t ticket);
  void answer_query(sim::NodeId from, const proto::ErpRequest& request);
  void answer_command(sim::NodeId from, const proto::ErpRequest& request);
  void apply_due_period_events();
  void arm_next_period_event();
  void reply(sim::NodeId to, const proto::ErpReply& reply);
  void reply_transient(sim::NodeId to, const proto::ErpRequest& request, proto::TransientKind kind,
                       std::uint32_t retry_after_ms);

  sim::Node& node_;
  ErpLedger& ledger_;
  std::shared_ptr<const ErpConfig> config_;
  RateLimiter limiter_;
  sim::Rng latency_rng_;
  sim::Rng fault_rng_;
  std::uint64_t next_ticket_ = 1;
  std::map<std::uint64_t, Pending> in_processing_;  // by ticket, in arrival order
  // Transport duplicate memory: (sender, request_id, bytes digest), oldest first.
  using Fingerprint = std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>;
  std::set<Fingerprint> seen_;
  std::deque<Fingerprint> seen_order_;
};

// make_erp returns the factory of an ERP node whose books are `ledger` (which must outlive the
// Simulation) and whose knobs are `config`. It stops the run (MW_CHECK) with the list of
// problems if `config` is invalid.
sim::ProcessFactory make_erp(ErpLedger& ledger, ErpConfig config);

}  // namespace mw::fakes
