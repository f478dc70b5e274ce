#include "fakes/common/process_factory.h"

#include "sim/check.h"

namespace mw::fakes {

void require_valid(const std::vector<std::string>& problems) {
  std::string all;
  for (const std::string& p : problems) all += p + "; ";
  MW_CHECK(problems.empty(), all.c_str());
}

}  // namespace mw::fakes
