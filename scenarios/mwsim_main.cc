// mwsim: the command line (scenarios/cli/ has a file per command).
#include "scenarios/cli/command.h"

int main(int argc, char** argv) { return mw::cli::mwsim_main(argc, argv); }
