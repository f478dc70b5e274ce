#include "middleware/dead_letter.h"

#include <array>
#include <utility>

namespace mw::core {
namespace {

constexpr std::array<std::pair<DeadLetterClass, std::string_view>, 10> kNames = {{
    {DeadLetterClass::kUnknownMaterial, "unknown_material"},
    {DeadLetterClass::kUnitConversion, "unit_conversion"},
    {DeadLetterClass::kClosedPeriod, "closed_period"},
    {DeadLetterClass::kBlockedLot, "blocked_lot"},
    {DeadLetterClass::kInsufficientStock, "insufficient_stock"},
    {DeadLetterClass::kUnknownWorkOrder, "unknown_work_order"},
    {DeadLetterClass::kInvalidCommand, "invalid_command"},
    {DeadLetterClass::kSequenceGap, "sequence_gap"},
    {DeadLetterClass::kSequenceRegression, "sequence_regression"},
    {DeadLetterClass::kSequenceOutOfRange, "sequence_out_of_range"},
}};

}  // namespace

std::string_view to_string(DeadLetterClass c) {
  for (const auto& [k, name] : kNames) {
    if (k == c) return name;
  }
  return "unknown";
}

std::optional<DeadLetterClass> dead_letter_class_from_string(std::string_view s) {
  for (const auto& [k, name] : kNames) {
    if (name == s) return k;
  }
  return std::nullopt;
}

bool parks_its_key(DeadLetterClass c) {
  return c != DeadLetterClass::kSequenceRegression && c != DeadLetterClass::kSequenceOutOfRange;
}

bool parks_its_key(std::string_view c) {
  const auto cls = dead_letter_class_from_string(c);
  return !cls || parks_its_key(*cls);
}

}  // namespace mw::core
