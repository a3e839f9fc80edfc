// The compute engine. Vocabulary:
//  - a *side job* is one numerator or denominator to evaluate: a side expression over a
//    table, a placing, an age range and the breakdown dimensions that apply to it;
//  - a *group* is the side jobs that share a table, placing and age range: for each period
//    their candidate rows are found once and every job of the group filters and aggregates
//    them (one scan serving many indicators);
//  - a *slot* is an output org unit (a unit at one of the requested levels); each unit knows
//    the slots of its ancestors-or-self, so a row is accumulated into every level at once;
//  - a *cell* is a combination of dimension codes, in mixed radix (each dimension has its
//    codes plus one "missing" code at the end).
// Each (group, period) is an independent task; tasks run on all cores.
#include "safeguard/engine/compute.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>
#include <tuple>
#include <type_traits>

#include "engine/dimensions.hpp"
#include "engine/prepared.hpp"
#include "safeguard/hierarchy/hierarchy.hpp"

namespace safeguard::engine {

using detail::condition_rows;
using detail::dimension_id;
using detail::dimension_info;
using detail::sorted_dates;

const std::vector<age_band>& default_age_bands() {
  static const std::vector<age_band> bands = {
      {0, 5, "0-5"}, {6, 10, "6-10"}, {11, 15, "11-15"}, {16, 17, "16-17"}};
  return bands;
}

std::vector<age_band> parse_age_bands(std::string_view text) {
  std::vector<age_band> bands;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    const std::size_t dash = item.find('-');
    age_band band;
    bool ok = dash != std::string_view::npos && dash > 0;
    if (ok) {
      auto r1 = std::from_chars(item.data(), item.data() + dash, band.low);
      auto r2 = std::from_chars(item.data() + dash + 1, item.data() + item.size(), band.high);
      ok = r1.ec == std::errc() && r1.ptr == item.data() + dash && r2.ec == std::errc() &&
           r2.ptr == item.data() + item.size() && band.low >= 0 && band.high >= band.low &&
           band.high <= 150;
    }
    if (!ok)
      throw error("bad age band '" + std::string(item) +
                  "'; expected LOW-HIGH with whole years, LOW <= HIGH, e.g. 0-5,6-10,11-15");
    band.label = std::string(item);
    bands.push_back(std::move(band));
    pos = comma + 1;
  }
  return bands;
}

std::vector<std::string> age_band_overlaps(const std::vector<age_band>& bands) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < bands.size(); ++i)
    for (std::size_t j = i + 1; j < bands.size(); ++j) {
      const int low = std::max(bands[i].low, bands[j].low);
      const int high = std::min(bands[i].high, bands[j].high);
      if (low > high) continue;
      const bool one = low == high;
      const std::string ages = one ? "age " + std::to_string(low)
                                   : "ages " + std::to_string(low) + "-" + std::to_string(high);
      out.push_back("age bands " + bands[i].label + " and " + bands[j].label + " overlap: " + ages +
                    (one ? " counts in " : " count in ") + bands[i].label +
                    (one ? ", the first band that holds it" : ", the first band that holds them"));
    }
  return out;
}

bool result::achievement(std::size_t i, double& out) const noexcept {
  if (!has_value[i] || !has_target[i] || !std::isfinite(target[i])) return false;
  if (target_at_most[i]) {
    out = value[i] <= target[i] ? 1.0 : 0.0;
    return true;
  }
  if (target[i] == 0) return false;
  out = value[i] / target[i];
  return std::isfinite(out);  // a target so small that the ratio overflows has none
}

namespace {

constexpr int max_tracked_age = 150;

// Days up to which a birth gives an age of at least k on day E, for k = 0..max_tracked_age:
// age >= k  <=>  birth <= threshold[k], where threshold[k] is the last valid date not after
// (E.year - k, E.month, E.day) (29 February falls back to 28 February in common years, so a
// child born on 29 February has its birthday on 1 March).
struct age_thresholds {
  std::vector<day_number> at_least;
  explicit age_thresholds(day_number e) : at_least(max_tracked_age + 2) {
    const civil_date c = to_civil(e);
    for (int k = 0; k <= max_tracked_age + 1; ++k) {
      const int y = c.year - k;
      const unsigned d = std::min(c.day, days_in_month(y, c.month));
      at_least[static_cast<std::size_t>(k)] = to_day_number(civil_date{y, c.month, d});
    }
  }
  bool in_range(day_number birth, int low, int high) const noexcept {
    return birth <= at_least[static_cast<std::size_t>(low)] &&
           birth > at_least[static_cast<std::size_t>(std::min(high + 1, max_tracked_age + 1))];
  }
  // Age in completed years, clamped to [-1, max_tracked_age + 1].
  int age(day_number birth) const noexcept {
    if (birth > at_least[0]) return -1;
    // Largest k with birth <= at_least[k]; at_least is decreasing.
    auto it = std::partition_point(at_least.begin(), at_least.end(),
                                   [&](day_number t) { return birth <= t; });
    return static_cast<int>(it - at_least.begin()) - 1;
  }
};

// Children on the register on day `end` and within the ages [min_age, max_age] then:
// registered on or before it, not exited (no exit, or one after it), and born in
// (at_least[max_age + 1], at_least[min_age]]. Branch-free, for scans in random date order.
struct register_on_day {
  day_number end, youngest, oldest;
  register_on_day(const age_thresholds& at_end, day_number e, int min_age, int max_age)
      : end(e), youngest(at_end.at_least[static_cast<std::size_t>(min_age)]),
        oldest(at_end.at_least[static_cast<std::size_t>(std::min(max_age + 1, max_tracked_age + 1))]) {}
  bool holds(day_number registered, day_number exit, day_number birth) const noexcept {
    return (static_cast<int>(entered(registered, birth)) & static_cast<int>(!gone(exit, birth))) != 0;
  }
  // The two halves of holds(), each of which, once true, stays true at every later day:
  // registered and old enough by this day; left or grown too old by it.
  bool entered(day_number registered, day_number birth) const noexcept {
    return (registered <= end) & (birth <= youngest);
  }
  bool gone(day_number exit, day_number birth) const noexcept {
    return !(((exit == no_day) | (exit > end)) & (birth > oldest));
  }
  // Whether a child is on the register within the ages on no day from `first`'s to this
  // one (a later day): registered after this day, gone by the first, too young still on
  // this day or too old already on the first.
  bool absent_since(const register_on_day& first, day_number registered, day_number exit,
                    day_number birth) const noexcept {
    return (registered > end) | ((exit != no_day) & (exit <= first.end)) | (birth > youngest) |
           (birth <= first.oldest);
  }
};

// The age band of every birth day on one day, in a table read once per row: a band
// [low, high] holds the births in (at_least[high + 1], at_least[low]]; the first band that
// holds a birth is its band.
class bands_of_births {
 public:
  bands_of_births(const age_thresholds& at_end, const std::vector<age_band>& bands)
      : first_(at_end.at_least[max_tracked_age + 1] + 1),
        band_(static_cast<std::size_t>(at_end.at_least[0] - first_ + 1), -1) {
    for (std::size_t b = bands.size(); b-- > 0;) {
      if (bands[b].high > max_tracked_age) continue;
      const day_number from = at_end.at_least[static_cast<std::size_t>(bands[b].high + 1)] + 1;
      const day_number to = at_end.at_least[static_cast<std::size_t>(bands[b].low)];
      for (day_number day = from; day <= to; ++day)
        band_[static_cast<std::size_t>(day - first_)] = static_cast<std::int16_t>(b);
    }
  }
  // The band of a birth day, or `missing` when no band holds it.
  std::int64_t of(day_number birth, std::int64_t missing) const noexcept {
    const auto off = static_cast<std::size_t>(birth) - static_cast<std::size_t>(first_);
    const std::int16_t b = birth >= first_ && off < band_.size() ? band_[off] : -1;
    return b < 0 ? missing : b;
  }

 private:
  day_number first_;
  std::vector<std::int16_t> band_;
};

struct dim_spec {
  const dimension_info* info = nullptr;
  std::int32_t domain = 0;  // codes; `domain` itself encodes "missing"
};

// One numerator or denominator to evaluate.
struct side_job {
  table_id table = table_id::cases;
  placing_kind placing = placing_kind::event;
  std::string date_column;
  int min_age = 0, max_age = 15;
  std::string where_text, value_text;
  std::vector<int> dims;                 // indices into the request's dimensions
  std::vector<std::int64_t> radix;       // domain + 1 per dim
  std::int64_t cells = 1;
  bool has_where = false;
  row_expression where;
  side_expression value;
  bool count_like = true;  // every aggregate is a count or sum: an empty cell reads as 0
  // Reads the period only through its last day (no V{analytics_period_start}, no [days]).
  bool end_only = false;
  // Neither the condition nor an aggregate's argument reads the period: rows count the same
  // in every period that holds their date, so an event job can be scanned by atoms of time.
  bool period_free = true;
  // The condition or an aggregate's argument reads the period's first day or length. When
  // neither does, an event job is scanned by atoms of time, each once per last day of a
  // period that holds it.
  bool reads_period_start = false;
  // Another job of its group has a condition that starts with this one's (an equal one, or
  // this one && more): the rows this condition keeps are kept for it (scan_rows::kept).
  bool where_shared = false;
  // [period]: the cells with a value, as (slot * cells + cell, value), sorted by key.
  std::vector<std::vector<std::pair<std::int64_t, double>>> out;
};

struct group {
  table_id table;
  placing_kind placing;
  std::string date_column;
  int min_age, max_age;
  std::vector<std::size_t> jobs;
};

// Everything derived from the dataset and the request that every task reads.
struct context {
  const dataset& data;
  const compute_request& request;
  const hierarchy& tree;
  const relations& rel;
  const std::vector<day_number>& holidays;
  const std::vector<std::int16_t>& case_age;            // child's age at reported_date
  const std::vector<std::uint8_t>& case_counts_consent;  // consent_reporting != 0
  const std::vector<code>& case_sex;                     // the child's sex
  std::vector<dim_spec> dims;
  std::vector<std::int32_t> slot_offsets, slot_list;  // per unit: its slots
  std::vector<org_unit_index> slot_unit;
  std::vector<std::int32_t> slot_of_unit;  // the slot of a unit at a requested level, or -1
  std::map<std::pair<table_id, std::string>, const sorted_dates*> sorted;
  const detail::prepared_state& prepared;

  context(const detail::prepared_state& p, const compute_request& r)
      : data(p.data),
        request(r),
        tree(p.tree),
        rel(p.rel),
        holidays(p.holidays),
        case_age(p.case_age),
        case_counts_consent(p.case_consent),
        case_sex(p.case_sex),
        prepared(p) {}

  org_unit_index row_unit(table_id t, std::int32_t r) const noexcept {
    switch (t) {
      case table_id::cases: return data.cases.org_unit[r];
      case table_id::services: {
        const case_index c = data.services.case_[r];
        return c.valid() ? data.cases.org_unit[c.value] : org_unit_index{};
      }
      case table_id::children: return data.children.org_unit[r];
      case table_id::circumstances: {
        const child_index c = data.circumstances.child[r];
        return c.valid() ? data.children.org_unit[c.value] : org_unit_index{};
      }
      case table_id::activities: return data.activities.org_unit[r];
      case table_id::population: return data.population.org_unit[r];
      case table_id::agencies: return data.agencies.org_unit[r];
      case table_id::plans: return data.plans.org_unit[r];
      case table_id::targets: return data.targets.org_unit[r];
      case table_id::org_units: return org_unit_index{r};
      case table_id::holidays: return org_unit_index{};
    }
    return org_unit_index{};
  }

  std::size_t table_size(table_id t) const noexcept { return row_count(data, t); }
};

std::size_t slot_count(const context& ctx) { return ctx.slot_unit.size(); }

// The case a row belongs to, for the case rules (age at report, consent).
std::int32_t case_of_row(const context& ctx, table_id t, std::int32_t r) {
  if (t == table_id::cases) return r;
  if (t == table_id::services) return ctx.data.services.case_[r].value;
  return -1;
}

std::int32_t child_of_row(const context& ctx, table_id t, std::int32_t r) {
  switch (t) {
    case table_id::children: return r;
    case table_id::circumstances: return ctx.data.circumstances.child[r].value;
    case table_id::cases: return ctx.data.cases.child[r].value;
    case table_id::services: {
      const std::int32_t c = ctx.data.services.case_[r].value;
      return c >= 0 ? ctx.data.cases.child[c].value : -1;
    }
    default: return -1;
  }
}

agency_index agency_of_row(const context& ctx, table_id t, std::int32_t r) {
  switch (t) {
    case table_id::activities: return ctx.data.activities.agency[r];
    case table_id::cases: return ctx.data.cases.lead_agency[r];
    case table_id::services: return ctx.data.services.agency[r];
    default: return agency_index{};
  }
}

int band_of_age(const std::vector<age_band>& bands, int age) {
  for (std::size_t i = 0; i < bands.size(); ++i)
    if (age >= bands[i].low && age <= bands[i].high) return static_cast<int>(i);
  return -1;
}

// The codes of one dimension for a row: a single code (or missing) or, for multi-valued
// dimensions, a bit set (empty = missing).
struct dim_value {
  std::int32_t single = -1;
  std::uint64_t set = 0;
  bool multi = false;
};

dim_value dimension_of_row(const context& ctx, const dim_spec& dim, table_id t, std::int32_t r,
                           day_number placing_day, day_number period_end,
                           const age_thresholds& at_end) {
  const dataset& d = ctx.data;
  dim_value v;
  auto flag_code = [](flag f) { return f == no_flag ? -1 : static_cast<std::int32_t>(f); };
  auto code_of = [](code c) { return c == no_code ? -1 : static_cast<std::int32_t>(c); };
  switch (dim.info->id) {
    case dimension_id::sex: {
      if (t == table_id::population) return dim_value{code_of(d.population.sex[r]), 0, false};
      const std::int32_t child = child_of_row(ctx, t, r);
      return dim_value{child >= 0 ? code_of(d.children.sex[child]) : -1, 0, false};
    }
    case dimension_id::age_band: {
      int age = -1;
      if (t == table_id::population) {
        age = d.population.age[r];
      } else if (t == table_id::cases || t == table_id::services) {
        const std::int32_t c = case_of_row(ctx, t, r);
        age = c >= 0 ? ctx.case_age[c] : -1;
        if (c < 0) return v;
      } else {
        const std::int32_t child = child_of_row(ctx, t, r);
        if (child < 0) return v;
        const day_number birth = d.children.birth_date[child];
        if (placing_day == period_end) {
          // Two comparisons per band against the day thresholds of the period's end.
          const auto& bands = ctx.request.age_bands;
          for (std::size_t b = 0; b < bands.size(); ++b)
            if (bands[b].high <= max_tracked_age &&
                at_end.in_range(birth, bands[b].low, bands[b].high)) {
              v.single = static_cast<std::int32_t>(b);
              return v;
            }
          return v;
        }
        age = age_in_years(birth, placing_day);
      }
      v.single = band_of_age(ctx.request.age_bands, age);
      return v;
    }
    case dimension_id::ethnicity: {
      const std::int32_t child = child_of_row(ctx, t, r);
      v.single = child >= 0 ? d.children.ethnicity[child] : -1;
      return v;
    }
    case dimension_id::disability: {
      const std::int32_t child = child_of_row(ctx, t, r);
      v.single = child >= 0 ? flag_code(d.children.disability[child]) : -1;
      return v;
    }
    case dimension_id::circumstance: {
      v.multi = true;
      const std::int32_t child = child_of_row(ctx, t, r);
      if (child < 0) return v;
      const auto& rel = ctx.rel;
      for (std::int32_t k = rel.episodes_of_child_offsets[child];
           k < rel.episodes_of_child_offsets[child + 1]; ++k) {
        const std::int32_t e = rel.episodes_of_child[k];
        const day_number s = d.circumstances.start_date[e];
        const day_number en = d.circumstances.end_date[e];
        if (s <= placing_day && (en == no_day || en > placing_day))
          v.set |= std::uint64_t{1} << d.circumstances.circumstance[e];
      }
      return v;
    }
    case dimension_id::concern:
      v.multi = true;
      v.set = d.cases.concerns[r];
      return v;
    case dimension_id::concern_group:
      v.multi = true;
      v.set = codes::groups_of_concerns(d.cases.concerns[r]);
      return v;
    case dimension_id::source: v.single = code_of(d.cases.source[r]); return v;
    case dimension_id::setting: v.single = code_of(d.cases.setting[r]); return v;
    case dimension_id::perpetrator: v.single = code_of(d.cases.perpetrator[r]); return v;
    case dimension_id::level: v.single = code_of(d.cases.level[r]); return v;
    case dimension_id::risk: v.single = code_of(d.cases.risk[r]); return v;
    case dimension_id::outcome: v.single = code_of(d.cases.outcome[r]); return v;
    case dimension_id::closure_reason: v.single = code_of(d.cases.closure_reason[r]); return v;
    case dimension_id::service: v.single = code_of(d.services.service[r]); return v;
    case dimension_id::referred: v.single = flag_code(d.services.referred[r]); return v;
    case dimension_id::agency: v.single = agency_of_row(ctx, t, r).value; return v;
    case dimension_id::agency_kind: {
      const agency_index a = agency_of_row(ctx, t, r);
      v.single = a.valid() ? code_of(d.agencies.kind[a.value]) : -1;
      return v;
    }
    case dimension_id::kind: v.single = code_of(d.activities.kind[r]); return v;
    case dimension_id::topic:
      v.multi = true;
      v.set = d.activities.topics[r];
      return v;
    case dimension_id::audience:
      v.multi = true;
      v.set = d.activities.audiences[r];
      return v;
    case dimension_id::programme: v.single = d.activities.programme[r]; return v;
  }
  return v;
}

// The value codes of each dimension, for output.
std::vector<std::string> dimension_codes(const context& ctx, const dimension_info& info) {
  std::vector<std::string> out;
  auto from_list = [&](const code_list& list) {
    for (const auto& e : list) out.emplace_back(e.code);
  };
  const dataset& d = ctx.data;
  switch (info.id) {
    case dimension_id::sex: from_list(codes::sex()); break;
    case dimension_id::age_band:
      for (const auto& b : ctx.request.age_bands) out.push_back(b.label);
      break;
    case dimension_id::ethnicity: out = d.children.ethnicities.values; break;
    case dimension_id::disability:
    case dimension_id::referred: out = {"0", "1"}; break;
    case dimension_id::circumstance: from_list(codes::circumstance()); break;
    case dimension_id::concern: from_list(codes::concern()); break;
    case dimension_id::concern_group: from_list(codes::concern_group()); break;
    case dimension_id::source: from_list(codes::source()); break;
    case dimension_id::setting: from_list(codes::setting()); break;
    case dimension_id::perpetrator: from_list(codes::perpetrator()); break;
    case dimension_id::level: from_list(codes::protection_level()); break;
    case dimension_id::risk: from_list(codes::risk()); break;
    case dimension_id::outcome: from_list(codes::outcome()); break;
    case dimension_id::closure_reason: from_list(codes::closure_reason()); break;
    case dimension_id::service: from_list(codes::service()); break;
    case dimension_id::agency:
      for (std::size_t i = 0; i < d.agencies.size(); ++i) out.emplace_back(d.agencies.code[i]);
      break;
    case dimension_id::agency_kind: from_list(codes::agency_kind()); break;
    case dimension_id::kind: from_list(codes::activity_kind()); break;
    case dimension_id::topic: from_list(codes::topic()); break;
    case dimension_id::audience: from_list(codes::audience()); break;
    case dimension_id::programme: out = d.activities.programmes.values; break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Scans and partial results.
//
// A *scan* reads the candidate rows of one group for one span of time (the rows placed in a
// date range, or present on a day for stocks), or for a piece of them, and leaves, for each
// job it serves, a *partial*: the job's aggregates by (unit, cell), before the roll-up to
// slots. Partials of disjoint rows merge exactly (counts and sums add, minima and maxima
// combine, distinct values and medians keep their (cell, value) pairs), which is what lets
// a big table be scanned in pieces on every core, and a request for the 12 months, 4
// quarters, 2 halves and the year of 2024 scan the cases of 2024 once: the year is the merge
// of its months.

// Per-aggregate accumulators of one side job, by (unit, cell) or (slot, cell).
struct accumulator {
  aggregate_kind kind = aggregate_kind::count;
  std::vector<double> a, b, c;              // count/sum/n, sum of squares, min/max
  std::vector<std::uint8_t> any;            // a value was seen
  std::vector<std::pair<std::int64_t, double>> pairs;  // distinct, median, percentile
};

bool needs_pairs(aggregate_kind k) {
  return k == aggregate_kind::count_distinct || k == aggregate_kind::median ||
         k == aggregate_kind::percentile || k == aggregate_kind::units_reached;
}

// The quantile p of n values (reordered): linear interpolation between closest ranks
// (PostgreSQL percentile_cont); p = 0.5 is the median, the mean of the two middle values for
// an even count. The two order statistics are found in linear time, without a full sort.
// With `sorted`, the values are already in ascending order and are read in place.
double quantile(double* v, std::size_t n, double p, bool sorted = false) {
  const double pos = p * static_cast<double>(n - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  if (!sorted) std::nth_element(v, v + lo, v + n);
  const double frac = pos - static_cast<double>(lo);
  if (frac == 0 || lo + 1 >= n) return v[lo];
  const double next = sorted ? v[lo + 1] : *std::min_element(v + lo + 1, v + n);
  return v[lo] + (next - v[lo]) * frac;
}

// Puts (key, value) pairs in ascending order of value by a counting sort when the values are
// whole numbers over a range not much wider than their count (durations in days are);
// returns false, leaving them as they are, otherwise.
bool sort_by_whole_value(std::vector<std::pair<std::int64_t, double>>& pairs) {
  if (pairs.empty()) return true;
  double low = pairs[0].second, high = low;
  for (const auto& [key, x] : pairs) {
    if (x != std::floor(x)) return false;  // also false for NaN
    low = std::min(low, x);
    high = std::max(high, x);
  }
  // (Written so that a NaN width, all values infinite, also declines.)
  if (!(high - low <= 4.0 * static_cast<double>(pairs.size()) + 65536.0)) return false;
  std::vector<std::uint32_t> start(static_cast<std::size_t>(high - low) + 2, 0);
  for (const auto& pr : pairs) ++start[static_cast<std::size_t>(pr.second - low) + 1];
  for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<std::pair<std::int64_t, double>> sorted(pairs.size());
  for (const auto& pr : pairs) sorted[start[static_cast<std::size_t>(pr.second - low)]++] = pr;
  pairs.swap(sorted);
  return true;
}

// Puts (key, value) pairs in ascending order of value, equal values together (in any order):
// row numbers and unit indexes (`rows`: whole numbers from 0 below 2^31) by a radix sort of
// 11 bits a pass, other whole numbers over a narrow range by counting, the rest by comparing
// (NaN, which equals nothing, last).
void sort_by_value(std::vector<std::pair<std::int64_t, double>>& pairs, bool rows) {
  if (!rows) {
    if (sort_by_whole_value(pairs)) return;
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
      return a.second < b.second || (!std::isnan(a.second) && std::isnan(b.second));
    });
    return;
  }
  std::uint32_t top = 0;
  for (const auto& pr : pairs) top = std::max(top, static_cast<std::uint32_t>(pr.second));
  std::vector<std::pair<std::int64_t, double>> other(pairs.size());
  std::vector<std::uint32_t> start;
  constexpr unsigned bits = 11;
  constexpr std::uint32_t mask = (1U << bits) - 1;
  for (unsigned shift = 0; shift < 32 && (shift == 0 || top >> shift != 0); shift += bits) {
    start.assign(mask + 2, 0);
    for (const auto& pr : pairs) ++start[(static_cast<std::uint32_t>(pr.second) >> shift & mask) + 1];
    for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
    for (const auto& pr : pairs) other[start[static_cast<std::uint32_t>(pr.second) >> shift & mask]++] = pr;
    pairs.swap(other);
  }
}

void size_accumulator(accumulator& a, aggregate_kind kind, std::size_t n) {
  a.kind = kind;
  if (needs_pairs(kind)) return;
  a.a.assign(n, 0.0);
  a.any.assign(n, 0);
  if (kind == aggregate_kind::stddev || kind == aggregate_kind::variance ||
      kind == aggregate_kind::avg) {
    a.b.assign(n, 0.0);
    a.c.assign(n, 0.0);
  }
  if (kind == aggregate_kind::min || kind == aggregate_kind::max) a.c.assign(n, 0.0);
}

// Adds entry `from` of `src` into entry `to` of `dst` (same kind).
inline void add_entry(accumulator& dst, std::size_t to, const accumulator& src, std::size_t from) {
  if (!src.any[from]) return;
  switch (dst.kind) {
    case aggregate_kind::min:
      dst.c[to] = dst.any[to] ? std::min(dst.c[to], src.c[from]) : src.c[from];
      break;
    case aggregate_kind::max:
      dst.c[to] = dst.any[to] ? std::max(dst.c[to], src.c[from]) : src.c[from];
      break;
    default:
      dst.a[to] += src.a[from];
      if (!dst.b.empty()) {
        dst.b[to] += src.b[from];
        dst.c[to] += src.c[from];
      }
  }
  dst.any[to] = 1;
}

// to[i] += from[i] for i < n. An accumulator's sums are 0 wherever it saw no value (they
// start at +0.0 and only values seen are added), so adding whole arrays is exact.
inline void add_arrays(double* __restrict to, const double* __restrict from, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) to[i] += from[i];
}

// to[i] |= from[i] for i < n, on vectors. (Through std::vector's operator[], a byte store may
// alias the vector's own pointer, which the compiler then reloads at every element instead of
// vectorising; the same holds in the loops below that hoist .data() into locals.)
inline void or_arrays(std::uint8_t* __restrict to, const std::uint8_t* __restrict from, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) to[i] |= from[i];
}

