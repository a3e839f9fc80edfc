// The subcommands of the `safeguard` tool; each parses its own arguments, prints `--help`,
// and returns the process exit code (0 success, 1 failure of the work, 2 bad usage).
#pragma once

namespace safeguard::cli {

int run_generate(int argc, char** argv);
int run_validate(int argc, char** argv);
int run_snapshot(int argc, char** argv);
int run_split(int argc, char** argv);
int run_compute(int argc, char** argv);
int run_catalogue(int argc, char** argv);
int run_check_catalogue(int argc, char** argv);

}  // namespace safeguard::cli
