#include "properties/oracles/verdict.h"

#include <utility>

namespace mw::props {

void Verdict::add(Violation v) {
  ++count_;
  if (kept_.size() < kKeptViolations) kept_.push_back(std::move(v));
}

std::string Verdict::describe() const {
  if (held()) return oracle_ + ": held";
  std::string out = oracle_ + ": " + std::to_string(count_) + " violation(s)";
  for (const Violation& v : kept_) out += "\n  " + describe_violation(v);
  if (count_ > kept_.size())
    out += "\n  ... and " + std::to_string(count_ - kept_.size()) + " more";
  return out;
}

std::string describe_violation(const Violation& v) {
  std::string out = v.what;
  if (!v.event_ids.empty()) {
    out += "; events";
    for (const std::string& id : v.event_ids) out += " " + id;
  }
  if (!v.key.empty()) out += "; key " + v.key;
  if (!v.times.empty()) {
    out += "; at";
    for (sim::Time t : v.times) out += " " + sim::format_time(t);
  }
  return out;
}

}  // namespace mw::props
