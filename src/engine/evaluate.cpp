// Vectorised evaluation of bound expressions. A call is cut into batches of batch_rows rows;
// each node of the tree evaluates the batch into its own scratch buffer (values, valid
// bytes, minutes) and its parent combines whole buffers, so the inner loops run over dense
// arrays. `&&`, `||` and if() evaluate their later arguments only for the rows that still
// need them, which makes exists(...) behind a cheap test cheap. Scratch buffers live in
// thread-local storage: evaluation never allocates per row, and one bound expression may be
// evaluated by several threads at once.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "engine/bound.hpp"
#include "safeguard/engine/expression.hpp"

namespace safeguard::engine {

namespace detail {

bool pure(op o) noexcept {
  switch (o) {
    case op::constant:
    case op::column:
    case op::period_start:
    case op::period_end:
    case op::days:
    case op::aggregate_ref:
    case op::text_equal:
    case op::text_not_equal:
    case op::dict_equal:
    case op::dict_not_equal:
    case op::row_code_equal:
    case op::row_code_not_equal:
    case op::working_days_between:
    case op::exists:
    case op::column_compare:
      return false;
    default:
      return true;
  }
}

namespace {

struct slot_data {
  std::vector<double> value;
  std::vector<std::uint8_t> valid;
  std::vector<minute_of_day> minute;
  std::vector<std::int32_t> rows;            // gathered or mapped rows
  std::vector<std::int32_t> index;           // positions of the gathered rows in the batch
  std::vector<std::int32_t> index2;          // if(): positions of the rows taking the second branch
  std::vector<std::int32_t> related, owner;  // exists(): related rows and their batch position
  std::vector<double> resolved;              // codes looked up in the dataset for this call

  void ensure() {
    if (value.size() >= batch_rows) return;
    value.resize(batch_rows);
    valid.resize(batch_rows);
    minute.resize(batch_rows);
    rows.resize(batch_rows);
    index.resize(batch_rows);
    index2.resize(batch_rows);
  }
};

struct scratch {
  std::vector<slot_data> slots;
  std::vector<day_number> weekday_holidays;  // sorted holidays that fall Monday..Friday
  std::vector<std::int32_t> positions;       // select(): the kept positions of a batch
  std::vector<std::int32_t> batch;           // select_after(): the rows still kept of a batch
  std::vector<std::int32_t> batch_positions;  // select_after(): and their positions in it
};

struct state {
  const eval_context& ctx;
  scratch& s;
  const double* aggregate_value = nullptr;
  const std::uint8_t* aggregate_valid = nullptr;

  slot_data& out(const bnode& n) {
    slot_data& d = s.slots[n.slot];
    d.ensure();
    return d;
  }
};

scratch& thread_scratch(const bound_expression& e) {
  thread_local scratch s;
  if (s.slots.size() < e.slots) s.slots.resize(e.slots);
  return s;
}

// A node's values for the batch: its scratch buffer, or a constant.
struct view {
  const double* v = nullptr;
  const std::uint8_t* ok = nullptr;
  const minute_of_day* mi = nullptr;
  double c = 0;
  std::uint8_t cok = 0;
  minute_of_day cmi = no_minute;
  bool scalar = false;

  double value(std::size_t i) const { return scalar ? c : v[i]; }
  bool valid(std::size_t i) const { return scalar ? cok != 0 : ok[i] != 0; }
  minute_of_day minute(std::size_t i) const { return scalar ? cmi : (mi ? mi[i] : no_minute); }
};

// The two shapes of an operand, so that the hot loops are compiled once per shape instead of
// testing `scalar` for every element.
struct vector_in {
  const double* v;
  const std::uint8_t* ok;
  double value(std::size_t i) const { return v[i]; }
  bool valid(std::size_t i) const { return ok[i] != 0; }
};
struct scalar_in {
  double c;
  bool ok;
  double value(std::size_t) const { return c; }
  bool valid(std::size_t) const { return ok; }
};

template <class F>
void with_shape(const view& a, F f) {
  if (a.scalar)
    f(scalar_in{a.c, a.cok != 0});
  else
    f(vector_in{a.v, a.ok});
}

template <class F>
void with_shapes(const view& a, const view& b, F f) {
  with_shape(a, [&](auto x) { with_shape(b, [&](auto y) { f(x, y); }); });
}

void eval(const bnode& n, state& st, const std::int32_t* rows, std::size_t count);
std::size_t filter(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                   std::int32_t* positions);

view operand(const bnode& a, state& st, const std::int32_t* rows, std::size_t count) {
  view w;
  if (a.o == op::constant) {
    w.scalar = true;
    w.c = a.value;
    w.cok = a.valid ? 1 : 0;
    w.cmi = a.type == btype::date_time ? a.minute : no_minute;
    return w;
  }
  if (a.o == op::period_start || a.o == op::period_end || a.o == op::days) {
    const day_number s = st.ctx.period_start, e = st.ctx.period_end;
    w.scalar = true;
    w.cok = a.o == op::period_start ? s != no_day
            : a.o == op::period_end ? e != no_day
                                    : s != no_day && e != no_day;
    w.c = !w.cok                    ? 0
          : a.o == op::period_start ? s
          : a.o == op::period_end   ? e
                                    : static_cast<double>(e) - s + 1;
    return w;
  }
  eval(a, st, rows, count);
  slot_data& d = st.out(a);
  w.v = d.value.data();
  w.ok = d.valid.data();
  w.mi = a.type == btype::date_time ? d.minute.data() : nullptr;
  return w;
}

void set(slot_data& o, std::size_t i, bool ok, double v) {
  o.valid[i] = ok ? 1 : 0;
  o.value[i] = ok ? v : 0;
}

// ---------------------------------------------------------------------------------------
// Reading columns

template <class F>
void read_loop(const std::int32_t* r, std::size_t count, std::size_t size, slot_data& o, F load) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t x = r[i];
    if (x >= 0 && static_cast<std::size_t>(x) < size) {
      load(static_cast<std::size_t>(x), i);
    } else {
      o.value[i] = 0;
      o.valid[i] = 0;
      o.minute[i] = no_minute;
    }
  }
}

template <class Idx>
void map_rows(const column_data& c, const std::int32_t* in, std::size_t count, std::int32_t* out) {
  const Idx* p = static_cast<const Idx*>(c.values);
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t x = in[i];
    out[i] = x >= 0 && static_cast<std::size_t>(x) < c.size ? p[x].value : -1;
  }
}

// concern_groups: the groups touched by a set of concerns, one mask test per group.
code_set concern_groups_of(code_set concerns) {
  static const auto masks = [] {
    std::array<code_set, 32> m{};
    for (std::size_t i = 0; i < codes::concern().size() && i < 32; ++i) {
      const code g = codes::group_of_concern(static_cast<code>(i));
      if (g < 32) m[g] |= code_set{1} << i;
    }
    return m;
  }();
  static const std::size_t groups = std::min<std::size_t>(codes::concern_group().size(), 32);
  code_set out = 0;
  for (std::size_t g = 0; g < groups; ++g)
    if (concerns & masks[g]) out |= code_set{1} << g;
  return out;
}

template <class T>
void read_numbers(const column_data& c, const std::int32_t* r, std::size_t count, slot_data& o) {
  const T* p = static_cast<const T*>(c.values);
  read_loop(r, count, c.size, o, [&](std::size_t x, std::size_t i) {
    const auto v = static_cast<double>(p[x]);
    set(o, i, std::isfinite(v), v);
  });
}

template <class Idx>
void read_refs(const column_data& c, const std::int32_t* r, std::size_t count, slot_data& o) {
  const Idx* p = static_cast<const Idx*>(c.values);
  read_loop(r, count, c.size, o, [&](std::size_t x, std::size_t i) {
    const std::int32_t v = p[x].value;
    set(o, i, v >= 0, v);
  });
}

