#include "scenarios/scenario/duration_text.h"

#include <array>
#include <cstdint>
#include <limits>

namespace mw::scen {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t nanos;
};
// Largest first; "ms" before "m" so that the longer name wins.
constexpr std::array<Unit, 5> kUnits = {{{"h", 3'600'000'000'000},
                                         {"ms", 1'000'000},
                                         {"m", 60'000'000'000},
                                         {"s", 1'000'000'000},
                                         {"us", 1'000}}};
// The order units must appear in, by size.
constexpr int rank(std::int64_t nanos) {
  return nanos == 3'600'000'000'000 ? 0
         : nanos == 60'000'000'000  ? 1
         : nanos == 1'000'000'000   ? 2
         : nanos == 1'000'000       ? 3
                                    : 4;
}

}  // namespace

std::optional<sim::Duration> parse_duration_text(std::string_view text, bool allow_negative) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    if (!allow_negative) return std::nullopt;
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t total = 0;
  int last_rank = -1;
  while (!text.empty()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      const std::int64_t d = text[digits] - '0';
      if (number > (kMax - d) / 10) return std::nullopt;
      number = number * 10 + d;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    text.remove_prefix(digits);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(0, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    text.remove_prefix(unit->name.size());
    if (rank(unit->nanos) <= last_rank) return std::nullopt;
    last_rank = rank(unit->nanos);
    if (number > (kMax - total) / unit->nanos) return std::nullopt;
    total += number * unit->nanos;
  }
  return sim::Duration{negative ? -total : total};
}

std::string format_duration_text(sim::Duration d) {
  std::int64_t ns = d.count();
  std::string out;
  if (ns < 0) {
    out = "-";
    ns = -ns;
  }
  if (ns == 0) return "0s";
  for (const std::int64_t unit :
       {3'600'000'000'000LL, 60'000'000'000LL, 1'000'000'000LL, 1'000'000LL, 1'000LL}) {
    if (ns >= unit) {
      out += std::to_string(ns / unit);
      out += unit == 3'600'000'000'000LL ? "h"
             : unit == 60'000'000'000LL  ? "m"
             : unit == 1'000'000'000LL   ? "s"
             : unit == 1'000'000LL       ? "ms"
                                         : "us";
      ns %= unit;
    }
  }
  if (ns > 0) out += std::to_string(ns) + "ns";  // finer than the file syntax: shown, not read
  return out;
}

}  // namespace mw::scen
