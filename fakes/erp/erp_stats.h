// ErpStats: what the simulated ERP did, counted for people and reports.
//
// The counters are observations of the fake, not its books: an oracle that checks what the ERP
// holds reads ErpLedger, never these. They live in the ledger object (next to the books) so that
// they survive ERP process crashes and cover the whole run. Every counter only grows.
#pragma once

#include <cstdint>
#include <map>

#include "middleware/proto/erp.pb.h"

namespace mw::fakes {

struct ErpStats {
  std::uint64_t requests = 0;  // frames carrying an erp_request, duplicates of transport included
  std::uint64_t commands = 0;  // requests that reached the end of processing with a command
  std::uint64_t queries = 0;   // requests that reached the end of processing with a query
  std::uint64_t posted = 0;    // commands committed to the ledger
  std::uint64_t duplicates_absorbed = 0;  // cloud: a known reference answered, nothing posted
  std::map<proto::RejectionCode, std::uint64_t> rejected;  // business rejections by code
  std::uint64_t throttled = 0;                             // answered THROTTLED on arrival
  std::uint64_t internal_errors = 0;       // answered INTERNAL_ERROR, nothing posted
  std::uint64_t lost_replies = 0;          // committed, then the reply was never sent
  std::uint64_t internal_errors_after_commit = 0;  // committed, then answered INTERNAL_ERROR
  std::uint64_t outage_unavailable = 0;    // answered UNAVAILABLE during an outage window
  std::uint64_t outage_dropped = 0;        // dropped without a reply during a silent outage
  std::uint64_t transport_duplicates = 0;  // network copies of a request already received
  std::uint64_t garbage = 0;               // messages that are not a Frame with an erp_request

  // rejected_total returns the number of business rejections of every code.
  std::uint64_t rejected_total() const {
    std::uint64_t total = 0;
    for (const auto& [code, n] : rejected) total += n;
    return total;
  }
};

}  // namespace mw::fakes
