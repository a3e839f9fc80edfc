// libFuzzer target for the CSV reader and the dataset loader: the first byte picks a table
// file and the rest is its content, loaded next to a fixed valid org_units.csv (and small
// valid children, cases, agencies and plans so that references resolve). Any input must give
// a report, never a crash; a report with an error must come with an empty dataset; every
// diagnostic must render and keep its value within 80 bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "safeguard/io/csv.hpp"
#include "safeguard/io/load.hpp"

namespace {

const char* const org_units =
    "code,name,parent,kind\n22,Tỉnh Quảng Ninh,,province\n193,Thành phố Hạ Long,22,city\n"
    "6700,Phường Hồng Gai,193,ward\n";
const char* const agencies = "code,name,kind,org_unit\ndolisa,Sở LĐTBXH,labour_social_affairs,22\n";
const char* const children =
    "child_id,birth_date,sex,org_unit,registered_date\nC1,2012-02-29,f,6700,2020-01-15\n";
const char* const cases =
    "case_id,child_id,reported_date,concerns,org_unit\nK1,C1,2024-03-01T09:30,neglect,6700\n";
const char* const plans =
    "plan_id,agency,title,start_date,end_date,org_unit\nP1,dolisa,Kế hoạch,2024-01-01,"
    "2024-12-31,22\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::vector<std::string>& names = safeguard::io::table_file_names();
  const std::string& fuzzed = names[data[0] % names.size()];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  // The tokenizer alone, with a small record limit so that long lines are exercised too.
  safeguard::io::csv_options small;
  small.max_record_bytes = 64;
  small.expected_fields = 3;
  safeguard::io::csv_reader reader(text, small);
  safeguard::io::csv_record record;
  std::size_t records = 0;
  // The same text read without an expected field count (so never by the fast path for
  // records of the header's width) must give the same records.
  safeguard::io::csv_options general = small;
  general.expected_fields = 0;
  safeguard::io::csv_reader general_reader(text, general);
  safeguard::io::csv_record general_record;
  while (reader.next(record)) {
    if (record.line > record.last_line || ++records > text.size() + 1) __builtin_trap();
    for (std::string_view f : record.fields)
      if (f.size() > text.size()) __builtin_trap();
    if (!general_reader.next(general_record) || general_record.line != record.line ||
        general_record.last_line != record.last_line || general_record.fields != record.fields)
      __builtin_trap();
  }
  if (general_reader.next(general_record)) __builtin_trap();

  std::vector<std::pair<std::string, std::string>> files = {
      {"org_units.csv", org_units}, {"agencies.csv", agencies}, {"children.csv", children},
      {"cases.csv", cases},         {"plans.csv", plans}};
  bool replaced = false;
  for (auto& [name, content] : files)
    if (name == fuzzed) {
      content = text;
      replaced = true;
    }
  if (!replaced) files.emplace_back(fuzzed, text);

  safeguard::io::load_options options;
  options.threads = 1 + (data[0] / names.size()) % 2;
  options.max_errors = 1 + data[0] % 7;
  safeguard::dataset ds;
  const safeguard::io::load_report report = safeguard::io::try_load_tables(files, ds, options);
  if (!report.ok() && ds.org_units.size() != 0) __builtin_trap();
  if (report.error_count() > options.max_errors + 1) __builtin_trap();
  for (const safeguard::diagnostic& d : report.diagnostics) {
    if (d.value.size() > 80 || d.code.size() != 5) __builtin_trap();
    if (!safeguard::io::is_valid_utf8(d.to_string())) __builtin_trap();
  }
  return 0;
}
