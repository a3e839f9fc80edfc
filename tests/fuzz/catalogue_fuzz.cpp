// libFuzzer target for catalogue files (YAML with indicator definitions), the one parser a
// user feeds by hand besides the dataset. Properties, any violation aborts:
//  - check() never throws and every diagnostic has a code, a line within the text (plus
//    one, for an error at its very end; 0 for the file as a whole) and an expectation;
//  - parse() throws nothing but catalogue_error, carrying exactly check()'s diagnostics, or
//    returns a catalogue that check() finds no problem in, whose codes are unique and whose
//    references resolve.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "safeguard/engine/catalogue.hpp"

namespace {

using namespace safeguard;
using namespace safeguard::engine;

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "catalogue_fuzz: %s for input '%.*s'\n", what,
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::uint64_t lines = 1;
  for (char c : text) lines += c == '\n';

  const std::vector<diagnostic> problems = catalogue::check(text, "fuzz.yaml");
  for (const diagnostic& d : problems) {
    check(!d.code.empty(), "a diagnostic without a code", text);
    check(d.line <= lines + 1, "a diagnostic's line outside the text", text);
    check(!d.expected.empty(), "a diagnostic without an expectation", text);
    check(!d.to_string().empty(), "a diagnostic that prints as nothing", text);
  }

  try {
    const catalogue cat = catalogue::parse(text, "fuzz.yaml");
    check(problems.empty(), "parse() accepted what check() rejects", text);
    std::set<std::string> codes;
    for (const indicator_definition& d : cat.indicators()) {
      check(codes.insert(d.code).second, "a repeated indicator code", text);
      check(cat.find(d.code) == &d, "find() does not give the indicator back", text);
      if (!d.numerator.indicator.empty()) (void)cat.resolve(d.numerator.indicator);
      if (d.denominator && !d.denominator->indicator.empty())
        (void)cat.resolve(d.denominator->indicator);
    }
  } catch (const catalogue_error& e) {
    check(e.diagnostics().size() == problems.size(),
          "parse() and check() found different problems", text);
  }
  return 0;
}
