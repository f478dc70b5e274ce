#include "scenarios/cli/output_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace mw::cli {
namespace fs = std::filesystem;

namespace {

// same_file: `a` and `b` name one file, whether or not it exists yet (symbolic links and
// "./" resolved).
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec), ec);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return ca == cb;
}

std::string shown(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return ec ? path : absolute.string();
}

// write_all writes `text` to `fd`; false on any error.
bool write_all(int fd, const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

OutputFiles::~OutputFiles() {
  for (auto& [option, out] : outputs_) {
    if (!out.committed && !out.temporary.empty()) ::unlink(out.temporary.c_str());
  }
}

void OutputFiles::add_input(const std::string& path) { inputs_.push_back(path); }

void OutputFiles::add(const std::string& option, const std::string& path) {
  if (!path.empty()) outputs_[option] = Output{path, "", false, false};
}

void OutputFiles::add_directory(const std::string& option, const std::string& path) {
  dirs_.emplace_back(option, path);
}

std::vector<std::string> OutputFiles::conflicts() const {
  std::vector<std::string> errors;
  for (auto it = outputs_.begin(); it != outputs_.end(); ++it) {
    for (const std::string& input : inputs_) {
      if (same_file(it->second.path, input))
        errors.push_back(it->first + " " + it->second.path +
                         " is an input of this command; writing it would destroy it");
    }
    for (auto other = std::next(it); other != outputs_.end(); ++other) {
      if (same_file(it->second.path, other->second.path))
        errors.push_back(it->first + " and " + other->first + " both name " + it->second.path +
                         "; each output needs its own file");
    }
    for (const auto& [option, dir] : dirs_) {
      if (same_file(it->second.path, dir))
        errors.push_back(it->first + " " + it->second.path + " is the directory " + option +
                         " names; each output needs its own file");
    }
  }
  return errors;
}

std::vector<std::string> OutputFiles::prepare() {
  std::vector<std::string> errors;
  for (auto& [option, out] : outputs_) {
    struct stat st {};
    if (::stat(out.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      if (S_ISDIR(st.st_mode)) {
        errors.push_back(option + " " + out.path + " is a directory, not a file");
        continue;
      }
      // A device or a pipe (--json /dev/stdout): written in place, nothing to rename.
      const int fd = ::open(out.path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        errors.push_back(option + ": cannot open " + out.path + ": " + std::strerror(errno));
        continue;
      }
      ::close(fd);
      out.in_place = true;
      continue;
    }
    const fs::path target(out.path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string pattern = (dir / ("." + target.filename().string() + ".mwsim-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
      errors.push_back(option + ": cannot create " + out.path + " (" + std::strerror(errno) +
                       "; does " + dir.string() + " exist, and may you write there?)");
      continue;
    }
    ::fchmod(fd, 0644);  // mkstemp makes it 0600; a report is for others to read too
    ::close(fd);
    out.temporary = pattern;
  }
  for (const auto& [option, dir] : dirs_) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec)) {
      errors.push_back(option + ": cannot create the directory " + dir + " (" + ec.message() + ")");
      continue;
    }
    if (::access(dir.c_str(), W_OK) != 0)
      errors.push_back(option + ": may not write into " + dir + " (" + std::strerror(errno) + ")");
  }
  return errors;
}

bool OutputFiles::commit(const std::string& option, const std::string& text) {
  const auto it = outputs_.find(option);
  if (it == outputs_.end()) return true;
  Output& out = it->second;
  const std::string& file = out.in_place ? out.path : out.temporary;
  const int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  bool ok = fd >= 0 && write_all(fd, text);
  if (fd >= 0) ok = (out.in_place || ::fsync(fd) == 0) && ::close(fd) == 0 && ok;
  if (ok && !out.in_place) ok = ::rename(out.temporary.c_str(), out.path.c_str()) == 0;
  if (!ok) {
    std::fprintf(stderr, "mwsim: %s: cannot write %s: %s\n", option.c_str(), out.path.c_str(),
                 std::strerror(errno));
    return false;
  }
  out.committed = true;
  std::fprintf(stderr, "wrote %s\n", shown(out.path).c_str());
  return true;
}

}  // namespace mw::cli
