// `safeguard compute`: the indicator table of a dataset.
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "safeguard/engine/compute.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/output/table.hpp"
#include "safeguard/period/period.hpp"

namespace safeguard::cli {

namespace {

constexpr const char* compute_help =
    "usage: safeguard compute DATA --period P[,P...] [options]\n"
    "\n"
    "Computes indicators over DATA (a dataset folder or a snapshot file) and writes the\n"
    "spec's indicator table (CSV by default) to stdout or to -o FILE.\n"
    "\n"
    "Options:\n"
    "  --period P[,P...]      periods: 2024, 2024S1, 2024Q2, 202406, 2024W25, 20240615,\n"
    "                         2024July, 2024-01-01..2024-06-30, or relative periods such as\n"
    "                         THIS_YEAR, LAST_12_MONTHS (resolved against --reference-date)\n"
    "  --level N[,N...]       org-unit levels of the output (1 = root; default 2)\n"
    "  --by DIM[,DIM...]      breakdowns: sex, age_band, ethnicity, disability, circumstance,\n"
    "                         concern, concern_group, source, setting, perpetrator, level,\n"
    "                         risk, outcome, closure_reason, service, referred, agency,\n"
    "                         agency_kind, kind, topic, audience, programme\n"
    "  --indicators CODE[,...] only these indicators (default: the whole catalogue)\n"
    "  --catalogue FILE       use this catalogue instead of the standard one\n"
    "  --add-catalogue FILE   add (or override) indicators on top of the standard catalogue\n"
    "  --age-bands A-B,...    age bands for age_band (default 0-5,6-10,11-15,16-17)\n"
    "  --reference-date D     date for relative periods (default: today)\n"
    "  --no-consent           do not leave out cases with consent_reporting = 0\n"
    "  --format csv|json      output format (default csv)\n"
    "  -o FILE                write to FILE instead of stdout\n"
    "  --threads N            worker threads (default 0: all cores)\n"
    "  --quiet                no progress or notes on stderr\n";

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    if (comma > pos) out.push_back(text.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

day_number today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return to_day_number(civil_date{local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                                  static_cast<unsigned>(local.tm_mday)});
}

}  // namespace

int run_compute(int argc, char** argv) {
  std::string data_path, periods_text, output_path, format = "csv", catalogue_path,
                                                    add_catalogue_path, reference_text;
  engine::compute_request request;
  bool quiet = false;
  arguments args(argc, argv);
  while (args.next()) {
    if (args.help()) {
      std::fputs(compute_help, stdout);
      return 0;
    }
    if (args.flag("--quiet", "-q")) {
      quiet = true;
    } else if (args.flag("--no-consent")) {
      request.honour_consent = false;
    } else if (args.option("--period")) {
      periods_text = args.value();
    } else if (args.option("--level")) {
      request.levels.clear();
      for (const auto& item : split_list(args.value())) {
        char* end = nullptr;
        const long level = std::strtol(item.c_str(), &end, 10);
        if (*end != '\0' || level < 1 || level > 255)
          throw usage_error("bad level '" + item + "'; expected a whole number from 1 to 255");
        request.levels.push_back(static_cast<int>(level));
      }
      if (request.levels.empty()) throw usage_error("--level needs at least one level");
    } else if (args.option("--by")) {
      request.by = split_list(args.value());
    } else if (args.option("--indicators")) {
      request.indicators = split_list(args.value());
    } else if (args.option("--catalogue")) {
      catalogue_path = args.value();
    } else if (args.option("--add-catalogue")) {
      add_catalogue_path = args.value();
    } else if (args.option("--age-bands")) {
      try {
        request.age_bands = engine::parse_age_bands(args.value());
      } catch (const error& e) {
        throw usage_error(e.what());
      }
    } else if (args.option("--reference-date")) {
      reference_text = args.value();
    } else if (args.option("--format")) {
      format = args.value();
      if (format != "csv" && format != "json") throw usage_error("--format takes csv or json");
    } else if (args.option("--output", "-o")) {
      output_path = args.value();
    } else if (args.option("--threads")) {
      const std::uint64_t threads = args.unsigned_value();
      if (threads > 1024) throw usage_error("--threads must be 0 (all cores) to 1024");
      request.threads = static_cast<unsigned>(threads);
    } else if (args.positional() && data_path.empty()) {
      data_path = args.value();
    } else {
      args.unknown();
    }
  }
  if (data_path.empty()) throw usage_error("missing DATA");
  if (periods_text.empty()) throw usage_error("--period is required");

  day_number reference = today();
  if (!reference_text.empty()) {
    const auto parsed = parse_iso_date(reference_text);
    if (!parsed)
      throw usage_error("bad --reference-date '" + reference_text + "'; expected YYYY-MM-DD");
    reference = *parsed;
  }
  try {
    request.periods = parse_period_list(periods_text, reference);
  } catch (const period_error& e) {
    throw usage_error(e.what());
  }

  engine::catalogue cat = engine::catalogue::standard();
  try {
    if (!catalogue_path.empty()) cat = engine::catalogue::load(catalogue_path);
    if (!add_catalogue_path.empty()) cat.merge(engine::catalogue::load(add_catalogue_path, &cat));
  } catch (const engine::catalogue_error& e) {
    for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 1;
  }

  dataset data;
  try {
    io::load_options options;
    data = io::load(data_path, options);
  } catch (const load_error& e) {
    for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::fprintf(stderr, "safeguard compute: %s could not be loaded\n", data_path.c_str());
    return 1;
  }

  const engine::result result = engine::compute(data, cat, request);
  if (!quiet)
    for (const auto& note : result.notes) std::fprintf(stderr, "note: %s\n", note.c_str());

  if (output_path.empty()) {
    std::ios::sync_with_stdio(false);
    if (format == "json")
      output::write_json(result, std::cout);
    else
      output::write_csv(result, std::cout);
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::ofstream out(output_path, std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "safeguard compute: cannot write '%s'\n", output_path.c_str());
    return 1;
  }
  if (format == "json")
    output::write_json(result, out);
  else
    output::write_csv(result, out);
  out.close();
  if (!out) {
    std::fprintf(stderr, "safeguard compute: error writing '%s'\n", output_path.c_str());
    return 1;
  }
  if (!quiet)
    std::fprintf(stderr, "wrote %zu rows to %s\n", result.size(), output_path.c_str());
  return 0;
}

}  // namespace safeguard::cli