// The rows of the column's own table: `rows` mapped through the column node's references
// (into `buffer`), -1 where a reference is empty.
const std::int32_t* follow(const bnode& column, const state& st, const std::int32_t* rows,
                           std::size_t count, std::int32_t* buffer) {
  const std::vector<column_def>& defs = column_defs();
  const std::int32_t* r = rows;
  for (int hop : column.hops) {
    const column_data h = column_source(*st.ctx.data, st.ctx.rel, hop);
    switch (defs[static_cast<std::size_t>(hop)].kind) {
      case storage::ref_org_unit:
        map_rows<org_unit_index>(h, r, count, buffer);
        break;
      case storage::ref_agency:
        map_rows<agency_index>(h, r, count, buffer);
        break;
      case storage::ref_child:
        map_rows<child_index>(h, r, count, buffer);
        break;
      case storage::ref_case:
        map_rows<case_index>(h, r, count, buffer);
        break;
      case storage::ref_plan:
        map_rows<plan_index>(h, r, count, buffer);
        break;
      default:
        break;
    }
    r = buffer;
  }
  return r;
}

// Where the fused kernels put their answer: values for evaluate(), kept positions for
// select() and exists().
struct value_sink {
  double* out;
  std::uint8_t* valid;
  void operator()(std::size_t i, bool ok, bool yes) {
    valid[i] = ok;
    out[i] = ok && yes ? 1 : 0;
  }
};
struct position_sink {
  std::int32_t* positions;
  std::size_t kept = 0;
  void operator()(std::size_t i, bool ok, bool yes) {
    positions[kept] = static_cast<std::int32_t>(i);
    kept += ok && yes ? 1 : 0;
  }
};

template <class T, class Valid, class Compare, class Sink>
void compare_column(const column_data& c, const std::int32_t* r, std::size_t count, double k,
                    Valid valid_value, Compare cmp, Sink& sink) {
  const T* p = static_cast<const T*>(c.values);
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t x = r[i];
    const bool in = x >= 0 && static_cast<std::size_t>(x) < c.size;
    const T v = in ? p[x] : T{};
    const bool ok = in && valid_value(v);
    sink(i, ok, cmp(static_cast<double>(v), k));
  }
}

template <class T, class Valid, class Sink>
void compare_column_by(op compare, const column_data& c, const std::int32_t* r, std::size_t count,
                       double k, Valid valid_value, Sink& sink) {
  switch (compare) {
    case op::less:
      compare_column<T>(c, r, count, k, valid_value, std::less<double>(), sink);
      break;
    case op::greater:
      compare_column<T>(c, r, count, k, valid_value, std::greater<double>(), sink);
      break;
    case op::less_equal:
      compare_column<T>(c, r, count, k, valid_value, std::less_equal<double>(), sink);
      break;
    case op::greater_equal:
      compare_column<T>(c, r, count, k, valid_value, std::greater_equal<double>(), sink);
      break;
    case op::not_equal:
      compare_column<T>(c, r, count, k, valid_value, std::not_equal_to<double>(), sink);
      break;
    default:
      compare_column<T>(c, r, count, k, valid_value, std::equal_to<double>(), sink);
      break;
  }
}

// `column op constant`: one pass over the column's storage. False when the constant is null
// (then every row is null and the sink is not called).
template <class Sink>
bool run_column_compare(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                        Sink& sink) {
  const view k = operand(*n.args[1], st, rows, count);
  if (!k.valid(0)) return false;
  const bnode& col = *n.args[0];
  const std::int32_t* r = follow(col, st, rows, count, st.out(n).rows.data());
  const column_data c = column_source(*st.ctx.data, st.ctx.rel, col.column);
  const double x = k.value(0);
  auto any = [](auto) { return true; };
  switch (column_defs()[static_cast<std::size_t>(col.column)].kind) {
    case storage::day:
    case storage::day_minute:
      compare_column_by<day_number>(
          n.compare, c, r, count, x, [](day_number d) { return d != no_day; }, sink);
      break;
    case storage::code8:
      compare_column_by<code>(
          n.compare, c, r, count, x, [](code v) { return v != no_code; }, sink);
      break;
    case storage::flag8:
      compare_column_by<flag>(
          n.compare, c, r, count, x, [](flag v) { return v != no_flag; }, sink);
      break;
    case storage::int64:
      compare_column_by<std::int64_t>(n.compare, c, r, count, x, any, sink);
      break;
    case storage::int16:
      compare_column_by<std::int16_t>(n.compare, c, r, count, x, any, sink);
      break;
    case storage::uint8:
      compare_column_by<std::uint8_t>(n.compare, c, r, count, x, any, sink);
      break;
    case storage::float64:
      compare_column_by<double>(
          n.compare, c, r, count, x, [](double v) { return std::isfinite(v); }, sink);
      break;
    default:
      break;
  }
  return true;
}

void eval_column_compare(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  slot_data& o = st.out(n);
  value_sink sink{o.value.data(), o.valid.data()};
  if (!run_column_compare(n, st, rows, count, sink)) {
    std::fill_n(o.value.data(), count, 0.0);
    std::fill_n(o.valid.data(), count, std::uint8_t{0});
  }
}

// contains()/containsAny() straight from a multi-valued column: one load and one mask test
// per row. False when the argument is not a plain code_set column.
template <class Sink>
bool run_contains(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                  Sink& sink) {
  const bnode& a = *n.args[0];
  if (a.o != op::column ||
      column_defs()[static_cast<std::size_t>(a.column)].kind != storage::code_set32)
    return false;
  const std::int32_t* r = follow(a, st, rows, count, st.out(n).rows.data());
  const column_data c = column_source(*st.ctx.data, st.ctx.rel, a.column);
  const auto* p = static_cast<const code_set*>(c.values);
  const code_set mask = n.mask;
  auto run = [&](auto test) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::int32_t x = r[i];
      const code_set v = x >= 0 && static_cast<std::size_t>(x) < c.size ? p[x] : 0;
      sink(i, true, test(v));
    }
  };
  if (n.o == op::contains_all)
    run([mask](code_set v) { return (v & mask) == mask; });
  else
    run([mask](code_set v) { return (v & mask) != 0; });
  return true;
}

