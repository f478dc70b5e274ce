// Posting rules: whether the simulated ERP accepts a command, as a real one would decide.
//
// check_command is a pure function of the ledger's current state, the configuration and the
// command. The ERP process calls it at the instant it commits, so the decision and the commit
// see the same books. The checks run in this order and the first failure is the answer:
//   1. INVALID_COMMAND    no body; an empty external_reference; a posting_date that is not a
//                         calendar date "YYYY-MM-DD"; a quantity <= 0 on a goods issue, goods
//                         receipt, scrap or transfer; a negative yield or scrap on a confirmation;
//                         an unspecified lot status; a balance that would overflow.
//   2. UNKNOWN_MATERIAL   config.known_materials is not empty and lacks the command's material.
//   3. CLOSED_PERIOD      the posting date's period ("YYYY-MM") is closed. Lot status changes
//                         are master data, not postings, and are not subject to periods.
//   4. BLOCKED_LOT        a goods issue, scrap or transfer takes from a lot whose status is
//                         LOT_STATUS_QUALITY_HOLD or LOT_STATUS_BLOCKED.
//   5. INSUFFICIENT_STOCK config.allow_negative_stock is false and the command would leave a
//                         balance it lowers below zero.
// Idempotency (a repeated external reference) is not a rule: the process handles it before.
#pragma once

#include <optional>

#include "fakes/erp/erp_config.h"
#include "fakes/erp/ledger.h"
#include "middleware/proto/erp.pb.h"

namespace mw::fakes {

// check_command returns the rejection of `command` by an ERP configured by `config` whose books
// are `ledger`, or nullopt when the command may be committed. The message names the object and
// the reason, e.g. "lot L1 of material RM-100 in plant P100 is LOT_STATUS_QUALITY_HOLD".
std::optional<proto::ErpRejection> check_command(const ErpLedger& ledger, const ErpConfig& config,
                                                 const proto::ErpCommand& command);

// is_calendar_date tells whether `date` is "YYYY-MM-DD" naming a day that exists.
bool is_calendar_date(const std::string& date);

}  // namespace mw::fakes
