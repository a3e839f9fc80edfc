// The bound (type-checked) form of an expression, shared by the binder (bind.cpp) and the
// evaluator (evaluate.cpp). Binding resolves every name to a column of the data model, every
// quoted code to its position, and folds constant sub-trees; what is left is a tree of typed
// operations that the evaluator runs a batch of rows at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safeguard/engine/expression.hpp"

namespace safeguard::engine {
namespace detail {

/// The binder's types: the public value_type plus the two that only literals have.
enum class btype : std::uint8_t {
  number,
  boolean,
  code,
  code_set,
  date,
  date_time,
  text,
  row,
  string,  ///< a quoted literal not yet given a meaning by what it is compared with
  null,    ///< the `null` literal
};

/// How a column is stored in the dataset, which decides how a batch of it is read.
enum class storage : std::uint8_t {
  day,             ///< std::vector<day_number>, no_day when missing
  day_minute,      ///< a day column and a minute_of_day column
  code8,           ///< std::vector<code>, no_code when missing
  code_set32,      ///< std::vector<code_set>; the empty set reads as null
  concern_groups,  ///< cases.concerns mapped to concern groups
  flag8,           ///< std::vector<flag>, no_flag when missing
  int64,           ///< std::vector<std::int64_t>
  int16,           ///< std::vector<std::int16_t>
  uint8,           ///< std::vector<std::uint8_t>
  float64,         ///< std::vector<double>
  dict32,          ///< std::vector<std::int32_t> into a dictionary, no_entry when missing
  ref_org_unit,
  ref_agency,
  ref_child,
  ref_case,
  ref_plan,   ///< row_index<...> vectors
  self_row,   ///< the row's own identifier: its index
  text,       ///< a string_column; the value is the row index, null when empty
  org_level,  ///< relations::org_unit_level
};

/// Pointers into a dataset for one column; which members are set depends on the storage.
struct column_data {
  const void* values = nullptr;
  const void* minutes = nullptr;  ///< day_minute
  std::size_t size = 0;           ///< rows of the column's table
  const dictionary* dict = nullptr;
  const string_column* strings = nullptr;
};

/// One column (or virtual column) of one table, as the language names it.
struct column_def {
  table_id table;
  std::string_view name;   ///< as in the CSV header (or virtual)
  std::string_view alias;  ///< a second name for references: `child` for `child_id`
  btype type;
  storage kind;
  const code_list& (*codes)();  ///< the fixed list of code and code_set columns, else null
  table_id target;              ///< for references and identifiers: the table of the row
  column_data (*get)(const dataset&, const relations*);
};

/// Every column of every table.
const std::vector<column_def>& column_defs();
/// The data of column `column` (an index into column_defs()).
column_data column_source(const dataset& data, const relations* rel, int column);
/// Rows of a table.

enum class op : std::uint8_t {
  constant,
  column,
  period_start,
  period_end,
  days,
  aggregate_ref,
  negate,
  logical_not,
  add,
  subtract,
  multiply,
  divide,
  modulo,
  power,
  less,
  greater,
  less_equal,
  greater_equal,
  equal,
  not_equal,
  text_equal,
  text_not_equal,  ///< text column vs literal (`str`) or vs text column
  dict_equal,
  dict_not_equal,  ///< open-list code vs the code `str`, looked up per call
  row_code_equal,
  row_code_not_equal,  ///< org unit / agency / plan row vs its code `str`
  logical_and,
  logical_or,
  if_,
  is_in,
  is_null,
  is_not_null,
  first_non_null,
  greatest,
  least,
  log,
  log10,
  days_between,
  weeks_between,
  months_between,
  years_between,
  minutes_between,
  hours_between,
  working_days_between,
  zing,
  oizp,
  contains_all,
  contains_any,
  exists,
  column_compare,  ///< args[0] (a column) `compare` args[1] (a constant or period variable)
};

/// The related rows exists(...) visits.
enum class relation_kind : std::uint8_t {
  case_services,
  child_cases,
  child_services,
  child_episodes,
  agency_activities
};

/// What the candidates of is_in are.
enum class set_kind : std::uint8_t {
  numbers,     ///< `numbers` (codes, dates, numbers), compared with the value
  dictionary,  ///< `strs`, looked up in the open list's dictionary per call
  text,        ///< `strs`, compared with the text
  row_code,    ///< `strs`, looked up among the codes of the row's table per call
};

struct bnode;
using bnode_ptr = std::unique_ptr<bnode>;

struct bnode {
  op o = op::constant;
  btype type = btype::null;
  std::size_t offset = 0;  ///< in the compiled text, for errors found by a parent
  std::uint32_t slot = 0;  ///< its scratch buffer during evaluation

  // op::constant
  double value = 0;
  bool valid = false;
  minute_of_day minute = no_minute;

  // Details of the type.
  const code_list* codes = nullptr;      ///< code / code_set of a fixed list
  int dict_column = -1;                  ///< code of an open list: the column holding it
  table_id row_table = table_id::cases;  ///< row: the table of the row
  int text_column = -1;                  ///< text: the column whose strings the row indexes

  // op::column: follow `hops` (reference columns) from the expression's table, then read.
  int column = -1;
  std::vector<int> hops;

  std::string str;                ///< string literal; the code or text to match
  std::vector<std::string> strs;  ///< is_in candidates for the string kinds
  std::vector<double> numbers;    ///< is_in candidates for set_kind::numbers
  bool null_candidate = false;    ///< is_in: a candidate was null
  set_kind set = set_kind::numbers;
  code_set mask = 0;       ///< contains_all / contains_any
  bool by_minute = false;  ///< comparison of two date-times
  op compare = op::equal;  ///< column_compare: less, greater, ..., not_equal
  relation_kind relation = relation_kind::case_services;
  std::uint32_t term = 0;     ///< aggregate_ref: index of the aggregate
  bool null_testing = false;  ///< aggregate_ref: read inside isNull & co.

  std::vector<bnode_ptr> args;
};

/// True when a node with constant arguments may be evaluated once at bind time (it needs
/// no row, no dataset and no period).
bool pure(op o) noexcept;

/// Evaluates a pure node whose arguments are all constants and turns it into a constant.
void fold(bnode& n);

/// Rows evaluated at a time: scratch buffers hold this many values per node.
inline constexpr std::size_t batch_rows = 1024;

}  // namespace detail

/// A bound expression: the tree and what evaluating it needs.
class bound_expression {
 public:
  detail::bnode_ptr root;
  table_id table = table_id::cases;
  std::uint32_t slots = 0;      ///< nodes, each with its scratch buffer
  bool uses_period = false;     ///< V{analytics_period_*} or [days]
  bool uses_period_start = false;  ///< V{analytics_period_start} or [days]
  bool uses_data = false;       ///< reads columns
  bool uses_relations = false;  ///< exists(...) or org_unit.level
  bool uses_holidays = false;   ///< d2:workingDaysBetween
  bool needs_lookup = false;    ///< codes looked up in the dataset per call
  /// Side cells: the aggregates read outside null-testing functions (they decide
  /// SKIP_IF_ALL_VALUES_MISSING).
  std::vector<std::uint32_t> counted_terms;
};

}  // namespace safeguard::engine
