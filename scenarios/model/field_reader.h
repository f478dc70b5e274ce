// FieldReader: reads the fields of one model message as a scenario wrote them, checking each
// and reporting a problem at its file:line:column with the field's path. The models'
// readers (scenarios/model/*_model.h) share it, so every duration, probability and count is
// read and checked one way.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/scenario/scenario_file.h"
#include "sim/time.h"

namespace mw::scen {

class FieldReader {
 public:
  FieldReader(const google::protobuf::Message& m, Locator at) : m_(m), at_(std::move(at)) {}

  // duration reads a duration field (text with units); `fallback` when the field is empty.
  sim::Duration duration(std::string_view field, const std::string& text, sim::Duration fallback,
                         bool allow_zero = false, bool allow_negative = false) const;
  // optional_duration reads a duration that may be absent; zero is refused.
  std::optional<sim::Duration> optional_duration(std::string_view field,
                                                 const std::string& text) const;
  // probability checks 0 <= p <= max (and not NaN); 0 on a problem.
  double probability(std::string_view field, double p, double max = 1.0) const;
  // at_most checks 0 <= v <= max (and not NaN); `fallback` on a problem.
  double at_most(std::string_view field, double v, double max, double fallback) const;
  // positive reads a value that zero leaves at `fallback`, else in (0, max].
  double positive(std::string_view field, double v, double fallback, double max) const;
  // count reads a count that zero leaves at `fallback`, else at most max.
  std::uint32_t count(std::string_view field, std::uint32_t v, std::uint32_t fallback,
                      std::uint32_t max) const;

  void error(std::string_view field, const std::string& what) const { at_.error(m_, field, what); }
  const Locator& at() const { return at_; }
  // nested is the reader of the message in `field` (element `index` if repeated).
  FieldReader nested(const google::protobuf::Message& child, std::string_view field,
                     int index = -1) const {
    return FieldReader(child, at_.nested(m_, field, index));
  }

  // format_number writes `v` without trailing zeros, for messages.
  static std::string format_number(double v);

 private:
  const google::protobuf::Message& m_;
  Locator at_;
};

}  // namespace mw::scen