// One job's aggregates over a share of its rows, by (unit, cell).
struct partial {
  std::vector<accumulator> terms;
  std::vector<std::uint8_t> touched;      // units * cells: a row was placed there
  std::int64_t cells = 1;                 // cells per unit
  std::vector<std::int64_t> local_cells;  // local cell -> cell of the job; empty: the same
};

// Adds `from` into `into`; both dense partials of the same job.
void merge(partial& into, const partial& from) {
  if (into.terms.empty()) {
    into = from;
    return;
  }
  or_arrays(into.touched.data(), from.touched.data(), into.touched.size());
  for (std::size_t k = 0; k < into.terms.size(); ++k) {
    accumulator& a = into.terms[k];
    const accumulator& b = from.terms[k];
    if (needs_pairs(a.kind)) {
      a.pairs.insert(a.pairs.end(), b.pairs.begin(), b.pairs.end());
      continue;
    }
    if (a.kind == aggregate_kind::min || a.kind == aggregate_kind::max) {
      for (std::size_t i = 0; i < a.any.size(); ++i) add_entry(a, i, b, i);
      continue;
    }
    // Sums (and n, Σx, Σx²) are 0 where nothing was seen: added whole, on vectors.
    add_arrays(a.a.data(), b.a.data(), a.a.size());
    if (!a.b.empty()) {
      add_arrays(a.b.data(), b.b.data(), a.b.size());
      add_arrays(a.c.data(), b.c.data(), a.c.size());
    }
    or_arrays(a.any.data(), b.any.data(), a.any.size());
  }
}

// The candidate rows of one scan and what every job of the group reads about them.
struct scan_rows {
  std::vector<std::int32_t> rows;
  std::vector<day_number> placing_day;  // events only
  std::vector<std::int32_t> units;      // the row's unit (-1: none)
  // The single-valued cell of every row, per breakdown (dims -> cells), computed on first use.
  std::map<std::vector<int>, std::vector<std::int64_t>> cells_by_dims;
  // The positions of the rows with a related row, per relation, computed on first use.
  std::map<int, std::vector<std::int32_t>> related_by_relation;
  // Conditions already applied to these rows (side_job::where_shared), with the rows they
  // kept and their positions among `rows`: a job whose condition starts with one of them
  // evaluates only the rest of its own, on those rows.
  struct kept_rows {
    const row_expression* where;
    std::vector<std::int32_t> rows, positions;
  };
  std::vector<kept_rows> kept;
};

// Scratch space of one thread.
struct scan_scratch {
  std::vector<std::int32_t> selected, selected_pos, unsettled;
  std::vector<std::size_t> cell_offsets;
  std::vector<std::int64_t> combos, next, sel_cells;
  std::vector<value_batch> args;
};

// What one scan reads: a group's rows placed in [start, end] (events) or present on `end`
// (stocks), within the piece `part` of `parts`.
struct scan_span {
  day_number start = 0, end = 0;
  std::size_t part = 0, parts = 1;
};

// Months since year 0: the month index of sorted_dates::first_month and month_start.
std::int64_t month_number(const civil_date& c) {
  return static_cast<std::int64_t>(c.year) * 12 + (c.month - 1);
}

// An event scan whose rows are at least 1 / row_order_share of its table reads the table in
// row order rather than through the rows sorted by date.
constexpr std::ptrdiff_t row_order_share = 8;

// When [first, last] is a run of whole months, the positions [begin, end) of its rows in
// s.month_rows.
std::optional<std::pair<std::size_t, std::size_t>> whole_months(const sorted_dates& s,
                                                                day_number first, day_number last) {
  const civil_date a = to_civil(first), b = to_civil(last + 1);
  if (a.day != 1 || b.day != 1 || s.month_start.empty()) return std::nullopt;
  const std::int64_t months = static_cast<std::int64_t>(s.month_start.size()) - 1;
  const auto at = [&](const civil_date& c) {  // where month c begins (clamped to the table)
    const std::int64_t m = month_number(c) - s.first_month;
    return s.month_start[static_cast<std::size_t>(std::clamp<std::int64_t>(m, 0, months))];
  };
  return std::make_pair(at(a), std::max(at(a), at(b)));
}

void find_candidates(const context& ctx, const group& g, const scan_span& span,
                     const age_thresholds& at_end, scan_rows& out) {
  const dataset& d = ctx.data;
  const day_number end = span.end;
  const bool honour = ctx.request.honour_consent;
  auto& rows = out.rows;
  auto& placing_day = out.placing_day;
  rows.clear();
  placing_day.clear();
  const bool event = g.placing == placing_kind::event;
  if (event) {
    const sorted_dates& s = *ctx.sorted.at(std::make_pair(g.table, g.date_column));
    const auto lo = std::lower_bound(s.dates.begin(), s.dates.end(), span.start) - s.dates.begin();
    const auto hi = std::upper_bound(s.dates.begin(), s.dates.end(), end) - s.dates.begin();
    const auto n = hi - lo;
    const auto all = static_cast<std::ptrdiff_t>(s.by_row.size());
    // The piece `span.part` of `count` positions from `first`.
    const auto piece = [&](std::ptrdiff_t first, std::ptrdiff_t count) {
      const auto parts = static_cast<std::ptrdiff_t>(span.parts),
                 part = static_cast<std::ptrdiff_t>(span.part);
      return std::make_pair(first + count * part / parts, first + count * (part + 1) / parts);
    };
    if (n * row_order_share >= all) {
      // Most of the table: its rows in row order, so that every column read after this one
      // reads forwards through memory rather than at random (rows by date are in no
      // particular order), which costs less than reading the whole date column.
      const auto [from, to] = piece(0, all);
      rows.resize(static_cast<std::size_t>(to - from));
      placing_day.resize(rows.size());
      const day_number* date = s.by_row.data();
      std::size_t k = 0;
      for (auto i = from; i < to; ++i) {
        rows[k] = static_cast<std::int32_t>(i);
        placing_day[k] = date[i];
        k += static_cast<std::size_t>(static_cast<int>(date[i] >= span.start) &
                                      static_cast<int>(date[i] <= end));
      }
      rows.resize(k);
      placing_day.resize(k);
    } else if (const auto months = whole_months(s, span.start, end)) {
      // Whole months: their rows by month, in row order within each, so that the columns
      // read after this one are read forwards rather than at random.
      const auto [first, last] = *months;
      const auto [from, to] =
          piece(static_cast<std::ptrdiff_t>(first), static_cast<std::ptrdiff_t>(last - first));
      rows.assign(s.month_rows.begin() + from, s.month_rows.begin() + to);
      placing_day.assign(s.month_dates.begin() + from, s.month_dates.begin() + to);
    } else {
      const auto [from, to] = piece(lo, n);
      rows.assign(s.rows.begin() + from, s.rows.begin() + to);
      placing_day.assign(s.dates.begin() + from, s.dates.begin() + to);
    }
  } else {
    const std::size_t n = ctx.table_size(g.table);
    const std::size_t from = n * span.part / span.parts;
    const std::size_t to = n * (span.part + 1) / span.parts;
    // Present on `end`: started on or before it and not ended (no end, or one after it).
    // Rows are written unconditionally and the count advances by the test: no branch to
    // mispredict on a table in random date order.
    const auto present = [&](const std::vector<day_number>& first, const std::vector<day_number>& last) {
      rows.resize(to - from);
      std::size_t k = 0;
      for (std::size_t i = from; i < to; ++i) {
        rows[k] = static_cast<std::int32_t>(i);
        // Integers, so that & and | combine the tests without branching (and without a warning).
        const int started = first[i] <= end, open = last[i] == no_day, later = last[i] > end;
        k += static_cast<std::size_t>(started & (open | later));
      }
      rows.resize(k);
    };
    switch (g.table) {
      case table_id::children: {
        // Their units too, in the same pass.
        const register_on_day on(at_end, end, g.min_age, g.max_age);
        const auto& ch = d.children;
        rows.resize(to - from);
        out.units.resize(to - from);
        std::size_t k = 0;
        for (std::size_t i = from; i < to; ++i) {
          rows[k] = static_cast<std::int32_t>(i);
          out.units[k] = ch.org_unit[i].value;
          k += on.holds(ch.registered_date[i], ch.exit_date[i], ch.birth_date[i]);
        }
        rows.resize(k);
        out.units.resize(k);
        break;
      }
      case table_id::cases:
        present(d.cases.reported_date, d.cases.closed_date);
        break;
      case table_id::circumstances:
        present(d.circumstances.start_date, d.circumstances.end_date);
        break;
      case table_id::population: {
        rows.reserve(to - from);
        const int year = to_civil(end).year;
        for (std::size_t i = from; i < to; ++i)
          if (d.population.year[i] == year) rows.push_back(static_cast<std::int32_t>(i));
        break;
      }
      default:
        rows.reserve(to - from);
        for (std::size_t i = from; i < to; ++i) rows.push_back(static_cast<std::int32_t>(i));
    }
  }
  // Ages and consent (children on the register were checked above). Rows are written
  // unconditionally and the count advances by the test: whether a row is kept is as good as
  // random.
  const auto keep_rows = [&](const auto& keeps) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::int32_t r = rows[i];
      const bool keep = keeps(i, r);
      rows[kept] = r;
      if (event) placing_day[kept] = placing_day[i];
      kept += static_cast<std::size_t>(keep);
    }
    rows.resize(kept);
    if (event) placing_day.resize(kept);
  };
  switch (g.table) {
    case table_id::cases:
    case table_id::services: {
      if (ctx.case_age.empty()) {  // no cases: no row has one
        rows.clear();
        placing_day.clear();
        break;
      }
      const bool services = g.table == table_id::services;
      keep_rows([&](std::size_t, std::int32_t r) {
        const std::int32_t c = services ? d.services.case_[r].value : r;
        const auto at = static_cast<std::size_t>(c >= 0 ? c : 0);  // read, then dropped
        const int age = ctx.case_age[at];
        return static_cast<bool>(static_cast<int>(c >= 0) & static_cast<int>(age >= g.min_age) &
                                 static_cast<int>(age <= g.max_age) &
                                 static_cast<int>(!honour || ctx.case_counts_consent[at]));
      });
      break;
    }
    case table_id::children:
    case table_id::circumstances: {
      if (g.table == table_id::children && !event) break;
      keep_rows([&](std::size_t i, std::int32_t r) {
        const std::int32_t child = child_of_row(ctx, g.table, r);
        if (child < 0) return false;
        if (event) {
          const int age = age_in_years(d.children.birth_date[child], placing_day[i]);
          return age >= g.min_age && age <= g.max_age;
        }
        return at_end.in_range(d.children.birth_date[child], g.min_age, g.max_age);
      });
      break;
    }
    case table_id::population:
      keep_rows([&](std::size_t, std::int32_t r) {
        return d.population.age[r] >= g.min_age && d.population.age[r] <= g.max_age;
      });
      break;
    default:
      break;
  }
  // The rows' units (the register's were found with its rows).
  if (!(g.table == table_id::children && !event)) {
    out.units.resize(rows.size());
    if (g.table == table_id::children) {
      for (std::size_t i = 0; i < rows.size(); ++i)
        out.units[i] = d.children.org_unit[rows[i]].value;
    } else if (g.table == table_id::cases) {
      for (std::size_t i = 0; i < rows.size(); ++i) out.units[i] = d.cases.org_unit[rows[i]].value;
    } else {
      for (std::size_t i = 0; i < rows.size(); ++i)
        out.units[i] = ctx.row_unit(g.table, rows[i]).value;
    }
  }
  out.cells_by_dims.clear();
  out.related_by_relation.clear();
  out.kept.clear();
}

