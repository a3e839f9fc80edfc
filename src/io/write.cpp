// The dataset writer. Each table is written in one pass through a buffer that is flushed to
// the file in large blocks; cells are formatted into that buffer directly, so writing
// allocates nothing per row.
#include "safeguard/io/write.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "safeguard/error.hpp"
#include "io/detail/write_part.hpp"

namespace safeguard::io {
namespace {

constexpr std::size_t flush_bytes = std::size_t{1} << 20;

class csv_file {
 public:
  csv_file(const std::string& dir, const char* name) : path_(dir + "/" + name) {
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_) fail();
    buffer_.reserve(flush_bytes + 4096);
  }
  csv_file(const csv_file&) = delete;
  csv_file& operator=(const csv_file&) = delete;
  ~csv_file() {
    if (file_) std::fclose(file_);
  }

  void header(std::string_view line) {
    buffer_.append(line);
    buffer_.append("\r\n");
  }
  // Every cell after the first of a row is preceded by a comma.
  void sep() { buffer_.push_back(','); }
  void end_row() {
    buffer_.append("\r\n");
    if (buffer_.size() >= flush_bytes) flush();
  }
  void text(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      buffer_.append(s);
      return;
    }
    buffer_.push_back('"');
    for (char c : s) {
      if (c == '"') buffer_.push_back('"');
      buffer_.push_back(c);
    }
    buffer_.push_back('"');
  }
  void integer(std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    buffer_.append(buf, r.ptr);
  }
  void number(double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
    buffer_.append(buf, r.ptr);
  }
  void date(day_number d, minute_of_day minute = no_minute) {
    if (d == no_day) return;
    const civil_date c = to_civil(d);
    char buf[20];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    if (minute != no_minute)
      n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "T%02d:%02d", minute / 60,
                         minute % 60);
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
  void flag_cell(flag f) {
    if (f != no_flag) buffer_.push_back(f ? '1' : '0');
  }
  void code_cell(code c, const code_list& list) {
    if (c != no_code) buffer_.append(list[c].code);
  }
  void codes_cell(code_set s, const code_list& list) {
    bool first = true;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!(s & (code_set{1} << i))) continue;
      if (!first) buffer_.push_back('|');
      buffer_.append(list[i].code);
      first = false;
    }
  }
  void entry(std::int32_t position, const dictionary& dict) {
    if (position != dictionary::no_entry) text(dict.values[static_cast<std::size_t>(position)]);
  }
  template <class Tag>
  void ref(row_index<Tag> i, const string_column& codes) {
    if (i.valid()) text(codes[static_cast<std::size_t>(i.value)]);
  }

  void close() {
    flush();
    if (std::fclose(file_) != 0) {
      file_ = nullptr;
      fail();
    }
    file_ = nullptr;
  }

 private:
  void flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) fail();
    buffer_.clear();
  }
  [[noreturn]] void fail() const {
    throw error("cannot write " + path_ + ": " + std::strerror(errno));
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

void write_org_units(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const org_unit_table& t = d.org_units;
  csv_file f(dir, "org_units.csv");
  f.header("code,name,parent,kind");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->org_units[i] != rows->part) continue;
    f.text(t.code[i]), f.sep(), f.text(t.name[i]), f.sep(), f.ref(t.parent[i], t.code), f.sep();
    f.code_cell(t.kind[i], codes::org_unit_kind());
    f.end_row();
  }
  f.close();
}

void write_population(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const population_table& t = d.population;
  csv_file f(dir, "population.csv");
  f.header("org_unit,year,sex,age,count");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->population[i] != rows->part) continue;
    f.ref(t.org_unit[i], d.org_units.code), f.sep(), f.integer(t.year[i]), f.sep();
    f.code_cell(t.sex[i], codes::sex()), f.sep(), f.integer(t.age[i]), f.sep(), f.integer(t.count[i]);
    f.end_row();
  }
  f.close();
}

void write_agencies(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const agency_table& t = d.agencies;
  csv_file f(dir, "agencies.csv");
  f.header("code,name,kind,org_unit");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->agencies[i] != rows->part) continue;
    f.text(t.code[i]), f.sep(), f.text(t.name[i]), f.sep(), f.code_cell(t.kind[i], codes::agency_kind());
    f.sep(), f.ref(t.org_unit[i], d.org_units.code);
    f.end_row();
  }
  f.close();
}

void write_children(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const child_table& t = d.children;
  csv_file f(dir, "children.csv");
  f.header("child_id,birth_date,sex,org_unit,ethnicity,disability,registered_date,exit_date,exit_reason");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->children[i] != rows->part) continue;
    f.text(t.id[i]), f.sep(), f.date(t.birth_date[i]), f.sep(), f.code_cell(t.sex[i], codes::sex()), f.sep();
    f.ref(t.org_unit[i], d.org_units.code), f.sep(), f.entry(t.ethnicity[i], t.ethnicities), f.sep();
    f.flag_cell(t.disability[i]), f.sep(), f.date(t.registered_date[i]), f.sep(), f.date(t.exit_date[i]), f.sep();
    f.code_cell(t.exit_reason[i], codes::exit_reason());
    f.end_row();
  }
  f.close();
}

void write_circumstances(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const circumstance_table& t = d.circumstances;
  csv_file f(dir, "circumstances.csv");
  f.header("child_id,circumstance,start_date,end_date");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->circumstances[i] != rows->part) continue;
    f.ref(t.child[i], d.children.id), f.sep(), f.code_cell(t.circumstance[i], codes::circumstance()), f.sep();
    f.date(t.start_date[i]), f.sep(), f.date(t.end_date[i]);
    f.end_row();
  }
  f.close();
}

