// libFuzzer target for the period parser: arbitrary bytes as a period id. A text that parses
// must be canonical (its id is the text), parse again to the same period, hold its own days and
// agree with `containing` and `shifted`; a text that does not parse must be refused the same way
// by `parse` and `try_parse`. The same bytes also go through `parse_period_list`, which may
// only succeed or throw period_error. Any mismatch aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/period/period.hpp"

namespace {

using safeguard::period;
using safeguard::period_error;
using safeguard::period_type;

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "period_fuzz: %s for input '%.*s'\n", what, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

void check_neighbour(const period& p, int n, std::string_view input) {
  try {
    const period q = p.shifted(n);
    check(q.type() == p.type(), "shifted changed the type", input);
    if (n > 0) check(q.start() == p.end() + 1, "shifted(1) does not follow on", input);
    if (n < 0) check(q.end() + 1 == p.start(), "shifted(-1) does not lead in", input);
    check(q.shifted(-n) == p, "shifting back does not return", input);
    check(period::parse(q.id()) == q, "a shifted period does not parse back", input);
  } catch (const period_error&) {
    // Leaving years 1900..9999 is refused; nothing else may be thrown.
  }
}

void check_valid(const period& p, std::string_view input) {
  check(p.id() == input, "the id of a parsed period is not its text", input);
  const period again = period::parse(p.id());
  check(again == p && again.id() == p.id() && again.type() == p.type(), "no round trip", input);
  check(p.start() <= p.end() && p.days() == p.end() - p.start() + 1, "bad days", input);
  check(p.contains(p.start()) && p.contains(p.end()), "does not contain its days", input);
  check(!p.contains(p.start() - 1) && !p.contains(p.end() + 1), "contains too much", input);
  if (p.type() != period_type::span) {
    check(period::containing(p.type(), p.start()) == p, "containing(start) differs", input);
    check(period::containing(p.type(), p.end()) == p, "containing(end) differs", input);
  }
  check_neighbour(p, 1, input);
  check_neighbour(p, -1, input);
}

}  // namespace

// The entry point libFuzzer calls; libFuzzer fixes its name.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string why;
  const auto p = period::try_parse(input, &why);
  if (p) {
    check(why.empty(), "try_parse explained a success", input);
    check_valid(*p, input);
  } else {
    check(!why.empty(), "try_parse refused without a reason", input);
    try {
      period::parse(input);
      check(false, "parse accepted what try_parse refused", input);
    } catch (const period_error& e) {
      check(e.expected() == why, "parse and try_parse disagree on the reason", input);
    }
  }

  const safeguard::day_number reference = safeguard::to_day_number({2024, 6, 20});
  try {
    std::vector<period> list = safeguard::parse_period_list(input, reference);
    check(!list.empty(), "an accepted list is empty", input);
    std::sort(list.begin(), list.end());
    check(std::adjacent_find(list.begin(), list.end()) == list.end(), "a duplicate was kept",
          input);
  } catch (const period_error& e) {
    check(e.what()[0] != '\0', "an empty message", input);
  }
  return 0;
}
