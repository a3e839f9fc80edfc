// The syntax tree of the indicator language, shared by the parser (language.cpp) and the
// binder (bind.cpp). Nodes keep the byte offsets of their text so that every later error
// (an unknown column, a type mismatch) points at the right spot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace safeguard::engine::detail {

/// A problem found while compiling, located by byte offset in the text being compiled. The
/// public entry points turn it into an expression_error with line and column.
struct located_error {
  std::size_t offset = 0;
  std::string message;
  std::string expected;
};

/// Throws located_error.
[[noreturn]] void fail(std::size_t offset, std::string message, std::string expected);

/// Builds the public exception for a located error in `text`.
[[noreturn]] void throw_expression_error(std::string_view text, const located_error& e);

/// How deep a tree may nest (parentheses, operator chains, calls): deeper input is refused
/// so that binding and evaluation, which recurse, never exhaust the stack.
inline constexpr int max_depth = 200;

enum class node_kind : std::uint8_t {
  number,   ///< `number`
  string,   ///< `text` holds the decoded string
  boolean,  ///< `boolean`
  null,
  item,      ///< a column or path: `path` (from `name`, `a.b` or `#{a.b}`)
  variable,  ///< `text` is `analytics_period_start`, `analytics_period_end` or `days`
  unary,     ///< `unary`, one argument
  binary,    ///< `binary`, two arguments
  call,      ///< `text` is the function name as written (`d2:daysBetween`), `args`
};

enum class unary_op : std::uint8_t { negate, plus, logical_not };

enum class binary_op : std::uint8_t {
  power,
  multiply,
  divide,
  modulo,
  add,
  subtract,
  less,
  greater,
  less_equal,
  greater_equal,
  equal,
  not_equal,
  logical_and,
  logical_or,
};

/// The operator as written in canonical text (`&&`, not `and`).
std::string_view op_text(binary_op op) noexcept;

struct node {
  node_kind kind = node_kind::null;
  std::size_t offset = 0;  ///< byte offset of the node's first character
  std::size_t end = 0;     ///< one past its last character
  int depth = 1;           ///< 1 for a leaf
  double number = 0;
  bool boolean = false;
  std::string text;
  std::vector<std::string> path;
  std::vector<std::size_t> path_offsets;  ///< where each segment of `path` starts
  bool braced = false;                    ///< item written as `#{...}`
  unary_op unary = unary_op::negate;
  binary_op binary = binary_op::add;
  bool distinct = false;  ///< `count(distinct x)`
  bool in_form = false;   ///< `is(x in a, b)`: args[0] is x
  std::vector<std::unique_ptr<node>> args;
};
using node_ptr = std::unique_ptr<node>;

/// Parses a whole expression. Throws located_error.
node_ptr parse(std::string_view text);

/// Canonical text of a tree: fully parenthesised, `&&`/`||`/`!`, single-quoted strings, items
/// as `#{a.b}`. Parsing the canonical text gives a tree with the same canonical text.
std::string to_string(const node& n);

/// Adds `delta` to the offsets of every node of a tree (for d2:condition's quoted text).
void shift_offsets(node& n, std::size_t delta);

}  // namespace safeguard::engine::detail
