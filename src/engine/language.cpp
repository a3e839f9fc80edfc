// The indicator language's text layer: the expression_error type, table names, the lexer
// and the recursive-descent parser (DHIS2's Expression.g4 precedence, see docs/language.md),
// and the canonical printer used for de-duplication and by the fuzz target.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include "engine/ast.hpp"
#include "safeguard/model/dataset.hpp"
#include "safeguard/engine/expression.hpp"

namespace safeguard::engine {

namespace {

// Where a byte offset sits in a text: 1-based line, and 1-based column counted in UTF-8
// code points so that the caret lines up under Vietnamese text.
struct position {
  int line = 1;
  int column = 1;
  std::size_t line_start = 0;
};

position locate(std::string_view text, std::size_t offset) {
  position p;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++p.line;
      p.line_start = i + 1;
    }
  for (std::size_t i = p.line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++p.column;
  return p;
}

std::string with_position(std::string message, int line, int column) {
  message.insert(0, "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ");
  return message;
}

constexpr std::array<std::string_view, 11> table_names = {
    "org_units", "population", "agencies", "children", "circumstances", "cases",
    "services",  "activities", "plans",    "targets",  "holidays"};

}  // namespace

expression_error::expression_error(std::string message, std::string text, int line, int column,
                                   std::string expected)
    : error(with_position(std::move(message), line, column)),
      text_(std::move(text)),
      line_(line),
      column_(column),
      expected_(std::move(expected)) {}

std::string expression_error::caret() const {
  // Find the offending line, then put '^' under the column (tabs kept so it lines up).
  std::size_t start = 0;
  for (int l = 1; l < line_ && start <= text_.size(); ++l) {
    const std::size_t nl = text_.find('\n', start);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::size_t stop = text_.find('\n', start);
  if (stop == std::string::npos) stop = text_.size();
  if (stop > start && text_[stop - 1] == '\r') --stop;
  const std::string_view line(text_.data() + start, stop - start);
  std::string marker;
  int seen = 1;
  for (std::size_t i = 0; i < line.size() && seen < column_; ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if ((byte & 0xC0) == 0x80) continue;
    marker += line[i] == '\t' ? '\t' : ' ';
    ++seen;
  }
  for (; seen < column_; ++seen) marker += ' ';
  return std::string(line) + "\n" + marker + "^";
}

std::string_view table_name(table_id t) noexcept {
  const auto i = static_cast<std::size_t>(t);
  return i < table_names.size() ? table_names[i] : std::string_view("?");
}

std::size_t row_count(const dataset& d, table_id t) noexcept {
  switch (t) {
    case table_id::org_units:
      return d.org_units.size();
    case table_id::population:
      return d.population.size();
    case table_id::agencies:
      return d.agencies.size();
    case table_id::children:
      return d.children.size();
    case table_id::circumstances:
      return d.circumstances.size();
    case table_id::cases:
      return d.cases.size();
    case table_id::services:
      return d.services.size();
    case table_id::activities:
      return d.activities.size();
    case table_id::plans:
      return d.plans.size();
    case table_id::targets:
      return d.targets.size();
    case table_id::holidays:
      return d.holidays.size();
  }
  return 0;
}

bool parse_table_name(std::string_view name, table_id& out) noexcept {
  for (std::size_t i = 0; i < table_names.size(); ++i)
    if (table_names[i] == name) {
      out = static_cast<table_id>(i);
      return true;
    }
  return false;
}

namespace detail {

void fail(std::size_t offset, std::string message, std::string expected) {
  throw located_error{offset, std::move(message), std::move(expected)};
}

void throw_expression_error(std::string_view text, const located_error& e) {
  const position p = locate(text, e.offset);
  throw expression_error(e.message, std::string(text), p.line, p.column, e.expected);
}

std::string_view op_text(binary_op op) noexcept {
  switch (op) {
    case binary_op::power:
      return "^";
    case binary_op::multiply:
      return "*";
    case binary_op::divide:
      return "/";
    case binary_op::modulo:
      return "%";
    case binary_op::add:
      return "+";
    case binary_op::subtract:
      return "-";
    case binary_op::less:
      return "<";
    case binary_op::greater:
      return ">";
    case binary_op::less_equal:
      return "<=";
    case binary_op::greater_equal:
      return ">=";
    case binary_op::equal:
      return "==";
    case binary_op::not_equal:
      return "!=";
    case binary_op::logical_and:
      return "&&";
    case binary_op::logical_or:
      return "||";
  }
  return "?";
}

namespace {

enum class tok : std::uint8_t {
  end,
  number,
  string,
  name,
  function,
  item,
  variable,
  lparen,
  rparen,
  comma,
  caret,
  star,
  slash,
  percent,
  plus,
  minus,
  bang,
  less,
  greater,
  less_equal,
  greater_equal,
  equal,
  not_equal,
  logical_and,
  logical_or,
  kw_true,
  kw_false,
  kw_null,
  kw_not,
  kw_in,
  kw_distinct,
};

struct token {
  tok kind = tok::end;
  std::size_t offset = 0;
  std::size_t end = 0;
  std::string text;  // name, function name, decoded string, item content, variable name
  double number = 0;
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_letter(c) || is_digit(c); }

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// The character at `at` for a message: printable ASCII as is, otherwise its code point.
std::string describe_char(std::string_view s, std::size_t at) {
  const auto c = static_cast<unsigned char>(s[at]);
  if (c >= 0x20 && c < 0x7F) return quoted(std::string(1, static_cast<char>(c)));
  char buf[16];
  if (c < 0x80) {
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
  }
  // Decode a UTF-8 sequence leniently, for the message only.
  unsigned cp = 0;
  int extra = 0;
  if ((c & 0xE0) == 0xC0) {
    cp = c & 0x1F;
    extra = 1;
  } else if ((c & 0xF0) == 0xE0) {
    cp = c & 0x0F;
    extra = 2;
  } else if ((c & 0xF8) == 0xF0) {
    cp = c & 0x07;
    extra = 3;
  } else {
    std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(c));
    return buf;
  }
  for (int k = 1; k <= extra; ++k) {
    if (at + static_cast<std::size_t>(k) >= s.size()) break;
    cp = (cp << 6) | (static_cast<unsigned char>(s[at + static_cast<std::size_t>(k)]) & 0x3F);
  }
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

const char* const unsupported_v1 = " is not supported in safeguard v1";
const char* const item_hint =
    "a column of the table (e.g. reported_date or #{cases.reported_date}), a field of a "
    "referenced row (e.g. child.sex), V{analytics_period_start}, V{analytics_period_end} or "
    "[days]";

// What DHIS2 means by a braced item that safeguard does not have.
std::string_view dhis2_braced(std::string_view prefix) {
  if (prefix == "A") return "A{...} (a tracked entity attribute or program-rule variable)";
  if (prefix == "C") return "C{...} (a DHIS2 constant)";
  if (prefix == "D") return "D{...} (a tracker data element aggregated as data)";
  if (prefix == "I") return "I{...} (a program indicator)";
  if (prefix == "N") return "N{...} (another indicator's value)";
  if (prefix == "R") return "R{...} (a data set reporting rate)";
  if (prefix == "OUG") return "OUG{...} (an org unit group count)";
  return {};
}

class lexer {
 public:
  explicit lexer(std::string_view s) : s_(s) {}

  token next() {
    skip_space();
    token t;
    t.offset = pos_;
    if (pos_ >= s_.size()) {
      t.end = pos_;
      return t;
    }
    const char c = s_[pos_];
    if (is_digit(c) || (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1])))
      return lex_number();
    if (c == '\'' || c == '"') return lex_string();
    if (c == '#') return lex_hash_item();
    if (c == '[') return lex_bracket();
    if (is_letter(c)) return lex_name();
    if (c == '.') reject_postfix();
    ++pos_;
    auto op = [&](tok k) {
      t.kind = k;
      t.end = pos_;
      return t;
    };
    auto followed_by = [&](char d) {
      if (pos_ < s_.size() && s_[pos_] == d) {
        ++pos_;
        return true;
      }
      return false;
    };
    switch (c) {
      case '(':
        return op(tok::lparen);
      case ')':
        return op(tok::rparen);
      case ',':
        return op(tok::comma);
      case '^':
        return op(tok::caret);
      case '*':
        return op(tok::star);
      case '/':
        return op(tok::slash);
      case '%':
        return op(tok::percent);
      case '+':
        return op(tok::plus);
      case '-':
        return op(tok::minus);
      case '!':
        return op(followed_by('=') ? tok::not_equal : tok::bang);
      case '<':
        return op(followed_by('=') ? tok::less_equal : tok::less);
      case '>':
        return op(followed_by('=') ? tok::greater_equal : tok::greater);
      case '=':
        if (followed_by('=')) return op(tok::equal);
        fail(t.offset, "'=' is not an operator", "'==' to compare");
      case '&':
        if (followed_by('&')) return op(tok::logical_and);
        fail(t.offset, "'&' is not an operator", "'&&' or 'and'");
      case '|':
        if (followed_by('|')) return op(tok::logical_or);
        fail(t.offset, "'|' is not an operator", "'||' or 'or'");
      default:
        break;
    }
    fail(t.offset, "unexpected character " + describe_char(s_, t.offset),
         "an operator, a value or a function call");
  }

 private:
  void skip_space() {
    for (;;) {
      while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' ||
                                  s_[pos_] == '\r' || s_[pos_] == '\f' || s_[pos_] == '\v'))
        ++pos_;
      if (pos_ + 1 < s_.size() && s_[pos_] == '/' && s_[pos_ + 1] == '*') {
        const std::size_t close = s_.find("*/", pos_ + 2);
        if (close == std::string_view::npos)
          fail(pos_, "the comment is not closed", "'*/' to end the comment");
        pos_ = close + 2;
        continue;
      }
      return;
    }
  }

