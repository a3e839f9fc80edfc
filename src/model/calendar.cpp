// ISO date parsing (the inline parsers of model/detail/iso_date.hpp) and formatting.
#include "safeguard/model/calendar.hpp"

#include "model/detail/iso_date.hpp"

namespace safeguard {

namespace {

void append_padded(std::string& out, long long v, int width) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  char buffer[24];
  int n = 0;
  do {
    buffer[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buffer[--n];
}

}  // namespace

std::optional<day_number> parse_iso_date(std::string_view text) noexcept {
  const day_number d = detail::parse_iso_day(text);
  if (d == no_day) return std::nullopt;
  return d;
}

std::optional<date_time> parse_iso_date_time(std::string_view text) noexcept {
  const date_time t = detail::parse_iso_day_time(text);
  if (t.day == no_day) return std::nullopt;
  return t;
}

std::string format_iso_date(day_number d) {
  if (d == no_day) return std::string();
  const civil_date c = to_civil(d);
  std::string out;
  out.reserve(10);
  append_padded(out, c.year, 4);
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  return out;
}

std::string format_iso_date_time(date_time t) {
  std::string out = format_iso_date(t.day);
  if (t.day == no_day || t.minute < 0 || t.minute >= 24 * 60) return out;
  out += 'T';
  append_padded(out, t.minute / 60, 2);
  out += ':';
  append_padded(out, t.minute % 60, 2);
  return out;
}

}  // namespace safeguard
