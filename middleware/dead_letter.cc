#include "middleware/dead_letter.h"

#include <array>
#include <utility>

namespace mw::core {
namespace {

constexpr std::array<std::pair<DeadLetterClass, std::string_view>, 9> kNames = {{
    {DeadLetterClass::kUnknownMaterial, "unknown_material"},
    {DeadLetterClass::kUnitConversion, "unit_conversion"},
    {DeadLetterClass::kClosedPeriod, "closed_period"},
    {DeadLetterClass::kBlockedLot, "blocked_lot"},
    {DeadLetterClass::kInsufficientStock, "insufficient_stock"},
    {DeadLetterClass::kUnknownWorkOrder, "unknown_work_order"},
    {DeadLetterClass::kInvalidCommand, "invalid_command"},
    {DeadLetterClass::kSequenceGap, "sequence_gap"},
    {DeadLetterClass::kSequenceRegression, "sequence_regression"},
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

}  // namespace mw::core
