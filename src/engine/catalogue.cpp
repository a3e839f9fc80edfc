// Reading and checking catalogue files (YAML through yaml-cpp).
#include "safeguard/engine/catalogue.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <tuple>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "engine/dimensions.hpp"

namespace safeguard::engine {

namespace detail {
extern const std::string_view standard_catalogue_text;
}

catalogue_error::catalogue_error(std::vector<diagnostic> diagnostics)
    : error([&] {
        std::string what = "the catalogue has errors";
        for (std::size_t i = 0; i < diagnostics.size() && i < 5; ++i)
          what += "\n" + diagnostics[i].to_string();
        if (diagnostics.size() > 5)
          what += "\n(" + std::to_string(diagnostics.size() - 5) + " more)";
        return what;
      }()),
      diagnostics_(std::move(diagnostics)) {}

const std::vector<std::string>& known_dimensions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& d : detail::dimension_names()) out.emplace_back(d);
    return out;
  }();
  return names;
}

namespace {

// Positions in a catalogue text, as diagnostics give them: 1-based lines and columns in
// characters (code points), as editors count them and as expression errors do.

// The byte after the character (UTF-8 sequence) that starts at `i`.
std::size_t next_character(std::string_view s, std::size_t i) {
  ++i;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// Where a yaml-cpp mark is in the text: yaml-cpp counts from after a byte-order mark.
std::optional<std::size_t> offset_of(std::string_view text, const YAML::Mark& mark) {
  const std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) + bom > text.size()) return std::nullopt;
  return static_cast<std::size_t>(mark.pos) + bom;
}

// The line and column of the byte at `p` (p <= the text's size).
std::pair<std::uint64_t, std::uint32_t> text_position(std::string_view text, std::size_t p) {
  std::uint64_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < p; ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  std::uint32_t column = 1;
  for (std::size_t i = line_start; i < p; i = next_character(text, i)) ++column;
  return {line, column};
}

// The line and column of a mark; yaml-cpp's own (bytes) when it has no offset.
std::pair<std::uint64_t, std::uint32_t> text_position(std::string_view text,
                                                      const YAML::Mark& mark) {
  if (const auto p = offset_of(text, mark)) return text_position(text, *p);
  return {static_cast<std::uint64_t>(mark.line + 1), static_cast<std::uint32_t>(mark.column + 1)};
}

// Collects diagnostics for one catalogue text.
class checker {
 public:
  checker(std::string source, std::string_view text) : source_(std::move(source)), text_(text) {}

  void add(const YAML::Node& at, const std::string& code, std::string column_name,
           std::string value, std::string expected) {
    diagnostic d;
    d.code = "SG401";
    d.file = source_;
    if (at.IsDefined()) std::tie(d.line, d.column) = position(at.Mark());
    d.column_name = std::move(column_name);
    d.value = value.size() > 80 ? value.substr(0, 77) + "..." : std::move(value);
    d.expected = std::move(expected);
    d.record_id = code;
    diagnostics_.push_back(std::move(d));
  }
  void add_expression(const YAML::Node& at, const std::string& code, const std::string& field,
                      const expression_error& e) {
    // The value is the expression line at fault; the message and a caret under the spot
    // follow on their own lines.
    const std::string& text = e.text();
    std::size_t begin = 0;
    for (int l = 1; l < e.line() && begin != std::string::npos; ++l) {
      begin = text.find('\n', begin);
      if (begin != std::string::npos) ++begin;
    }
    if (begin == std::string::npos) begin = 0;
    // The error's column counts characters; the walk below needs bytes.
    std::size_t offset = begin;
    for (int c = 1; c < e.column() && offset < text.size() && text[offset] != '\n'; ++c)
      offset = next_character(text, offset);
    const auto [line, column] = locate(at.Mark(), text, offset);
    diagnostic d;
    d.code = "SG402";
    d.file = source_;
    d.line = line;
    d.column = column;
    d.column_name = field;
    const std::size_t stop = text.find('\n', begin);
    d.value = text.substr(begin, stop == std::string::npos ? std::string::npos : stop - begin);
    d.expected = e.expected() + "\n    " + e.what();
    std::string caret = e.caret();
    for (std::size_t at = 0; (at = caret.find('\n', at)) != std::string::npos; at += 5)
      caret.replace(at, 1, "\n    ");
    d.expected += "\n    " + caret;
    d.record_id = code;
    diagnostics_.push_back(std::move(d));
  }
  std::vector<diagnostic>& diagnostics() { return diagnostics_; }
  const std::string& source() const { return source_; }