void eval_column(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  slot_data& o = st.out(n);
  const dataset& data = *st.ctx.data;
  const std::int32_t* r = follow(n, st, rows, count, o.rows.data());
  const column_def& def = column_defs()[static_cast<std::size_t>(n.column)];
  const column_data c = column_source(data, st.ctx.rel, n.column);
  switch (def.kind) {
    case storage::day: {
      const auto* p = static_cast<const day_number*>(c.values);
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, p[x] != no_day, p[x]); });
      break;
    }
    case storage::day_minute: {
      const auto* p = static_cast<const day_number*>(c.values);
      const auto* m = static_cast<const minute_of_day*>(c.minutes);
      read_loop(r, count, c.size, o, [&](std::size_t x, std::size_t i) {
        const bool ok = p[x] != no_day;
        set(o, i, ok, p[x]);
        o.minute[i] = ok && m ? m[x] : no_minute;
      });
      break;
    }
    case storage::code8: {
      const code* p = static_cast<const code*>(c.values);
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, p[x] != no_code, p[x]); });
      break;
    }
    case storage::code_set32: {
      const auto* p = static_cast<const code_set*>(c.values);
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, p[x] != 0, p[x]); });
      break;
    }
    case storage::concern_groups: {
      const auto* p = static_cast<const code_set*>(c.values);
      read_loop(r, count, c.size, o, [&](std::size_t x, std::size_t i) {
        const code_set g = concern_groups_of(p[x]);
        set(o, i, g != 0, g);
      });
      break;
    }
    case storage::flag8: {
      const flag* p = static_cast<const flag*>(c.values);
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, p[x] != no_flag, p[x]); });
      break;
    }
    case storage::int64:
      read_numbers<std::int64_t>(c, r, count, o);
      break;
    case storage::int16:
      read_numbers<std::int16_t>(c, r, count, o);
      break;
    case storage::uint8:
      read_numbers<std::uint8_t>(c, r, count, o);
      break;
    case storage::float64:
      read_numbers<double>(c, r, count, o);
      break;
    case storage::dict32: {
      const auto* p = static_cast<const std::int32_t*>(c.values);
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, p[x] >= 0, p[x]); });
      break;
    }
    case storage::ref_org_unit:
      read_refs<org_unit_index>(c, r, count, o);
      break;
    case storage::ref_agency:
      read_refs<agency_index>(c, r, count, o);
      break;
    case storage::ref_child:
      read_refs<child_index>(c, r, count, o);
      break;
    case storage::ref_case:
      read_refs<case_index>(c, r, count, o);
      break;
    case storage::ref_plan:
      read_refs<plan_index>(c, r, count, o);
      break;
    case storage::self_row:
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, true, static_cast<double>(x)); });
      break;
    case storage::text: {
      const string_column& s = *c.strings;
      read_loop(r, count, c.size, o, [&](std::size_t x, std::size_t i) {
        set(o, i, !s[x].empty(), static_cast<double>(x));
      });
      break;
    }
    case storage::org_level: {
      const auto* p = static_cast<const std::uint8_t*>(c.values);
      read_loop(r, count, c.size, o,
                [&](std::size_t x, std::size_t i) { set(o, i, p[x] > 0, p[x]); });
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Operators and functions

template <class F>
void arithmetic(const bnode& n, state& st, const std::int32_t* rows, std::size_t count, F f) {
  const view a = operand(*n.args[0], st, rows, count);
  const view b = operand(*n.args[1], st, rows, count);
  slot_data& o = st.out(n);
  double* out = o.value.data();
  std::uint8_t* valid = o.valid.data();
  with_shapes(a, b, [&](auto x, auto y) {
    for (std::size_t i = 0; i < count; ++i) {
      const double r = f(x.value(i), y.value(i));
      const bool ok = x.valid(i) && y.valid(i) && std::isfinite(r);
      valid[i] = ok;
      out[i] = ok ? r : 0;
    }
  });
}

template <class F>
void unary(const bnode& n, state& st, const std::int32_t* rows, std::size_t count, F f) {
  const view a = operand(*n.args[0], st, rows, count);
  slot_data& o = st.out(n);
  for (std::size_t i = 0; i < count; ++i) {
    const bool ok = a.valid(i);
    const double r = ok ? f(a.value(i)) : 0;
    set(o, i, ok && std::isfinite(r), r);
  }
}

template <class F>
void comparison(const bnode& n, state& st, const std::int32_t* rows, std::size_t count, F f) {
  const view a = operand(*n.args[0], st, rows, count);
  const view b = operand(*n.args[1], st, rows, count);
  slot_data& o = st.out(n);
  if (!n.by_minute) {
    double* out = o.value.data();
    std::uint8_t* valid = o.valid.data();
    with_shapes(a, b, [&](auto x, auto y) {
      for (std::size_t i = 0; i < count; ++i) {
        const bool ok = x.valid(i) && y.valid(i);
        valid[i] = ok;
        out[i] = ok && f(x.value(i), y.value(i)) ? 1 : 0;
      }
    });
    return;
  }
  // Two date-times: by day, then by minute when both have a time of day.
  for (std::size_t i = 0; i < count; ++i) {
    const bool ok = a.valid(i) && b.valid(i);
    double x = a.value(i), y = b.value(i);
    const minute_of_day mx = a.minute(i), my = b.minute(i);
    if (x == y && mx != no_minute && my != no_minute) {
      x = mx;
      y = my;
    }
    set(o, i, ok, f(x, y) ? 1 : 0);
  }
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Monday..Friday days from the Monday 1970-01-05 (day 4) up to `d`, shifted by a constant:
// only differences are used, so weekdays(b) - weekdays(a) counts them in (a, b].
std::int64_t weekdays_until(std::int64_t d) {
  const std::int64_t m = d - 4;
  const std::int64_t weeks = floor_div(m, 7);
  const std::int64_t rest = m - weeks * 7;  // 0 = Monday
  return weeks * 5 + std::min<std::int64_t>(rest + 1, 5);
}

std::int64_t holidays_until(const std::vector<day_number>& h, std::int64_t d) {
  return std::upper_bound(h.begin(), h.end(), d,
                          [](std::int64_t x, day_number y) { return x < y; }) -
         h.begin();
}

void eval_logical(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                  bool is_and) {
  const view a = operand(*n.args[0], st, rows, count);
  slot_data& o = st.out(n);
  // The rows the right side can still change: `a` is not false (for &&) / not true (||).
  std::size_t m = 0;
  std::fill_n(o.value.data(), count, is_and ? 0.0 : 1.0);
  std::fill_n(o.valid.data(), count, std::uint8_t{1});
  std::int32_t* index = o.index.data();
  with_shape(a, [&](auto x) {
    for (std::size_t i = 0; i < count; ++i) {
      const bool decided = x.valid(i) && ((x.value(i) != 0) != is_and);
      index[m] = static_cast<std::int32_t>(i);
      m += decided ? 0 : 1;
    }
  });
  if (m == 0) return;
  const std::int32_t* sub = rows;
  if (m < count) {
    for (std::size_t j = 0; j < m; ++j) o.rows[j] = rows[o.index[j]];
    sub = o.rows.data();
  }
  const view b = operand(*n.args[1], st, sub, m);
  for (std::size_t j = 0; j < m; ++j) {
    const auto i = static_cast<std::size_t>(o.index[j]);
    const bool b_decides = b.valid(j) && ((b.value(j) != 0) != is_and);
    if (b_decides) {
      set(o, i, true, is_and ? 0 : 1);
    } else if (a.valid(i) && b.valid(j)) {
      set(o, i, true, is_and ? 1 : 0);
    } else {
      set(o, i, false, 0);
    }
  }
}

// Evaluates `branch` for the batch positions `index[0..m)` and stores it there.
void eval_branch(const bnode& n, const bnode& branch, state& st, const std::int32_t* rows,
                 std::size_t count, const std::vector<std::int32_t>& index, std::size_t m) {
  if (m == 0) return;
  slot_data& o = st.out(n);
  const std::int32_t* sub = rows;
  if (m < count) {
    for (std::size_t j = 0; j < m; ++j) o.rows[j] = rows[index[j]];
    sub = o.rows.data();
  }
  const view b = operand(branch, st, sub, m);
  for (std::size_t j = 0; j < m; ++j) {
    const auto i = static_cast<std::size_t>(index[j]);
    set(o, i, b.valid(j), b.value(j));
    o.minute[i] = b.minute(j);
  }
}

void eval_if(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  const view c = operand(*n.args[0], st, rows, count);
  slot_data& o = st.out(n);
  std::size_t yes = 0, no = 0;
  for (std::size_t i = 0; i < count; ++i) {
    set(o, i, false, 0);
    o.minute[i] = no_minute;
    if (!c.valid(i)) continue;  // if(null, a, b) is null
    if (c.value(i) != 0)
      o.index[yes++] = static_cast<std::int32_t>(i);
    else
      o.index2[no++] = static_cast<std::int32_t>(i);
  }
  eval_branch(n, *n.args[1], st, rows, count, o.index, yes);
  eval_branch(n, *n.args[2], st, rows, count, o.index2, no);
}

void eval_first_non_null(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  slot_data& o = st.out(n);
  for (std::size_t i = 0; i < count; ++i) {
    set(o, i, false, 0);
    o.minute[i] = no_minute;
  }
  for (const auto& a : n.args) {
    const view v = operand(*a, st, rows, count);
    for (std::size_t i = 0; i < count; ++i)
      if (!o.valid[i] && v.valid(i)) {
        set(o, i, true, v.value(i));
        o.minute[i] = v.minute(i);
      }
  }
}

void eval_extreme(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                  bool greatest) {
  slot_data& o = st.out(n);
  for (std::size_t i = 0; i < count; ++i) {
    set(o, i, false, 0);
    o.minute[i] = no_minute;
  }
  for (const auto& a : n.args) {
    const view v = operand(*a, st, rows, count);
    for (std::size_t i = 0; i < count; ++i) {
      if (!v.valid(i)) continue;  // nulls are skipped, as SQL's greatest/least do
      const double x = v.value(i);
      const minute_of_day mx = v.minute(i);
      bool better = !o.valid[i];
      if (!better) {
        const double y = o.value[i];
        if (x != y)
          better = greatest ? x > y : x < y;
        else
          better = greatest ? mx > o.minute[i]
                            : (mx != no_minute && (o.minute[i] == no_minute || mx < o.minute[i]));
      }
      if (better) {
        set(o, i, true, x);
        o.minute[i] = mx;
      }
    }
  }
}

std::int32_t find_row_code(const dataset& d, table_id t, const std::string& code) {
  const string_column* col = t == table_id::org_units  ? &d.org_units.code
                             : t == table_id::agencies ? &d.agencies.code
                                                       : &d.plans.id;
  for (std::size_t i = 0; i < col->size(); ++i)
    if ((*col)[i] == code) return static_cast<std::int32_t>(i);
  return -2;  // matches no row
}

std::int32_t find_entry(const dictionary* d, const std::string& code) {
  if (!d) return -2;
  for (std::size_t i = 0; i < d->values.size(); ++i)
    if (d->values[i] == code) return static_cast<std::int32_t>(i);
  return -2;  // an absent code matches no row
}

// Looks up, once per call, the quoted codes that live in the dataset.
void prepare(const bnode& n, state& st) {
  for (const auto& a : n.args) prepare(*a, st);
  const bool dict = n.o == op::dict_equal || n.o == op::dict_not_equal ||
                    (n.o == op::is_in && n.set == set_kind::dictionary);
  const bool row = n.o == op::row_code_equal || n.o == op::row_code_not_equal ||
                   (n.o == op::is_in && n.set == set_kind::row_code);
  if (!dict && !row) return;
  slot_data& o = st.s.slots[n.slot];
  o.resolved.clear();
  const bnode& x = *n.args[0];
  const dictionary* d =
      dict ? column_source(*st.ctx.data, st.ctx.rel, x.dict_column).dict : nullptr;
  auto look = [&](const std::string& code) {
    return static_cast<double>(dict ? find_entry(d, code)
                                    : find_row_code(*st.ctx.data, x.row_table, code));
  };
  if (n.o == op::is_in) {
    for (const auto& s : n.strs) o.resolved.push_back(look(s));
  } else {
    o.resolved.push_back(look(n.str));
  }
}

void eval_is_in(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  const view x = operand(*n.args[0], st, rows, count);
  slot_data& o = st.out(n);
  if (n.set == set_kind::text) {
    const bnode& a = *n.args[0];
    const string_column& s = *column_source(*st.ctx.data, st.ctx.rel, a.text_column).strings;
    for (std::size_t i = 0; i < count; ++i) {
      if (!x.valid(i)) {
        set(o, i, false, 0);
        continue;
      }
      const std::string_view v = s[static_cast<std::size_t>(x.value(i))];
      const bool found = std::find(n.strs.begin(), n.strs.end(), v) != n.strs.end();
      set(o, i, found || !n.null_candidate, found ? 1 : 0);
    }
    return;
  }
  const std::vector<double>& candidates = n.set == set_kind::numbers ? n.numbers : o.resolved;
  for (std::size_t i = 0; i < count; ++i) {
    if (!x.valid(i)) {
      set(o, i, false, 0);
      continue;
    }
    const double v = x.value(i);
    const bool found = std::find(candidates.begin(), candidates.end(), v) != candidates.end();
    set(o, i, found || !n.null_candidate, found ? 1 : 0);
  }
}

void eval_text_equal(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  const bool eq = n.o == op::text_equal;
  const bnode& a = *n.args[0];
  const view x = operand(a, st, rows, count);
  const string_column& sa = *column_source(*st.ctx.data, st.ctx.rel, a.text_column).strings;
  slot_data& o = st.out(n);
  if (n.args.size() == 1) {
    for (std::size_t i = 0; i < count; ++i) {
      if (!x.valid(i)) {
        set(o, i, false, 0);
        continue;
      }
      set(o, i, true, (sa[static_cast<std::size_t>(x.value(i))] == n.str) == eq ? 1 : 0);
    }
    return;
  }
  const bnode& b = *n.args[1];
  const view y = operand(b, st, rows, count);
  const string_column& sb = *column_source(*st.ctx.data, st.ctx.rel, b.text_column).strings;
  for (std::size_t i = 0; i < count; ++i) {
    if (!x.valid(i) || !y.valid(i)) {
      set(o, i, false, 0);
      continue;
    }
    const bool same =
        sa[static_cast<std::size_t>(x.value(i))] == sb[static_cast<std::size_t>(y.value(i))];
    set(o, i, true, same == eq ? 1 : 0);
  }
}

// Calls visit(r) for every row r of `relation` that belongs to `row` (a child's cases or
// episodes, a case's services, the services of a child's cases, an agency's activities),
// leaving out the cases `visible` rejects and their services, until visit returns true;
// returns whether it did.
template <class Visible, class Visit>
bool visit_related(const relations& rel, relation_kind relation, std::int32_t row,
                   const Visible& visible, const Visit& visit) {
  const auto each = [](const std::vector<std::int32_t>& offsets, const std::vector<std::int32_t>& ids,
                       std::int32_t r, const auto& f) {
    if (r < 0 || static_cast<std::size_t>(r) + 1 >= offsets.size()) return false;
    for (std::int32_t k = offsets[static_cast<std::size_t>(r)]; k < offsets[static_cast<std::size_t>(r) + 1]; ++k)
      if (f(ids[static_cast<std::size_t>(k)])) return true;
    return false;
  };
  switch (relation) {
    case relation_kind::case_services:
      return visible(row) && each(rel.services_of_case_offsets, rel.services_of_case, row, visit);
    case relation_kind::child_cases:
      return each(rel.cases_of_child_offsets, rel.cases_of_child, row,
                  [&](std::int32_t c) { return visible(c) && visit(c); });
    case relation_kind::child_services:
      return each(rel.cases_of_child_offsets, rel.cases_of_child, row, [&](std::int32_t c) {
        return visible(c) && each(rel.services_of_case_offsets, rel.services_of_case, c, visit);
      });
    case relation_kind::child_episodes:
      return each(rel.episodes_of_child_offsets, rel.episodes_of_child, row, visit);
    case relation_kind::agency_activities:
      return each(rel.activities_of_agency_offsets, rel.activities_of_agency, row, visit);
  }
  return false;
}

void eval_exists(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  slot_data& o = st.out(n);
  const relations& rel = *st.ctx.rel;
  const dataset& data = *st.ctx.data;
  const bool honour = st.ctx.honour_consent;
  const auto& consent = data.cases.consent_reporting;
  auto visible = [&](std::int32_t c) {
    return !honour || static_cast<std::size_t>(c) >= consent.size() ||
           consent[static_cast<std::size_t>(c)] != 0;
  };
  o.related.clear();
  o.owner.clear();
  for (std::size_t i = 0; i < count; ++i) {
    set(o, i, true, 0);
    visit_related(rel, n.relation, rows[i], visible, [&](std::int32_t related) {
      o.related.push_back(related);
      o.owner.push_back(static_cast<std::int32_t>(i));
      return false;
    });
  }
  if (n.args.empty()) {
    for (std::int32_t i : o.owner) o.value[static_cast<std::size_t>(i)] = 1;
    return;
  }
  const bnode& condition = *n.args[0];
  for (std::size_t k = 0; k < o.related.size(); k += batch_rows) {
    const std::size_t m = std::min(batch_rows, o.related.size() - k);
    const std::size_t kept = filter(condition, st, o.related.data() + k, m, o.index.data());
    for (std::size_t q = 0; q < kept; ++q)
      o.value[static_cast<std::size_t>(o.owner[k + static_cast<std::size_t>(o.index[q])])] = 1;
  }
}

template <class F>
void between(const bnode& n, state& st, const std::int32_t* rows, std::size_t count, F f) {
  arithmetic(n, st, rows, count, f);
}

void eval_minutes(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                  double divisor) {
  const view a = operand(*n.args[0], st, rows, count);
  const view b = operand(*n.args[1], st, rows, count);
  slot_data& o = st.out(n);
  for (std::size_t i = 0; i < count; ++i) {
    const minute_of_day ma = a.minute(i), mb = b.minute(i);
    const bool ok = a.valid(i) && b.valid(i) && ma != no_minute && mb != no_minute;
    const double minutes = (b.value(i) - a.value(i)) * 1440.0 + (mb - ma);
    set(o, i, ok, minutes / divisor);
  }
}

void eval(const bnode& n, state& st, const std::int32_t* rows, std::size_t count) {
  switch (n.o) {
    case op::constant: {
      slot_data& o = st.out(n);
      for (std::size_t i = 0; i < count; ++i) {
        set(o, i, n.valid, n.value);
        o.minute[i] = n.minute;
      }
      return;
    }
    case op::column:
      eval_column(n, st, rows, count);
      return;
    case op::period_start:
    case op::period_end:
    case op::days: {
      const day_number s = st.ctx.period_start, e = st.ctx.period_end;
      const bool ok = n.o == op::period_start ? s != no_day
                      : n.o == op::period_end ? e != no_day
                                              : s != no_day && e != no_day;
      const double v = n.o == op::period_start ? s
                       : n.o == op::period_end ? e
                                               : static_cast<double>(e) - s + 1;
      slot_data& o = st.out(n);
      for (std::size_t i = 0; i < count; ++i) set(o, i, ok, v);
      return;
    }
    case op::aggregate_ref: {
      slot_data& o = st.out(n);
      const bool ok = st.aggregate_valid && st.aggregate_valid[n.term] != 0;
      // Outside null-testing functions a missing aggregate counts as 0 (DHIS2).
      for (std::size_t i = 0; i < count; ++i)
        set(o, i, ok || !n.null_testing, ok ? st.aggregate_value[n.term] : 0);
      return;
    }
    case op::negate:
      unary(n, st, rows, count, [](double x) { return -x; });
      return;
    case op::logical_not:
      unary(n, st, rows, count, [](double x) { return x == 0 ? 1.0 : 0.0; });
      return;
    case op::add:
      arithmetic(n, st, rows, count, [](double x, double y) { return x + y; });
      return;
    case op::subtract:
      arithmetic(n, st, rows, count, [](double x, double y) { return x - y; });
      return;
    case op::multiply:
      arithmetic(n, st, rows, count, [](double x, double y) { return x * y; });
      return;
    case op::divide:
      arithmetic(n, st, rows, count, [](double x, double y) { return x / y; });
      return;
    case op::modulo:
      arithmetic(n, st, rows, count, [](double x, double y) { return std::fmod(x, y); });
      return;
    case op::power:
      arithmetic(n, st, rows, count, [](double x, double y) { return std::pow(x, y); });
      return;
    case op::less:
      comparison(n, st, rows, count, [](double x, double y) { return x < y; });
      return;
    case op::greater:
      comparison(n, st, rows, count, [](double x, double y) { return x > y; });
      return;
    case op::less_equal:
      comparison(n, st, rows, count, [](double x, double y) { return x <= y; });
      return;
    case op::greater_equal:
      comparison(n, st, rows, count, [](double x, double y) { return x >= y; });
      return;
    case op::equal:
      comparison(n, st, rows, count, [](double x, double y) { return x == y; });
      return;
    case op::not_equal:
      comparison(n, st, rows, count, [](double x, double y) { return x != y; });
      return;
    case op::text_equal:
    case op::text_not_equal:
      eval_text_equal(n, st, rows, count);
      return;
    case op::dict_equal:
    case op::dict_not_equal:
    case op::row_code_equal:
    case op::row_code_not_equal: {
      const view x = operand(*n.args[0], st, rows, count);
      slot_data& o = st.out(n);
      const double target = o.resolved.empty() ? -2 : o.resolved[0];
      const bool eq = n.o == op::dict_equal || n.o == op::row_code_equal;
      for (std::size_t i = 0; i < count; ++i)
        set(o, i, x.valid(i), (x.value(i) == target) == eq ? 1 : 0);
      return;
    }
    case op::logical_and:
      eval_logical(n, st, rows, count, true);
      return;
    case op::logical_or:
      eval_logical(n, st, rows, count, false);
      return;
    case op::if_:
      eval_if(n, st, rows, count);
      return;
    case op::is_in:
      eval_is_in(n, st, rows, count);
      return;
    case op::is_null:
    case op::is_not_null: {
      const view x = operand(*n.args[0], st, rows, count);
      slot_data& o = st.out(n);
      const bool want_null = n.o == op::is_null;
      for (std::size_t i = 0; i < count; ++i) set(o, i, true, x.valid(i) != want_null ? 1 : 0);
      return;
    }
    case op::first_non_null:
      eval_first_non_null(n, st, rows, count);
      return;
    case op::greatest:
      eval_extreme(n, st, rows, count, true);
      return;
    case op::least:
      eval_extreme(n, st, rows, count, false);
      return;
    case op::log:
      if (n.args.size() == 2)
        arithmetic(n, st, rows, count,
                   [](double x, double base) { return std::log(x) / std::log(base); });
      else
        unary(n, st, rows, count, [](double x) { return std::log(x); });
      return;
    case op::log10:
      unary(n, st, rows, count, [](double x) { return std::log10(x); });
      return;
    case op::zing:
      unary(n, st, rows, count, [](double x) { return x > 0 ? x : 0.0; });
      return;
    case op::oizp: {
      // DHIS2: null (and NaN) are not zero or positive, so 0, never null.
      const view x = operand(*n.args[0], st, rows, count);
      slot_data& o = st.out(n);
      for (std::size_t i = 0; i < count; ++i)
        set(o, i, true, x.valid(i) && x.value(i) >= 0 ? 1 : 0);
      return;
    }
    case op::days_between:
      between(n, st, rows, count, [](double a, double b) { return b - a; });
      return;
    case op::weeks_between:
      between(n, st, rows, count, [](double a, double b) {
        // Whole weeks, truncated toward zero as integer division does: -13 days is -1 week.
        const std::int64_t days = static_cast<std::int64_t>(b) - static_cast<std::int64_t>(a);
        const std::int64_t weeks = days / 7;
        return static_cast<double>(weeks);
      });
      return;
    case op::months_between:
      between(n, st, rows, count, [](double a, double b) {
        return static_cast<double>(
            months_between(static_cast<day_number>(a), static_cast<day_number>(b)));
      });
      return;
    case op::years_between:
      between(n, st, rows, count, [](double a, double b) {
        const auto x = static_cast<day_number>(a), y = static_cast<day_number>(b);
        return static_cast<double>(x <= y ? age_in_years(x, y) : -age_in_years(y, x));
      });
      return;
    case op::minutes_between:
      eval_minutes(n, st, rows, count, 1.0);
      return;
    case op::hours_between:
      eval_minutes(n, st, rows, count, 60.0);
      return;
    case op::working_days_between: {
      const std::vector<day_number>& h = st.s.weekday_holidays;
      between(n, st, rows, count, [&h](double a, double b) {
        const auto x = static_cast<std::int64_t>(a), y = static_cast<std::int64_t>(b);
        return static_cast<double>((weekdays_until(y) - weekdays_until(x)) -
                                   (holidays_until(h, y) - holidays_until(h, x)));
      });
      return;
    }
    case op::contains_all:
    case op::contains_any: {
      const bnode& a = *n.args[0];
      slot_data& o = st.out(n);
      const code_set mask = n.mask;
      const bool all = n.o == op::contains_all;
      value_sink direct{o.value.data(), o.valid.data()};
      if (run_contains(n, st, rows, count, direct)) return;
      const view x = operand(a, st, rows, count);
      double* out = o.value.data();
      std::fill_n(o.valid.data(), count, std::uint8_t{1});
      with_shape(x, [&](auto v) {
        // Invalid cells hold 0, the empty set.
        if (all) {
          for (std::size_t i = 0; i < count; ++i)
            out[i] = (static_cast<code_set>(v.value(i)) & mask) == mask ? 1 : 0;
        } else {
          for (std::size_t i = 0; i < count; ++i)
            out[i] = (static_cast<code_set>(v.value(i)) & mask) != 0 ? 1 : 0;
        }
      });
      return;
    }
    case op::exists:
      eval_exists(n, st, rows, count);
      return;
    case op::column_compare:
      eval_column_compare(n, st, rows, count);
      return;
  }
}

// The positions i (ascending) of the rows for which a condition is true, null counting as
// false, as select() and exists() need it. Under `&&` the right side only sees the rows the
// left kept; under `||` only the rows the left did not keep.
// The positions of the rows that have at least one row in `relation` (consent aside).
std::size_t keep_related(relation_kind relation, const relations& rel, const std::int32_t* rows,
                         std::size_t count, std::int32_t* positions) {
  const std::vector<std::int32_t>* offsets = nullptr;
  switch (relation) {
    case relation_kind::case_services: offsets = &rel.services_of_case_offsets; break;
    case relation_kind::child_cases:
    case relation_kind::child_services: offsets = &rel.cases_of_child_offsets; break;
    case relation_kind::child_episodes: offsets = &rel.episodes_of_child_offsets; break;
    case relation_kind::agency_activities: offsets = &rel.activities_of_agency_offsets; break;
  }
  const std::size_t limit = offsets->empty() ? 0 : offsets->size() - 1;
  const std::int32_t* o = offsets->data();
  std::size_t m = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int32_t r = rows[i];
    positions[m] = static_cast<std::int32_t>(i);
    m += static_cast<std::size_t>(r >= 0 && static_cast<std::size_t>(r) < limit &&
                                  o[static_cast<std::size_t>(r)] != o[static_cast<std::size_t>(r) + 1]);
  }
  return m;
}

// The relation a boolean node can only hold with a related row in, or nullptr.
const bnode* required_exists(const bnode& n) {
  if (n.o == op::exists) return &n;
  if (n.o == op::logical_and)
    for (const auto& a : n.args)
      if (const bnode* e = required_exists(*a)) return e;
  return nullptr;
}

std::size_t filter(const bnode& n, state& st, const std::int32_t* rows, std::size_t count,
                   std::int32_t* positions) {
  if (count == 0) return 0;
  if (n.o == op::logical_and) {
    slot_data& o = st.out(n);
    const std::size_t m = filter(*n.args[0], st, rows, count, o.index.data());
    if (m == 0) return 0;
    for (std::size_t j = 0; j < m; ++j) o.rows[j] = rows[o.index[j]];
    const std::size_t k = filter(*n.args[1], st, o.rows.data(), m, positions);
    for (std::size_t q = 0; q < k; ++q) positions[q] = o.index[positions[q]];
    return k;
  }
  if (n.o == op::logical_or) {
    slot_data& o = st.out(n);
    const std::size_t m = filter(*n.args[0], st, rows, count, o.index.data());
    if (m == count) {
      std::copy_n(o.index.data(), m, positions);
      return m;
    }
    // The rest, in order, get a chance on the right side.
    std::size_t rest = 0;
    for (std::size_t i = 0, j = 0; i < count; ++i) {
      if (j < m && o.index[j] == static_cast<std::int32_t>(i)) {
        ++j;
        continue;
      }
      o.index2[rest] = static_cast<std::int32_t>(i);
      o.rows[rest++] = rows[i];
    }
    std::int32_t* right = positions + m;  // room: m + rest == count
    const std::size_t k = filter(*n.args[1], st, o.rows.data(), rest, right);
    for (std::size_t q = 0; q < k; ++q) right[q] = o.index2[right[q]];
    // Merge the two ascending lists forwards: the right one already sits at
    // positions[m, m + k), and while left entries remain the write position stays behind
    // the next unread right entry (w = a + (b - m) < b as a < m).
    std::size_t a = 0, b = m, w = 0;
    while (a < m) {
      if (b < m + k && positions[b] < o.index[a])
        positions[w++] = positions[b++];
      else
        positions[w++] = o.index[a++];
    }
    return m + k;
  }
  if (n.o == op::exists) {
    // A row with no related row is false whatever the condition, so only the rows with some
    // are evaluated: a few percent of children have an episode or a case.
    slot_data& o = st.out(n);
    const std::size_t m = keep_related(n.relation, *st.ctx.rel, rows, count, o.index2.data());
    if (m == 0) return 0;
    for (std::size_t q = 0; q < m; ++q) o.rows[q] = rows[o.index2[q]];
    eval_exists(n, st, o.rows.data(), m);
    std::size_t kept = 0;
    for (std::size_t q = 0; q < m; ++q)
      if (o.valid[q] && o.value[q] != 0) positions[kept++] = o.index2[q];
    return kept;
  }
  position_sink sink{positions};
  if (n.o == op::column_compare) {
    run_column_compare(n, st, rows, count, sink);
    return sink.kept;
  }
  if ((n.o == op::contains_all || n.o == op::contains_any) &&
      run_contains(n, st, rows, count, sink))
    return sink.kept;
  eval(n, st, rows, count);
  const slot_data& o = st.s.slots[n.slot];
  for (std::size_t i = 0; i < count; ++i) sink(i, o.valid[i] != 0, o.value[i] != 0);
  return sink.kept;
}

void check_context(const bound_expression& e, const eval_context& ctx) {
  if (e.uses_data && !ctx.data)
    throw error("evaluating an expression over rows needs eval_context::data");
  if (e.uses_relations && !ctx.rel)
    throw error("exists() and org_unit.level need eval_context::rel (relations of the dataset)");
}

// What a call needs besides the rows: codes looked up in the dataset, weekday holidays.
void begin_call(const bound_expression& e, state& st) {
  if (e.needs_lookup) prepare(*e.root, st);
  if (e.uses_holidays) {
    auto& h = st.s.weekday_holidays;
    h.clear();
    if (st.ctx.holidays)
      for (day_number d : *st.ctx.holidays)
        if (iso_weekday(d) <= 5) h.push_back(d);
    std::sort(h.begin(), h.end());
    h.erase(std::unique(h.begin(), h.end()), h.end());
  }
}

// Whether two bound trees compute the same thing (their slots and text offsets aside).
bool same_tree(const bnode& a, const bnode& b) {
  if (a.o != b.o || a.type != b.type || a.value != b.value || a.valid != b.valid ||
      a.minute != b.minute || a.codes != b.codes || a.dict_column != b.dict_column ||
      a.row_table != b.row_table || a.text_column != b.text_column || a.column != b.column ||
      a.hops != b.hops || a.str != b.str || a.strs != b.strs || a.numbers != b.numbers ||
      a.null_candidate != b.null_candidate || a.set != b.set || a.mask != b.mask ||
      a.by_minute != b.by_minute || a.compare != b.compare || a.relation != b.relation ||
      a.term != b.term || a.null_testing != b.null_testing || a.args.size() != b.args.size())
    return false;
  for (std::size_t i = 0; i < a.args.size(); ++i)
    if (!same_tree(*a.args[i], *b.args[i])) return false;
  return true;
}

// When `whole` is `prefix && c1 && c2 ...` (parsed as ((prefix && c1) && c2)), the conjuncts
// after the prefix, the first to test last; false when `prefix` is no left end of the chain.
bool conjuncts_after(const bnode& whole, const bnode& prefix, std::vector<const bnode*>& rest) {
  rest.clear();
  for (const bnode* n = &whole;; n = n->args[0].get()) {
    if (same_tree(*n, prefix)) return true;
    if (n->o != op::logical_and) return false;
    rest.push_back(n->args[1].get());
  }
}

// The date columns compared with V{analytics_period_end}, and the relation exists() reaches
// their rows by (-1: the row itself), when that is the only way the expression reads the
// period; false when it reads the period otherwise (its first day, its length, the end in
// arithmetic, a comparison by minute, an exists() inside an exists()).
struct end_comparison {
  int relation;  // a relation_kind, or -1
  int column;
};
bool end_comparisons(const bnode& n, int relation, std::vector<end_comparison>& out) {
  switch (n.o) {
    case op::period_start:
    case op::period_end:
    case op::days:
      return false;
    case op::column_compare:
      if (n.args[1]->o == op::period_end) {
        const bnode& c = *n.args[0];
        const storage kind = column_defs()[static_cast<std::size_t>(c.column)].kind;
        if (c.o != op::column || !c.hops.empty() || (kind != storage::day && kind != storage::day_minute))
          return false;
        out.push_back({relation, c.column});
        return true;
      }
      break;
    case op::exists:
      if (relation >= 0) {
        std::vector<end_comparison> inner;
        for (const auto& a : n.args)
          if (!end_comparisons(*a, relation, inner) || !inner.empty()) return false;
        return true;
      }
      for (const auto& a : n.args)
        if (!end_comparisons(*a, static_cast<int>(n.relation), out)) return false;
      return true;
    default:
      break;
  }
  for (const auto& a : n.args)
    if (!end_comparisons(*a, relation, out)) return false;
  return true;
}

}  // namespace

