// The output table writers.
#include "safeguard/output/table.hpp"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

namespace safeguard::output {

namespace {

// A number the table can hold: there, and finite. An infinity (a sum of targets beyond the
// largest double) is no number a reader can use, and JSON has no way to write one: empty.
bool printable(bool has, double v) { return has && std::isfinite(v); }

}  // namespace

std::string format_number(double x) {
  if (x == 0) return "0";  // also folds -0
  return fmt::format("{}", x);
}

namespace {

// RFC 4180: quote a field that holds a comma, a quote or a line end.
void put_csv_field(std::string& line, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    line.append(field);
    return;
  }
  line.push_back('"');
  for (char c : field) {
    if (c == '"') line.push_back('"');
    line.push_back(c);
  }
  line.push_back('"');
}

void put_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

std::string_view dimension_code(const engine::result& r, std::size_t d, std::size_t row) {
  const std::int32_t c = r.dimension[d][row];
  return c < 0 ? std::string_view() : std::string_view(r.dimension_values[d][static_cast<std::size_t>(c)]);
}

}  // namespace

void write_csv(const engine::result& r, std::ostream& out) {
  std::string line = "indicator,period,org_unit";
  for (const auto& d : r.dimensions) {
    line.push_back(',');
    put_csv_field(line, d);
  }
  line += ",numerator,denominator,value,target,status\n";
  out << line;
  for (std::size_t i = 0; i < r.size(); ++i) {
    line.clear();
    put_csv_field(line, r.indicator_codes[r.indicator[i]]);
    line.push_back(',');
    line += r.periods[r.period_index[i]].id();
    line.push_back(',');
    put_csv_field(line, r.unit_codes[static_cast<std::size_t>(r.org_unit[i].value)]);
    for (std::size_t d = 0; d < r.dimensions.size(); ++d) {
      line.push_back(',');
      put_csv_field(line, dimension_code(r, d, i));
    }
    line.push_back(',');
    if (printable(r.has_numerator[i], r.numerator[i])) line += format_number(r.numerator[i]);
    line.push_back(',');
    if (printable(r.has_denominator[i], r.denominator[i])) line += format_number(r.denominator[i]);
    line.push_back(',');
    if (printable(r.has_value[i], r.value[i])) line += format_number(r.value[i]);
    line.push_back(',');
    if (printable(r.has_target[i], r.target[i])) line += format_number(r.target[i]);
    line += ",\n";
    out << line;
  }
}

std::string to_csv(const engine::result& r) {
  std::ostringstream s;
  write_csv(r, s);
  return s.str();
}

void write_json(const engine::result& r, std::ostream& out) {
  std::string s = "{\n  \"columns\": [\"indicator\", \"period\", \"org_unit\"";
  for (const auto& d : r.dimensions) {
    s += ", ";
    put_json_string(s, d);
  }
  s += ", \"numerator\", \"denominator\", \"value\", \"target\", \"status\"],\n  \"rows\": [";
  auto number_or_null = [&](bool has, double v) {
    s += printable(has, v) ? format_number(v) : std::string("null");
  };
  for (std::size_t i = 0; i < r.size(); ++i) {
    s += i ? ",\n    {" : "\n    {";
    s += "\"indicator\": ";
    put_json_string(s, r.indicator_codes[r.indicator[i]]);
    s += ", \"period\": ";
    put_json_string(s, r.periods[r.period_index[i]].id());
    s += ", \"org_unit\": ";
    put_json_string(s, r.unit_codes[static_cast<std::size_t>(r.org_unit[i].value)]);
    for (std::size_t d = 0; d < r.dimensions.size(); ++d) {
      s += ", ";
      put_json_string(s, r.dimensions[d]);
      s += ": ";
      if (r.dimension[d][i] < 0)
        s += "null";
      else
        put_json_string(s, dimension_code(r, d, i));
    }
    s += ", \"numerator\": ";
    number_or_null(r.has_numerator[i], r.numerator[i]);
    s += ", \"denominator\": ";
    number_or_null(r.has_denominator[i], r.denominator[i]);
    s += ", \"value\": ";
    number_or_null(r.has_value[i], r.value[i]);
    s += ", \"target\": ";
    number_or_null(r.has_target[i], r.target[i]);
    if (r.has_target[i]) {
      s += ", \"direction\": ";
      s += r.target_at_most[i] ? "\"at_most\"" : "\"at_least\"";
      // Two statements: the order in which a call's arguments are evaluated is unspecified,
      // and `achievement` must be read after achievement() has set it.
      double achievement = 0;
      const bool has_achievement = r.achievement(i, achievement);
      s += ", \"achievement\": ";
      number_or_null(has_achievement, achievement);
    }
    s += ", \"status\": null}";
  }
  s += r.size() ? "\n  ],\n  \"notes\": [" : "],\n  \"notes\": [";
  for (std::size_t i = 0; i < r.notes.size(); ++i) {
    s += i ? ", " : "";
    put_json_string(s, r.notes[i]);
  }
  s += "]\n}\n";
  out << s;
}

std::string to_json(const engine::result& r) {
  std::ostringstream s;
  write_json(r, s);
  return s.str();
}

}  // namespace safeguard::output
