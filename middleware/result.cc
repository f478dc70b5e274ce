#include "middleware/result.h"

namespace mw::core {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kMalformed: return "malformed";
    case ErrorKind::kBusiness: return "business";
    case ErrorKind::kTechnical: return "technical";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kInvalidArgument: return "invalid_argument";
  }
  return "unknown";
}

}  // namespace mw::core