 private:
  std::pair<std::uint64_t, std::uint32_t> position(const YAML::Mark& mark) const {
    return text_position(text_, mark);
  }

  // The file's line and column of the byte at `offset` of a scalar's value `value`, whose
  // node starts at `mark`; an offset at the value's end (an expression that stops too soon)
  // is just after its last character. YAML rewrites a scalar on its way to the value: a
  // block scalar (`>-`, `|`) starts on the line after its indicator and loses its
  // indentation, folding turns line breaks into spaces, quotes are doubled or escaped. So
  // the value is walked alongside the file's text from the mark, the file's extra
  // characters (indentation, line breaks, quotes, backslashes) skipped and the value's
  // folded spaces taken as line breaks. Where the two cannot be matched, the scalar's
  // start is given.
  std::pair<std::uint64_t, std::uint32_t> locate(const YAML::Mark& mark, std::string_view value,
                                                 std::size_t offset) const {
    const auto start = offset_of(text_, mark);
    const std::size_t last = value.find_last_not_of(" \t\r\n");
    if (!start || *start >= text_.size() || last == std::string_view::npos) return position(mark);
    const bool past_end = offset > last;  // at the end, or in trailing line breaks
    const std::size_t target = past_end ? last : offset;
    const auto extra = [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '\\';
    };
    std::size_t p = *start;
    if (text_[p] == '|' || text_[p] == '>') {  // a block scalar: its text starts on the next line
      p = text_.find('\n', p);
      if (p == std::string_view::npos) return position(mark);
    } else if (text_[p] == '"' || text_[p] == '\'') {
      ++p;
    }
    std::size_t q = 0;
    for (;;) {
      if (p >= text_.size()) return position(mark);
      const char rc = text_[p];
      if (value[q] == rc) {
        if (q == target) break;
        ++p;
        ++q;
      } else if (extra(rc)) {
        ++p;
      } else if (value[q] == ' ' || value[q] == '\n') {
        if (q == target) break;  // the spot is a folded line break: the line's end
        ++q;
      } else {
        return position(mark);
      }
    }
    return text_position(text_, past_end ? next_character(text_, p) : p);
  }

  std::string source_;
  std::string_view text_;
  std::vector<diagnostic> diagnostics_;
};

// A map's value for `key`, or an undefined node. yaml-cpp's operator[] on a missing key
// returns a node that throws on use, so lookups go through here.
YAML::Node get(const YAML::Node& map, const char* key) {
  if (map.IsDefined() && map.IsMap())
    for (const auto& kv : map)
      if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string scalar(const YAML::Node& n) {
  return n.IsDefined() && n.IsScalar() ? n.as<std::string>() : std::string();
}

// A map key as text. YAML allows a key that is itself a list or a map (`? [a, b]: 1`); no
// key of a catalogue is one, and it is named as such in the diagnostic.
std::string key_text(const YAML::Node& key) {
  return key.IsScalar() ? key.as<std::string>() : std::string("(a key that is not a plain name)");
}

bilingual_text read_text(const YAML::Node& n) {
  bilingual_text t;
  if (n.IsMap()) {
    t.vi = scalar(get(n, "vi"));
    t.en = scalar(get(n, "en"));
  } else if (n.IsScalar()) {
    t.en = n.as<std::string>();
  }
  return t;
}

bool parse_age_range(const std::string& text, int& low, int& high) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return false;
  const char* b = text.data();
  auto r1 = std::from_chars(b, b + dash, low);
  auto r2 = std::from_chars(b + dash + 1, b + text.size(), high);
  return r1.ec == std::errc() && r1.ptr == b + dash && r2.ec == std::errc() &&
         r2.ptr == b + text.size() && low >= 0 && high >= low && high <= 150;
}

std::string_view default_date_column(table_id t) {
  switch (t) {
    case table_id::cases: return "reported_date";
    case table_id::services: return "date";
    case table_id::activities: return "start_date";
    case table_id::children: return "registered_date";
    case table_id::circumstances: return "start_date";
    case table_id::plans: return "start_date";
    case table_id::holidays: return "date";
    default: return {};
  }
}