// The code (or `domain` for missing) of one single-valued dimension for every candidate row,
// multiplied into `cells` (mixed radix). The dimensions read on every stock of children
// (sex, age band) have their own loops; the others go through dimension_of_row.
void add_dimension_codes(const context& ctx, const dim_spec& spec, std::int64_t radix,
                         const group& g, const scan_rows& c, day_number end,
                         const age_thresholds& at_end, std::vector<std::int64_t>& cells) {
  const dataset& d = ctx.data;
  const std::size_t n = c.rows.size();
  const bool event = g.placing == placing_kind::event;
  if (g.table == table_id::children && spec.info->id == dimension_id::sex) {
    for (std::size_t i = 0; i < n; ++i) {
      const code s = d.children.sex[c.rows[i]];
      cells[i] = cells[i] * radix + (s == no_code ? spec.domain : static_cast<std::int64_t>(s));
    }
    return;
  }
  if (g.table == table_id::children && spec.info->id == dimension_id::age_band && !event) {
    const bands_of_births bands(at_end, ctx.request.age_bands);
    for (std::size_t i = 0; i < n; ++i)
      cells[i] = cells[i] * radix + bands.of(d.children.birth_date[c.rows[i]], spec.domain);
    return;
  }
  if ((g.table == table_id::cases || g.table == table_id::services) &&
      (spec.info->id == dimension_id::sex || spec.info->id == dimension_id::age_band)) {
    // Cases and services read the child's sex and the age at the case's report, both kept
    // by case.
    std::vector<std::int64_t> band_at_age;
    if (spec.info->id == dimension_id::age_band) {
      band_at_age.assign(max_tracked_age + 2, spec.domain);
      for (int age = 0; age <= max_tracked_age + 1; ++age) {
        const int b = band_of_age(ctx.request.age_bands, age);
        if (b >= 0) band_at_age[static_cast<std::size_t>(age)] = b;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t kase = g.table == table_id::cases ? c.rows[i] : d.services.case_[c.rows[i]].value;
      std::int64_t value = spec.domain;
      if (kase >= 0) {
        if (spec.info->id == dimension_id::sex) {
          const code sex = ctx.case_sex[static_cast<std::size_t>(kase)];
          value = sex == no_code ? spec.domain : static_cast<std::int64_t>(sex);
        } else {
          const int age = ctx.case_age[kase];
          value = age >= 0 && age <= max_tracked_age + 1 ? band_at_age[static_cast<std::size_t>(age)] : spec.domain;
        }
      }
      cells[i] = cells[i] * radix + value;
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const dim_value v = dimension_of_row(ctx, spec, g.table, c.rows[i],
                                         event ? c.placing_day[i] : end, end, at_end);
    cells[i] = cells[i] * radix + (v.single < 0 ? spec.domain : v.single);
  }
}

// Where each row's cells are: row i in cell 0 (no breakdown: nothing to read), in cells[i]
// (single-valued dimensions), or in cells[offsets[i] .. offsets[i + 1]) (a multi-valued one).
enum class cell_layout { none, one, many };

// The layout of a job's cells.
cell_layout layout_of(const context& ctx, const side_job& job) {
  if (job.dims.empty()) return cell_layout::none;
  const bool single_valued = std::none_of(job.dims.begin(), job.dims.end(), [&](int d) {
    return ctx.dims[static_cast<std::size_t>(d)].info->multi_valued;
  });
  return single_valued ? cell_layout::one : cell_layout::many;
}

// Calls f(i, cell) for each cell of row i (Layout as above).
template <cell_layout Layout, class F>
void for_each_cell(std::size_t i, const std::int64_t* cells, const std::size_t* offsets,
                   const F& f) {
  if constexpr (Layout == cell_layout::none) {
    f(i, std::int64_t{0});
  } else if constexpr (Layout == cell_layout::one) {
    f(i, cells[i]);
  } else {
    for (std::size_t k = offsets[i]; k < offsets[i + 1]; ++k) f(i, cells[k]);
  }
}

// Calls f(std::integral_constant<cell_layout, layout>{}): code written once for every layout,
// compiled for each.
template <class F>
void with_layout(cell_layout layout, const F& f) {
  switch (layout) {
    case cell_layout::none:
      f(std::integral_constant<cell_layout, cell_layout::none>{});
      break;
    case cell_layout::one:
      f(std::integral_constant<cell_layout, cell_layout::one>{});
      break;
    case cell_layout::many:
      f(std::integral_constant<cell_layout, cell_layout::many>{});
      break;
  }
}

// Accumulates `n` rows into `a`: row i at unit `units[i]` (skipped when negative), in its
// cells (Layout).
// `arg` null: a count whose argument is never null (count(case_id)), every row counts.
template <cell_layout Layout>
void accumulate_rows(accumulator& a, std::size_t n, const std::int32_t* units,
                     const std::int64_t* cells, const std::size_t* offsets, std::int64_t width,
                     const value_batch* arg) {
  auto each = [&](auto&& add) {
    for (std::size_t i = 0; i < n; ++i) {
      if (units[i] < 0) continue;
      const std::int64_t base = static_cast<std::int64_t>(units[i]) * width;
      for_each_cell<Layout>(i, cells, offsets, [&](std::size_t row, std::int64_t cell) {
        add(row, static_cast<std::size_t>(base + cell));
      });
    }
  };
  double* const sum = a.a.data();
  std::uint8_t* const any = a.any.data();
  if (!arg) {
    // Rows of one unit come together (the register of children is in commune order), and
    // adding 1 to the cell the previous row has just added to waits for that addition: four
    // tallies taken in turn keep four additions in flight. (Whole numbers: exact.)
    constexpr std::size_t lanes = 4, most_cells = std::size_t{1} << 16;
    const std::size_t total = a.a.size();
    if (total > most_cells) {
      each([&](std::size_t, std::size_t idx) {
        sum[idx] += 1;
        any[idx] = 1;
      });
      return;
    }
    std::vector<std::uint32_t> tally(lanes * total, 0);
    each([&](std::size_t i, std::size_t idx) { ++tally[(i % lanes) * total + idx]; });
    for (std::size_t idx = 0; idx < total; ++idx) {
      std::uint64_t rows = 0;
      for (std::size_t lane = 0; lane < lanes; ++lane) rows += tally[lane * total + idx];
      sum[idx] += static_cast<double>(rows);
      any[idx] |= static_cast<std::uint8_t>(rows > 0);
    }
    return;
  }
  const std::uint8_t* valid = arg->valid.data();
  const double* x = arg->value.data();
  switch (a.kind) {
    case aggregate_kind::count_distinct:
    case aggregate_kind::median:
    case aggregate_kind::percentile:
      each([&](std::size_t i, std::size_t idx) {
        if (valid[i]) a.pairs.emplace_back(static_cast<std::int64_t>(idx), x[i]);
      });
      break;
    case aggregate_kind::count:
      each([&](std::size_t i, std::size_t idx) {
        sum[idx] += valid[i];
        any[idx] = 1;
      });
      break;
    case aggregate_kind::sum:
      each([&](std::size_t i, std::size_t idx) {
        if (!valid[i]) return;
        sum[idx] += x[i];
        any[idx] = 1;
      });
      break;
    case aggregate_kind::avg:
    case aggregate_kind::stddev:
    case aggregate_kind::variance:
      each([&](std::size_t i, std::size_t idx) {
        if (!valid[i]) return;
        a.a[idx] += 1;
        a.b[idx] += x[i];
        a.c[idx] += x[i] * x[i];
        a.any[idx] = 1;
      });
      break;
    case aggregate_kind::min:
    case aggregate_kind::max: {
      const bool lowest = a.kind == aggregate_kind::min;
      each([&](std::size_t i, std::size_t idx) {
        if (!valid[i]) return;
        a.c[idx] = !a.any[idx] ? x[i] : lowest ? std::min(a.c[idx], x[i]) : std::max(a.c[idx], x[i]);
        a.any[idx] = 1;
      });
      break;
    }
    case aggregate_kind::units_reached: break;
  }
}

constexpr std::int64_t dense_cells = 4096;  // code spaces up to this size are used as they are

// The verdict of a job's condition on the rows of a piece of a stock followed through several
// ends: whether the condition holds at none of them, at all of them, or must be evaluated at
// each (run_children_stock).
struct settled_condition {
  static constexpr std::uint8_t never = 0, always = 1, evaluate = 2;
  // The verdict of row first_row + i, for every row of the piece: a direct lookup, as rows
  // come ascending but sparse (walking a list of settled rows alongside them mispredicted a
  // branch per row and cost more than the evaluations it saved).
  std::int32_t first_row = 0;
  std::vector<std::uint8_t> verdict;
  std::uint8_t of(std::int32_t row) const noexcept {
    return verdict[static_cast<std::size_t>(row - first_row)];
  }
};

// Evaluates one job over the candidate rows of a scan into `out`; `settled`, when given,
// decides the job's condition for the rows it has settled.
void scan_job(const context& ctx, const group& g, const side_job& job, scan_rows& c,
              const eval_context& ec, day_number end, const age_thresholds& at_end,
              scan_scratch& s, partial& out, const settled_condition* settled = nullptr) {
  const bool event = g.placing == placing_kind::event;
  const std::size_t n_rows = c.rows.size();
  // 1. The job's own condition.
  const std::int32_t* sel = c.rows.data();
  std::size_t n_sel = n_rows;
  const std::int32_t* pos = nullptr;  // positions of the selected rows among the candidates
  // A condition that does not read the period is evaluated once per row and dataset: on the
  // candidates not seen before, then read off what is kept.
  condition_rows* verdicts =
      job.has_where && !settled && !job.where.depends_on_period()
          ? ctx.prepared.rows_where(job.where, job.where_text, ctx.request.honour_consent)
          : nullptr;
  const scan_rows::kept_rows* known = nullptr;  // the fewest rows kept by a prefix of the where
  if (job.has_where && !verdicts)
    for (const auto& k : c.kept)
      if (job.where.starts_with(*k.where) && (!known || k.rows.size() < known->rows.size())) known = &k;
  if (verdicts) {
    // One pass keeps the rows held and gathers the rows not seen yet; only when there are
    // some (a dataset's first computes) are they evaluated and the pass made again.
    // Branch-free: whether a row is kept is as good as random.
    s.selected.resize(n_rows);
    s.selected_pos.resize(n_rows);
    s.unsettled.resize(n_rows);
    const auto keep_held = [&] {
      std::size_t held = 0, unseen = 0;
      for (std::size_t i = 0; i < n_rows; ++i) {
        const std::int32_t r = c.rows[i];
        const std::uint8_t v = verdicts->of(r);
        s.selected[held] = r;
        s.selected_pos[held] = static_cast<std::int32_t>(i);
        held += v == condition_rows::yes;
        s.unsettled[unseen] = r;
        unseen += v == condition_rows::unknown;
      }
      n_sel = held;
      return unseen;
    };
    if (const std::size_t unseen = keep_held(); unseen > 0) {
      std::vector<std::int32_t> kept(unseen);
      const std::size_t held =
          job.where.select_positions(ec, s.unsettled.data(), unseen, kept.data());
      for (std::size_t i = 0; i < unseen; ++i) verdicts->set(s.unsettled[i], false);
      for (std::size_t q = 0; q < held; ++q)
        verdicts->set(s.unsettled[static_cast<std::size_t>(kept[q])], true);
      keep_held();
    }
    sel = s.selected.data();
    pos = s.selected_pos.data();
  } else if (known) {
    s.selected_pos.resize(known->rows.size());
    n_sel = job.where.select_positions_after(*known->where, ec, known->rows.data(),
                                             known->rows.size(), s.selected_pos.data());
    s.selected.resize(n_sel);
    for (std::size_t j = 0; j < n_sel; ++j) {
      const auto q = static_cast<std::size_t>(s.selected_pos[j]);
      s.selected[j] = known->rows[q];
      s.selected_pos[j] = known->positions[q];
    }
    sel = s.selected.data();
    pos = s.selected_pos.data();
  } else if (job.has_where && settled) {
    // Rows settled for every end are kept or dropped as they are; the others are evaluated.
    // Branch-free: whether a row is kept is as good as random.
    s.unsettled.resize(n_rows + 1);
    std::size_t open = 0;
    for (std::size_t i = 0; i < n_rows; ++i) {
      s.unsettled[open] = c.rows[i];
      open += settled->of(c.rows[i]) == settled_condition::evaluate;
    }
    const std::size_t held = job.where.select(ec, s.unsettled.data(), open, s.unsettled.data());
    s.unsettled[held] = -1;  // no row: the walk below never reads past the rows held
    s.selected.resize(n_rows + 1);
    s.selected_pos.resize(n_rows + 1);
    n_sel = 0;
    for (std::size_t i = 0, j = 0; i < n_rows; ++i) {
      const std::uint8_t v = settled->of(c.rows[i]);
      const bool held_now = v == settled_condition::evaluate && s.unsettled[j] == c.rows[i];
      j += held_now;
      s.selected[n_sel] = c.rows[i];
      s.selected_pos[n_sel] = static_cast<std::int32_t>(i);
      n_sel += (v == settled_condition::always) | held_now;
    }
    sel = s.selected.data();
    pos = s.selected_pos.data();
  } else if (job.has_where) {
    // Rows that need a related row (exists(...) in a top-level &&) are narrowed to the ones
    // that have one, once per scan for every job that needs the same relation.
    const std::vector<std::int32_t>* among = nullptr;  // positions among the candidates
    if (const int relation = job.where.required_relation(); relation >= 0) {
      auto it = c.related_by_relation.find(relation);
      if (it == c.related_by_relation.end()) {
        std::vector<std::int32_t> keep(n_rows);
        keep.resize(row_expression::keep_related(relation, ec, c.rows.data(), n_rows, keep.data()));
        it = c.related_by_relation.emplace(relation, std::move(keep)).first;
      }
      among = &it->second;
    }
    const std::size_t n_in = among ? among->size() : n_rows;
    s.selected.resize(n_in);
    if (among)
      for (std::size_t i = 0; i < n_in; ++i) s.selected[i] = c.rows[static_cast<std::size_t>((*among)[i])];
    const std::int32_t* in = among ? s.selected.data() : c.rows.data();
    s.selected_pos.resize(n_in);
    n_sel = job.where.select_positions(ec, in, n_in, s.selected_pos.data());
    // Positions among `in`, made positions among the candidates.
    for (std::size_t j = 0; j < n_sel; ++j) {
      std::int32_t& p = s.selected_pos[j];
      if (among) p = (*among)[static_cast<std::size_t>(p)];
      s.selected[j] = c.rows[static_cast<std::size_t>(p)];
    }
    sel = s.selected.data();
    pos = s.selected_pos.data();
  }
  if (job.where_shared && !(known && known->where->starts_with(job.where)))
    c.kept.push_back(scan_rows::kept_rows{&job.where, std::vector<std::int32_t>(sel, sel + n_sel),
                                          std::vector<std::int32_t>(pos, pos + n_sel)});
  auto at = [&](std::size_t i) { return pos ? static_cast<std::size_t>(pos[i]) : i; };

  // 2. Units and cells of the selected rows.
  std::vector<std::int32_t> sel_units_storage;
  const std::int32_t* sel_units = c.units.data();
  if (pos) {
    sel_units_storage.resize(n_sel);
    for (std::size_t i = 0; i < n_sel; ++i) sel_units_storage[i] = c.units[at(i)];
    sel_units = sel_units_storage.data();
  }
  const cell_layout layout = layout_of(ctx, job);
  s.sel_cells.clear();
  s.cell_offsets.clear();
  const std::int64_t* row_cells = nullptr;
  if (layout == cell_layout::one) {
    auto it = c.cells_by_dims.find(job.dims);
    if (it == c.cells_by_dims.end()) {
      std::vector<std::int64_t> cells_of(n_rows, 0);
      for (std::size_t di = 0; di < job.dims.size(); ++di)
        add_dimension_codes(ctx, ctx.dims[static_cast<std::size_t>(job.dims[di])], job.radix[di],
                            g, c, end, at_end, cells_of);
      it = c.cells_by_dims.emplace(job.dims, std::move(cells_of)).first;
    }
    if (pos || job.cells > dense_cells) {
      s.sel_cells.resize(n_sel);
      for (std::size_t i = 0; i < n_sel; ++i) s.sel_cells[i] = it->second[at(i)];
    } else {
      row_cells = it->second.data();  // every candidate is selected: read the cache itself
    }
  } else if (layout == cell_layout::many) {
    std::vector<std::int64_t> strides(job.dims.size(), 1);
    for (std::size_t di = job.dims.size(); di-- > 1;) strides[di - 1] = strides[di] * job.radix[di];
    s.cell_offsets.assign(1, 0);
    for (std::size_t i = 0; i < n_sel; ++i) {
      if (sel_units[i] >= 0) {
        const std::size_t p = at(i);
        const day_number day = event ? c.placing_day[p] : end;
        s.combos.assign(1, 0);
        for (std::size_t di = 0; di < job.dims.size(); ++di) {
          const dim_spec& spec = ctx.dims[static_cast<std::size_t>(job.dims[di])];
          const dim_value v = dimension_of_row(ctx, spec, g.table, sel[i], day, end, at_end);
          const std::int64_t stride = strides[di];
          if (v.multi && v.set != 0) {
            s.next.clear();
            for (int bit = 0; bit < 64; ++bit)
              if (v.set >> bit & 1U)
                for (auto cc : s.combos) s.next.push_back(cc + bit * stride);
            s.combos.swap(s.next);
          } else {
            const std::int64_t code = (v.multi || v.single < 0) ? spec.domain : v.single;
            for (auto& cc : s.combos) cc += code * stride;
          }
        }
        s.sel_cells.insert(s.sel_cells.end(), s.combos.begin(), s.combos.end());
      }
      s.cell_offsets.push_back(s.sel_cells.size());
    }
  }
  // A big code space (a breakdown by agency and topic has thousands of cells, of which a
  // period touches a few) is renumbered densely over the cells that occur.
  out.local_cells.clear();
  out.cells = job.cells;
  if (job.cells > dense_cells) {
    out.local_cells.assign(s.sel_cells.begin(), s.sel_cells.end());
    std::sort(out.local_cells.begin(), out.local_cells.end());
    out.local_cells.erase(std::unique(out.local_cells.begin(), out.local_cells.end()),
                          out.local_cells.end());
    for (auto& cc : s.sel_cells)
      cc = std::lower_bound(out.local_cells.begin(), out.local_cells.end(), cc) - out.local_cells.begin();
    if (out.local_cells.empty()) out.local_cells.push_back(0);
    out.cells = static_cast<std::int64_t>(out.local_cells.size());
  }

  // 3. Aggregates by (unit, cell).
  const std::size_t unit_total = ctx.data.org_units.size() * static_cast<std::size_t>(out.cells);
  const auto& terms = job.value.aggregates();
  out.terms.resize(terms.size());
  s.args.resize(terms.size());
  const std::int64_t* cells = row_cells ? row_cells : s.sel_cells.data();
  const std::size_t* offsets = s.cell_offsets.data();
  for (std::size_t k = 0; k < terms.size(); ++k) {
    accumulator& a = out.terms[k];
    size_accumulator(a, terms[k].kind, unit_total);
    a.pairs.clear();
    if (terms[k].kind == aggregate_kind::units_reached) {
      // The row, placed at its unit like any row, counts the unit of that level it lies in
      // (its ancestor or itself); none when it lies above that level.
      for (std::size_t i = 0; i < n_sel; ++i) {
        if (sel_units[i] < 0) continue;
        const org_unit_index reached = ctx.tree.ancestor_at_level(org_unit_index{sel_units[i]}, terms[k].level);
        if (!reached.valid()) continue;
        const std::int64_t base = static_cast<std::int64_t>(sel_units[i]) * out.cells;
        with_layout(layout, [&](auto l) {
          for_each_cell<decltype(l)::value>(i, cells, offsets, [&](std::size_t, std::int64_t cell) {
            a.pairs.emplace_back(base + cell, static_cast<double>(reached.value));
          });
        });
      }
      continue;
    }
    const value_batch* arg = nullptr;
    if (terms[k].kind != aggregate_kind::count || !terms[k].argument.never_null()) {
      terms[k].argument.evaluate(ec, sel, n_sel, s.args[k]);
      arg = &s.args[k];
    }
    with_layout(layout, [&](auto l) {
      accumulate_rows<decltype(l)::value>(a, n_sel, sel_units, cells, offsets, out.cells, arg);
    });
  }
  // The cells rows were placed in: what a count saw (it sees every row placed, valid or not),
  // or found again.
  const auto count_term = std::find_if(terms.begin(), terms.end(), [](const aggregate_term& t) {
    return t.kind == aggregate_kind::count;
  });
  if (count_term != terms.end()) {
    out.touched = out.terms[static_cast<std::size_t>(count_term - terms.begin())].any;
    return;
  }
  out.touched.assign(unit_total, 0);
  std::uint8_t* const touched = out.touched.data();
  const auto width = static_cast<std::size_t>(out.cells);
  with_layout(layout, [&](auto l) {
    for (std::size_t i = 0; i < n_sel; ++i) {
      if (sel_units[i] < 0) continue;
      const std::size_t base = static_cast<std::size_t>(sel_units[i]) * width;
      for_each_cell<decltype(l)::value>(i, cells, offsets, [&](std::size_t, std::int64_t cell) {
        touched[base + static_cast<std::size_t>(cell)] = 1;
      });
    }
  });
}

// Runs one scan: the candidates of `span`, then every job in `job_list` into its partial,
// outs[k]. With `seen_ends` (an atom of time scanned for longer periods whose jobs read only
// their last day), the candidates and their cells are found once and every job runs once per
// end, into outs[e * jobs + k]. (Settling conditions between the ends, as the children's
// register does, cost more than it saved here: a case's plan and services mostly fall
// within the year's ends.)
void run_scan(const context& ctx, const group& g, const std::vector<side_job>& jobs,
              const std::vector<std::size_t>& job_list, const scan_span& span,
              const std::vector<day_number>& seen_ends, partial* const* outs) {
  const age_thresholds at_end(span.end);
  scan_rows c;
  scan_scratch s;
  find_candidates(ctx, g, span, at_end, c);
  eval_context ec;
  ec.data = &ctx.data;
  ec.rel = &ctx.rel;
  ec.period_start = span.start;
  ec.period_end = span.end;
  ec.holidays = &ctx.holidays;
  ec.honour_consent = ctx.request.honour_consent;
  if (seen_ends.empty()) {
    for (std::size_t k = 0; k < job_list.size(); ++k)
      scan_job(ctx, g, jobs[job_list[k]], c, ec, span.end, at_end, s, *outs[k]);
    return;
  }
  for (std::size_t e = 0; e < seen_ends.size(); ++e) {
    ec.period_end = seen_ends[e];
    c.kept.clear();  // what a condition kept holds for one end
    for (std::size_t k = 0; k < job_list.size(); ++k)
      scan_job(ctx, g, jobs[job_list[k]], c, ec, span.end, at_end, s, *outs[e * job_list.size() + k]);
  }
}

// The verdict of `where` (settles_between_ends()) on each row of `domain` for every end in
// [first, last]: settled_condition::always or ::never for the rows none of whose compared
// dates falls in the span (decided at `first`), ::evaluate for the others.
std::vector<std::uint8_t> settle(const row_expression& where, eval_context ec,
                                 const std::vector<std::int32_t>& domain, day_number first,
                                 day_number last) {
  std::vector<std::uint8_t> verdict(domain.size());
  where.may_change_between(ec, domain.data(), domain.size(), first, last, verdict.data());
  std::vector<std::int32_t> steady;
  for (std::size_t q = 0; q < domain.size(); ++q)
    if (!verdict[q]) steady.push_back(domain[q]);
  ec.period_start = first;  // not read: the condition settles only on the end
  ec.period_end = first;
  std::vector<std::int32_t> held(steady.size());
  const std::size_t n_held = where.select_positions(ec, steady.data(), steady.size(), held.data());
  for (std::size_t q = 0, i = 0, h = 0; q < domain.size(); ++q) {
    if (verdict[q]) {
      verdict[q] = settled_condition::evaluate;
      continue;
    }
    const bool holds = h < n_held && static_cast<std::size_t>(held[h]) == i;
    h += holds ? 1 : 0;
    ++i;
    verdict[q] = holds ? settled_condition::always : settled_condition::never;
  }
  return verdict;
}

// Fills `p`, the partial of a counting job at one end: `placed` rows by (unit, cell), and for
// each term its count (`term_counts[t]`, or nullptr: the rows placed).
void write_counts(partial& p, const side_job& job, const std::vector<std::int64_t>& placed,
                  const std::vector<const std::vector<std::int64_t>*>& term_counts) {
  const std::size_t unit_total = placed.size();
  const auto& terms = job.value.aggregates();
  p.cells = job.cells;
  p.local_cells.clear();
  p.touched.resize(unit_total);
  std::uint8_t* const touched = p.touched.data();
  for (std::size_t idx = 0; idx < unit_total; ++idx) touched[idx] = placed[idx] > 0;
  p.terms.resize(terms.size());
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const std::vector<std::int64_t>& count = term_counts[t] ? *term_counts[t] : placed;
    accumulator& a = p.terms[t];
    size_accumulator(a, terms[t].kind, unit_total);
    double* const value = a.a.data();
    for (std::size_t idx = 0; idx < unit_total; ++idx) value[idx] = static_cast<double>(count[idx]);
    std::copy(p.touched.begin(), p.touched.end(), a.any.begin());
  }
}

// A job of a children's stock whose cells can be followed from end to end: it counts
// (count(...) only: whole numbers, so adding and taking away is exact), its cells are
// single-valued and dense, and it reads no period — or, counting rows, reads only the period's
// last day and only by comparing it with dates (AT_RISK_CHILDREN's condition), so that the
// condition can be settled for the children none of whose compared dates falls between the
// first and the last end and evaluated at every end for the others (settle()).
bool followed_stock_job(const context& ctx, const side_job& job) {
  if (job.cells > dense_cells) return false;
  for (const auto& t : job.value.aggregates()) {
    if (t.kind != aggregate_kind::count) return false;
    if (!job.period_free && (!t.argument.never_null() || t.argument.depends_on_period()))
      return false;
  }
  if (!job.period_free &&
      !(job.has_where && job.where.settles_between_ends() && !job.where.depends_on_period_start()))
    return false;
  for (int d : job.dims)
    if (ctx.dims[static_cast<std::size_t>(d)].info->multi_valued) return false;
  return true;
}

// One period of a stock of children computed with others in one scan.
struct stock_entry {
  day_number start = 0, end = 0;
  std::vector<std::size_t> jobs;
  std::vector<partial*> outs;  // one per job
};

// The stock of children on several ends at once, for one piece of the table. A child's cell
// changes only when it is registered, leaves, or crosses an age limit or band, so the jobs
// that count (followed_stock_job) count the children on the register at every end by birth
// day (a histogram each end reads), and walk each other child once through the ends in date
// order, writing only where its cell changes: +1 to the new cell, -1 to the old one, at that
// end; the counts at each end are the running sums. The other jobs run end by end on the children
// present then; when each of them needs a related row (exists(...) in its condition), only
// children that have one are looked at.
void run_children_stock(const context& ctx, const group& g, const std::vector<side_job>& jobs,
                        std::vector<stock_entry>& entries, std::size_t part, std::size_t parts) {
  const dataset& d = ctx.data;
  const auto& ch = d.children;
  const std::size_t n = ch.size();
  const std::size_t from = n * part / parts, to = n * (part + 1) / parts;
  // The piece's rows with a related row in `relation`, ascending.
  const auto related_in_piece = [&](int relation) {
    const std::vector<std::int32_t>& related = ctx.prepared.rows_with_related(g.table, relation);
    const auto first =
        std::lower_bound(related.begin(), related.end(), static_cast<std::int32_t>(from));
    return std::vector<std::int32_t>(
        first, std::lower_bound(first, related.end(), static_cast<std::int32_t>(to)));
  };
  const std::size_t k = entries.size();
  std::vector<age_thresholds> at_end;
  at_end.reserve(k);
  for (const stock_entry& e : entries) at_end.emplace_back(e.end);
  std::vector<register_on_day> on;
  on.reserve(k);
  for (std::size_t j = 0; j < k; ++j) on.emplace_back(at_end[j], entries[j].end, g.min_age, g.max_age);
  eval_context ec;
  ec.data = &d;
  ec.rel = &ctx.rel;
  ec.holidays = &ctx.holidays;
  ec.honour_consent = ctx.request.honour_consent;
  scan_scratch s;

  // 1. Counting jobs, followed from end to end. (A condition another job's starts with stays
  // with the jobs run end by end, where that job reads the rows it kept at each end.)
  const auto prefix_of_another = [&](std::size_t j) {
    for (const stock_entry& e : entries)
      for (std::size_t other : e.jobs)
        if (other != j && jobs[other].has_where && jobs[j].has_where &&
            jobs[other].where.starts_with(jobs[j].where))
          return true;
    return false;
  };
  std::vector<std::size_t> followed;
  for (const stock_entry& e : entries)
    for (std::size_t j : e.jobs)
      if (followed_stock_job(ctx, jobs[j]) &&
          std::find(followed.begin(), followed.end(), j) == followed.end() &&
          (jobs[j].period_free || !prefix_of_another(j)))
        followed.push_back(j);
  for (std::size_t job_index : followed) {
    const side_job& job = jobs[job_index];
    // The ends where this job is wanted, in date order (distinct: it reads only the end).
    std::vector<std::pair<std::size_t, std::size_t>> at;  // (entry, position in its jobs)
    for (std::size_t e = 0; e < k; ++e)
      for (std::size_t q = 0; q < entries[e].jobs.size(); ++q)
        if (entries[e].jobs[q] == job_index) at.emplace_back(e, q);
    std::stable_sort(at.begin(), at.end(), [&](const auto& a, const auto& b) {
      return entries[a.first].end < entries[b.first].end;
    });
    const std::size_t m = at.size();
    scan_rows c;
    // Rows whose condition is evaluated at every end (a condition that reads the end).
    scan_rows open;
    if (job.period_free) {
      c.rows.resize(to - from);
      std::iota(c.rows.begin(), c.rows.end(), static_cast<std::int32_t>(from));
      if (job.has_where) {
        ec.period_start = entries[at[0].first].start;
        ec.period_end = entries[at[0].first].end;
        c.rows.resize(job.where.select(ec, c.rows.data(), c.rows.size(), c.rows.data()));
      }
    } else {
      // Settled: the rows with no compared date between the first and the last end hold or
      // not at every end as at the first; only rows with a related row can hold when the
      // condition needs one.
      std::vector<std::int32_t> domain;
      if (const int relation = job.where.required_relation(); relation >= 0) {
        domain = related_in_piece(relation);
      } else {
        domain.resize(to - from);
        std::iota(domain.begin(), domain.end(), static_cast<std::int32_t>(from));
      }
      const std::vector<std::uint8_t> verdict =
          settle(job.where, ec, domain, entries[at[0].first].end, entries[at[m - 1].first].end);
      for (std::size_t q = 0; q < domain.size(); ++q) {
        if (verdict[q] == settled_condition::always) c.rows.push_back(domain[q]);
        if (verdict[q] == settled_condition::evaluate) open.rows.push_back(domain[q]);
      }
    }
    const std::size_t rows = c.rows.size();
    // Each child's cell without the age band (`compact`: the other dimensions' codes), and
    // where the band goes into a cell when the job breaks down by it.
    std::vector<std::int64_t> strides(job.dims.size(), 1);
    for (std::size_t di = job.dims.size(); di-- > 1;) strides[di - 1] = strides[di] * job.radix[di];
    std::vector<std::int64_t> compact(rows, 0), open_compact(open.rows.size(), 0);
    std::int64_t band_stride = 0, band_radix = 1, band_missing = 0;
    for (std::size_t di = 0; di < job.dims.size(); ++di) {
      const dim_spec& spec = ctx.dims[static_cast<std::size_t>(job.dims[di])];
      if (spec.info->id == dimension_id::age_band) {
        band_stride = strides[di];
        band_radix = job.radix[di];
        band_missing = spec.domain;
        continue;
      }
      add_dimension_codes(ctx, spec, job.radix[di], g, c, entries[at[0].first].end, at_end[at[0].first], compact);
      add_dimension_codes(ctx, spec, job.radix[di], g, open, entries[at[0].first].end,
                          at_end[at[0].first], open_compact);
    }
    const std::int64_t compact_cells = job.cells / band_radix;
    // The cell of each compact cell in band 0 (the band then adds band * band_stride): a
    // table, since the division would be paid on every child followed.
    std::vector<std::int64_t> cell_of_compact(static_cast<std::size_t>(compact_cells));
    for (std::int64_t cc = 0; cc < compact_cells; ++cc)
      cell_of_compact[static_cast<std::size_t>(cc)] =
          band_stride ? (cc / band_stride) * band_radix * band_stride + cc % band_stride : cc;
    // The band of every birth day at each end.
    std::vector<bands_of_births> bands;
    for (std::size_t j = 0; band_stride && j < m; ++j) bands.emplace_back(at_end[at[j].first], ctx.request.age_bands);
    // Most children are on the register at the first and the last end in the same band, and
    // then at every end between (registration, exit and both age limits move one way), in
    // that band too when each band, and being in none, holds one run of the group's ages:
    // they change cell once, at the first end.
    bool one_run_per_band = true;
    std::vector<int> ended;  // bands (-1: none) whose run of ages is over
    for (int a = g.min_age + 1; band_stride && a <= g.max_age; ++a) {
      const int before = band_of_age(ctx.request.age_bands, a - 1), now = band_of_age(ctx.request.age_bands, a);
      if (now == before) continue;
      ended.push_back(before);
      if (std::find(ended.begin(), ended.end(), now) != ended.end()) one_run_per_band = false;
    }
    const register_on_day& on_first = on[at[0].first];
    const register_on_day& on_last = on[at[m - 1].first];
    // Terms whose argument may be null count their valid values apart from the rows placed;
    // count(child_id) counts every row placed.
    const auto& all_terms = job.value.aggregates();
    std::vector<std::size_t> terms;
    for (std::size_t t = 0; t < all_terms.size(); ++t)
      if (!all_terms[t].argument.never_null()) terms.push_back(t);
    std::vector<value_batch> args(terms.size());
    for (std::size_t t = 0; t < terms.size(); ++t) all_terms[terms[t]].argument.evaluate(ec, c.rows.data(), rows, args[t]);
    // Changes per end: rows placed (presence) and valid values (per term), by (unit, cell).
    const std::size_t unit_total = d.org_units.size() * static_cast<std::size_t>(job.cells);
    std::vector<std::int64_t> presence(m * unit_total, 0);
    std::vector<std::int64_t> counted(terms.size() * m * unit_total, 0);
    // Children on the register at every end (registered by the first, not left by the last)
    // differ from end to end only by age, and whether a birth day is in the ages, and in
    // which band, at an end turns on a few thresholds of that end (register_on_day's youngest
    // and oldest, each band's limits): births between two consecutive thresholds of all the
    // ends behave alike at every end. Those children are counted by (unit, cell without the
    // band, such span of births), and each end reads its cells off that histogram; only the
    // others (a few percent: registered or leaving within the span) are followed one by one.
    // (Terms counting nullable values, and code spaces too big for the histogram, follow
    // every child.)
    std::vector<day_number> limits;  // the thresholds, ascending
    for (std::size_t j = 0; j < m; ++j) {
      const age_thresholds& t = at_end[at[j].first];
      limits.push_back(on[at[j].first].youngest);
      limits.push_back(on[at[j].first].oldest);
      for (const age_band& b : ctx.request.age_bands) {
        if (!band_stride || b.high > max_tracked_age) continue;
        limits.push_back(t.at_least[static_cast<std::size_t>(b.low)]);
        limits.push_back(t.at_least[static_cast<std::size_t>(b.high + 1)]);
      }
    }
    std::sort(limits.begin(), limits.end());
    limits.erase(std::unique(limits.begin(), limits.end()), limits.end());
    // Span q of births: (limits[q - 1], limits[q]], the last one after every limit.
    const std::size_t spans = limits.size() + 1;
    const bool by_birth = terms.empty() && spans < 65535 &&
                          d.org_units.size() * static_cast<std::size_t>(compact_cells) * spans <= (std::size_t{1} << 21);
    std::vector<std::uint16_t> span_after_first;  // the span of birth limits[0] + 1 + k
    if (by_birth)
      for (std::size_t q = 1; q < limits.size(); ++q)
        span_after_first.insert(span_after_first.end(), static_cast<std::size_t>(limits[q] - limits[q - 1]),
                                static_cast<std::uint16_t>(q));
    const auto span_of_birth = [&](day_number birth) -> std::size_t {
      if (birth <= limits.front()) return 0;
      if (birth > limits.back()) return spans - 1;
      return span_after_first[static_cast<std::size_t>(birth - limits.front() - 1)];
    };
    // (One more count than the histogram's: where the children followed one by one are
    // counted, so that the pass below does not branch on which kind a child is.)
    const std::size_t histogram =
        by_birth ? d.org_units.size() * static_cast<std::size_t>(compact_cells) * spans : 0;
    std::vector<std::int32_t> births(by_birth ? histogram + 1 : 0, 0);
    const day_number first_end = entries[at[0].first].end, last_end = entries[at[m - 1].first].end;
    // The positions of the children followed one by one: with the histogram, those registered
    // after the first end or leaving by the last (found in a pass without branches, since
    // which children they are is as good as random) and on the register at some end.
    std::vector<std::int32_t> follow(rows);
    std::size_t n_follow = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      const auto r = static_cast<std::size_t>(c.rows[i]);
      const std::int32_t unit = ch.org_unit[r].value;
      const day_number registered = ch.registered_date[r], exit = ch.exit_date[r], birth = ch.birth_date[r];
      const bool placed = unit >= 0;
      const bool throughout =
          by_birth & placed & (registered <= first_end) & ((exit == no_day) | (exit > last_end));
      if (by_birth) {
        const std::size_t at_birth =
            (static_cast<std::size_t>(unit) * static_cast<std::size_t>(compact_cells) +
             static_cast<std::size_t>(compact[i])) *
                spans +
            span_of_birth(birth);
        ++births[throughout ? at_birth : histogram];
      }
      follow[n_follow] = static_cast<std::int32_t>(i);
      n_follow += placed & !throughout & !on_last.absent_since(on_first, registered, exit, birth);
    }
    for (std::size_t f = 0; f < n_follow; ++f) {
      const auto i = static_cast<std::size_t>(follow[f]);
      const auto r = static_cast<std::size_t>(c.rows[i]);
      const std::int32_t unit = ch.org_unit[r].value;
      const day_number registered = ch.registered_date[r], exit = ch.exit_date[r],
                       birth = ch.birth_date[r];
      const std::size_t base =
          static_cast<std::size_t>(unit) * static_cast<std::size_t>(job.cells) +
          static_cast<std::size_t>(cell_of_compact[static_cast<std::size_t>(compact[i])]);
      if (one_run_per_band && on_first.holds(registered, exit, birth) && on_last.holds(registered, exit, birth)) {
        const std::int64_t band = band_stride ? bands[0].of(birth, band_missing) : 0;
        if (!band_stride || band == bands[m - 1].of(birth, band_missing)) {
          const std::size_t idx = base + static_cast<std::size_t>(band * band_stride);
          presence[idx] += 1;
          for (std::size_t t = 0; t < terms.size(); ++t) counted[t * m * unit_total + idx] += args[t].valid[i];
          continue;
        }
      }
      // The child leaves cell `from` (SIZE_MAX: none) for cell `to` at the j-th end.
      const auto move = [&](std::size_t j, std::size_t from, std::size_t to) {
        if (from != SIZE_MAX) {
          presence[j * unit_total + from] -= 1;
          for (std::size_t t = 0; t < terms.size(); ++t) counted[(t * m + j) * unit_total + from] -= args[t].valid[i];
        }
        if (to != SIZE_MAX) {
          presence[j * unit_total + to] += 1;
          for (std::size_t t = 0; t < terms.size(); ++t) counted[(t * m + j) * unit_total + to] += args[t].valid[i];
        }
      };
      if (one_run_per_band) {
        // On the register from the first end by which it is registered and old enough to the
        // first by which it has left or grown too old (each test moves one way), and in each
        // band for one run of ends between: the changes are found by halving, not by visiting
        // every end.
        const auto first_end = [](std::size_t lo, std::size_t hi, const auto& reached) {
          while (lo < hi) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (reached(mid)) hi = mid; else lo = mid + 1;
          }
          return lo;
        };
        const std::size_t in = first_end(0, m, [&](std::size_t j) { return on[at[j].first].entered(registered, birth); });
        const std::size_t out = first_end(in, m, [&](std::size_t j) { return on[at[j].first].gone(exit, birth); });
        std::size_t previous = SIZE_MAX;
        for (std::size_t j = in; j < out;) {
          const std::int64_t band = band_stride ? bands[j].of(birth, band_missing) : 0;
          const std::size_t idx = base + static_cast<std::size_t>(band * band_stride);
          move(j, previous, idx);
          previous = idx;
          j = !band_stride ? out : first_end(j + 1, out, [&](std::size_t q) { return bands[q].of(birth, band_missing) != band; });
        }
        if (previous != SIZE_MAX && out < m) move(out, previous, SIZE_MAX);
        continue;
      }
      std::size_t previous = SIZE_MAX;
      for (std::size_t j = 0; j < m; ++j) {
        std::size_t idx = SIZE_MAX;
        if (on[at[j].first].holds(registered, exit, birth)) {
          idx = base;
          if (band_stride) idx += static_cast<std::size_t>(bands[j].of(birth, band_missing) * band_stride);
        }
        if (idx == previous) continue;
        move(j, previous, idx);
        previous = idx;
      }
    }
    // The histogram's children at each end: at end j, the spans of births run in stretches
    // with one cell offset each (a band, or absent), and a prefix sum over spans gives each
    // stretch's count.
    std::vector<std::int64_t> on_throughout(by_birth ? m * unit_total : 0, 0);  // by end, (unit, cell)
    if (by_birth) {
      struct stretch {
        std::size_t first, last;  // spans
        std::int64_t offset;      // band * band_stride; -1: not on the register then
      };
      std::vector<std::vector<stretch>> stretches(m);
      for (std::size_t j = 0; j < m; ++j) {
        const register_on_day& o = on[at[j].first];
        for (std::size_t q = 0; q < spans; ++q) {
          const day_number birth = q < limits.size() ? limits[q] : limits.back() + 1;  // one of span q
          std::int64_t offset = -1;
          if (birth <= o.youngest && birth > o.oldest)
            offset = band_stride ? bands[j].of(birth, band_missing) * band_stride : 0;
          if (!stretches[j].empty() && stretches[j].back().offset == offset)
            stretches[j].back().last = q;
          else
            stretches[j].push_back(stretch{q, q, offset});
        }
      }
      std::vector<std::int64_t> prefix(spans + 1, 0);
      for (std::size_t row = 0; row < d.org_units.size() * static_cast<std::size_t>(compact_cells); ++row) {
        const std::int32_t* h = births.data() + row * spans;
        for (std::size_t q = 0; q < spans; ++q) prefix[q + 1] = prefix[q] + h[q];
        if (prefix[spans] == 0) continue;
        const std::size_t unit = row / static_cast<std::size_t>(compact_cells);
        const std::size_t base =
            unit * static_cast<std::size_t>(job.cells) +
            static_cast<std::size_t>(
                cell_of_compact[row % static_cast<std::size_t>(compact_cells)]);
        for (std::size_t j = 0; j < m; ++j)
          for (const stretch& st : stretches[j])
            if (st.offset >= 0)
              on_throughout[j * unit_total + base + static_cast<std::size_t>(st.offset)] += prefix[st.last + 1] - prefix[st.first];
      }
    }
    // The rows whose condition is evaluated at every end, counted at each end where they are
    // on the register and it holds.
    std::vector<std::int64_t> evaluated(open.rows.empty() ? 0 : m * unit_total,
                                        0);  // by end, (unit, cell)
    if (!open.rows.empty()) {
      std::vector<std::int32_t> present(open.rows.size()), present_at(open.rows.size()),
          held(open.rows.size());
      for (std::size_t j = 0; j < m; ++j) {
        const register_on_day& o = on[at[j].first];
        std::size_t n_present = 0;
        for (std::size_t q = 0; q < open.rows.size(); ++q) {
          const auto r = static_cast<std::size_t>(open.rows[q]);
          present[n_present] = open.rows[q];
          present_at[n_present] = static_cast<std::int32_t>(q);
          // Integers, so that & combines the tests without branching (and without a warning).
          n_present += static_cast<std::size_t>(
              static_cast<int>(ch.org_unit[r].value >= 0) &
              static_cast<int>(o.holds(ch.registered_date[r], ch.exit_date[r], ch.birth_date[r])));
        }
        ec.period_start = entries[at[j].first].end;  // not read
        ec.period_end = entries[at[j].first].end;
        const std::size_t n_held =
            job.where.select_positions(ec, present.data(), n_present, held.data());
        std::int64_t* const count = evaluated.data() + j * unit_total;
        for (std::size_t h = 0; h < n_held; ++h) {
          const auto q = static_cast<std::size_t>(present_at[static_cast<std::size_t>(held[h])]);
          const auto r = static_cast<std::size_t>(open.rows[q]);
          const std::int64_t band = band_stride ? bands[j].of(ch.birth_date[r], band_missing) : 0;
          ++count[static_cast<std::size_t>(ch.org_unit[r].value) *
                      static_cast<std::size_t>(job.cells) +
                  static_cast<std::size_t>(
                      cell_of_compact[static_cast<std::size_t>(open_compact[q])] +
                      band * band_stride)];
        }
      }
    }
    // Running sums: the partial at each end.
    std::vector<std::int64_t> now(unit_total, 0), now_total(unit_total, 0);
    std::vector<std::vector<std::int64_t>> term_now(terms.size(), std::vector<std::int64_t>(unit_total, 0));
    std::vector<const std::vector<std::int64_t>*> term_counts(all_terms.size(), nullptr);
    for (std::size_t q = 0; q < terms.size(); ++q) term_counts[terms[q]] = &term_now[q];
    for (std::size_t j = 0; j < m; ++j) {
      const std::int64_t* const change = presence.data() + j * unit_total;
      for (std::size_t idx = 0; idx < unit_total; ++idx) now[idx] += change[idx];
      if (by_birth) {
        const std::int64_t* const held = on_throughout.data() + j * unit_total;
        for (std::size_t idx = 0; idx < unit_total; ++idx) now_total[idx] = now[idx] + held[idx];
      } else {
        std::copy(now.begin(), now.end(), now_total.begin());
      }
      if (!evaluated.empty()) {
        const std::int64_t* const counted_here = evaluated.data() + j * unit_total;
        for (std::size_t idx = 0; idx < unit_total; ++idx) now_total[idx] += counted_here[idx];
      }
      for (std::size_t t = 0; t < terms.size(); ++t)
        for (std::size_t idx = 0; idx < unit_total; ++idx)
          term_now[t][idx] += counted[(t * m + j) * unit_total + idx];
      write_counts(*entries[at[j].first].outs[at[j].second], job, now_total, term_counts);
    }
  }

  // 2. The other jobs, end by end.
  std::vector<int> relations;  // what every other job needs a related row in (empty: none)
  bool narrow = true, any_other = false;
  for (const stock_entry& e : entries)
    for (std::size_t j : e.jobs) {
      if (std::find(followed.begin(), followed.end(), j) != followed.end()) continue;
      any_other = true;
      const int relation = jobs[j].has_where ? jobs[j].where.required_relation() : -1;
      if (relation < 0) narrow = false;
      else if (std::find(relations.begin(), relations.end(), relation) == relations.end()) relations.push_back(relation);
    }
  if (!any_other) return;
  std::vector<std::int32_t> pool;  // rows looked at per end: the piece's rows with a related row
  for (std::size_t q = 0; narrow && q < relations.size(); ++q) {
    const std::vector<std::int32_t> related = related_in_piece(relations[q]);
    std::vector<std::int32_t> either;
    std::set_union(pool.begin(), pool.end(), related.begin(), related.end(),
                   std::back_inserter(either));
    pool.swap(either);
  }
  // The pool's dates and units, read once: the pool is a few percent of the children, spread
  // over the whole table, and every end would read them again at random.
  std::vector<day_number> pool_registered(pool.size()), pool_exit(pool.size()), pool_birth(pool.size());
  std::vector<std::int32_t> pool_unit(pool.size());
  for (std::size_t q = 0; q < pool.size(); ++q) {
    const auto r = static_cast<std::size_t>(pool[q]);
    pool_registered[q] = ch.registered_date[r];
    pool_exit[q] = ch.exit_date[r];
    pool_birth[q] = ch.birth_date[r];
    pool_unit[q] = ch.org_unit[r].value;
  }
  // Conditions whose value for a child changes only where an end passes one of its dates
  // (CSC_CHILDREN's: the start and end of its episodes) are settled once for the children
  // with no such date between the job's first and last end, and evaluated at every end only
  // for the others.
  std::map<std::size_t, settled_condition> settled;  // by job
  std::map<std::size_t, std::pair<day_number, day_number>> span_of;  // job -> first, last end
  {
    for (const stock_entry& e : entries)
      for (std::size_t j : e.jobs) {
        if (std::find(followed.begin(), followed.end(), j) != followed.end()) continue;
        if (!jobs[j].has_where || !jobs[j].where.settles_between_ends()) continue;
        auto [it, fresh] = span_of.emplace(j, std::make_pair(e.end, e.end));
        if (!fresh) it->second = {std::min(it->second.first, e.end), std::max(it->second.second, e.end)};
      }
    std::vector<std::int32_t> domain;  // the rows a scan of the piece can meet
    if (narrow) {
      domain = pool;
    } else {
      domain.resize(to - from);
      std::iota(domain.begin(), domain.end(), static_cast<std::int32_t>(from));
    }
    for (const auto& [j, span] : span_of) {
      if (span.first == span.second) continue;  // one end: nothing to settle
      settled_condition& sc = settled[j];
      sc.first_row = static_cast<std::int32_t>(from);
      sc.verdict.assign(to - from, settled_condition::evaluate);
      const std::vector<std::uint8_t> verdict =
          settle(jobs[j].where, ec, domain, span.first, span.second);
      for (std::size_t q = 0; q < domain.size(); ++q)
        sc.verdict[static_cast<std::size_t>(domain[q]) - from] = verdict[q];
    }
  }
  // When every job run end by end starts with one settled condition (CSC_ASSISTED_PCT's and
  // CSC_CHILDREN's with CSC_CHILDREN's) at ends within its span, the children it never holds
  // for are left out of the pool.
  for (const auto& [prefix, sc] : settled) {
    if (!narrow) break;
    const auto [first, last] = span_of.at(prefix);
    bool all_start_with_it = true;
    for (const stock_entry& e : entries)
      for (std::size_t j : e.jobs)
        if (std::find(followed.begin(), followed.end(), j) == followed.end())
          all_start_with_it = all_start_with_it && jobs[j].has_where && e.end >= first &&
                              e.end <= last && jobs[j].where.starts_with(jobs[prefix].where);
    if (!all_start_with_it) continue;
    std::size_t kept = 0;
    for (std::size_t q = 0; q < pool.size(); ++q) {
      pool[kept] = pool[q];
      pool_registered[kept] = pool_registered[q];
      pool_exit[kept] = pool_exit[q];
      pool_birth[kept] = pool_birth[q];
      pool_unit[kept] = pool_unit[q];
      kept += sc.of(pool[q]) != settled_condition::never;
    }
    for (auto* column : {&pool, &pool_registered, &pool_exit, &pool_birth, &pool_unit})
      column->resize(kept);
    break;
  }
  // The children present at an end, and what the jobs kept of them, serve every period ending
  // that day (the 12 months, 4 quarters, 2 halves and the year of 2024 end on 12 days).
  std::vector<std::size_t> by_end(k);
  std::iota(by_end.begin(), by_end.end(), 0);
  std::stable_sort(by_end.begin(), by_end.end(), [&](std::size_t a, std::size_t b) {
    return entries[a].end < entries[b].end;
  });
  scan_rows c;
  day_number present_on = no_day;
  for (std::size_t e : by_end) {
    std::vector<std::size_t> rest;
    for (std::size_t q = 0; q < entries[e].jobs.size(); ++q)
      if (std::find(followed.begin(), followed.end(), entries[e].jobs[q]) == followed.end()) rest.push_back(q);
    if (rest.empty()) continue;
    if (present_on == entries[e].end) {
      // Same children; conditions that read the period's first day do not carry over.
      c.kept.erase(std::remove_if(c.kept.begin(), c.kept.end(),
                                  [](const scan_rows::kept_rows& r) { return r.where->depends_on_period_start(); }),
                   c.kept.end());
    } else if (narrow) {
      // Branch-free: which children of the pool are on the register is as good as random.
      c.rows.resize(pool.size());
      c.units.resize(pool.size());
      std::size_t present = 0;
      for (std::size_t q = 0; q < pool.size(); ++q) {
        c.rows[present] = pool[q];
        c.units[present] = pool_unit[q];
        present += on[e].holds(pool_registered[q], pool_exit[q], pool_birth[q]);
      }
      c.rows.resize(present);
      c.units.resize(present);
      c.placing_day.clear();
      c.cells_by_dims.clear();
      c.related_by_relation.clear();
      c.kept.clear();
    } else {
      find_candidates(ctx, g, scan_span{entries[e].start, entries[e].end, part, parts}, at_end[e], c);
    }
    present_on = entries[e].end;
    ec.period_start = entries[e].start;
    ec.period_end = entries[e].end;
    for (std::size_t q : rest) {
      const auto found = settled.find(entries[e].jobs[q]);
      scan_job(ctx, g, jobs[entries[e].jobs[q]], c, ec, entries[e].end, at_end[e], s,
               *entries[e].outs[q], found == settled.end() ? nullptr : &found->second);
    }
  }
}

