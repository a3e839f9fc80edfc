// `safeguard catalogue` and `safeguard check-catalogue`.
#include <cstdio>
#include <string>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "safeguard/engine/catalogue.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* catalogue_help =
    "usage: safeguard catalogue [--lang vi|en] [--catalogue FILE] [--codes] [--quiet]\n"
    "\n"
    "Lists the indicators of the standard catalogue (or of FILE) with their definitions.\n"
    "  --lang vi|en      language of names and descriptions (default en)\n"
    "  --catalogue FILE  list this catalogue instead of the standard one\n"
    "  --codes           only the codes, one per line\n"
    "  --quiet           accepted, as by every command (nothing goes to stderr)\n";

constexpr const char* check_help =
    "usage: safeguard check-catalogue FILE [--add] [--quiet]\n"
    "\n"
    "Reports every error in a catalogue file (exit 1 when there is any).\n"
    "  --add             check FILE as an addition to the standard catalogue, as\n"
    "                    'compute --add-catalogue' reads it: its references may name\n"
    "                    standard indicators (denominator: {indicator: CHILD_POP}). A file\n"
    "                    added to a catalogue of yours ('compute --catalogue MINE\n"
    "                    --add-catalogue FILE') is checked against MINE by compute itself.\n"
    "  --quiet           no line when the file has no error\n";

std::string unit_label(const std::string& unit, const std::string& lang) {
  if (unit == "percent") return "%";
  if (unit == "per_100000") return lang == "vi" ? "trên 100.000" : "per 100,000";
  if (unit == "per_1000") return lang == "vi" ? "trên 1.000" : "per 1,000";
  if (unit == "days") return lang == "vi" ? "ngày" : "days";
  if (unit == "count") return lang == "vi" ? "số lượng" : "count";
  return unit;
}

void print_side(const char* label, const engine::side_definition& s) {
  if (!s.indicator.empty()) {
    std::printf("    %-12s %s\n", label, s.indicator.c_str());
    return;
  }
  std::string place;
  switch (s.placing) {
    case engine::placing_kind::stock: place = "stock at the period's last day"; break;
    case engine::placing_kind::year: place = "year in which the period ends"; break;
    case engine::placing_kind::event: place = "by " + s.date_column; break;
  }
  std::printf("    %-12s %s over %s (%s)\n", label, s.value.c_str(),
              std::string(engine::table_name(s.table)).c_str(), place.c_str());
  if (!s.where.empty()) std::printf("    %-12s %s\n", "where", s.where.c_str());
}

}  // namespace

int run_catalogue(int argc, char** argv) {
  std::string lang = "en", path;
  bool codes_only = false;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(catalogue_help, stdout);
      return 0;
    }
    if (args.option("--lang")) {
      lang = args.value();
      if (lang != "vi" && lang != "en") throw usage_error("--lang takes vi or en");
    } else if (args.option("--catalogue")) {
      path = args.value();
    } else if (args.flag("--codes")) {
      codes_only = true;
    } else if (args.flag("--quiet", "-q")) {
      // Nothing goes to stderr; accepted as by every command.
    } else {
      args.unknown();
    }
  }
  engine::catalogue loaded;
  try {
    if (!path.empty()) loaded = engine::catalogue::load(path);
  } catch (const engine::catalogue_error& e) {
    for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 1;
  }
  const engine::catalogue& cat = path.empty() ? engine::catalogue::standard() : loaded;
  for (const auto& d : cat.indicators()) {
    if (codes_only) {
      std::printf("%s\n", d.code.c_str());
      continue;
    }
    std::printf("%s — %s [%s]\n", d.code.c_str(), d.name.in(lang).c_str(),
                unit_label(d.unit, lang).c_str());
    if (!d.description.in(lang).empty()) std::printf("    %s\n", d.description.in(lang).c_str());
    print_side("numerator", d.numerator);
    if (d.denominator) print_side("denominator", *d.denominator);
    if (d.factor != 1) std::printf("    %-12s %g\n", "factor", d.factor);
    std::printf("    %-12s %d-%d\n", "ages", d.min_age, d.max_age);
    if (!d.dimensions.empty()) {
      std::string dims;
      for (const auto& x : d.dimensions) dims += (dims.empty() ? "" : ", ") + x;
      std::printf("    %-12s %s\n", "breakdowns", dims.c_str());
    }
    if (!d.legal_source.empty()) std::printf("    %-12s %s\n", "source", d.legal_source.c_str());
    if (!d.periodicity.empty()) std::printf("    %-12s %s\n", "periodicity", d.periodicity.c_str());
    if (!d.lead_agency.empty()) std::printf("    %-12s %s\n", "lead agency", d.lead_agency.c_str());
    std::printf("\n");
  }
  return 0;
}

int run_check_catalogue(int argc, char** argv) {
  std::string path;
  bool quiet = false, added = false;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(check_help, stdout);
      return 0;
    }
    if (args.flag("--add")) {
      added = true;
    } else if (args.flag("--quiet", "-q")) {
      quiet = true;
    } else if (args.positional() && path.empty()) {
      path = args.value();
    } else {
      args.unknown();
    }
  }
  if (path.empty()) throw usage_error("missing FILE");
  const auto problems =
      engine::check_catalogue_file(path, added ? &engine::catalogue::standard() : nullptr);
  for (const auto& d : problems) std::printf("%s\n", d.to_string().c_str());
  if (problems.empty()) {
    if (!quiet) std::printf("%s: no errors\n", path.c_str());
    return 0;
  }
  std::printf("%zu error%s\n", problems.size(), problems.size() == 1 ? "" : "s");
  return 1;
}

}  // namespace safeguard::cli