bool stock_allowed(table_id t) {
  return t == table_id::children || t == table_id::circumstances || t == table_id::cases;
}

void read_side(checker& c, const YAML::Node& n, const std::string& code, const char* which,
               side_definition& side) {
  side.line = n.IsDefined() ? n.Mark().line + 1 : 0;
  if (n.IsScalar()) {  // shorthand: `denominator: CHILD_POP`
    side.indicator = n.as<std::string>();
    return;
  }
  if (!n.IsMap()) {
    c.add(n, code, which, "", "a map with from, place, where, value (or indicator)");
    return;
  }
  if (get(n, "indicator")) {
    side.indicator = scalar(get(n, "indicator"));
    for (const auto& kv : n)
      if (key_text(kv.first) != "indicator")
        c.add(kv.first, code, which, key_text(kv.first),
              "only 'indicator' in a side that refers to another indicator");
    return;
  }
  const std::string from = scalar(get(n, "from"));
  if (!parse_table_name(from, side.table)) {
    c.add(get(n, "from").IsDefined() ? get(n, "from") : YAML::Node(n), code, std::string(which) + ".from", from,
          "a table: population, children, circumstances, cases, services, activities, "
          "agencies, plans, targets, org_units, holidays");
    return;
  }
  const std::string place = scalar(get(n, "place"));
  if (side.table == table_id::population) {
    side.placing = placing_kind::year;
    if (!place.empty() && place != "year")
      c.add(get(n, "place"), code, std::string(which) + ".place", place,
            "'year' (population is placed by the calendar year in which the period ends)");
  } else if (place == "stock") {
    side.placing = placing_kind::stock;
    if (!stock_allowed(side.table))
      c.add(get(n, "place"), code, std::string(which) + ".place", place,
            "a date column: stock placement exists for children, circumstances and cases");
  } else {
    side.placing = placing_kind::event;
    side.date_column = place.empty() ? std::string(default_date_column(side.table)) : place;
    if (side.date_column.empty()) {
      c.add(n, code, std::string(which) + ".place", place, "a date column to place rows by");
    } else {
      try {
        auto e = expression_compiler::compile_row(side.date_column, side.table);
        if (e.type() != value_type::date && e.type() != value_type::date_time)
          c.add(get(n, "place"), code, std::string(which) + ".place", place,
                "a date column of " + from);
      } catch (const expression_error&) {
        c.add(get(n, "place"), code, std::string(which) + ".place", place,
              "'stock', 'year' or a date column of " + from);
      }
    }
  }
  side.where = scalar(get(n, "where"));
  side.value = scalar(get(n, "value"));
  if (!side.where.empty()) {
    try {
      auto e = expression_compiler::compile_row(side.where, side.table);
      if (e.type() != value_type::boolean)
        c.add(get(n, "where"), code, std::string(which) + ".where", side.where,
              "a condition (true or false for each row)");
    } catch (const expression_error& e) {
      c.add_expression(get(n, "where"), code, std::string(which) + ".where", e);
    }
  }
  if (side.value.empty()) {
    c.add(n, code, std::string(which) + ".value", "", "an aggregate such as count(case_id)");
  } else {
    try {
      expression_compiler::compile_side(side.value, side.table);
    } catch (const expression_error& e) {
      c.add_expression(get(n, "value"), code, std::string(which) + ".value", e);
    }
  }
  for (const auto& kv : n) {
    const std::string key = key_text(kv.first);
    if (key != "from" && key != "place" && key != "where" && key != "value")
      c.add(kv.first, code, which, key, "one of from, place, where, value, indicator");
  }
}

const std::vector<std::string> known_indicator_keys = {
    "code", "name", "description", "unit", "numerator", "denominator", "factor",
    "dimensions", "ages", "source", "periodicity", "lead_agency"};

