// `safeguard`: generate, validate, snapshot and compute child-protection datasets.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "safeguard/version.hpp"

namespace {

constexpr const char* usage =
    "usage: safeguard COMMAND [ARGS...]\n"
    "\n"
    "Commands:\n"
    "  generate OUT_DIR [--children N] [--provinces P] [--seed S]\n"
    "                         write a synthetic dataset in the spec's layout\n"
    "  validate DATA          load DATA (a dataset folder or a snapshot) and list findings\n"
    "  snapshot DATA OUT_FILE save DATA as a binary snapshot\n"
    "  split DATA OUT_DIR     write one dataset folder per root (province) of DATA\n"
    "  compute DATA --period P[,P...] [options]\n"
    "                         compute indicators into the spec's output table\n"
    "  catalogue [--lang vi|en] [--catalogue FILE]\n"
    "                         list indicators with their definitions\n"
    "  check-catalogue FILE   report every error in a catalogue file\n"
    "\n"
    "Run 'safeguard COMMAND --help' for a command's options. An option's value follows it\n"
    "(--seed 7) or is joined to it with '=' (--seed=7); every command takes --quiet.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(usage, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(usage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("safeguard %s\n", safeguard::version_string);
    return 0;
  }
  // Each subcommand sees its own name as argv[0].
  const int sub_argc = argc - 1;
  char** sub_argv = argv + 1;
  try {
    if (command == "generate") return safeguard::cli::run_generate(sub_argc, sub_argv);
    if (command == "validate") return safeguard::cli::run_validate(sub_argc, sub_argv);
    if (command == "snapshot") return safeguard::cli::run_snapshot(sub_argc, sub_argv);
    if (command == "split") return safeguard::cli::run_split(sub_argc, sub_argv);
    if (command == "compute") return safeguard::cli::run_compute(sub_argc, sub_argv);
    if (command == "catalogue") return safeguard::cli::run_catalogue(sub_argc, sub_argv);
    if (command == "check-catalogue")
      return safeguard::cli::run_check_catalogue(sub_argc, sub_argv);
  } catch (const safeguard::cli::usage_error& e) {
    std::fprintf(stderr, "safeguard %s: %s\nRun 'safeguard %s --help' for usage.\n", argv[1],
                 e.what(), argv[1]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "safeguard %s: error: %s\n", argv[1], e.what());
    return 1;
  }
  std::fprintf(stderr, "safeguard: unknown command '%s'\n\n%s", argv[1], usage);
  return 2;
}
