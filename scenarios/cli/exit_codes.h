// What `mwsim` exits with: one code per kind of outcome, so that CI can tell a failed check
// from a mistake in the command or an unwritable report. Documented in README.md and in
// `mwsim --help`.
#pragma once

namespace mw::cli {

enum ExitCode : int {
  kPassed = 0,        // every expectation held (or the command did what it was asked)
  kCheckFailed = 1,   // a run ran and missed an expectation: a check failed
  kInvalidInput = 2,  // a usage error, or an input that is not valid (scenario, design, report)
  kIoError = 3,       // an output could not be created or written
};

// kExitCodesHelp is the text `--help` prints about them.
inline constexpr const char* kExitCodesHelp =
    "exit codes: 0 passed, 1 a check failed, 2 usage error or invalid input, 3 an output could "
    "not be written";

}  // namespace mw::cli
