// ErpConfig: every knob of the simulated ERP, in one struct.
//
// A request goes through these stages, and each knob acts at one of them:
//   on arrival       a network copy of a request already received is ignored
//                    (ignore_transport_duplicates); an outage window answers UNAVAILABLE at
//                    once or drops the request (outages); the rate limit answers THROTTLED
//                    with a retry-after (throttle_*).
//   processing       the request waits a lognormal processing time (latency_*), at least the
//                    latency of a slow spell covering its arrival (slowdowns); a crash of the
//                    ERP node during it loses the request: no posting, no reply.
//   end of latency   an outage window now also applies; a random 500 answers INTERNAL_ERROR
//                    and posts nothing (internal_error_probability); then the business decision
//                    and the commit happen together, at this instant: idempotency (flavor),
//                    checks (period schedule, allow_negative_stock, known_materials, lot
//                    status), commit; finally a committed posting may lose its reply
//                    (lost_reply_probability) or be answered INTERNAL_ERROR all the same
//                    (internal_error_after_commit_probability).
// Durations and times are simulated time; probabilities are in [0, 1]. Defaults describe a
// healthy cloud ERP with a 50 ms median processing time and no faults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/time.h"

namespace mw::fakes {

enum class ErpFlavor {
  // kCloud honours idempotency keys: a command whose external_reference is already posted gets
  // ErpSuccess{the first document, duplicate = true} and posts nothing.
  kCloud,
  // kLegacy has no idempotency keys: a repeated command posts again, under a new document.
  kLegacy,
};

enum class OutageMode {
  kUnavailable,  // every request is answered TransientFailure UNAVAILABLE, immediately
  kSilent,       // every request is dropped without a reply (a hung or unreachable ERP)
};

// ErpOutage: the ERP is out during [start, start + duration).
struct ErpOutage {
  sim::Time start{};
  sim::Duration duration{};
  OutageMode mode = OutageMode::kUnavailable;
};

// ErpSlowdown: during [start, start + duration) every request that arrives takes at least
// `latency` to process (a month-end batch run holding the ERP's locks, a database failover).
struct ErpSlowdown {
  sim::Time start{};
  sim::Duration duration{};
  sim::Duration latency{};
};

enum class PeriodAction { kClose, kReopen };

// PeriodEvent: at time `at`, the ERP's accountants close or reopen posting period `period`
// ("YYYY-MM"). A period closed from the start is a kClose at kTimeZero.
struct PeriodEvent {
  sim::Time at{};
  std::string period;
  PeriodAction action = PeriodAction::kClose;
};

struct ErpConfig {
  ErpFlavor flavor = ErpFlavor::kCloud;

  // Processing time of every request that is not refused on arrival:
  // latency_median * e^(latency_sigma * N(0,1)), at most latency_max. Sigma 0 makes it constant.
  sim::Duration latency_median = sim::milliseconds(50);
  double latency_sigma = 0.5;
  sim::Duration latency_max = sim::seconds(30);

  // Rate limit on arrival (an API gateway's 429), typical of cloud ERPs but honoured in either
  // flavor: throttle_requests_per_second sustained, bursts of up to throttle_burst requests.
  // A refused request gets THROTTLED with retry_after_ms, the wait until it would be admitted.
  // A rate of 0 disables throttling.
  std::uint32_t throttle_requests_per_second = 0;
  std::uint32_t throttle_burst = 1;

  // Random faults at the end of processing.
  double internal_error_probability = 0;  // 500: INTERNAL_ERROR, nothing posted
  double lost_reply_probability = 0;      // committed, then the reply is never sent
  // committed, then answered 500 INTERNAL_ERROR (a step after the commit failed, as real ERPs
  // do): a 500 does not prove that nothing was posted.
  double internal_error_after_commit_probability = 0;

  // Outage windows, in any order; where they overlap, the first listed one decides the mode.
  std::vector<ErpOutage> outages;

  // Slow spells, in any order; where they overlap, the slowest one decides.
  std::vector<ErpSlowdown> slowdowns;

  // Closes and reopens of posting periods, in non-decreasing time order. The ERP applies each
  // event at its time, even across its own crashes (the books are in the ledger).
  std::vector<PeriodEvent> period_schedule;

  // When false, a command that would leave any stock balance negative is rejected
  // INSUFFICIENT_STOCK and posts nothing.
  bool allow_negative_stock = false;

  // Materials the ERP knows; a command naming another is rejected UNKNOWN_MATERIAL. Empty means
  // every material is known.
  std::set<std::string> known_materials;

  // An HTTP ERP never sees the network's duplicated packets. When true, a request that is a
  // byte-identical copy (same sender, request_id and bytes) of one among the last
  // transport_duplicate_memory requests of this incarnation is ignored.
  bool ignore_transport_duplicates = true;
  std::size_t transport_duplicate_memory = 4096;
};

// validate_erp_config returns one message per problem in `config`; empty means valid.
std::vector<std::string> validate_erp_config(const ErpConfig& config);

// outage_at returns the outage window that covers `t`, or nullptr.
const ErpOutage* outage_at(const ErpConfig& config, sim::Time t);

// slowdown_latency_at returns the least processing time of a request arriving at `t`: the
// latency of the slowest slow spell covering `t`, or zero.
sim::Duration slowdown_latency_at(const ErpConfig& config, sim::Time t);

// is_period_name tells whether `period` has the form "YYYY-MM" with a month 01..12.
bool is_period_name(const std::string& period);

}  // namespace mw::fakes
