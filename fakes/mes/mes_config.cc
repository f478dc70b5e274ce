#include "fakes/mes/mes_config.h"

#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "fakes/mes/units.h"

namespace mw::fakes {
namespace {

// The units the line-controller format can carry (its vendor unit codes GR, KGM, PCS, MTR,
// LTR). The MES's units (units.h) are the middleware's catalogue (middleware/enrich/uom.h).
constexpr std::string_view kVendorUnits[] = {"KG", "EA", "M", "L"};

constexpr std::size_t kMaxPlantBytes = 32;  // keeps event ids well under the 128-byte limit
constexpr std::uint32_t kMaxLines = 256;
constexpr std::uint32_t kMaxUnitsPerOrder = 1000000;
constexpr double kMaxEventsPerSecond = 1000;

bool is_probability(double p) { return p >= 0 && p <= 1; }  // false for NaN too

template <std::size_t N>
bool one_of(const std::string& s, const std::string_view (&set)[N]) {
  for (std::string_view v : set) {
    if (s == v) return true;
  }
  return false;
}

// is_token: non-empty printable ASCII without spaces (it goes into ids and ordering keys).
bool is_token(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

std::string q(const std::string& s) { return "\"" + s + "\""; }

class Problems {
 public:
  void add(std::string p) { list_.push_back(std::move(p)); }
  void unit(const std::string& where, const std::string& uom, proto::SourceFormat format) {
    if (!is_mes_unit(uom)) {
      add(where + " " + q(uom) + " is not a known unit (KG, G, T, EA, M, CM, MM, L, ML)");
    } else if (format == proto::VENDOR_KV && !one_of(uom, kVendorUnits)) {
      add(where + " " + q(uom) + " has no line-controller unit code (KG, EA, M, L)");
    }
  }
  std::vector<std::string> take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
};

void check_products(const MesConfig& c, Problems& p) {
  if (c.products.empty()) p.add("mes.products is empty: the plant needs at least one product");
  std::set<std::string> names;
  for (std::size_t i = 0; i < c.products.size(); ++i) {
    const Product& pr = c.products[i];
    const std::string w = "mes.products[" + std::to_string(i) + "]";
    if (!is_token(pr.material)) p.add(w + ".material must be a non-empty token");
    if (!names.insert(pr.material).second) p.add(w + ".material " + q(pr.material) + " repeats");
    p.unit(w + ".uom", pr.uom, c.format);
    if (pr.storage_location.empty()) p.add(w + ".storage_location is empty");
    if (pr.routing.empty()) p.add(w + ".routing is empty: a product needs an operation");
    std::set<std::string> ops;
    for (std::size_t r = 0; r < pr.routing.size(); ++r) {
      const RoutingStep& s = pr.routing[r];
      const std::string wr = w + ".routing[" + std::to_string(r) + "]";
      if (s.operation.empty()) p.add(wr + ".operation is empty");
      if (!ops.insert(s.operation).second) p.add(wr + ".operation " + q(s.operation) + " repeats");
      if (s.work_center.empty()) p.add(wr + ".work_center is empty");
    }
    std::set<std::string> components;
    for (std::size_t b = 0; b < pr.bom.size(); ++b) {
      const BomLine& l = pr.bom[b];
      const std::string wb = w + ".bom[" + std::to_string(b) + "]";
      if (!is_token(l.material)) p.add(wb + ".material must be a non-empty token");
      if (l.material == pr.material) p.add(wb + " consumes the product itself");
      if (!components.insert(l.material).second) {
        p.add(wb + ".material " + q(l.material) + " repeats in the BOM");
      }
      if (l.milli_per_unit <= 0) p.add(wb + ".milli_per_unit must be positive");
      if (l.milli_per_unit > INT64_MAX / kMaxUnitsPerOrder) {
        p.add(wb + ".milli_per_unit is too large: a work order's need would overflow");
      }
      p.unit(wb + ".uom", l.uom, c.format);
      if (!l.operation.empty() && !ops.contains(l.operation)) {
        p.add(wb + ".operation " + q(l.operation) + " is not in the routing");
      }
    }
  }
}

// all_digits is true for a non-empty string of '0'..'9'.
bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

void check_stock(const MesConfig& c, Problems& p) {
  std::map<std::string, std::string> units;  // material -> stock unit, products first
  for (const Product& pr : c.products) units.emplace(pr.material, pr.uom);
  std::set<std::pair<std::string, std::string>> lots;
  for (std::size_t i = 0; i < c.opening_stock.size(); ++i) {
    const OpeningLot& l = c.opening_stock[i];
    const std::string w = "mes.opening_stock[" + std::to_string(i) + "]";
    if (l.plant != c.plant) p.add(w + ".plant " + q(l.plant) + " is not the MES's plant");
    if (!is_token(l.material)) p.add(w + ".material must be a non-empty token");
    if (!is_token(l.lot)) p.add(w + ".lot must be a non-empty token");
    const std::string made = c.plant + "-";
    if (l.lot.rfind(made, 0) == 0 && all_digits(std::string_view(l.lot).substr(made.size()))) {
      p.add(w + ".lot " + q(l.lot) + " has the form \"" + made +
            "<work order>\", which the MES gives the lots it makes");
    }
    if (!lots.emplace(l.material, l.lot).second) {
      p.add(w + " repeats lot " + q(l.lot) + " of " + q(l.material));
    }
    if (l.storage_location.empty()) p.add(w + ".storage_location is empty");
    if (l.milli <= 0) p.add(w + ".milli must be positive");
    p.unit(w + ".uom", l.uom, c.format);
    const auto [it, fresh] = units.emplace(l.material, l.uom);
    if (!fresh && it->second != l.uom) {
      p.add(w + ".uom " + q(l.uom) + ": material " + q(l.material) + " is kept in " +
            q(it->second) + " (its product's unit or its first lot's); all its lots must be");
    }
  }
}

// check_bom_units: every component can be supplied, in a unit its need converts to exactly.
void check_bom_units(const MesConfig& c, Problems& p) {
  const std::map<std::string, std::string> units = material_stock_units(c);
  for (std::size_t i = 0; i < c.products.size(); ++i) {
    for (std::size_t b = 0; b < c.products[i].bom.size(); ++b) {
      const BomLine& l = c.products[i].bom[b];
      const std::string wb =
          "mes.products[" + std::to_string(i) + "].bom[" + std::to_string(b) + "]";
      const auto it = units.find(l.material);
      if (it == units.end()) {
        p.add(wb + ": no opening lot of " + q(l.material) +
              " and no product makes it, so no line could ever build this product");
      } else if (!same_kind(l.uom, it->second)) {
        p.add(wb + ".uom " + q(l.uom) + " does not convert to " + q(it->second) + ", the unit " +
              q(l.material) + " is kept in");
      } else if (const auto kept = convert_milli(l.milli_per_unit, l.uom, it->second); !kept) {
        p.add(wb + ".milli_per_unit " + std::to_string(l.milli_per_unit) + " " + l.uom +
              " is not a whole number of milli-" + it->second + ", the unit " + q(l.material) +
              " is kept in");
      } else if (*kept > INT64_MAX / kMaxUnitsPerOrder) {
        p.add(wb + ".milli_per_unit is too large: a work order's need would overflow");
      }
    }
  }
}

void check_profile(const MesConfig& c, Problems& p) {
  const double rate = c.events_per_second_per_line;
  if (!(rate > 0 && rate <= kMaxEventsPerSecond)) {
    p.add("mes.events_per_second_per_line must be in (0, 1000]");
  }
  if (c.shift_length <= sim::Duration::zero()) p.add("mes.shift_length must be positive");
  if (c.shift_burst_duration < sim::Duration::zero() || c.shift_burst_duration > c.shift_length) {
    p.add("mes.shift_burst_duration must be in [0, shift_length]");
  }
  const double m = c.shift_burst_multiplier;
  if (!(m > 0 && std::isfinite(m) && rate * m <= kMaxEventsPerSecond)) {
    p.add("mes.shift_burst_multiplier must be positive, and the burst rate at most 1000/s");
  }
  for (std::size_t i = 0; i < c.quiet_periods.size(); ++i) {
    const QuietPeriod& qp = c.quiet_periods[i];
    const std::string w = "mes.quiet_periods[" + std::to_string(i) + "]";
    if (!(qp.start < qp.end)) p.add(w + " must start before it ends");
    if (i > 0 && qp.start < c.quiet_periods[i - 1].end) {
      p.add(w + " starts before the period before it ends: keep them in order, apart");
    }
  }
  if (c.stock_wait <= sim::Duration::zero()) p.add("mes.stock_wait must be positive");
}

}  // namespace

std::map<std::string, std::string> material_stock_units(const MesConfig& c) {
  std::map<std::string, std::string> units;
  for (const Product& p : c.products) units.emplace(p.material, p.uom);
  for (const OpeningLot& l : c.opening_stock) units.emplace(l.material, l.uom);
  return units;
}

std::string source_format_name(proto::SourceFormat format) {
  switch (format) {
    case proto::CANONICAL_PROTO:
      return "canonical";
    case proto::VENDOR_KV:
      return "vendor_kv";
    default:
      return std::to_string(static_cast<int>(format));
  }
}

std::vector<std::string> validate_mes_config(const MesConfig& c) {
  Problems p;
  if (!is_token(c.plant) || c.plant.size() > kMaxPlantBytes) {
    p.add("mes.plant must be a token of 1 to 32 printable characters");
  }
  if (c.lines == 0 || c.lines > kMaxLines) p.add("mes.lines must be in [1, 256]");
  if (c.work_order_units_min == 0 || c.work_order_units_min > c.work_order_units_max ||
      c.work_order_units_max > kMaxUnitsPerOrder) {
    p.add("mes.work_order_units_min and _max must satisfy 1 <= min <= max <= 1000000");
  }
  if (c.first_work_order == 0 || c.first_work_order > UINT64_MAX / 2) {
    p.add("mes.first_work_order must be in [1, 2^63)");
  }
  check_products(c, p);
  check_stock(c, p);
  check_bom_units(c, p);
  check_profile(c, p);
  if (!is_probability(c.scrap_probability)) p.add("mes.scrap_probability must be in [0, 1]");
  if (c.scrap_units_max == 0) p.add("mes.scrap_units_max must be >= 1");
  if (c.scrap_reason_code.empty()) p.add("mes.scrap_reason_code is empty");
  if (c.format != proto::CANONICAL_PROTO && c.format != proto::VENDOR_KV) {
    p.add("mes.format must be CANONICAL_PROTO or VENDOR_KV");
  }
  if (c.epoch_unix_ns <= 0) p.add("mes.epoch_unix_ns must be positive");
  if (c.clock_skew < -sim::hours(24) || c.clock_skew > sim::hours(24)) {
    p.add("mes.clock_skew must be within +-24h");
  } else if (c.epoch_unix_ns > 0 && c.epoch_unix_ns + c.clock_skew.count() <= 0) {
    p.add("mes.clock_skew would make occurred_at negative");
  }
  if (!is_probability(c.restamped_resend_probability)) {
    p.add("mes.restamped_resend_probability must be in [0, 1]");
  }
  if (!is_probability(c.reissued_resend_probability)) {
    p.add("mes.reissued_resend_probability must be in [0, 1]");
  }
  if (!is_probability(c.corrupt_sequence_probability)) {
    p.add("mes.corrupt_sequence_probability must be in [0, 1]");
  }
  if (!is_probability(c.malformed_probability)) {
    p.add("mes.malformed_probability must be in [0, 1]");
  }
  for (std::string& s : validate_sender_config(c.sender, "mes.sender.")) p.add(std::move(s));
  return p.take();
}

}  // namespace mw::fakes