void fold(bnode& n) {
  scratch s;
  s.slots.resize(1);
  const eval_context ctx;
  state st{ctx, s};
  const std::uint32_t saved = n.slot;
  n.slot = 0;
  const std::int32_t row = 0;
  eval(n, st, &row, 1);
  const slot_data& o = s.slots[0];
  n.o = op::constant;
  n.valid = o.valid[0] != 0;
  n.value = n.valid ? o.value[0] : 0;
  n.minute = n.type == btype::date_time && n.valid ? o.minute[0] : no_minute;
  n.args.clear();
  n.slot = saved;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// row_expression

row_expression::row_expression() = default;
row_expression::~row_expression() = default;
row_expression::row_expression(row_expression&&) noexcept = default;
row_expression& row_expression::operator=(row_expression&&) noexcept = default;

value_type row_expression::type() const noexcept {
  if (!impl_) return value_type::number;
  switch (impl_->root->type) {
    case detail::btype::number:
      return value_type::number;
    case detail::btype::boolean:
      return value_type::boolean;
    case detail::btype::code:
      return value_type::code;
    case detail::btype::code_set:
      return value_type::code_set;
    case detail::btype::date:
      return value_type::date;
    case detail::btype::date_time:
      return value_type::date_time;
    case detail::btype::text:
    case detail::btype::string:
      return value_type::text;
    case detail::btype::row:
      return value_type::row;
    case detail::btype::null:
      return value_type::number;
  }
  return value_type::number;
}

table_id row_expression::table() const noexcept { return impl_ ? impl_->table : table_id::cases; }

bool row_expression::depends_on_period() const noexcept { return impl_ && impl_->uses_period; }

bool row_expression::never_null() const noexcept {
  if (!impl_ || !impl_->root) return false;
  const detail::bnode& n = *impl_->root;
  if (n.o == detail::op::constant) return n.valid;
  return n.o == detail::op::column && n.hops.empty() &&
         detail::column_defs()[static_cast<std::size_t>(n.column)].kind == detail::storage::self_row;
}

bool row_expression::settles_between_ends() const noexcept {
  if (!impl_ || !impl_->root) return false;
  std::vector<detail::end_comparison> found;
  return detail::end_comparisons(*impl_->root, -1, found);
}

void row_expression::may_change_between(const eval_context& ctx, const std::int32_t* rows,
                                        std::size_t n, day_number first, day_number last,
                                        std::uint8_t* out) const {
  std::vector<detail::end_comparison> found;
  if (!impl_ || !impl_->root || !detail::end_comparisons(*impl_->root, -1, found)) {
    std::fill_n(out, n, std::uint8_t{1});
    return;
  }
  std::fill_n(out, n, std::uint8_t{0});
  if (found.empty()) return;
  if (!ctx.data || !ctx.rel)
    throw error("may_change_between() needs eval_context::data and eval_context::rel");
  const relations& rel = *ctx.rel;
  for (const detail::end_comparison& cmp : found) {
    // Day and day-minute columns both start with the day numbers.
    const detail::column_data col = detail::column_source(*ctx.data, ctx.rel, cmp.column);
    const auto* days = static_cast<const day_number*>(col.values);
    const auto inside = [&](std::int32_t r) {
      return r >= 0 && static_cast<std::size_t>(r) < col.size && days[r] != no_day &&
             days[r] >= first && days[r] <= last;
    };
    // Every related row counts, visible or not: a superset of the rows exists() looks at.
    const auto all = [](std::int32_t) { return true; };
    for (std::size_t i = 0; i < n; ++i) {
      if (out[i]) continue;
      const std::int32_t r = rows[i];
      const bool changes =
          cmp.relation < 0 ? inside(r)
                           : detail::visit_related(rel, static_cast<detail::relation_kind>(cmp.relation), r, all, inside);
      out[i] = changes ? 1 : 0;
    }
  }
}

bool row_expression::depends_on_period_start() const noexcept {
  return impl_ && impl_->uses_period_start;
}

bool row_expression::starts_with(const row_expression& prefix) const noexcept {
  if (!impl_ || !prefix.impl_ || impl_->table != prefix.impl_->table) return false;
  std::vector<const detail::bnode*> rest;
  return detail::conjuncts_after(*impl_->root, *prefix.impl_->root, rest);
}

int row_expression::required_relation() const noexcept {
  if (!impl_ || !impl_->root) return -1;
  const detail::bnode* e = detail::required_exists(*impl_->root);
  return e ? static_cast<int>(e->relation) : -1;
}

std::size_t row_expression::keep_related(int relation, const eval_context& ctx,
                                         const std::int32_t* rows, std::size_t n,
                                         std::int32_t* out) {
  if (relation < 0 || relation > static_cast<int>(detail::relation_kind::agency_activities)) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::int32_t>(i);
    return n;
  }
  if (!ctx.rel) throw error("keep_related() needs eval_context::rel (relations of the dataset)");
  return detail::keep_related(static_cast<detail::relation_kind>(relation), *ctx.rel, rows, n, out);
}