  // DHIS2 numbers: 0 | [1-9][0-9]*, then optional .digits, then an optional exponent; .5 too.
  token lex_number() {
    token t;
    t.kind = tok::number;
    t.offset = pos_;
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))
      fail(pos_, "a number cannot start with 0 followed by digits", "a number such as 7 or 0.7");
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (p >= s_.size() || !is_digit(s_[p]))
        fail(pos_, "the exponent of the number has no digits", "digits after 'e', e.g. 1e6");
      while (p < s_.size() && is_digit(s_[p])) ++p;
      pos_ = p;
    }
    if (pos_ < s_.size() && (is_letter(s_[pos_]) || s_[pos_] == '.'))
      fail(pos_, "unexpected " + describe_char(s_, pos_) + " right after a number",
           "an operator or a space after the number");
    const char* first = s_.data() + t.offset;
    const char* last = s_.data() + pos_;
    const auto r = std::from_chars(first, last, t.number);
    if (r.ec != std::errc() || r.ptr != last || !std::isfinite(t.number))
      fail(t.offset,
           "the number " + quoted(std::string_view(first, pos_ - t.offset)) + " is out of range",
           "a number that fits a double");
    t.end = pos_;
    return t;
  }

  token lex_string() {
    token t;
    t.kind = tok::string;
    t.offset = pos_;
    const char quote = s_[pos_++];
    for (;;) {
      if (pos_ >= s_.size())
        fail(t.offset, "the string is not closed", std::string("a closing ") + quote);
      const char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c != '\\') {
        t.text += c;
        ++pos_;
        continue;
      }
      const std::size_t at = pos_;
      if (++pos_ >= s_.size()) fail(at, "the string ends inside an escape", "a closing quote");
      const char e = s_[pos_++];
      switch (e) {
        case 'b':
          t.text += '\b';
          break;
        case 't':
          t.text += '\t';
          break;
        case 'n':
          t.text += '\n';
          break;
        case 'f':
          t.text += '\f';
          break;
        case 'r':
          t.text += '\r';
          break;
        case '"':
          t.text += '"';
          break;
        case '\'':
          t.text += '\'';
          break;
        case '\\':
          t.text += '\\';
          break;
        case 'u': {
          unsigned cp = 0;
          for (int k = 0; k < 4; ++k) {
            if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_])))
              fail(at, "a \\u escape needs four hex digits", "e.g. \\u00e9");
            const char h = s_[pos_++];
            cp = cp * 16 + static_cast<unsigned>(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
          }
          append_utf8(t.text, cp);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            // Java octal escapes: \7, \77, \377.
            auto v = static_cast<unsigned>(e - '0');
            const int max_more = e <= '3' ? 2 : 1;
            for (int k = 0; k < max_more && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7';
                 ++k)
              v = v * 8 + static_cast<unsigned>(s_[pos_++] - '0');
            t.text += static_cast<char>(v);
            break;
          }
          fail(at, "unknown escape \\" + std::string(1, e) + " in a string",
               R"(one of \b \t \n \f \r \" \' \\ \uXXXX or an octal escape)");
      }
    }
    t.end = pos_;
    return t;
  }

  token lex_hash_item() {
    token t;
    t.kind = tok::item;
    t.offset = pos_;
    if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != '{')
      fail(pos_, "'#' must start an item #{...}", "#{column}");
    const std::size_t close = s_.find('}', pos_ + 2);
    if (close == std::string_view::npos) fail(pos_, "the item #{ is not closed", "'}'");
    const std::string_view content = s_.substr(pos_ + 2, close - pos_ - 2);
    for (std::size_t i = 0; i < content.size(); ++i) {
      const char c = content[i];
      if (is_name_char(c) || c == '.') continue;
      fail(pos_ + 2 + i,
           "DHIS2 operands with " + describe_char(content, i) +
               " (wildcards, groups, category option combos)" + unsupported_v1,
           item_hint);
    }
    if (content.empty()) fail(pos_, "the item #{} is empty", item_hint);
    t.text = std::string(content);
    pos_ = close + 1;
    t.end = pos_;
    return t;
  }

  token lex_bracket() {
    token t;
    t.offset = pos_;
    const std::size_t close = s_.find(']', pos_);
    if (close == std::string_view::npos) fail(pos_, "'[' is not closed", "[days]");
    const std::string_view content = s_.substr(pos_ + 1, close - pos_ - 1);
    if (content == "days") {
      t.kind = tok::variable;
      t.text = "days";
      pos_ = close + 1;
      t.end = pos_;
      return t;
    }
    if (content == "periodInYear" || content == "yearlyPeriodCount")
      fail(pos_, "[" + std::string(content) + "]" + unsupported_v1, "[days]");
    fail(pos_, "unknown item [" + std::string(content) + "]", "[days]");
  }

  static constexpr std::string_view modifiers[] = {"periodOffset", "yearToDate", "aggregationType",
                                                   "minDate",      "maxDate",    "stageOffset"};

  // True when a DHIS2 modifier call such as `.periodOffset(` starts at the '.' at `dot`.
  bool is_modifier_call(std::size_t dot) const {
    std::size_t p = dot + 1;
    while (p < s_.size() && is_name_char(s_[p])) ++p;
    if (p >= s_.size() || s_[p] != '(') return false;
    const std::string_view name = s_.substr(dot + 1, p - dot - 1);
    return std::find(std::begin(modifiers), std::end(modifiers), name) != std::end(modifiers);
  }

  [[noreturn]] void reject_postfix() {
    std::size_t p = pos_ + 1;
    while (p < s_.size() && is_name_char(s_[p])) ++p;
    const std::string_view name = s_.substr(pos_ + 1, p - pos_ - 1);
    if (std::find(std::begin(modifiers), std::end(modifiers), name) != std::end(modifiers))
      fail(pos_, "the DHIS2 modifier ." + std::string(name) + "(...)" + unsupported_v1,
           "an expression without modifiers; periods are chosen by the request");
    fail(pos_, "unexpected '.'", "a value or an operator");
  }

  token lex_name() {
    token t;
    t.offset = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    std::string_view first = s_.substr(t.offset, pos_ - t.offset);
    // d2:name( and the rejected PS_EVENTDATE:uid.
    if (pos_ < s_.size() && s_[pos_] == ':') {
      if (first == "PS_EVENTDATE")
        fail(t.offset, "PS_EVENTDATE: (a program stage's event date)" + std::string(unsupported_v1),
             "a date column such as reported_date");
      if (first == "d2") {
        std::size_t p = pos_ + 1;
        while (p < s_.size() && is_name_char(s_[p])) ++p;
        if (p == pos_ + 1) fail(pos_ + 1, "a d2: function needs a name", "e.g. d2:daysBetween(");
        if (p >= s_.size() || s_[p] != '(')
          fail(t.offset, quoted(s_.substr(t.offset, p - t.offset)) + " must be followed by '('",
               "a function call such as d2:daysBetween(a, b)");
        t.kind = tok::function;
        t.text = std::string(s_.substr(t.offset, p - t.offset));
        pos_ = p + 1;
        t.end = pos_;
        return t;
      }
      fail(pos_, "unexpected ':' after " + quoted(first), "d2:function( or an operator");
    }
    if (pos_ < s_.size() && s_[pos_] == '{') {
      if (first == "V") return lex_variable(t);
      const std::string_view what = dhis2_braced(first);
      if (!what.empty()) fail(t.offset, std::string(what) + unsupported_v1, item_hint);
      fail(t.offset, "unknown item " + std::string(first) + "{...}", item_hint);
    }
    // Dotted paths (child.sex) and dotted function names (orgUnit.ancestor(); a DHIS2
    // modifier such as .periodOffset( after a name is refused as such.
    while (pos_ + 1 < s_.size() && s_[pos_] == '.' && is_letter(s_[pos_ + 1])) {
      if (is_modifier_call(pos_)) reject_postfix();
      ++pos_;
      while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    }
    t.text = std::string(s_.substr(t.offset, pos_ - t.offset));
    t.end = pos_;
    static constexpr std::pair<std::string_view, tok> keywords[] = {
        {"true", tok::kw_true}, {"false", tok::kw_false},      {"null", tok::kw_null},
        {"not", tok::kw_not},   {"and", tok::logical_and},     {"or", tok::logical_or},
        {"in", tok::kw_in},     {"distinct", tok::kw_distinct}};
    for (const auto& [word, kind] : keywords)
      if (t.text == word) {
        t.kind = kind;
        return t;
      }
    // Function tokens include the '(' (DHIS2): `if (` is a name followed by a parenthesis.
    if (pos_ < s_.size() && s_[pos_] == '(') {
      ++pos_;
      t.kind = tok::function;
      t.end = pos_;
      return t;
    }
    t.kind = tok::name;
    return t;
  }

  token lex_variable(token t) {
    const std::size_t close = s_.find('}', pos_);
    if (close == std::string_view::npos) fail(t.offset, "V{ is not closed", "'}'");
    const std::string_view name = s_.substr(pos_ + 1, close - pos_ - 1);
    if (name != "analytics_period_start" && name != "analytics_period_end")
      fail(t.offset, "the program variable V{" + std::string(name) + "}" + unsupported_v1,
           "V{analytics_period_start}, V{analytics_period_end}, or a date column such as "
           "reported_date");
    t.kind = tok::variable;
    t.text = std::string(name);
    pos_ = close + 1;
    t.end = pos_;
    return t;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string describe(const token& t) {
  switch (t.kind) {
    case tok::end:
      return "the end of the expression";
    case tok::number:
      return "the number " + t.text;
    case tok::string:
      return "a quoted string";
    case tok::name:
      return quoted(t.text);
    case tok::function:
      return quoted(t.text + "(");
    case tok::item:
      return "#{" + t.text + "}";
    case tok::variable:
      return t.text == "days" ? "[days]" : "V{" + t.text + "}";
    case tok::lparen:
      return "'('";
    case tok::rparen:
      return "')'";
    case tok::comma:
      return "','";
    case tok::caret:
      return "'^'";
    case tok::star:
      return "'*'";
    case tok::slash:
      return "'/'";
    case tok::percent:
      return "'%'";
    case tok::plus:
      return "'+'";
    case tok::minus:
      return "'-'";
    case tok::bang:
      return "'!'";
    case tok::less:
      return "'<'";
    case tok::greater:
      return "'>'";
    case tok::less_equal:
      return "'<='";
    case tok::greater_equal:
      return "'>='";
    case tok::equal:
      return "'=='";
    case tok::not_equal:
      return "'!='";
    case tok::logical_and:
      return "'&&'";
    case tok::logical_or:
      return "'||'";
    case tok::kw_true:
      return "'true'";
    case tok::kw_false:
      return "'false'";
    case tok::kw_null:
      return "'null'";
    case tok::kw_not:
      return "'not'";
    case tok::kw_in:
      return "'in'";
    case tok::kw_distinct:
      return "'distinct'";
  }
  return "?";
}

class parser {
 public:
  explicit parser(std::string_view text) : lex_(text) { advance(); }

  node_ptr parse_all() {
    node_ptr n = parse_or();
    if (cur_.kind != tok::end)
      fail(cur_.offset, "unexpected " + describe(cur_) + " after a complete expression",
           "an operator or the end of the expression");
    return n;
  }

 private:
  // Counts recursion (parentheses and unary chains add frames without adding nodes).
  struct guard {
    explicit guard(parser& p, std::size_t at) : p_(p) {
      if (++p_.recursion_ > max_depth)
        fail(at, "the expression is nested too deeply",
             "at most " + std::to_string(max_depth) + " levels of nesting");
    }
    ~guard() { --p_.recursion_; }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    parser& p_;
  };

  void advance() { cur_ = lex_.next(); }

  void expect(tok kind, const std::string& what) {
    if (cur_.kind != kind)
      fail(cur_.offset, "expected " + what + ", found " + describe(cur_), what);
    advance();
  }

  static node_ptr make(node_kind kind, std::size_t offset, std::size_t end) {
    auto n = std::make_unique<node>();
    n->kind = kind;
    n->offset = offset;
    n->end = end;
    return n;
  }

  static void adopt(node& parent, node_ptr child) {
    parent.depth = std::max(parent.depth, child->depth + 1);
    if (parent.depth > max_depth)
      fail(parent.offset, "the expression is nested too deeply",
           "at most " + std::to_string(max_depth) + " levels of operators and calls");
    parent.end = std::max(parent.end, child->end);
    parent.args.push_back(std::move(child));
  }

  node_ptr binary(binary_op op, node_ptr left, node_ptr right) {
    auto n = make(node_kind::binary, left->offset, right->end);
    n->binary = op;
    adopt(*n, std::move(left));
    adopt(*n, std::move(right));
    return n;
  }

  node_ptr parse_or() {
    guard g(*this, cur_.offset);
    node_ptr left = parse_and();
    while (cur_.kind == tok::logical_or) {
      advance();
      left = binary(binary_op::logical_or, std::move(left), parse_and());
    }
    return left;
  }

  node_ptr parse_and() {
    node_ptr left = parse_equality();
    while (cur_.kind == tok::logical_and) {
      advance();
      left = binary(binary_op::logical_and, std::move(left), parse_equality());
    }
    return left;
  }

  node_ptr parse_equality() {
    node_ptr left = parse_comparison();
    while (cur_.kind == tok::equal || cur_.kind == tok::not_equal) {
      const binary_op op = cur_.kind == tok::equal ? binary_op::equal : binary_op::not_equal;
      advance();
      left = binary(op, std::move(left), parse_comparison());
    }
    return left;
  }

  node_ptr parse_comparison() {
    node_ptr left = parse_additive();
    for (;;) {
      binary_op op;
      switch (cur_.kind) {
        case tok::less:
          op = binary_op::less;
          break;
        case tok::greater:
          op = binary_op::greater;
          break;
        case tok::less_equal:
          op = binary_op::less_equal;
          break;
        case tok::greater_equal:
          op = binary_op::greater_equal;
          break;
        default:
          return left;
      }
      advance();
      left = binary(op, std::move(left), parse_additive());
    }
  }

  node_ptr parse_additive() {
    node_ptr left = parse_multiplicative();
    while (cur_.kind == tok::plus || cur_.kind == tok::minus) {
      const binary_op op = cur_.kind == tok::plus ? binary_op::add : binary_op::subtract;
      advance();
      left = binary(op, std::move(left), parse_multiplicative());
    }
    return left;
  }

  node_ptr parse_multiplicative() {
    node_ptr left = parse_unary();
    for (;;) {
      binary_op op;
      switch (cur_.kind) {
        case tok::star:
          op = binary_op::multiply;
          break;
        case tok::slash:
          op = binary_op::divide;
          break;
        case tok::percent:
          op = binary_op::modulo;
          break;
        default:
          return left;
      }
      advance();
      left = binary(op, std::move(left), parse_unary());
    }
  }

  // Unary operators bind looser than '^' (so -2^2 is -(2^2)) and tighter than '*'.
  node_ptr parse_unary() {
    unary_op op;
    switch (cur_.kind) {
      case tok::minus:
        op = unary_op::negate;
        break;
      case tok::plus:
        op = unary_op::plus;
        break;
      case tok::bang:
      case tok::kw_not:
        op = unary_op::logical_not;
        break;
      default:
        return parse_power();
    }
    guard g(*this, cur_.offset);
    const std::size_t at = cur_.offset;
    advance();
    auto n = make(node_kind::unary, at, at);
    n->unary = op;
    adopt(*n, parse_unary());
    return n;
  }

  // '^' is right-associative; its exponent may carry a unary sign: 2^-1, 2^3^2 = 2^9.
  node_ptr parse_power() {
    node_ptr base = parse_primary();
    if (cur_.kind != tok::caret) return base;
    guard g(*this, cur_.offset);
    advance();
    return binary(binary_op::power, std::move(base), parse_unary());
  }

  node_ptr parse_primary() {
    const token t = cur_;
    switch (t.kind) {
      case tok::number: {
        advance();
        auto n = make(node_kind::number, t.offset, t.end);
        n->number = t.number;
        return n;
      }
      case tok::string: {
        advance();
        auto n = make(node_kind::string, t.offset, t.end);
        n->text = t.text;
        return n;
      }
      case tok::kw_true:
      case tok::kw_false: {
        advance();
        auto n = make(node_kind::boolean, t.offset, t.end);
        n->boolean = t.kind == tok::kw_true;
        return n;
      }
      case tok::kw_null:
        advance();
        return make(node_kind::null, t.offset, t.end);
      case tok::variable: {
        advance();
        auto n = make(node_kind::variable, t.offset, t.end);
        n->text = t.text;
        return n;
      }
      case tok::name:
      case tok::item: {
        advance();
        if (t.kind == tok::name && cur_.kind == tok::lparen)
          fail(cur_.offset,
               "a space between " + quoted(t.text) +
                   " and '(': in this language (as in DHIS2) a "
                   "function name is followed directly by '('",
               t.text + "( without a space");
        return item(t);
      }
      case tok::lparen: {
        advance();  // parse_or counts the level
        node_ptr inner = parse_or();
        expect(tok::rparen, "')'");
        return inner;
      }
      case tok::function:
        return call(t);
      default:
        break;
    }
    fail(t.offset, "expected a value, found " + describe(t),
         "a number, a quoted string, a column, a function call or '('");
  }

  static node_ptr item(const token& t) {
    auto n = make(node_kind::item, t.offset, t.end);
    n->braced = t.kind == tok::item;
    const std::size_t base = t.offset + (n->braced ? 2 : 0);
    std::size_t start = 0;
    for (;;) {
      const std::size_t dot = t.text.find('.', start);
      const std::size_t stop = dot == std::string::npos ? t.text.size() : dot;
      if (stop == start)
        fail(base + start, "an empty name in the path " + quoted(t.text), "names joined by '.'");
      if (is_digit(t.text[start]))
        fail(base + start, "a name cannot start with a digit", "a column name");
      n->path.push_back(t.text.substr(start, stop - start));
      n->path_offsets.push_back(base + start);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return n;
  }

  node_ptr call(const token& t) {
    advance();  // each argument is a parse_or, which counts the level
    auto n = make(node_kind::call, t.offset, t.end);
    n->text = t.text;
    if (cur_.kind == tok::rparen) {
      n->end = cur_.end;
      advance();
      return n;
    }
    if (t.text == "count" && cur_.kind == tok::kw_distinct) {
      n->distinct = true;
      advance();
    }
    adopt(*n, parse_or());
    if (t.text == "is") {
      n->in_form = true;
      expect(tok::kw_in, "'in' (is(x in a, b, ...))");
      adopt(*n, parse_or());
    }
    while (cur_.kind == tok::comma) {
      advance();
      adopt(*n, parse_or());
    }
    n->end = cur_.end;
    expect(tok::rparen, "',' or ')'");
    return n;
  }

  lexer lex_;
  token cur_;
  int recursion_ = 0;
};

void print_number(std::string& out, double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void print_string(std::string& out, std::string_view s) {
  out += '\'';
  for (char c : s) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '\'';
}

void print(std::string& out, const node& n) {
  switch (n.kind) {
    case node_kind::number:
      print_number(out, n.number);
      return;
    case node_kind::string:
      print_string(out, n.text);
      return;
    case node_kind::boolean:
      out += n.boolean ? "true" : "false";
      return;
    case node_kind::null:
      out += "null";
      return;
    case node_kind::item:
      out += "#{";
      for (std::size_t i = 0; i < n.path.size(); ++i) {
        if (i) out += '.';
        out += n.path[i];
      }
      out += '}';
      return;
    case node_kind::variable:
      out += n.text == "days" ? "[days]" : "V{" + n.text + "}";
      return;
    case node_kind::unary:
      out += '(';
      out += n.unary == unary_op::negate ? "-" : n.unary == unary_op::plus ? "+" : "!";
      print(out, *n.args[0]);
      out += ')';
      return;
    case node_kind::binary:
      out += '(';
      print(out, *n.args[0]);
      out += ' ';
      out += op_text(n.binary);
      out += ' ';
      print(out, *n.args[1]);
      out += ')';
      return;
    case node_kind::call:
      out += n.text;
      out += '(';
      if (n.distinct) out += "distinct ";
      for (std::size_t i = 0; i < n.args.size(); ++i) {
        if (i) out += n.in_form && i == 1 ? " in " : ", ";
        print(out, *n.args[i]);
      }
      out += ')';
      return;
  }
}

}  // namespace

node_ptr parse(std::string_view text) { return parser(text).parse_all(); }

std::string to_string(const node& n) {
  std::string out;
  print(out, n);
  return out;
}

void shift_offsets(node& n, std::size_t delta) {
  n.offset += delta;
  n.end += delta;
  for (auto& o : n.path_offsets) o += delta;
  for (auto& a : n.args) shift_offsets(*a, delta);
}

}  // namespace detail
}  // namespace safeguard::engine