std::vector<indicator_definition> parse_unguarded(std::string_view text, const std::string& source,
                                                  const catalogue* base_catalogue,
                                                  std::vector<diagnostic>& out) {
  checker c(source, text);
  std::vector<indicator_definition> list;
  const YAML::Node root = YAML::Load(std::string(text));  // text that is not YAML: parse_checked
  YAML::Node items = root.IsMap() ? get(root, "indicators") : YAML::Node();
  if (!items.IsSequence()) {
    c.add(root, "", "indicators", "", "a top-level map with a list 'indicators'");
    out = std::move(c.diagnostics());
    return list;
  }
  if (get(root, "version").IsDefined() && scalar(get(root, "version")) != "1")
    c.add(get(root, "version"), "", "version", scalar(get(root, "version")), "version 1");

  for (const auto& item : items) {
    indicator_definition def;
    def.line = item.Mark().line + 1;
    if (!item.IsMap()) {
      c.add(item, "", "indicator", "", "a map with code, name, numerator, ...");
      continue;
    }
    def.code = scalar(get(item, "code"));
    if (def.code.empty() ||
        !std::all_of(def.code.begin(), def.code.end(), [](char ch) {
          return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        })) {
      c.add(get(item, "code").IsDefined() ? get(item, "code") : YAML::Node(item), def.code, "code", def.code,
            "an indicator code of capital letters, digits and _");
    }
    for (const auto& d : list)
      if (d.code == def.code)
        c.add(get(item, "code"), def.code, "code", def.code,
              "a code not used before (first at line " + std::to_string(d.line) + ")");
    for (const auto& kv : item) {
      const std::string key = key_text(kv.first);
      if (std::find(known_indicator_keys.begin(), known_indicator_keys.end(), key) ==
          known_indicator_keys.end())
        c.add(kv.first, def.code, key, key,
              "one of code, name, description, unit, numerator, denominator, factor, "
              "dimensions, ages, source, periodicity, lead_agency");
    }
    def.name = read_text(get(item, "name"));
    if (def.name.en.empty() && def.name.vi.empty())
      c.add(item, def.code, "name", "", "a name {en: ..., vi: ...}");
    def.description = read_text(get(item, "description"));
    if (get(item, "unit")) def.unit = scalar(get(item, "unit"));
    if (get(item, "factor")) {
      const std::string f = scalar(get(item, "factor"));
      char* end = nullptr;
      def.factor = std::strtod(f.c_str(), &end);
      if (f.empty() || end != f.c_str() + f.size() || !(def.factor > 0))
        c.add(get(item, "factor"), def.code, "factor", f, "a positive number");
    }
    if (get(item, "ages")) {
      const std::string a = scalar(get(item, "ages"));
      if (!parse_age_range(a, def.min_age, def.max_age))
        c.add(get(item, "ages"), def.code, "ages", a, "an age range such as 0-15");
    }
    def.legal_source = scalar(get(item, "source"));
    def.periodicity = scalar(get(item, "periodicity"));
    def.lead_agency = scalar(get(item, "lead_agency"));
    if (!get(item, "numerator")) {
      c.add(item, def.code, "numerator", "", "a numerator");
    } else {
      read_side(c, get(item, "numerator"), def.code, "numerator", def.numerator);
    }
    if (get(item, "denominator")) {
      def.denominator.emplace();
      read_side(c, get(item, "denominator"), def.code, "denominator", *def.denominator);
    }
    if (get(item, "dimensions")) {
      const auto dims = get(item, "dimensions");
      if (!dims.IsSequence()) {
        c.add(dims, def.code, "dimensions", "", "a list of dimension names");
      } else {
        for (const auto& d : dims) {
          const std::string name = scalar(d);
          if (!detail::find_dimension(name))
            c.add(d, def.code, "dimensions", name,
                  "a dimension: sex, age_band, ethnicity, disability, circumstance, concern, "
                  "concern_group, source, setting, perpetrator, level, risk, outcome, "
                  "closure_reason, service, referred, agency, agency_kind, kind, topic, "
                  "audience, programme");
          else
            def.dimensions.push_back(name);
        }
      }
    }
    list.push_back(std::move(def));
  }

  // Second pass: references to other indicators, and dimensions the numerator's table has.
  // A reference names an indicator of this text or, for a catalogue added to another, of
  // that one (this text's first: its definitions replace the other's when merged).
  auto find = [&](const std::string& code) -> const indicator_definition* {
    for (const auto& d : list)
      if (d.code == code) return &d;
    return base_catalogue ? base_catalogue->find(code) : nullptr;
  };
  for (auto& def : list) {
    const YAML::Node item = [&]() -> YAML::Node {
      for (const auto& it : items)
        if (scalar(get(it, "code")) == def.code) return it;
      return YAML::Node();
    }();
    for (side_definition* side : {&def.numerator, def.denominator ? &*def.denominator : nullptr}) {
      if (!side || side->indicator.empty()) continue;
      const indicator_definition* target = find(side->indicator);
      const char* field = side == &def.numerator ? "numerator" : "denominator";
      if (!target) {
        c.add(get(item, field), def.code, std::string(field) + ".indicator", side->indicator,
              base_catalogue ? "the code of an indicator of this catalogue or of the one it is "
                               "added to"
                             : "the code of an indicator of this catalogue");
      } else if (!target->numerator.indicator.empty()) {
        c.add(get(item, field), def.code, std::string(field) + ".indicator", side->indicator,
              "an indicator whose numerator is written out (not another reference)");
      }
    }
    const indicator_definition* base = &def;
    if (!def.numerator.indicator.empty()) {
      base = find(def.numerator.indicator);
      if (!base || !base->numerator.indicator.empty()) continue;
    }
    for (const auto& dim : def.dimensions) {
      const auto* info = detail::find_dimension(dim);
      if (info && !detail::dimension_applies(*info, base->numerator.table))
        c.add(get(item, "dimensions"), def.code, "dimensions", dim,
              std::string("a dimension that table ") +
                  std::string(table_name(base->numerator.table)) + " has");
    }
  }
  out = std::move(c.diagnostics());
  return list;
}