// A job of a stock of cases that can be counted through all its ends at once: it reads no
// period and counts rows (a case's cells, its child's sex and age at the report included, do
// not change from end to end).
bool followed_cases_job(const context& ctx, const side_job& job) {
  if (!job.period_free || !followed_stock_job(ctx, job)) return false;
  for (const auto& t : job.value.aggregates())
    if (!t.argument.never_null()) return false;
  return true;
}

// The stock of cases on several ends at once, for one piece of the table (followed_cases_job
// jobs only): a case is open from the first end on or after its report to the first on or
// after its closure, so it adds 1 to its cell at the one and takes 1 away at the other, and
// the counts at each end are the running sums; one pass over the cases instead of one per end.
void run_cases_stock(const context& ctx, const group& g, const std::vector<side_job>& jobs,
                     std::vector<stock_entry>& entries, std::size_t part, std::size_t parts) {
  const dataset& d = ctx.data;
  const auto& cs = d.cases;
  const std::size_t n = cs.size();
  const std::size_t from = n * part / parts, to = n * (part + 1) / parts;
  std::vector<day_number> ends;
  for (const stock_entry& e : entries) ends.push_back(e.end);
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  const std::size_t m = ends.size();
  // The first end on or after a day (m: none), read from a table of the days from the one
  // before the first end to the one after the last (others read the nearest); by halving
  // when the ends are too far apart for a table.
  const day_number before = ends.front() - 1, after = ends.back() + 1;
  std::vector<std::uint32_t> end_on_or_after;
  if (after - before < (1 << 20)) {
    end_on_or_after.resize(static_cast<std::size_t>(after - before) + 1);
    for (std::size_t day = 0, j = 0; day < end_on_or_after.size(); ++day) {
      while (j < m && ends[j] < before + static_cast<day_number>(day)) ++j;
      end_on_or_after[day] = static_cast<std::uint32_t>(j);
    }
  }
  const auto first_end_from = [&](day_number day) -> std::size_t {
    if (end_on_or_after.empty())
      return static_cast<std::size_t>(std::lower_bound(ends.begin(), ends.end(), day) -
                                      ends.begin());
    return end_on_or_after[static_cast<std::size_t>(std::min(std::max(day, before), after) -
                                                    before)];
  };
  // The piece's cases within the group's ages at the report and, when consent is honoured,
  // with consent (as find_candidates keeps them), placed in a unit.
  scan_rows c;
  c.rows.resize(to - from);
  std::size_t kept = 0;
  for (std::size_t r = from; r < to; ++r) {
    const int age = ctx.case_age[r];
    c.rows[kept] = static_cast<std::int32_t>(r);
    kept += static_cast<std::size_t>(
        static_cast<int>(age >= g.min_age) & static_cast<int>(age <= g.max_age) &
        static_cast<int>(!ctx.request.honour_consent || ctx.case_counts_consent[r]) &
        static_cast<int>(cs.org_unit[r].valid()));
  }
  c.rows.resize(kept);
  const age_thresholds at_first(ends.front());
  eval_context ec;
  ec.data = &d;
  ec.rel = &ctx.rel;
  ec.holidays = &ctx.holidays;
  ec.honour_consent = ctx.request.honour_consent;
  ec.period_start = entries.front().start;  // not read
  ec.period_end = entries.front().end;
  std::vector<std::size_t> done;
  for (const stock_entry& entry : entries)
    for (std::size_t job_index : entry.jobs) {
      if (std::find(done.begin(), done.end(), job_index) != done.end()) continue;
      done.push_back(job_index);
      const side_job& job = jobs[job_index];
      scan_rows jc;
      jc.rows = c.rows;
      if (job.has_where)
        jc.rows.resize(job.where.select(ec, jc.rows.data(), jc.rows.size(), jc.rows.data()));
      std::vector<std::int64_t> cells(jc.rows.size(), 0);
      for (std::size_t di = 0; di < job.dims.size(); ++di)
        add_dimension_codes(ctx, ctx.dims[static_cast<std::size_t>(job.dims[di])], job.radix[di], g,
                            jc, ends.front(), at_first, cells);
      // Changes by end (one more: the cases open after the last end), by (unit, cell).
      const std::size_t unit_total = d.org_units.size() * static_cast<std::size_t>(job.cells);
      std::vector<std::int64_t> change((m + 1) * unit_total, 0);
      for (std::size_t i = 0; i < jc.rows.size(); ++i) {
        const auto r = static_cast<std::size_t>(jc.rows[i]);
        const std::size_t in = first_end_from(cs.reported_date[r]);
        const day_number closed = cs.closed_date[r];
        const std::size_t out = closed == no_day ? m : std::max(in, first_end_from(closed));
        const std::size_t idx =
            static_cast<std::size_t>(cs.org_unit[r].value) * static_cast<std::size_t>(job.cells) +
            static_cast<std::size_t>(cells[i]);
        change[in * unit_total + idx] += 1;
        change[out * unit_total + idx] -= 1;
      }
      std::vector<std::int64_t> now(unit_total, 0);
      const std::vector<const std::vector<std::int64_t>*> placed_only(job.value.aggregates().size(),
                                                                      nullptr);
      for (std::size_t k = 0; k < m; ++k) {
        const std::int64_t* const here = change.data() + k * unit_total;
        for (std::size_t idx = 0; idx < unit_total; ++idx) now[idx] += here[idx];
        for (stock_entry& e : entries) {
          if (e.end != ends[k]) continue;
          for (std::size_t q = 0; q < e.jobs.size(); ++q) {
            if (e.jobs[q] != job_index) continue;
            write_counts(*e.outs[q], job, now, placed_only);
          }
        }
      }
    }
}