void row_expression::evaluate(const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                              value_batch& out) const {
  if (!impl_) throw error("evaluate() called on an empty row_expression");
  const bound_expression& e = *impl_;
  detail::check_context(e, ctx);
  detail::scratch& s = detail::thread_scratch(e);
  detail::state st{ctx, s};
  detail::begin_call(e, st);
  const bool with_minutes = e.root->type == detail::btype::date_time;
  out.value.resize(n);
  out.valid.resize(n);
  if (with_minutes)
    out.minute.resize(n);
  else
    out.minute.clear();
  for (std::size_t base = 0; base < n; base += detail::batch_rows) {
    const std::size_t m = std::min(detail::batch_rows, n - base);
    detail::eval(*e.root, st, rows + base, m);
    const detail::slot_data& o = s.slots[e.root->slot];
    std::memcpy(out.value.data() + base, o.value.data(), m * sizeof(double));
    std::memcpy(out.valid.data() + base, o.valid.data(), m);
    if (with_minutes)
      std::memcpy(out.minute.data() + base, o.minute.data(), m * sizeof(minute_of_day));
  }
}

namespace detail {

// select() and select_positions(): `keep(i)` is called for the position i (ascending) of every
// row kept; returns how many.
template <class Keep>
std::size_t select_rows(const bound_expression& e, const eval_context& ctx,
                        const std::int32_t* rows, std::size_t n, const Keep& keep) {
  check_context(e, ctx);
  if (e.root->o == op::constant) {
    if (!(e.root->valid && e.root->value != 0)) return 0;
    for (std::size_t i = 0; i < n; ++i) keep(i);
    return n;
  }
  scratch& s = thread_scratch(e);
  state st{ctx, s};
  begin_call(e, st);
  std::size_t kept = 0;
  s.positions.resize(batch_rows);
  for (std::size_t base = 0; base < n; base += batch_rows) {
    const std::size_t m = std::min(batch_rows, n - base);
    const std::size_t k = filter(*e.root, st, rows + base, m, s.positions.data());
    for (std::size_t q = 0; q < k; ++q) keep(base + static_cast<std::size_t>(s.positions[q]));
    kept += k;
  }
  return kept;
}

// select_after() and select_positions_after(), as select_rows(); `rest` are the conjuncts
// after the prefix (not empty).
template <class Keep>
std::size_t select_rows_after(const bound_expression& e, const std::vector<const bnode*>& rest,
                              const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                              const Keep& keep) {
  check_context(e, ctx);
  scratch& s = thread_scratch(e);
  state st{ctx, s};
  begin_call(e, st);
  s.positions.resize(batch_rows);
  s.batch.resize(batch_rows);
  s.batch_positions.resize(batch_rows);
  std::size_t kept = 0;
  for (std::size_t base = 0; base < n; base += batch_rows) {
    std::size_t m = std::min(batch_rows, n - base);
    std::copy_n(rows + base, m, s.batch.data());
    std::iota(s.batch_positions.begin(), s.batch_positions.begin() + static_cast<std::ptrdiff_t>(m),
              static_cast<std::int32_t>(0));
    // The innermost conjunct first, as && evaluates them, each on the rows the last kept.
    for (auto c = rest.rbegin(); c != rest.rend() && m > 0; ++c) {
      const std::size_t k = filter(**c, st, s.batch.data(), m, s.positions.data());
      for (std::size_t q = 0; q < k; ++q) {
        const auto p = static_cast<std::size_t>(s.positions[q]);
        s.batch[q] = s.batch[p];
        s.batch_positions[q] = s.batch_positions[p];
      }
      m = k;
    }
    for (std::size_t q = 0; q < m; ++q) keep(base + static_cast<std::size_t>(s.batch_positions[q]));
    kept += m;
  }
  return kept;
}

// The conjuncts of `e` after `prefix`; throws, naming the caller `what`, when `e` does not
// start with it.
std::vector<const bnode*> conjuncts_after_prefix(const bound_expression* e,
                                                 const bound_expression* prefix, const char* what) {
  std::vector<const bnode*> rest;
  if (!e) throw error(std::string(what) + " called on an empty row_expression");
  if (!prefix || !conjuncts_after(*e->root, *prefix->root, rest))
    throw error(std::string(what) + ": the condition does not start with the given prefix");
  return rest;
}

}  // namespace detail