void write_cases(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const case_table& t = d.cases;
  csv_file f(dir, "cases.csv");
  f.header("case_id,child_id,reported_date,concerns,org_unit,lead_agency,source,setting,perpetrator,level,"
           "risk,outcome,incident_date,emergency_date,assessed_date,plan_date,closed_date,closure_reason,"
           "consent_reporting");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->cases[i] != rows->part) continue;
    f.text(t.id[i]), f.sep(), f.ref(t.child[i], d.children.id), f.sep();
    f.date(t.reported_date[i], t.reported_minute[i]), f.sep(), f.codes_cell(t.concerns[i], codes::concern());
    f.sep(), f.ref(t.org_unit[i], d.org_units.code), f.sep(), f.ref(t.lead_agency[i], d.agencies.code), f.sep();
    f.code_cell(t.source[i], codes::source()), f.sep(), f.code_cell(t.setting[i], codes::setting()), f.sep();
    f.code_cell(t.perpetrator[i], codes::perpetrator()), f.sep();
    f.code_cell(t.level[i], codes::protection_level()), f.sep(), f.code_cell(t.risk[i], codes::risk()), f.sep();
    f.code_cell(t.outcome[i], codes::outcome()), f.sep(), f.date(t.incident_date[i]), f.sep();
    f.date(t.emergency_date[i], t.emergency_minute[i]), f.sep(), f.date(t.assessed_date[i]), f.sep();
    f.date(t.plan_date[i]), f.sep(), f.date(t.closed_date[i]), f.sep();
    f.code_cell(t.closure_reason[i], codes::closure_reason()), f.sep(), f.flag_cell(t.consent_reporting[i]);
    f.end_row();
  }
  f.close();
}

void write_services(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const service_table& t = d.services;
  csv_file f(dir, "services.csv");
  f.header("case_id,date,service,agency,referred");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->services[i] != rows->part) continue;
    f.ref(t.case_[i], d.cases.id), f.sep(), f.date(t.date[i]), f.sep(), f.code_cell(t.service[i], codes::service());
    f.sep(), f.ref(t.agency[i], d.agencies.code), f.sep(), f.flag_cell(t.referred[i]);
    f.end_row();
  }
  f.close();
}

void write_activities(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const activity_table& t = d.activities;
  csv_file f(dir, "activities.csv");
  f.header("activity_id,agency,kind,start_date,end_date,org_unit,topics,audiences,sessions,participants,"
           "child_participants,quantity,programme");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->activities[i] != rows->part) continue;
    f.text(t.id[i]), f.sep(), f.ref(t.agency[i], d.agencies.code), f.sep();
    f.code_cell(t.kind[i], codes::activity_kind()), f.sep(), f.date(t.start_date[i]), f.sep();
    f.date(t.end_date[i]), f.sep(), f.ref(t.org_unit[i], d.org_units.code), f.sep();
    f.codes_cell(t.topics[i], codes::topic()), f.sep(), f.codes_cell(t.audiences[i], codes::audience()), f.sep();
    f.integer(t.sessions[i]), f.sep(), f.integer(t.participants[i]), f.sep();
    f.integer(t.child_participants[i]), f.sep(), f.integer(t.quantity[i]), f.sep();
    f.entry(t.programme[i], t.programmes);
    f.end_row();
  }
  f.close();
}

void write_plans(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const plan_table& t = d.plans;
  csv_file f(dir, "plans.csv");
  f.header("plan_id,agency,title,start_date,end_date,org_unit,programme");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->plans[i] != rows->part) continue;
    f.text(t.id[i]), f.sep(), f.ref(t.agency[i], d.agencies.code), f.sep(), f.text(t.title[i]), f.sep();
    f.date(t.start_date[i]), f.sep(), f.date(t.end_date[i]), f.sep(), f.ref(t.org_unit[i], d.org_units.code);
    f.sep(), f.entry(t.programme[i], t.programmes);
    f.end_row();
  }
  f.close();
}

void write_targets(const dataset& d, const std::string& dir, const detail::row_partition* rows) {
  const target_table& t = d.targets;
  csv_file f(dir, "targets.csv");
  f.header("plan_id,indicator,value,direction,org_unit,period");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (rows && rows->targets[i] != rows->part) continue;
    f.ref(t.plan[i], d.plans.id), f.sep(), f.text(t.indicator[i]), f.sep(), f.number(t.value[i]), f.sep();
    f.code_cell(t.direction[i], codes::direction()), f.sep(), f.ref(t.org_unit[i], d.org_units.code), f.sep();
    f.text(t.period[i]);
    f.end_row();
  }
  f.close();
}

void write_holidays(const dataset& d, const std::string& dir) {
  const holiday_table& t = d.holidays;
  csv_file f(dir, "holidays.csv");
  f.header("date,name");
  for (std::size_t i = 0; i < t.size(); ++i) {
    f.date(t.date[i]), f.sep(), f.text(t.name[i]);
    f.end_row();
  }
  f.close();
}

}  // namespace

namespace detail {

void write_dataset_rows(const dataset& data, const std::string& out_dir, const row_partition* rows) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw error("cannot create the folder " + out_dir + ": " + ec.message());
  write_org_units(data, out_dir, rows);
  write_population(data, out_dir, rows);
  write_agencies(data, out_dir, rows);
  write_children(data, out_dir, rows);
  write_circumstances(data, out_dir, rows);
  write_cases(data, out_dir, rows);
  write_services(data, out_dir, rows);
  write_activities(data, out_dir, rows);
  write_plans(data, out_dir, rows);
  write_targets(data, out_dir, rows);
  write_holidays(data, out_dir);  // the calendar is shared: every partition gets it
}

}  // namespace detail

void write_dataset(const dataset& data, const std::string& out_dir) {
  detail::write_dataset_rows(data, out_dir, nullptr);
}

}  // namespace safeguard::io
