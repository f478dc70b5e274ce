#include "scenarios/model/field_reader.h"

#include "scenarios/scenario/duration_text.h"

namespace mw::scen {

sim::Duration FieldReader::duration(std::string_view field, const std::string& text,
                                    sim::Duration fallback, bool allow_zero,
                                    bool allow_negative) const {
  if (text.empty()) return fallback;
  auto d = parse_duration_text(text, allow_negative);
  if (!d) {
    error(field, "\"" + text + "\" is not a duration (" + kDurationSyntax + ")");
    return fallback;
  }
  if (*d == sim::Duration::zero() && !allow_zero) {
    error(field, "must be longer than zero");
    return fallback;
  }
  return *d;
}

std::optional<sim::Duration> FieldReader::optional_duration(std::string_view field,
                                                            const std::string& text) const {
  if (text.empty()) return std::nullopt;
  return duration(field, text, sim::Duration::zero());
}

double FieldReader::probability(std::string_view field, double p, double max) const {
  if (!(p >= 0 && p <= max)) {
    error(field, "must be a probability between 0 and " + format_number(max) + ", not " +
                     format_number(p));
    return 0;
  }
  return p;
}

double FieldReader::at_most(std::string_view field, double v, double max,
                            double fallback) const {
  if (!(v >= 0 && v <= max)) {
    error(field, "must be between 0 and " + format_number(max) + ", not " + format_number(v));
    return fallback;
  }
  return v;
}

double FieldReader::positive(std::string_view field, double v, double fallback,
                             double max) const {
  if (v == 0) return fallback;
  if (!(v > 0 && v <= max)) {
    error(field,
          "must be above 0 and at most " + format_number(max) + ", not " + format_number(v));
    return fallback;
  }
  return v;
}

std::uint32_t FieldReader::count(std::string_view field, std::uint32_t v, std::uint32_t fallback,
                                 std::uint32_t max) const {
  if (v == 0) return fallback;
  if (v > max) {
    error(field, "must be at most " + std::to_string(max) + ", not " + std::to_string(v));
    return fallback;
  }
  return v;
}

std::string FieldReader::format_number(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace mw::scen
