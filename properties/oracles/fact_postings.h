// FactPostings: the ERP postings of each fact a source created, under the event's own id or
// the id of a copy a source reissued it under (fakes::ReissuedCopy).
//
// An MES that re-exports its journal with new message ids sends one fact under two ids. The
// oracles judge facts, not ids: the fact must be posted once in all, under either id, and a
// posting under the copy's id is the fact's posting.
#pragma once

#include <vector>

#include "fakes/common/source_log.h"
#include "fakes/erp/ledger.h"
#include "sim/id_index.h"

namespace mw::props {

class FactPostings {
 public:
  FactPostings(const fakes::SourceLog& sources, const fakes::ErpLedger& erp);

  // of returns the postings of the fact `event` reports, its own first, then those under the
  // ids of its copies, each in commit order.
  std::vector<const fakes::Posting*> of(const fakes::EmittedEvent& event) const;

 private:
  const fakes::ErpLedger& erp_;
  sim::IdIndex<std::vector<const fakes::Posting*>> as_copy_;  // original id -> postings
};

}  // namespace mw::props