std::size_t row_expression::select(const eval_context& ctx, const std::int32_t* rows, std::size_t n,
                                   std::int32_t* out_rows) const {
  if (!impl_) throw error("select() called on an empty row_expression");
  // The k-th row kept sits at position k or later, so writing in place over `rows` never
  // overwrites an unread row.
  std::size_t kept = 0;
  return detail::select_rows(*impl_, ctx, rows, n,
                             [&](std::size_t i) { out_rows[kept++] = rows[i]; });
}

std::size_t row_expression::select_positions(const eval_context& ctx, const std::int32_t* rows,
                                             std::size_t n, std::int32_t* positions) const {
  if (!impl_) throw error("select_positions() called on an empty row_expression");
  std::size_t kept = 0;
  return detail::select_rows(*impl_, ctx, rows, n, [&](std::size_t i) {
    positions[kept++] = static_cast<std::int32_t>(i);
  });
}

std::size_t row_expression::select_after(const row_expression& prefix, const eval_context& ctx,
                                         const std::int32_t* rows, std::size_t n,
                                         std::int32_t* out_rows) const {
  const auto rest =
      detail::conjuncts_after_prefix(impl_.get(), prefix.impl_.get(), "select_after()");
  if (rest.empty()) {
    if (out_rows != rows) std::copy(rows, rows + n, out_rows);
    return n;
  }
  std::size_t kept = 0;  // in place as select()
  return detail::select_rows_after(*impl_, rest, ctx, rows, n,
                                   [&](std::size_t i) { out_rows[kept++] = rows[i]; });
}

