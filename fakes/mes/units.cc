#include "fakes/mes/units.h"

namespace mw::fakes {
namespace {

struct Unit {
  std::string_view code;
  char kind;           // 'm'ass, 'l'ength, 'v'olume, 'c'ount
  std::int64_t scale;  // in the kind's smallest unit here: G, MM, ML, EA
};
constexpr Unit kUnits[] = {{"G", 'm', 1},  {"KG", 'm', 1000}, {"T", 'm', 1000000},
                           {"MM", 'l', 1}, {"CM", 'l', 10},   {"M", 'l', 1000},
                           {"ML", 'v', 1}, {"L", 'v', 1000},  {"EA", 'c', 1}};

const Unit* find(std::string_view code) {
  for (const Unit& u : kUnits) {
    if (u.code == code) return &u;
  }
  return nullptr;
}

}  // namespace

bool is_mes_unit(std::string_view uom) { return find(uom) != nullptr; }

bool same_kind(std::string_view a, std::string_view b) {
  const Unit* x = find(a);
  const Unit* y = find(b);
  return x != nullptr && y != nullptr && x->kind == y->kind;
}

std::optional<std::int64_t> convert_milli(std::int64_t milli, std::string_view from,
                                          std::string_view to) {
  const Unit* f = find(from);
  const Unit* t = find(to);
  if (f == nullptr || t == nullptr || f->kind != t->kind) return std::nullopt;
  std::int64_t scaled = 0;
  if (__builtin_mul_overflow(milli, f->scale, &scaled)) return std::nullopt;
  if (scaled % t->scale != 0) return std::nullopt;
  return scaled / t->scale;
}

}  // namespace mw::fakes
