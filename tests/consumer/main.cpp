// Uses the installed public API only: if a public header needed a private dependency, or the
// package config forgot one of the static library's link dependencies, this would not build.
#include <cstdio>
#include <optional>

#include <safeguard/model/calendar.hpp>
#include <safeguard/model/codes.hpp>
#include <safeguard/version.hpp>

int main() {
  const std::optional<safeguard::day_number> birth = safeguard::parse_iso_date("2016-02-29");
  const std::optional<safeguard::day_number> on = safeguard::parse_iso_date("2024-02-28");
  if (!birth || !on) {
    std::fprintf(stderr, "consumer: parse_iso_date refused a valid date\n");
    return 1;
  }
  const int age = safeguard::age_in_years(*birth, *on);
  const safeguard::code_list& concerns = safeguard::codes::concern();
  const std::optional<safeguard::code> violence = concerns.find("physical_violence");
  if (age != 7 || !violence || concerns[*violence].group != "abuse") {
    std::fprintf(stderr, "consumer: unexpected answer from the installed library\n");
    return 1;
  }
  std::printf("safeguard %s: age %d, %zu concern codes\n", safeguard::version_string, age,
              concerns.size());
  return 0;
}
