// Verdict: what one oracle found. A violation names the events, the ordering key and the
// simulated times involved, so that a person can find them in the trace.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/time.h"

namespace mw::props {

struct Violation {
  std::string what;
  std::vector<std::string> event_ids;
  std::string key;
  std::vector<sim::Time> times;
};

class Verdict {
 public:
  explicit Verdict(std::string oracle) : oracle_(std::move(oracle)) {}

  // add records a violation; only the first kKeptViolations are kept, all are counted.
  void add(Violation v);

  const std::string& oracle() const { return oracle_; }
  bool held() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  const std::vector<Violation>& violations() const { return kept_; }

  // describe renders "<oracle>: held" or "<oracle>: N violation(s)" and one line per kept one.
  std::string describe() const;

  static constexpr std::size_t kKeptViolations = 100;

 private:
  std::string oracle_;
  std::vector<Violation> kept_;
  std::size_t count_ = 0;
};

// describe_violation renders one violation on one line: what; events; key; times.
std::string describe_violation(const Violation& v);

}  // namespace mw::props