// yaml-cpp throws on a text that is not YAML, and when a node is read as what it is not.
// Every read above checks the node's kind first; should one slip through (the catalogue
// fuzzer found a key that was a map), the caller still gets a diagnostic, as promised, rather
// than a yaml-cpp exception.
std::vector<indicator_definition> parse_checked(std::string_view text, const std::string& source,
                                                const catalogue* base,
                                                std::vector<diagnostic>& out) {
  try {
    return parse_unguarded(text, source, base, out);
  } catch (const YAML::Exception& e) {
    diagnostic d;
    d.code = "SG400";
    d.file = source;
    std::tie(d.line, d.column) = text_position(text, e.mark);
    d.value = e.msg;
    d.expected = dynamic_cast<const YAML::ParserException*>(&e)
                     ? "valid YAML"
                     : "plain keys and values where the catalogue format has them";
    out.assign(1, std::move(d));
    return {};
  }
}

}  // namespace

catalogue catalogue::parse(std::string_view yaml_text, const std::string& source_name,
                           const catalogue* added_to) {
  std::vector<diagnostic> problems;
  catalogue result;
  result.indicators_ = parse_checked(yaml_text, source_name, added_to, problems);
  if (!problems.empty()) throw catalogue_error(std::move(problems));
  return result;
}

std::vector<diagnostic> catalogue::check(std::string_view yaml_text, const std::string& source_name,
                                         const catalogue* added_to) {
  std::vector<diagnostic> problems;
  parse_checked(yaml_text, source_name, added_to, problems);
  return problems;
}

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error("cannot read catalogue file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

catalogue catalogue::load(const std::string& path, const catalogue* added_to) {
  return parse(read_file(path), base_name(path), added_to);
}

std::vector<diagnostic> check_catalogue_file(const std::string& path, const catalogue* added_to) {
  return catalogue::check(read_file(path), base_name(path), added_to);
}

const catalogue& catalogue::standard() {
  static const catalogue standard_catalogue =
      parse(detail::standard_catalogue_text, "standard_catalogue.yaml");
  return standard_catalogue;
}

const indicator_definition* catalogue::find(std::string_view code) const noexcept {
  for (const auto& d : indicators_)
    if (d.code == code) return &d;
  return nullptr;
}

void catalogue::merge(const catalogue& other) {
  for (const auto& d : other.indicators_) {
    auto it = std::find_if(indicators_.begin(), indicators_.end(),
                           [&](const indicator_definition& x) { return x.code == d.code; });
    if (it != indicators_.end())
      *it = d;
    else
      indicators_.push_back(d);
  }
}

const indicator_definition& catalogue::resolve(std::string_view code) const {
  const indicator_definition* d = find(code);
  if (!d) throw error("unknown indicator '" + std::string(code) + "'");
  if (!d->numerator.indicator.empty()) return resolve(d->numerator.indicator);
  return *d;
}

}  // namespace safeguard::engine