std::size_t row_expression::select_positions_after(const row_expression& prefix,
                                                   const eval_context& ctx,
                                                   const std::int32_t* rows, std::size_t n,
                                                   std::int32_t* positions) const {
  const auto rest =
      detail::conjuncts_after_prefix(impl_.get(), prefix.impl_.get(), "select_positions_after()");
  if (rest.empty()) {
    std::iota(positions, positions + n, static_cast<std::int32_t>(0));
    return n;
  }
  std::size_t kept = 0;
  return detail::select_rows_after(*impl_, rest, ctx, rows, n, [&](std::size_t i) {
    positions[kept++] = static_cast<std::int32_t>(i);
  });
}

// ---------------------------------------------------------------------------------------
// side_expression

side_expression::side_expression() = default;
side_expression::~side_expression() = default;
side_expression::side_expression(side_expression&&) noexcept = default;
side_expression& side_expression::operator=(side_expression&&) noexcept = default;

table_id side_expression::table() const noexcept { return table_; }

const std::vector<aggregate_term>& side_expression::aggregates() const noexcept {
  return aggregates_;
}

bool side_expression::is_one_aggregate() const noexcept {
  return cell_ && aggregates_.size() == 1 && cell_->root->o == detail::op::aggregate_ref &&
         cell_->root->term == 0;
}

bool side_expression::combine(const double* aggregate_values, const std::uint8_t* aggregate_valid,
                              day_number period_start, day_number period_end,
                              double& result) const {
  if (!cell_) return false;
  const bound_expression& e = *cell_;
  // SKIP_IF_ALL_VALUES_MISSING: null when every aggregate read outside isNull & co. is
  // missing.
  if (!e.counted_terms.empty() &&
      std::none_of(e.counted_terms.begin(), e.counted_terms.end(),
                   [&](std::uint32_t t) { return aggregate_valid[t] != 0; }))
    return false;
  const detail::bnode& root = *e.root;
  if (root.o == detail::op::aggregate_ref && aggregate_valid[root.term]) {
    result = aggregate_values[root.term];
    return true;
  }
  eval_context ctx;
  ctx.period_start = period_start;
  ctx.period_end = period_end;
  detail::scratch& s = detail::thread_scratch(e);
  detail::state st{ctx, s, aggregate_values, aggregate_valid};
  const std::int32_t row = 0;
  detail::eval(root, st, &row, 1);
  const detail::slot_data& o = s.slots[root.slot];
  if (!o.valid[0]) return false;
  result = o.value[0];
  return true;
}

}  // namespace safeguard::engine