// finish_job for the most common side, one count or sum and nothing else: rolled up and
// written in one pass over dense arrays (a cell has a value when a value was seen in it).
void finish_one_sum(const context& ctx, side_job& job, std::size_t period_index, partial& p) {
  const std::size_t units = ctx.data.org_units.size();
  const auto cells = static_cast<std::size_t>(p.cells);
  const std::size_t total = slot_count(ctx) * cells;
  std::vector<double> sum(total, 0.0);
  std::vector<std::uint8_t> seen(total, 0);
  const accumulator& src = p.terms[0];
  for (std::size_t u = 0; u < units; ++u) {
    const double* from = src.a.data() + u * cells;
    const std::uint8_t* from_seen = src.any.data() + u * cells;
    for (std::int32_t s = ctx.slot_offsets[u]; s < ctx.slot_offsets[u + 1]; ++s) {
      const std::size_t at = static_cast<std::size_t>(ctx.slot_list[static_cast<std::size_t>(s)]) * cells;
      add_arrays(sum.data() + at, from, cells);
      or_arrays(seen.data() + at, from_seen, cells);
    }
  }
  auto& out = job.out[period_index];
  out.clear();
  out.reserve(static_cast<std::size_t>(std::count(seen.begin(), seen.end(), std::uint8_t{1})));
  for (std::size_t idx = 0; idx < total; ++idx) {
    if (!seen[idx]) continue;
    // Back to the job's code space: slot-major, cells ascending, so `out` stays sorted.
    const auto slot = static_cast<std::int64_t>(idx / cells);
    const std::size_t local = idx % cells;
    const std::int64_t cell = p.local_cells.empty() ? static_cast<std::int64_t>(local) : p.local_cells[local];
    out.emplace_back(slot * job.cells + cell, sum[idx]);
  }
}

