// append_line: how the fakes' describe_*_config functions write one "system.key=value" line.
#pragma once

#include <cstdio>
#include <string>

namespace mw::fakes {

// append_line appends `fmt` formatted with `args` (printf rules, at most 255 characters) and a
// newline to `out`.
template <class... Args>
void append_line(std::string& out, const char* fmt, Args... args) {
  char line[256];
  std::snprintf(line, sizeof line, fmt, args...);
  out += line;
  out += '\n';
}

}  // namespace mw::fakes