// Calls f(index) for the entry (slot * cells + cell) of every requested level's slot of the
// unit of `key` (unit * cells + cell): where a value kept by unit rolls up to.
template <class F>
void for_each_slot_cell(const context& ctx, std::int64_t key, std::int64_t cells, const F& f) {
  const auto u = static_cast<std::size_t>(key / cells);
  const std::int64_t c = key % cells;
  for (std::int32_t s = ctx.slot_offsets[u]; s < ctx.slot_offsets[u + 1]; ++s)
    f(static_cast<std::size_t>(static_cast<std::int64_t>(ctx.slot_list[static_cast<std::size_t>(s)]) * cells + c));
}

// Rolls a job's partial up to the slots, finishes the aggregates, combines them per cell and
// writes the cells with a value to job.out[period_index].
void finish_job(const context& ctx, side_job& job, std::size_t period_index, partial& p) {
  const auto kind = job.value.aggregates().front().kind;
  if (job.value.is_one_aggregate() && (kind == aggregate_kind::count || kind == aggregate_kind::sum)) {
    finish_one_sum(ctx, job, period_index, p);
    return;
  }
  const period& per = ctx.request.periods[period_index];
  const std::size_t slots = slot_count(ctx);
  const std::size_t units = ctx.data.org_units.size();
  const std::int64_t cells = p.cells;
  const std::size_t total = slots * static_cast<std::size_t>(cells);
  const auto& terms = job.value.aggregates();
  std::vector<accumulator> acc(terms.size());
  for (std::size_t k = 0; k < terms.size(); ++k) size_accumulator(acc[k], terms[k].kind, total);
  std::vector<std::uint8_t> touched(total, 0);

  // Roll units up to their slots.
  for (std::size_t u = 0; u < units; ++u) {
    const std::int32_t s0 = ctx.slot_offsets[u];
    const std::int32_t s1 = ctx.slot_offsets[u + 1];
    if (s0 == s1) continue;
    for (std::int64_t c = 0; c < cells; ++c) {
      const std::size_t from = u * static_cast<std::size_t>(cells) + static_cast<std::size_t>(c);
      if (!p.touched[from]) continue;
      for (std::int32_t s = s0; s < s1; ++s) {
        const std::size_t to = static_cast<std::size_t>(ctx.slot_list[static_cast<std::size_t>(s)]) *
                                   static_cast<std::size_t>(cells) + static_cast<std::size_t>(c);
        touched[to] = 1;
        for (std::size_t k = 0; k < terms.size(); ++k)
          if (!needs_pairs(acc[k].kind)) add_entry(acc[k], to, p.terms[k], from);
      }
    }
  }
  // Values kept for medians and percentiles, rolled up into one bucket per (slot, cell): a
  // counting sort by the bucket. Whole numbers are bucketed in ascending order of value, so
  // that each bucket comes sorted and its order statistics are read, not selected.
  std::vector<std::vector<std::uint32_t>> bucket_start(terms.size());
  std::vector<std::vector<double>> bucket_values(terms.size());
  std::vector<std::uint8_t> bucket_sorted(terms.size(), 0);
  for (std::size_t k = 0; k < terms.size(); ++k) {
    if (acc[k].kind != aggregate_kind::median && acc[k].kind != aggregate_kind::percentile) continue;
    bucket_sorted[k] = sort_by_whole_value(p.terms[k].pairs);
    const auto& pairs = p.terms[k].pairs;
    auto& start = bucket_start[k];
    start.assign(total + 1, 0);
    // Each value goes to the bucket of every slot of its unit: the buckets are counted, then
    // filled, working them out again rather than keeping them.
    for (const auto& pr : pairs)
      for_each_slot_cell(ctx, pr.first, cells, [&](std::size_t to) {
        ++start[to + 1];
        touched[to] = 1;
      });
    for (std::size_t i = 0; i < total; ++i) start[i + 1] += start[i];
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    auto& values = bucket_values[k];
    values.resize(start[total]);
    for (const auto& pr : pairs)
      for_each_slot_cell(ctx, pr.first, cells,
                         [&](std::size_t to) { values[fill[to]++] = pr.second; });
    std::vector<std::pair<std::int64_t, double>>().swap(p.terms[k].pairs);
  }

  // Finish the aggregates and combine them per cell.
  std::vector<double> term_value(terms.size() * total, 0.0);
  std::vector<std::uint8_t> term_valid(terms.size() * total, 0);
  for (std::size_t k = 0; k < terms.size(); ++k) {
    accumulator& a = acc[k];
    double* tv = term_value.data() + k * total;
    std::uint8_t* tvalid = term_valid.data() + k * total;
    if (a.kind == aggregate_kind::count_distinct || a.kind == aggregate_kind::units_reached) {
      // Distinct values: with the values in order, each value's (slot, cell)s are counted
      // once, as the last value counted there tells (no buckets, no sets).
      auto& pairs = p.terms[k].pairs;
      // Row identifiers and unit indexes: whole numbers from 0 below 2^31.
      sort_by_value(pairs, a.kind == aggregate_kind::units_reached || terms[k].argument.type() == value_type::row);
      std::vector<std::uint32_t> last(total, UINT32_MAX);
      std::uint32_t value_number = 0;
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        value_number += i > 0 && !(pairs[i].second == pairs[i - 1].second);
        for_each_slot_cell(ctx, pairs[i].first, cells, [&](std::size_t to) {
          tv[to] += last[to] != value_number;
          last[to] = value_number;
          touched[to] = 1;
        });
      }
      std::vector<std::pair<std::int64_t, double>>().swap(pairs);
      continue;
    }
    if (needs_pairs(a.kind)) {
      const auto& start = bucket_start[k];
      auto& values = bucket_values[k];
      const double pct = a.kind == aggregate_kind::median ? 0.5 : terms[k].percentile;
      for (std::size_t idx = 0; idx < total; ++idx) {
        const std::size_t i = start[idx], j = start[idx + 1];
        if (i == j) continue;
        tv[idx] = quantile(values.data() + i, j - i, pct, bucket_sorted[k] != 0);
        tvalid[idx] = 1;
      }
      continue;
    }
    for (std::size_t idx = 0; idx < total; ++idx) {
      if (!a.any[idx]) continue;
      switch (a.kind) {
        case aggregate_kind::count:
        case aggregate_kind::sum:
          tv[idx] = a.a[idx];
          tvalid[idx] = 1;
          break;
        case aggregate_kind::min:
        case aggregate_kind::max:
          tv[idx] = a.c[idx];
          tvalid[idx] = 1;
          break;
        case aggregate_kind::avg:
          tv[idx] = a.b[idx] / a.a[idx];
          tvalid[idx] = 1;
          break;
        case aggregate_kind::stddev:
        case aggregate_kind::variance: {
          const double n = a.a[idx];
          if (n < 2) break;
          const double var = std::max(0.0, (a.c[idx] - a.b[idx] * a.b[idx] / n) / (n - 1));
          tv[idx] = a.kind == aggregate_kind::variance ? var : std::sqrt(var);
          tvalid[idx] = 1;
          break;
        }
        default: break;
      }
    }
  }
  // A distinct count has a value in every touched cell, 0 where it saw none (another term
  // touched it).
  for (std::size_t k = 0; k < terms.size(); ++k)
    if (acc[k].kind == aggregate_kind::count_distinct || acc[k].kind == aggregate_kind::units_reached)
      std::copy(touched.begin(), touched.end(), term_valid.begin() + static_cast<std::ptrdiff_t>(k * total));
  auto& out = job.out[period_index];
  out.clear();
  out.reserve(static_cast<std::size_t>(std::count(touched.begin(), touched.end(), std::uint8_t{1})));
  std::vector<double> values(terms.size());
  std::vector<std::uint8_t> valids(terms.size());
  for (std::size_t idx = 0; idx < total; ++idx) {
    if (!touched[idx]) continue;
    for (std::size_t k = 0; k < terms.size(); ++k) {
      values[k] = term_value[k * total + idx];
      valids[k] = term_valid[k * total + idx];
    }
    double v = 0;
    if (job.value.combine(values.data(), valids.data(), per.start(), per.end(), v)) {
      // Back to the job's code space: slot-major, cells ascending, so `out` stays sorted.
      const std::int64_t slot = static_cast<std::int64_t>(idx) / cells;
      const std::int64_t local = static_cast<std::int64_t>(idx) % cells;
      const std::int64_t cell = p.local_cells.empty() ? local : p.local_cells[static_cast<std::size_t>(local)];
      out.emplace_back(slot * job.cells + cell, v);
    }
  }
}

// Runs f(0) .. f(n - 1) on `threads` threads (the calling thread is one of them), taking
// indexes in order; the first exception is rethrown once every thread has stopped.
template <class F>
void parallel_for(std::size_t n, unsigned threads, const F& f) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        f(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  const std::size_t helpers = std::min<std::size_t>(threads, n);
  for (std::size_t t = 1; t < helpers; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

std::string side_key(const side_job& j) {
  std::string key = std::string(table_name(j.table)) + '\x1f' +
                    std::to_string(static_cast<int>(j.placing)) + '\x1f' + j.date_column + '\x1f' +
                    std::to_string(j.min_age) + '-' + std::to_string(j.max_age) + '\x1f' +
                    j.where_text + '\x1f' + j.value_text + '\x1f';
  for (int d : j.dims) key += std::to_string(d) + ',';
  return key;
}

}  // namespace

namespace detail {

prepared_state::prepared_state(const dataset& d) : data(d), tree(d.org_units), rel(d) {
  holidays = d.holidays.date;
  std::sort(holidays.begin(), holidays.end());
  holidays.erase(std::unique(holidays.begin(), holidays.end()), holidays.end());
  case_age.resize(d.cases.size());
  case_consent.resize(d.cases.size());
  case_sex.resize(d.cases.size());
  for (std::size_t i = 0; i < d.cases.size(); ++i) {
    const child_index c = d.cases.child[i];
    const int age = c.valid() ? age_in_years(d.children.birth_date[c.value], d.cases.reported_date[i]) : -1;
    case_age[i] = static_cast<std::int16_t>(std::clamp(age, -1, 32000));
    case_consent[i] = d.cases.consent_reporting[i] != 0;
    case_sex[i] = c.valid() ? d.children.sex[c.value] : no_code;
  }
  for (std::size_t i = 0; i < d.targets.size(); ++i) {
    const plan_index p = d.targets.plan[i];
    const std::int32_t agency = p.valid() ? d.plans.agency[p.value].value : -1;
    auto& of_code = targets[std::string(d.targets.indicator[i])];
    for (std::int32_t key_agency : {std::int32_t{-2}, agency}) {
      auto& t = of_code[{d.targets.org_unit[i].value, d.targets.period_start[i],
                         d.targets.period_end[i], key_agency}];
      t.value += d.targets.value[i];
      t.at_most = d.targets.direction[i] == 1;
    }
  }
}

condition_rows* prepared_state::rows_where(const row_expression& where, const std::string& text,
                                           bool honour_consent) const {
  std::lock_guard<std::mutex> lock(where_mutex);
  auto key = std::make_tuple(where.table(), text, honour_consent);
  auto it = where_rows.find(key);
  if (it != where_rows.end()) return &it->second;
  if (where_rows.size() >= most_conditions) return nullptr;
  return &where_rows.emplace(std::move(key), condition_rows(row_count(data, where.table())))
              .first->second;
}

const std::vector<std::int32_t>& prepared_state::rows_with_related(table_id table,
                                                                   int relation) const {
  std::lock_guard<std::mutex> lock(related_mutex);
  auto it = related_rows.find(relation);
  if (it != related_rows.end()) return it->second;
  std::vector<std::int32_t> all(row_count(data, table)), rows(all.size());
  std::iota(all.begin(), all.end(), 0);
  eval_context ec;
  ec.data = &data;
  ec.rel = &rel;
  // Over all the rows, the positions kept are the rows kept.
  rows.resize(row_expression::keep_related(relation, ec, all.data(), all.size(), rows.data()));
  rows.shrink_to_fit();
  return related_rows.emplace(relation, std::move(rows)).first->second;
}

const sorted_dates& prepared_state::sorted_by(table_id t, const std::string& column) const {
  std::lock_guard<std::mutex> lock(sorted_mutex);
  auto key = std::make_pair(t, column);
  auto it = sorted.find(key);
  if (it != sorted.end()) return it->second;
  const std::size_t n = row_count(data, t);
  std::vector<std::int32_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  const row_expression date = expression_compiler::compile_row(column, t);
  eval_context ec;
  ec.data = &data;
  ec.rel = &rel;
  ec.holidays = &holidays;
  value_batch values;
  date.evaluate(ec, all.data(), n, values);
  sorted_dates s;
  s.by_row.resize(n);
  day_number lo = std::numeric_limits<day_number>::max(), hi = std::numeric_limits<day_number>::min();
  std::size_t dated = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const day_number day = values.valid[i] ? static_cast<day_number>(values.value[i]) : no_day;
    s.by_row[i] = day;
    if (day == no_day) continue;
    lo = std::min(lo, day);
    hi = std::max(hi, day);
    ++dated;
  }
  if (dated == 0) return sorted.emplace(key, std::move(s)).first->second;
  // The dated rows by `bucket_of(day - lo)` (of `buckets`), by a counting sort: O(n) and
  // stable, so rows of one bucket keep the file's order. Answers where each bucket begins
  // (and, last, where the last one ends).
  const auto sort_by = [&](const auto& bucket_of, std::size_t buckets,
                           std::vector<std::int32_t>& rows, std::vector<day_number>& dates) {
    std::vector<std::size_t> start(buckets + 1, 0);
    for (const day_number day : s.by_row)
      if (day != no_day) ++start[bucket_of(day - lo) + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    rows.resize(dated);
    dates.resize(dated);
    for (std::size_t i = 0; i < n; ++i) {
      const day_number day = s.by_row[i];
      if (day == no_day) continue;
      const std::size_t at = next[bucket_of(day - lo)]++;
      rows[at] = static_cast<std::int32_t>(i);
      dates[at] = day;
    }
    return start;
  };
  const auto days = static_cast<std::size_t>(static_cast<std::int64_t>(hi) - lo + 1);
  sort_by([](day_number offset) { return static_cast<std::size_t>(offset); }, days, s.rows,
          s.dates);
  // By month too (rows in row order within a month), through a table of each day's month.
  s.first_month = month_number(to_civil(lo));
  std::vector<std::uint32_t> month(days);
  for (std::size_t d = 0; d < days; ++d)
    month[d] = static_cast<std::uint32_t>(
        month_number(to_civil(static_cast<day_number>(lo + static_cast<std::int64_t>(d)))) -
        s.first_month);
  s.month_start =
      sort_by([&](day_number offset) { return month[static_cast<std::size_t>(offset)]; },
              month.back() + std::size_t{1}, s.month_rows, s.month_dates);
  return sorted.emplace(key, std::move(s)).first->second;
}

}  // namespace detail

prepared_dataset::prepared_dataset(const dataset& data)
    : state_(std::make_shared<detail::prepared_state>(data)) {}

const dataset& prepared_dataset::data() const noexcept { return state_->data; }

namespace {
}  // namespace

result compute(const dataset& data, const catalogue& cat, const compute_request& request) {
  return compute(prepared_dataset(data), cat, request);
}

result compute(const prepared_dataset& prepared, const catalogue& cat,
               const compute_request& request) {
  if (request.periods.empty()) throw error("a compute request needs at least one period");
  const dataset& data = prepared.data();
  context ctx(prepared.state(), request);
  const int max_level = ctx.tree.max_level();
  // A level deeper than the hierarchy simply has no units (no rows), as in DHIS2.
  for (int level : request.levels)
    if (level < 1 || level > 255)
      throw error("level " + std::to_string(level) +
                  " is out of range; levels start at 1 (the roots of the hierarchy)");
  for (const auto& name : request.by) {
    const dimension_info* info = detail::find_dimension(name);
    if (!info)
      throw error("unknown dimension '" + name + "'; expected one of sex, age_band, ethnicity, "
                  "disability, circumstance, concern, concern_group, source, setting, "
                  "perpetrator, level, risk, outcome, closure_reason, service, referred, "
                  "agency, agency_kind, kind, topic, audience, programme");
    if (std::count(request.by.begin(), request.by.end(), name) > 1)
      throw error("dimension '" + name + "' is requested twice");
    dim_spec spec;
    spec.info = info;
    ctx.dims.push_back(spec);
  }
  result res;
  res.periods = request.periods;
  res.dimensions = request.by;
  for (auto& spec : ctx.dims) {
    res.dimension_values.push_back(dimension_codes(ctx, *spec.info));
    spec.domain = static_cast<std::int32_t>(res.dimension_values.back().size());
  }

  // Indicators in catalogue order.
  std::vector<const indicator_definition*> chosen;
  if (request.indicators.empty()) {
    for (const auto& d : cat.indicators()) chosen.push_back(&d);
  } else {
    for (const auto& code : request.indicators)
      if (!cat.find(code)) throw error("unknown indicator '" + code + "' (not in the catalogue)");
    for (const auto& d : cat.indicators())
      if (std::find(request.indicators.begin(), request.indicators.end(), d.code) !=
          request.indicators.end())
        chosen.push_back(&d);
  }

  // Output slots: the units of the requested levels.
  {
    std::vector<std::int32_t> slot_of(data.org_units.size(), -1);
    std::vector<int> levels = request.levels;
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    for (int level : levels)
      if (level <= max_level)
        for (org_unit_index u : ctx.tree.units_at_level(level)) ctx.slot_unit.push_back(u);
    // Slots in the output's order of units (by code): cells kept by slot come in output order
    // but for the order of their dimension codes within a slot, which the output restores.
    std::stable_sort(ctx.slot_unit.begin(), ctx.slot_unit.end(), [&](org_unit_index a, org_unit_index b) {
      return data.org_units.code[static_cast<std::size_t>(a.value)] < data.org_units.code[static_cast<std::size_t>(b.value)];
    });
    for (std::size_t slot = 0; slot < ctx.slot_unit.size(); ++slot)
      slot_of[static_cast<std::size_t>(ctx.slot_unit[slot].value)] = static_cast<std::int32_t>(slot);
    ctx.slot_of_unit = slot_of;
    ctx.slot_offsets.assign(data.org_units.size() + 1, 0);
    for (std::size_t u = 0; u < data.org_units.size(); ++u) {
      ctx.slot_offsets[u] = static_cast<std::int32_t>(ctx.slot_list.size());
      for (int level : levels) {
        const org_unit_index a = ctx.tree.ancestor_at_level(org_unit_index{static_cast<std::int32_t>(u)}, level);
        if (a.valid() && slot_of[static_cast<std::size_t>(a.value)] >= 0)
          ctx.slot_list.push_back(slot_of[static_cast<std::size_t>(a.value)]);
      }
    }
    ctx.slot_offsets[data.org_units.size()] = static_cast<std::int32_t>(ctx.slot_list.size());
  }
  res.unit_codes.reserve(data.org_units.size());
  for (std::size_t u = 0; u < data.org_units.size(); ++u) res.unit_codes.emplace_back(data.org_units.code[u]);

  // Side jobs, shared between indicators when identical (CHILD_POP as a denominator, ...).
  std::vector<side_job> jobs;
  std::map<std::string, std::size_t> job_by_key;
  struct indicator_plan {
    const indicator_definition* def;
    std::size_t numerator;
    std::optional<std::size_t> denominator;
    std::vector<int> dims;  // effective breakdown (indices into request dims)
  };
  std::vector<indicator_plan> plans;
  auto make_job = [&](const side_definition& written, const indicator_definition& owner,
                      const std::vector<int>& wanted) -> std::size_t {
    const indicator_definition* base = &owner;
    const side_definition* side = &written;
    if (!written.indicator.empty()) {
      base = &cat.resolve(written.indicator);
      side = &base->numerator;
    }
    side_job j;
    j.table = side->table;
    j.placing = side->placing;
    j.date_column = side->date_column;
    j.min_age = base->min_age;
    j.max_age = base->max_age;
    j.where_text = side->where;
    j.value_text = side->value;
    for (int d : wanted)
      if (detail::dimension_applies(*ctx.dims[static_cast<std::size_t>(d)].info, j.table)) j.dims.push_back(d);
    const std::string key = side_key(j);
    auto found = job_by_key.find(key);
    if (found != job_by_key.end()) return found->second;
    for (int d : j.dims) {
      j.radix.push_back(ctx.dims[static_cast<std::size_t>(d)].domain + 1);
      j.cells *= j.radix.back();
    }
    const std::string where_ctx = "indicator " + base->code;
    try {
      if (!j.where_text.empty()) {
        j.where = expression_compiler::compile_row(j.where_text, j.table);
        j.has_where = true;
      }
      j.value = expression_compiler::compile_side(j.value_text, j.table);
    } catch (const expression_error& e) {
      throw error(where_ctx + ": " + e.what() + "\n" + e.caret());
    }
    for (const auto& t : j.value.aggregates())
      if (t.kind != aggregate_kind::count && t.kind != aggregate_kind::sum &&
          t.kind != aggregate_kind::count_distinct && t.kind != aggregate_kind::units_reached)
        j.count_like = false;
    j.period_free = !(j.has_where && j.where.depends_on_period());
    j.reads_period_start = j.has_where && j.where.depends_on_period_start();
    for (const auto& t : j.value.aggregates())
      if (t.kind != aggregate_kind::units_reached) {
        if (t.argument.depends_on_period()) j.period_free = false;
        if (t.argument.depends_on_period_start()) j.reads_period_start = true;
      }
    j.end_only = j.placing != placing_kind::event && !j.reads_period_start;
    j.out.resize(request.periods.size());
    jobs.push_back(std::move(j));
    job_by_key.emplace(key, jobs.size() - 1);
    return jobs.size() - 1;
  };
  std::vector<std::vector<std::string>> not_allowed(ctx.dims.size());
  for (const indicator_definition* def : chosen) {
    indicator_plan plan;
    plan.def = def;
    for (std::size_t d = 0; d < ctx.dims.size(); ++d) {
      const auto& allowed = def->dimensions;
      if (std::find(allowed.begin(), allowed.end(), request.by[d]) != allowed.end())
        plan.dims.push_back(static_cast<int>(d));
      else
        not_allowed[d].push_back(def->code);
    }
    plan.numerator = make_job(def->numerator, *def, plan.dims);
    if (def->denominator) plan.denominator = make_job(*def->denominator, *def, plan.dims);
    plans.push_back(std::move(plan));
    res.indicator_codes.push_back(def->code);
  }

  for (std::size_t d = 0; d < ctx.dims.size(); ++d) {
    if (not_allowed[d].empty()) continue;
    std::string list;
    for (const auto& code : not_allowed[d]) list += (list.empty() ? "" : ", ") + code;
    res.notes.push_back("no breakdown by " + request.by[d] + " for " + list + " (not allowed by " +
                        (not_allowed[d].size() == 1 ? "its definition" : "their definitions") +
                        "); the " + request.by[d] + " column is empty in their rows");
  }
  // Overlapping age bands are allowed (the first band holding an age takes it) but said, when
  // an indicator is broken down by them.
  if (const auto by_band = std::find(request.by.begin(), request.by.end(), "age_band");
      by_band != request.by.end()) {
    const int d = static_cast<int>(by_band - request.by.begin());
    if (std::any_of(plans.begin(), plans.end(), [&](const indicator_plan& p) {
          return std::find(p.dims.begin(), p.dims.end(), d) != p.dims.end();
        }))
      for (auto& note : age_band_overlaps(request.age_bands)) res.notes.push_back(std::move(note));
  }
  // Targets are checked against the catalogue in use when indicators are computed (the spec,
  // targets.csv): one of an indicator the catalogue lacks applies to no cell, which is said
  // rather than passed over (a misspelt code would otherwise look like a missing target).
  // The codes alone, no counts: the note of a partition's result must read as the whole's.
  {
    std::string unknown;
    for (const auto& entry : prepared.state().targets)
      if (!cat.find(entry.first)) unknown += (unknown.empty() ? "" : ", ") + entry.first;
    if (!unknown.empty())
      res.notes.push_back(
          "targets.csv has targets of indicators that are not in the catalogue in "
          "use; they apply to no cell: " +
          unknown);
  }

  // Conditions that another job's condition starts with are kept for it (scan_rows::kept).
  for (std::size_t i = 0; i < jobs.size(); ++i)
    for (std::size_t k = 0; k < jobs.size() && jobs[i].has_where && !jobs[i].where_shared; ++k)
      jobs[i].where_shared = k != i && jobs[k].has_where && jobs[k].table == jobs[i].table &&
                             jobs[k].placing == jobs[i].placing && jobs[k].date_column == jobs[i].date_column &&
                             jobs[k].min_age == jobs[i].min_age && jobs[k].max_age == jobs[i].max_age &&
                             jobs[k].where.starts_with(jobs[i].where);

  // Groups: jobs sharing table, placing and ages.
  std::vector<group> groups;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const side_job& j = jobs[i];
    auto it = std::find_if(groups.begin(), groups.end(), [&](const group& g) {
      return g.table == j.table && g.placing == j.placing && g.date_column == j.date_column &&
             g.min_age == j.min_age && g.max_age == j.max_age;
    });
    if (it == groups.end()) {
      groups.push_back(group{j.table, j.placing, j.date_column, j.min_age, j.max_age, {}});
      it = groups.end() - 1;
    }
    it->jobs.push_back(i);
    if (j.placing == placing_kind::event)
      ctx.sorted[{j.table, j.date_column}] = &prepared.state().sorted_by(j.table, j.date_column);
  }
  // A job whose condition another's starts with runs first in every scan, so that the rows it
  // keeps are there for the other (CSC_CHILDREN before CSC_ASSISTED_PCT).
  for (group& g : groups)
    std::stable_partition(g.jobs.begin(), g.jobs.end(),
                          [&](std::size_t i) { return jobs[i].where_shared; });

  // Plan the scans, the finishes that merge their partials per (job, period), and the stock
  // cells copied from an earlier period ending on the same day.
  struct stock_period {
    day_number start, end;
    std::vector<std::size_t> jobs;
    std::size_t first_partial;  // partials[first_partial + k] belongs to jobs[k]
  };
  struct scan_item {
    std::size_t group;
    std::vector<std::size_t> jobs;
    scan_span span;
    std::size_t first_partial;  // partials[first_partial + k] belongs to jobs[k]
    std::size_t estimate;       // candidate rows at most: the big scans start first
    std::vector<stock_period> stock;  // a stock of children on several ends (then `jobs` is
                                      // empty and `span` gives only the piece)
    // The last days the jobs see, when they are not the span's own (run_scan); then
    // partials[first_partial + e * jobs.size() + k] belongs to end e and jobs[k].
    std::vector<day_number> seen_ends = {};
  };
  struct finish_item {
    std::size_t job, period;
    std::vector<std::size_t> partials;  // merged in this order
  };
  struct copy_item {
    std::size_t job, period, from;
  };
  std::vector<scan_item> scans;
  std::vector<finish_item> finishes;
  std::vector<copy_item> copies;
  std::size_t partial_count = 0;
  // A scan of many rows is cut into pieces (at most 4, by the rows only, so that the result
  // never depends on the number of threads) that run on every core and merge exactly.
  const auto pieces_of = [](std::size_t rows, bool dense) -> std::size_t {
    return dense ? std::clamp<std::size_t>(rows / 65536, 1, 4) : 1;
  };
  const auto event_rows = [&](const group& g, day_number start, day_number end) -> std::size_t {
    const sorted_dates& s = *ctx.sorted.at(std::make_pair(g.table, g.date_column));
    return static_cast<std::size_t>(std::upper_bound(s.dates.begin(), s.dates.end(), end) -
                                    std::lower_bound(s.dates.begin(), s.dates.end(), start));
  };
  // Adds the scans of `job_list` over [start, end]; returns, per job, its partials.
  const auto add_scans = [&](std::size_t gi, const std::vector<std::size_t>& job_list,
                             day_number start, day_number end) {
    const group& g = groups[gi];
    std::vector<std::vector<std::size_t>> of_job(job_list.size());
    const std::size_t rows = g.placing == placing_kind::event ? event_rows(g, start, end)
                                                              : ctx.table_size(g.table);
    if (job_list.empty() || rows == 0) return of_job;
    const bool dense = std::all_of(job_list.begin(), job_list.end(),
                                   [&](std::size_t j) { return jobs[j].cells <= dense_cells; });
    const std::size_t parts = pieces_of(rows, dense);
    for (std::size_t part = 0; part < parts; ++part) {
      scan_item s{gi, job_list, scan_span{start, end, part, parts}, partial_count, rows / parts, {}};
      for (std::size_t k = 0; k < job_list.size(); ++k) of_job[k].push_back(partial_count + k);
      partial_count += job_list.size();
      scans.push_back(std::move(s));
    }
    return of_job;
  };
  // Adds the scans of `job_list` over [start, end] seen at each of `ends`; returns, per end
  // and job, its partials.
  const auto add_end_scans = [&](std::size_t gi, const std::vector<std::size_t>& job_list,
                                 day_number start, day_number end, const std::vector<day_number>& ends) {
    const group& g = groups[gi];
    std::vector<std::vector<std::vector<std::size_t>>> of_end(
        ends.size(), std::vector<std::vector<std::size_t>>(job_list.size()));
    const std::size_t rows = event_rows(g, start, end);
    if (job_list.empty() || rows == 0) return of_end;
    const std::size_t parts = pieces_of(rows, true);
    for (std::size_t part = 0; part < parts; ++part) {
      scan_item s{gi, job_list, scan_span{start, end, part, parts}, partial_count,
                  rows / parts * ends.size(), {}, ends};
      for (std::size_t e = 0; e < ends.size(); ++e)
        for (std::size_t k = 0; k < job_list.size(); ++k)
          of_end[e][k].push_back(partial_count + e * job_list.size() + k);
      partial_count += ends.size() * job_list.size();
      scans.push_back(std::move(s));
    }
    return of_end;
  };
  const auto& periods = request.periods;
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const group& g = groups[gi];
    if (g.placing == placing_kind::event) {
      // Jobs that read neither the period nor a big code space are scanned once per atom of
      // time (the spans between the requested periods' boundaries) and each period merges
      // its atoms. Jobs that read only the period's last day (`plan_date <= E`) are scanned
      // per atom once for each last day of the periods holding it: January for January,
      // Q1, S1 and the year; December once for all four. The others are scanned per period.
      std::vector<std::size_t> by_atom, by_atom_end, by_period;
      for (std::size_t j : g.jobs) {
        if (jobs[j].cells > dense_cells || jobs[j].reads_period_start)
          by_period.push_back(j);
        else
          (jobs[j].period_free ? by_atom : by_atom_end).push_back(j);
      }
      if (!by_atom.empty() || !by_atom_end.empty()) {
        std::vector<day_number> bounds;
        for (const period& p : periods) {
          bounds.push_back(p.start());
          bounds.push_back(p.end() + 1);
        }
        std::sort(bounds.begin(), bounds.end());
        bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
        const auto holds = [&](const period& p, std::size_t a) {
          return p.start() <= bounds[a] && bounds[a + 1] - 1 <= p.end();
        };
        // [atom][job] partials; and [atom] (last day seen, [job] partials) for by_atom_end.
        std::vector<std::vector<std::vector<std::size_t>>> atom_partials(bounds.size());
        std::vector<std::map<day_number, std::vector<std::vector<std::size_t>>>> atom_end_partials(bounds.size());
        for (std::size_t a = 0; a + 1 < bounds.size(); ++a) {
          const day_number first = bounds[a], last = bounds[a + 1] - 1;
          std::vector<day_number> ends;
          for (const period& p : periods)
            if (holds(p, a)) ends.push_back(p.end());
          if (ends.empty()) continue;
          atom_partials[a] = add_scans(gi, by_atom, first, last);
          std::sort(ends.begin(), ends.end());
          ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
          if (by_atom_end.empty()) continue;
          auto of_end = add_end_scans(gi, by_atom_end, first, last, ends);
          for (std::size_t e = 0; e < ends.size(); ++e) atom_end_partials[a][ends[e]] = std::move(of_end[e]);
        }
        for (std::size_t pi = 0; pi < periods.size(); ++pi) {
          for (std::size_t k = 0; k < by_atom.size(); ++k) {
            finish_item f{by_atom[k], pi, {}};
            for (std::size_t a = 0; a + 1 < bounds.size(); ++a)
              if (holds(periods[pi], a) && !atom_partials[a].empty())
                f.partials.insert(f.partials.end(), atom_partials[a][k].begin(),
                                  atom_partials[a][k].end());
            finishes.push_back(std::move(f));
          }
          for (std::size_t k = 0; k < by_atom_end.size(); ++k) {
            finish_item f{by_atom_end[k], pi, {}};
            for (std::size_t a = 0; a + 1 < bounds.size(); ++a) {
              if (!holds(periods[pi], a)) continue;
              const auto& of_job = atom_end_partials[a].at(periods[pi].end());
              if (!of_job.empty()) f.partials.insert(f.partials.end(), of_job[k].begin(), of_job[k].end());
            }
            finishes.push_back(std::move(f));
          }
        }
      }
      for (std::size_t pi = 0; pi < periods.size(); ++pi) {
        const auto of_job = add_scans(gi, by_period, periods[pi].start(), periods[pi].end());
        for (std::size_t k = 0; k < by_period.size(); ++k)
          finishes.push_back(finish_item{by_period[k], pi, of_job[k]});
      }
      continue;
    }
    // Stocks depend on the period through its last day only (unless a job reads its start
    // or length): a period ending on a day already computed (for a placing by year, in the
    // same year) copies its cells and scans only its other jobs. The children's register is
    // computed for all its ends in one scan per piece (run_children_stock).
    std::vector<std::vector<std::size_t>> scanned(periods.size());  // per period
    std::size_t distinct_ends = 0;
    for (std::size_t pi = 0; pi < periods.size(); ++pi) {
      std::ptrdiff_t same = -1;
      for (std::size_t q = 0; q < pi && same < 0; ++q)
        if (periods[q].end() == periods[pi].end() &&
            (g.placing != placing_kind::year ||
             to_civil(periods[q].end()).year == to_civil(periods[pi].end()).year))
          same = static_cast<std::ptrdiff_t>(q);
      distinct_ends += same < 0 ? 1 : 0;
      for (std::size_t j : g.jobs) {
        if (same >= 0 && jobs[j].end_only)
          copies.push_back(copy_item{j, pi, static_cast<std::size_t>(same)});
        else
          scanned[pi].push_back(j);
      }
    }
    // So are the cases open at several ends, when every job can be counted that way.
    const bool followed_cases = g.table == table_id::cases &&
                                std::all_of(scanned.begin(), scanned.end(), [&](const auto& list) {
                                  return std::all_of(list.begin(), list.end(), [&](std::size_t j) {
                                    return followed_cases_job(ctx, jobs[j]);
                                  });
                                });
    if (g.placing == placing_kind::stock && (g.table == table_id::children || followed_cases) &&
        distinct_ends > 1) {
      std::vector<std::pair<std::size_t, std::vector<std::size_t>>> wanted;  // period, jobs
      for (std::size_t pi = 0; pi < periods.size(); ++pi)
        if (!scanned[pi].empty()) wanted.emplace_back(pi, std::move(scanned[pi]));
      const std::size_t rows = ctx.table_size(g.table);
      if (rows == 0 || wanted.empty()) continue;
      bool dense = true;
      for (const auto& w : wanted)
        for (std::size_t j : w.second) dense = dense && jobs[j].cells <= dense_cells;
      const std::size_t parts = pieces_of(rows, dense);
      std::vector<std::vector<std::vector<std::size_t>>> ids(wanted.size());  // [period][job]
      for (std::size_t w = 0; w < wanted.size(); ++w) ids[w].resize(wanted[w].second.size());
      for (std::size_t part = 0; part < parts; ++part) {
        scan_item item{gi, {}, scan_span{0, 0, part, parts}, 0, rows / parts * wanted.size(), {}};
        for (std::size_t w = 0; w < wanted.size(); ++w) {
          const period& per = periods[wanted[w].first];
          item.stock.push_back(stock_period{per.start(), per.end(), wanted[w].second, partial_count});
          for (std::size_t q = 0; q < wanted[w].second.size(); ++q) ids[w][q].push_back(partial_count + q);
          partial_count += wanted[w].second.size();
        }
        scans.push_back(std::move(item));
      }
      for (std::size_t w = 0; w < wanted.size(); ++w)
        for (std::size_t q = 0; q < wanted[w].second.size(); ++q)
          finishes.push_back(finish_item{wanted[w].second[q], wanted[w].first, ids[w][q]});
      continue;
    }
    for (std::size_t pi = 0; pi < periods.size(); ++pi) {
      const auto of_job = add_scans(gi, scanned[pi], periods[pi].start(), periods[pi].end());
      for (std::size_t k = 0; k < scanned[pi].size(); ++k)
        finishes.push_back(finish_item{scanned[pi][k], pi, of_job[k]});
    }
  }

  // Run: every scan, then every finish, on all cores; then the copies.
  {
    unsigned threads = request.threads ? request.threads : std::thread::hardware_concurrency();
    threads = std::max(1u, threads);
    std::vector<partial> partials(partial_count);
    std::vector<std::size_t> order(scans.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return scans[a].estimate > scans[b].estimate;
    });
    parallel_for(scans.size(), threads, [&](std::size_t i) {
      const scan_item& s = scans[order[i]];
      if (!s.stock.empty()) {
        std::vector<stock_entry> entries;
        for (const stock_period& sp : s.stock) {
          stock_entry e;
          e.start = sp.start;
          e.end = sp.end;
          e.jobs = sp.jobs;
          for (std::size_t q = 0; q < sp.jobs.size(); ++q) e.outs.push_back(&partials[sp.first_partial + q]);
          entries.push_back(std::move(e));
        }
        if (groups[s.group].table == table_id::children)
          run_children_stock(ctx, groups[s.group], jobs, entries, s.span.part, s.span.parts);
        else
          run_cases_stock(ctx, groups[s.group], jobs, entries, s.span.part, s.span.parts);
        return;
      }
      std::vector<partial*> outs;
      const std::size_t ends = std::max<std::size_t>(1, s.seen_ends.size());
      for (std::size_t k = 0; k < s.jobs.size() * ends; ++k) outs.push_back(&partials[s.first_partial + k]);
      run_scan(ctx, groups[s.group], jobs, s.jobs, s.span, s.seen_ends, outs.data());
    });
    // A partial read by one finish is finished in place; one shared by several (an atom of
    // time inside several periods) is merged into a copy, and freed after its last reader.
    std::vector<std::atomic<std::size_t>> readers(partial_count);
    for (const finish_item& f : finishes)
      for (std::size_t id : f.partials) readers[id].fetch_add(1, std::memory_order_relaxed);
    parallel_for(finishes.size(), threads, [&](std::size_t i) {
      const finish_item& f = finishes[i];
      if (f.partials.empty()) return;  // no rows: no cells
      partial merged;
      partial* p = &merged;
      if (f.partials.size() == 1 && readers[f.partials[0]].load() == 1) {
        p = &partials[f.partials[0]];
      } else {
        for (std::size_t id : f.partials) merge(merged, partials[id]);
      }
      finish_job(ctx, jobs[f.job], f.period, *p);
      for (std::size_t id : f.partials)
        if (readers[id].fetch_sub(1) == 1) partials[id] = partial();
    });
    for (const copy_item& c : copies) jobs[c.job].out[c.period] = jobs[c.job].out[c.from];
    if (request.progress) request.progress("computing", scans.size() + finishes.size(), scans.size() + finishes.size());
  }

  using detail::target_key;
  using detail::target_sum;
  const auto& targets = prepared.state().targets;

  // Output order within an (indicator, period): unit code, then each dimension's codes in
  // byte order with the empty code first, as integer ranks.
  const std::size_t dim_count = ctx.dims.size();
  std::vector<std::vector<std::int32_t>> rank(dim_count);
  for (std::size_t d = 0; d < dim_count; ++d) {
    const auto& vals = res.dimension_values[d];
    std::vector<std::int32_t> order(vals.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      return vals[static_cast<std::size_t>(a)] < vals[static_cast<std::size_t>(b)];
    });
    rank[d].assign(vals.size(), 0);
    for (std::size_t k = 0; k < order.size(); ++k) rank[d][static_cast<std::size_t>(order[k])] = static_cast<std::int32_t>(k + 1);
  }
  // Slots are numbered in the order of their units' codes (see the context), so a job's cells,
  // kept by (slot, cell), come by slot in output order; within a slot they are put in the
  // order of their dimension codes.

  // The dimension codes of a numerator cell (-1 = empty).
  const auto decode_cell = [&](const side_job& num, std::int64_t cell, std::int32_t* codes) {
    std::fill(codes, codes + dim_count, -1);
    for (std::size_t k = num.dims.size(); k-- > 0;) {
      const std::int64_t r = num.radix[k];
      const std::int64_t c = cell % r;
      cell /= r;
      const dim_spec& spec = ctx.dims[static_cast<std::size_t>(num.dims[k])];
      codes[static_cast<std::size_t>(num.dims[k])] = c == spec.domain ? -1 : static_cast<std::int32_t>(c);
    }
  };
  // Whether codes `a` come before codes `b` in the output: each dimension's empty code first,
  // then its codes in byte order.
  const auto codes_before = [&](const std::int32_t* a, const std::int32_t* b) {
    for (std::size_t d = 0; d < dim_count; ++d) {
      const std::int32_t qa = a[d] < 0 ? 0 : rank[d][static_cast<std::size_t>(a[d])];
      const std::int32_t qb = b[d] < 0 ? 0 : rank[d][static_cast<std::size_t>(b[d])];
      if (qa != qb) return qa < qb;
    }
    return false;
  };
  // What every period of an indicator reads about its numerator's cells, when the code space
  // is small: each cell's codes and its position in output order, worked out once, not once
  // per row.
  constexpr std::int64_t table_cells = 4096;
  struct cell_table {
    std::vector<std::int32_t> codes;  // cells * dim_count
    std::vector<std::uint32_t> rank;  // cells
  };
  std::vector<cell_table> cell_tables(plans.size());
  for (std::size_t ip = 0; ip < plans.size(); ++ip) {
    const side_job& num = jobs[plans[ip].numerator];
    if (num.cells > table_cells) continue;
    cell_table& t = cell_tables[ip];
    const auto cells = static_cast<std::size_t>(num.cells);
    t.codes.resize(cells * dim_count);
    for (std::size_t cell = 0; cell < cells; ++cell)
      decode_cell(num, static_cast<std::int64_t>(cell), t.codes.data() + cell * dim_count);
    std::vector<std::uint32_t> order(cells);
    std::iota(order.begin(), order.end(), 0U);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return codes_before(t.codes.data() + a * dim_count, t.codes.data() + b * dim_count);
    });
    t.rank.resize(cells);
    for (std::size_t k = 0; k < cells; ++k) t.rank[order[k]] = static_cast<std::uint32_t>(k);
  }

  // Each (indicator, period) is a block of rows. Its rows are the numerator's cells with a
  // value other than 0, and the cells with a target (with 0 for counts when no row counted):
  // first every block counts its rows, then each writes them at its offset of the result's
  // columns, in order, on all cores.
  const std::size_t period_count = request.periods.size();
  const std::size_t block_count = plans.size() * period_count;
  struct block {
    std::size_t rows = 0;
    std::vector<std::int64_t> target_only;  // cells with a target and no numerator, by key
  };
  std::vector<block> blocks(block_count);
  const auto is_agency_only = [&](const indicator_plan& plan) {
    return plan.dims.size() == 1 &&
           ctx.dims[static_cast<std::size_t>(plan.dims[0])].info->id == dimension_id::agency;
  };
  // The targets a block reads: for indicators without a breakdown or broken down by agency.
  const auto targets_of = [&](const indicator_plan& plan) -> const std::map<target_key, target_sum>* {
    if (!plan.dims.empty() && !is_agency_only(plan)) return nullptr;
    auto it = targets.find(plan.def->code);
    return it == targets.end() ? nullptr : &it->second;
  };
  // The codes of a numerator cell of plan `ip`: from its table, or decoded into `scratch`.
  const auto codes_of_cell = [&](std::size_t ip, std::int64_t cell, std::int32_t* scratch) -> const std::int32_t* {
    const cell_table& table = cell_tables[ip];
    if (!table.codes.empty()) return table.codes.data() + static_cast<std::size_t>(cell) * dim_count;
    decode_cell(jobs[plans[ip].numerator], cell, scratch);
    return scratch;
  };
  // The target of a cell: its agency's, broken down by agency (none without an agency); the
  // sum of every plan's, without a breakdown.
  const auto target_of = [&](const indicator_plan& plan, const std::map<target_key, target_sum>& of_code,
                             const period& per, std::size_t slot, const std::int32_t* codes) -> const target_sum* {
    std::int32_t agency = -2;
    if (is_agency_only(plan)) {
      agency = codes[static_cast<std::size_t>(plan.dims[0])];
      if (agency < 0) return nullptr;
    }
    auto it = of_code.find({ctx.slot_unit[slot].value, per.start(), per.end(), agency});
    return it == of_code.end() ? nullptr : &it->second;
  };
  const auto count_block = [&](std::size_t b) {
    const std::size_t ip = b / period_count, pi = b % period_count;
    const indicator_plan& plan = plans[ip];
    const side_job& num = jobs[plan.numerator];
    const period& per = request.periods[pi];
    const auto& numerators = num.out[pi];
    const auto* my_targets = targets_of(plan);
    block& out = blocks[b];
    std::vector<std::int32_t> scratch(dim_count);
    for (const auto& [key, value] : numerators) {
      if (value != 0) {
        ++out.rows;
      } else if (my_targets) {
        const auto slot = static_cast<std::size_t>(key / num.cells);
        out.rows += target_of(plan, *my_targets, per, slot, codes_of_cell(ip, key % num.cells, scratch.data())) != nullptr;
      }
    }
    if (!my_targets) return;
    const bool agency_only = is_agency_only(plan);
    for (const auto& [key, sum] : *my_targets) {
      const auto& [unit, first, last, agency] = key;
      if (first != per.start() || last != per.end()) continue;
      if (agency_only ? agency < 0 : agency != -2) continue;
      const std::int32_t slot = ctx.slot_of_unit[static_cast<std::size_t>(unit)];
      const std::int64_t cell = agency_only ? agency : 0;
      if (slot < 0 || cell >= num.cells) continue;  // (a numerator not broken down by agency)
      const std::int64_t full = static_cast<std::int64_t>(slot) * num.cells + cell;
      auto it = std::lower_bound(numerators.begin(), numerators.end(), std::make_pair(full, -HUGE_VAL));
      if (it != numerators.end() && it->first == full) continue;
      if (target_of(plan, *my_targets, per, static_cast<std::size_t>(slot), codes_of_cell(ip, cell, scratch.data())))
        out.target_only.push_back(full);
    }
    std::sort(out.target_only.begin(), out.target_only.end());
    out.rows += out.target_only.size();
  };
  {
    unsigned threads = request.threads ? request.threads : std::thread::hardware_concurrency();
    parallel_for(block_count, std::max(1u, threads), count_block);
  }
  std::vector<std::size_t> first_row(block_count + 1, 0);
  for (std::size_t b = 0; b < block_count; ++b) first_row[b + 1] = first_row[b] + blocks[b].rows;
  const std::size_t total_rows = first_row.back();
  // The columns are sized on all cores: touching fresh pages is most of the cost.
  res.dimension.resize(dim_count);
  {
    std::vector<std::function<void()>> sizing;
    for (auto& column : res.dimension) sizing.emplace_back([&column, total_rows] { column.resize(total_rows); });
    for (auto* column : {&res.numerator, &res.denominator, &res.value, &res.target})
      sizing.emplace_back([column, total_rows] { column->resize(total_rows); });
    sizing.emplace_back([&] {
      for (auto* column : {&res.has_numerator, &res.has_denominator, &res.has_value, &res.has_target, &res.target_at_most})
        column->resize(total_rows);
    });
    sizing.emplace_back([&] { res.indicator.resize(total_rows); });
    sizing.emplace_back([&] { res.period_index.resize(total_rows); });
    sizing.emplace_back([&] { res.org_unit.resize(total_rows); });
    unsigned threads = request.threads ? request.threads : std::thread::hardware_concurrency();
    parallel_for(sizing.size(), std::max(1u, threads), [&](std::size_t i) { sizing[i](); });
  }
  const auto write_block = [&](std::size_t b) {
    const std::size_t ip = b / period_count, pi = b % period_count;
    const indicator_plan& plan = plans[ip];
    const side_job& num = jobs[plan.numerator];
    const side_job* den = plan.denominator ? &jobs[*plan.denominator] : nullptr;
    const period& per = request.periods[pi];
    const auto& numerators = num.out[pi];
    const auto* my_targets = targets_of(plan);
    const std::vector<std::int64_t>& target_only = blocks[b].target_only;
    // A side's value in a cell where it saw no row: its expression with every aggregate
    // missing (null for a plain count or sum, but `if(isNull(sum(x)), 10, 20)` is 10), written
    // 0 when that is null and the side's aggregates are all counts and sums (docs/language.md).
    const auto over_no_rows = [&](const side_job& s, double& v) {
      const std::vector<double> values(s.value.aggregates().size(), 0.0);
      const std::vector<std::uint8_t> missing(values.size(), 0);
      if (s.value.combine(values.data(), missing.data(), per.start(), per.end(), v)) return true;
      v = 0;
      return s.count_like;
    };
    double num_empty = 0, den_empty = 0;
    const bool num_has_empty = over_no_rows(num, num_empty);
    const bool den_has_empty = den && over_no_rows(*den, den_empty);
    // The denominator's cells of the unit being written, in a dense array refilled unit by unit
    // (units ascend, and so do the denominator's keys); searched when it has many cells.
    const auto* den_cells = den ? &den->out[pi] : nullptr;
    const bool den_by_unit = den && den->cells <= table_cells;
    std::vector<double> den_value;
    std::vector<std::uint8_t> den_seen;
    std::size_t den_next = 0;  // the first denominator cell not read yet
    if (den_by_unit) {
      den_value.assign(static_cast<std::size_t>(den->cells), 0.0);
      den_seen.assign(static_cast<std::size_t>(den->cells), 0);
    }
    const auto load_denominators = [&](std::size_t slot) {
      std::fill(den_seen.begin(), den_seen.end(), 0);
      const std::int64_t first = static_cast<std::int64_t>(slot) * den->cells, end = first + den->cells;
      den_next = static_cast<std::size_t>(
          std::lower_bound(den_cells->begin() + static_cast<std::ptrdiff_t>(den_next), den_cells->end(),
                           std::make_pair(first, -HUGE_VAL)) - den_cells->begin());
      for (; den_next < den_cells->size() && (*den_cells)[den_next].first < end; ++den_next) {
        const auto local = static_cast<std::size_t>((*den_cells)[den_next].first - first);
        den_value[local] = (*den_cells)[den_next].second;
        den_seen[local] = 1;
      }
    };
    const auto denominator_of = [&](std::size_t slot, const std::int32_t* codes, double& value) -> bool {
      std::int64_t cell = 0;
      for (std::size_t k = 0; k < den->dims.size(); ++k) {
        const std::int32_t c = codes[static_cast<std::size_t>(den->dims[k])];
        const dim_spec& spec = ctx.dims[static_cast<std::size_t>(den->dims[k])];
        cell = cell * den->radix[k] + (c < 0 ? spec.domain : c);
      }
      if (den_by_unit) {
        if (!den_seen[static_cast<std::size_t>(cell)]) return false;
        value = den_value[static_cast<std::size_t>(cell)];
        return true;
      }
      const std::int64_t key = static_cast<std::int64_t>(slot) * den->cells + cell;
      auto it = std::lower_bound(den_cells->begin(), den_cells->end(), std::make_pair(key, -HUGE_VAL));
      if (it == den_cells->end() || it->first != key) return false;
      value = it->second;
      return true;
    };
    // The columns through pointers held here (see or_arrays).
    std::uint32_t* const indicator = res.indicator.data();
    std::uint32_t* const period_index = res.period_index.data();
    org_unit_index* const org_unit = res.org_unit.data();
    double* const numerator = res.numerator.data();
    double* const denominator = res.denominator.data();
    double* const value_of = res.value.data();
    double* const target = res.target.data();
    std::uint8_t* const has_numerator = res.has_numerator.data();
    std::uint8_t* const has_denominator = res.has_denominator.data();
    std::uint8_t* const has_value = res.has_value.data();
    std::uint8_t* const has_target = res.has_target.data();
    std::uint8_t* const target_at_most = res.target_at_most.data();
    std::vector<std::int32_t*> dimension(dim_count);
    for (std::size_t d = 0; d < dim_count; ++d) dimension[d] = res.dimension[d].data();
    const double factor = plan.def->factor;
    std::vector<std::int32_t> scratch_codes(dim_count);
    const auto codes_of = [&](std::int64_t cell) { return codes_of_cell(ip, cell, scratch_codes.data()); };
    const std::vector<std::uint32_t>& cell_rank = cell_tables[ip].rank;
    std::size_t at = first_row[b];
    // count_block and this block decide which cells are rows alike (a value other than 0, or a
    // target); should they ever disagree, the block would write over its neighbour's rows.
    const std::size_t block_end = first_row[b + 1];
    const auto miscounted = [&] {
      throw error("internal error: the rows of " + plan.def->code + " were counted " +
                  std::to_string(block_end - first_row[b]) + " but more or fewer were written");
    };
    // One row: the cell's codes, numerator, denominator, value and target.
    const auto write_row = [&](std::size_t slot, std::int64_t cell, bool has_num, double num_value,
                               const target_sum* t) {
      if (at == block_end) miscounted();
      const std::int32_t* codes = codes_of(cell);
      if (!has_num && num_has_empty) {
        has_num = true;  // e.g. a count over no rows is 0
        num_value = num_empty;
      }
      double den_value_here = 0;
      bool has_den_here = den && denominator_of(slot, codes, den_value_here);
      if (den && !has_den_here && den_has_empty) {
        has_den_here = true;
        den_value_here = den_empty;
      }
      indicator[at] = static_cast<std::uint32_t>(ip);
      period_index[at] = static_cast<std::uint32_t>(pi);
      org_unit[at] = ctx.slot_unit[slot];
      for (std::size_t d = 0; d < dim_count; ++d) dimension[d][at] = codes[d];
      numerator[at] = num_value;
      has_numerator[at] = has_num;
      denominator[at] = has_den_here ? den_value_here : 0.0;
      has_denominator[at] = has_den_here;
      double value = 0;
      bool valued = false;
      if (has_num) {
        if (!den) {
          value = num_value;
          valued = true;
        } else if (has_den_here && den_value_here != 0) {
          value = num_value / den_value_here * factor;
          valued = true;
        }
      }
      value_of[at] = value;
      has_value[at] = valued;
      target[at] = t ? t->value : 0.0;
      has_target[at] = t != nullptr;
      target_at_most[at] = t && t->at_most;
      ++at;
    };
    // The rows of one slot at a time, numerators and cells with only a target merged by key,
    // then put in the order of their codes.
    struct slot_row {
      std::int64_t cell;
      double value;
      bool has_num;
      const target_sum* target;
    };
    // With the plan's table, a slot's rows are placed at their position in output order and
    // read back in that order (a bit per position says which are there); without, they are
    // sorted by their codes.
    std::vector<slot_row> run;
    std::vector<std::uint64_t> present;
    if (!cell_rank.empty()) {
      run.resize(cell_rank.size());
      present.assign(cell_rank.size() / 64 + 1, 0);
    }
    std::vector<std::int32_t> codes_a(dim_count);
    const auto flush = [&](std::size_t slot) {
      if (!cell_rank.empty()) {
        for (std::size_t w = 0; w < present.size(); ++w)
          for (std::uint64_t bits = present[w]; bits != 0; bits &= bits - 1) {
            const slot_row& r = run[w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))];
            write_row(slot, r.cell, r.has_num, r.value, r.target);
          }
        std::fill(present.begin(), present.end(), 0);
        return;
      }
      std::sort(run.begin(), run.end(), [&](const slot_row& a, const slot_row& b) {
        std::copy_n(codes_of(a.cell), dim_count, codes_a.data());
        return codes_before(codes_a.data(), codes_of(b.cell));
      });
      for (const slot_row& r : run) write_row(slot, r.cell, r.has_num, r.value, r.target);
      run.clear();
    };
    // Keys ascend: the slot is found by a division only when a key passes the slot's end.
    std::size_t i = 0, t = 0, current = SIZE_MAX;
    std::int64_t slot_first = 0, slot_end = 0;  // the keys of the current slot
    while (i < numerators.size() || t < target_only.size()) {
      const bool from_numerators = t == target_only.size() ||
                                   (i < numerators.size() && numerators[i].first < target_only[t]);
      const std::int64_t key = from_numerators ? numerators[i].first : target_only[t];
      if (key >= slot_end) {
        if (current != SIZE_MAX) flush(current);
        current = static_cast<std::size_t>(key / num.cells);
        slot_first = static_cast<std::int64_t>(current) * num.cells;
        slot_end = slot_first + num.cells;
        if (den_by_unit) load_denominators(current);
      }
      const std::size_t slot = current;
      const std::int64_t cell = key - slot_first;
      double value = 0;
      const target_sum* with_target = nullptr;
      if (from_numerators) {
        value = numerators[i++].second;
        if (my_targets) with_target = target_of(plan, *my_targets, per, slot, codes_of(cell));
        if (value == 0 && !with_target) continue;
      } else {
        ++t;
        with_target = target_of(plan, *my_targets, per, slot, codes_of(cell));
      }
      slot_row* r = nullptr;
      if (cell_rank.empty()) {
        r = &run.emplace_back();
      } else {
        const std::uint32_t at_rank = cell_rank[static_cast<std::size_t>(cell)];
        present[at_rank / 64] |= std::uint64_t{1} << (at_rank % 64);
        r = &run[at_rank];
      }
      // Field by field: a whole struct built on the stack and copied stalled on the copy.
      r->cell = cell;
      r->value = value;
      r->has_num = from_numerators;
      r->target = with_target;
    }
    if (current != SIZE_MAX) flush(current);
    if (at != block_end) miscounted();
  };
  {
    unsigned threads = request.threads ? request.threads : std::thread::hardware_concurrency();
    parallel_for(block_count, std::max(1u, threads), write_block);
  }
  return res;
}

}  // namespace safeguard::engine
