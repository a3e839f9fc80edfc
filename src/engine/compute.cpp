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
#include <map>
#include <mutex>
#include <numeric>
#include <thread>
#include <limits>
#include <tuple>

#include "engine/dimensions.hpp"
#include "engine/prepared.hpp"
#include "safeguard/hierarchy/hierarchy.hpp"

namespace safeguard::engine {

using detail::dimension_id;
using detail::dimension_info;
using detail::row_count;
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

bool result::achievement(std::size_t i, double& out) const noexcept {
  if (!has_value[i] || !has_target[i]) return false;
  if (target_at_most[i]) {
    out = value[i] <= target[i] ? 1.0 : 0.0;
    return true;
  }
  if (target[i] == 0) return false;
  out = value[i] / target[i];
  return true;
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
  bool count_like = true;
  // Reads the period only through its last day (no V{analytics_period_start}, no [days]).
  bool end_only = false;  // every aggregate is a count or sum: an empty cell reads as 0
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
  std::vector<dim_spec> dims;
  std::vector<std::int32_t> slot_offsets, slot_list;  // per unit: its slots
  std::vector<org_unit_index> slot_unit;
  std::vector<std::int32_t> slot_of_unit;  // the slot of a unit at a requested level, or -1
  std::map<std::pair<table_id, std::string>, const sorted_dates*> sorted;

  context(const detail::prepared_state& p, const compute_request& r)
      : data(p.data), request(r), tree(p.tree), rel(p.rel), holidays(p.holidays),
        case_age(p.case_age), case_counts_consent(p.case_consent) {}

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

// Per-aggregate accumulators of one side job for one period.
struct accumulator {
  aggregate_kind kind;
  std::vector<double> a, b, c;              // count/sum/n, sum of squares, min/max
  std::vector<std::uint8_t> any;            // a value was seen
  std::vector<std::pair<std::int64_t, double>> pairs;  // distinct, median, percentile
};

bool needs_pairs(aggregate_kind k) {
  return k == aggregate_kind::count_distinct || k == aggregate_kind::median ||
         k == aggregate_kind::percentile || k == aggregate_kind::units_reached;
}

double quantile_sorted(const double* v, std::size_t n, double p) {
  // Linear interpolation between closest ranks (PostgreSQL percentile_cont); p = 0.5 is the
  // median, the mean of the two middle values for an even count.
  const double pos = p * static_cast<double>(n - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, n - 1);
  const double frac = pos - static_cast<double>(lo);
  if (frac == 0) return v[lo];
  return v[lo] + (v[hi] - v[lo]) * frac;
}

// Evaluates every job of a group for one period.
void run_task(const context& ctx, const group& g, std::vector<side_job>& jobs,
              std::size_t period_index, std::ptrdiff_t same_end_as) {
  // A stock count depends on the period only through its last day: a job that does not read
  // the period's start (or its length) gives the same cells as an earlier period ending on
  // the same day (2024Q1 and 202403), so its cells are copied.
  auto reusable = [&](const side_job& job) { return same_end_as >= 0 && job.end_only; };
  if (std::all_of(g.jobs.begin(), g.jobs.end(), [&](std::size_t j) { return reusable(jobs[j]); })) {
    for (std::size_t j : g.jobs) {
      jobs[j].out[period_index] = jobs[j].out[static_cast<std::size_t>(same_end_as)];
    }
    return;
  }
  const dataset& d = ctx.data;
  const period& p = ctx.request.periods[period_index];
  const day_number start = p.start();
  const day_number end = p.end();
  const age_thresholds at_end(end);
  const bool honour = ctx.request.honour_consent;

  // 1. Candidate rows: placed in the period, within the age range, with consent.
  std::vector<std::int32_t> rows;
  std::vector<day_number> placing_day;  // per candidate (event placing only)
  const bool event = g.placing == placing_kind::event;
  if (event) {
    const sorted_dates& s = *ctx.sorted.at(std::make_pair(g.table, g.date_column));
    const auto lo = std::lower_bound(s.dates.begin(), s.dates.end(), start) - s.dates.begin();
    const auto hi = std::upper_bound(s.dates.begin(), s.dates.end(), end) - s.dates.begin();
    rows.assign(s.rows.begin() + lo, s.rows.begin() + hi);
    placing_day.assign(s.dates.begin() + lo, s.dates.begin() + hi);
  } else {
    const std::size_t n = ctx.table_size(g.table);
    rows.reserve(n);
    switch (g.table) {
      case table_id::children:
        for (std::size_t i = 0; i < n; ++i) {
          const day_number ex = d.children.exit_date[i];
          if (d.children.registered_date[i] <= end && (ex == no_day || ex > end))
            rows.push_back(static_cast<std::int32_t>(i));
        }
        break;
      case table_id::cases:
        for (std::size_t i = 0; i < n; ++i) {
          const day_number cl = d.cases.closed_date[i];
          if (d.cases.reported_date[i] <= end && (cl == no_day || cl > end))
            rows.push_back(static_cast<std::int32_t>(i));
        }
        break;
      case table_id::circumstances:
        for (std::size_t i = 0; i < n; ++i) {
          const day_number en = d.circumstances.end_date[i];
          if (d.circumstances.start_date[i] <= end && (en == no_day || en > end))
            rows.push_back(static_cast<std::int32_t>(i));
        }
        break;
      case table_id::population: {
        const int year = to_civil(end).year;
        for (std::size_t i = 0; i < n; ++i)
          if (d.population.year[i] == year) rows.push_back(static_cast<std::int32_t>(i));
        break;
      }
      default:
        for (std::size_t i = 0; i < n; ++i) rows.push_back(static_cast<std::int32_t>(i));
    }
  }
  {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::int32_t r = rows[i];
      bool keep = true;
      switch (g.table) {
        case table_id::cases:
        case table_id::services: {
          const std::int32_t c = case_of_row(ctx, g.table, r);
          keep = c >= 0 && ctx.case_age[c] >= g.min_age && ctx.case_age[c] <= g.max_age &&
                 (!honour || ctx.case_counts_consent[c]);
          break;
        }
        case table_id::children:
        case table_id::circumstances: {
          const std::int32_t child = child_of_row(ctx, g.table, r);
          if (child < 0) {
            keep = false;
          } else if (event) {
            const int age = age_in_years(d.children.birth_date[child], placing_day[i]);
            keep = age >= g.min_age && age <= g.max_age;
          } else {
            keep = at_end.in_range(d.children.birth_date[child], g.min_age, g.max_age);
          }
          break;
        }
        case table_id::population:
          keep = d.population.age[r] >= g.min_age && d.population.age[r] <= g.max_age;
          break;
        default: break;
      }
      if (keep) {
        rows[kept] = r;
        if (event) placing_day[kept] = placing_day[i];
        ++kept;
      }
    }
    rows.resize(kept);
    if (event) placing_day.resize(kept);
  }

  eval_context ec;
  ec.data = &d;
  ec.rel = &ctx.rel;
  ec.period_start = start;
  ec.period_end = end;
  ec.holidays = &ctx.holidays;
  ec.honour_consent = honour;

  const std::size_t slots = slot_count(ctx);
  std::vector<std::int32_t> selected;
  std::vector<std::int32_t> selected_pos;
  std::vector<std::int32_t> units_of_rows;
  std::map<std::vector<int>, std::vector<std::int64_t>> cell_cache;
  std::vector<std::size_t> combo_offsets;
  std::vector<std::int64_t> combo_cells, local_cells;
  std::vector<std::int64_t> combos, next;
  value_batch batch;

  for (std::size_t job_index : g.jobs) {
    side_job& job = jobs[job_index];
    if (reusable(job)) {
      job.out[period_index] = job.out[static_cast<std::size_t>(same_end_as)];
      continue;
    }
    // 2. The job's own condition.
    selected.resize(rows.size());
    std::size_t n_sel = rows.size();
    if (job.has_where) {
      n_sel = job.where.select(ec, rows.data(), rows.size(), selected.data());
    } else {
      std::copy(rows.begin(), rows.end(), selected.begin());
    }
    selected.resize(n_sel);
    // Positions of the selected rows among the candidates (select keeps their order).
    selected_pos.resize(n_sel);
    if (!job.has_where) {
      std::iota(selected_pos.begin(), selected_pos.end(), 0);
    } else {
      for (std::size_t i = 0, j = 0; i < rows.size() && j < n_sel; ++i)
        if (rows[i] == selected[j]) selected_pos[j++] = static_cast<std::int32_t>(i);
    }
    // The unit and single-valued cell of every candidate row, computed once per task for each
    // breakdown and shared by the jobs of the group that use it.
    const bool single_valued = std::none_of(job.dims.begin(), job.dims.end(), [&](int d) {
      return ctx.dims[static_cast<std::size_t>(d)].info->multi_valued;
    });
    const std::vector<std::int64_t>* row_cells = nullptr;
    if (single_valued) {
      auto it = cell_cache.find(job.dims);
      if (it == cell_cache.end()) {
        std::vector<std::int64_t> cells_of(rows.size(), 0);
        if (!job.dims.empty()) {
          for (std::size_t i = 0; i < rows.size(); ++i) {
            std::int64_t cell = 0;
            for (std::size_t di = 0; di < job.dims.size(); ++di) {
              const dim_spec& spec = ctx.dims[static_cast<std::size_t>(job.dims[di])];
              const dim_value v = dimension_of_row(ctx, spec, g.table, rows[i],
                                                   event ? placing_day[i] : end, end, at_end);
              cell = cell * job.radix[di] + (v.single < 0 ? spec.domain : v.single);
            }
            cells_of[i] = cell;
          }
        }
        it = cell_cache.emplace(job.dims, std::move(cells_of)).first;
      }
      row_cells = &it->second;
    }
    if (units_of_rows.empty() && !rows.empty()) {
      units_of_rows.resize(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) units_of_rows[i] = ctx.row_unit(g.table, rows[i]).value;
    }

    // 3. The cells of every selected row, in the full code space of the breakdown, then
    // renumbered densely over the cells that occur (a breakdown by agency and topic has
    // thousands of possible cells, of which a period touches a few).
    std::vector<std::int64_t> strides(job.dims.size(), 1);
    for (std::size_t di = job.dims.size(); di-- > 1;) strides[di - 1] = strides[di] * job.radix[di];
    combo_offsets.assign(1, 0);
    combo_cells.clear();
    for (std::size_t i = 0; i < n_sel && !job.dims.empty(); ++i) {
      const std::int32_t row = selected[i];
      const std::size_t at = static_cast<std::size_t>(selected_pos[i]);
      if (units_of_rows[at] >= 0) {
        const day_number day = event ? placing_day[at] : end;
        combos.assign(1, row_cells ? (*row_cells)[at] : 0);
        for (std::size_t di = 0; !row_cells && di < job.dims.size(); ++di) {
          const dim_spec& spec = ctx.dims[static_cast<std::size_t>(job.dims[di])];
          const dim_value v = dimension_of_row(ctx, spec, g.table, row, day, end, at_end);
          const std::int64_t stride = strides[di];
          if (v.multi && v.set != 0) {
            next.clear();
            for (int bit = 0; bit < 64; ++bit)
              if (v.set >> bit & 1U)
                for (auto c : combos) next.push_back(c + bit * stride);
            combos.swap(next);
          } else {
            const std::int64_t code = (v.multi || v.single < 0) ? spec.domain : v.single;
            for (auto& c : combos) c += code * stride;
          }
        }
        combo_cells.insert(combo_cells.end(), combos.begin(), combos.end());
      }
      combo_offsets.push_back(combo_cells.size());
    }
    constexpr std::int64_t dense_cells = 4096;  // small code spaces are used as they are
    if (job.cells <= dense_cells) {
      local_cells.resize(static_cast<std::size_t>(job.cells));
      std::iota(local_cells.begin(), local_cells.end(), 0);
    } else {
      local_cells.assign(combo_cells.begin(), combo_cells.end());
      std::sort(local_cells.begin(), local_cells.end());
      local_cells.erase(std::unique(local_cells.begin(), local_cells.end()), local_cells.end());
      for (auto& c : combo_cells)
        c = std::lower_bound(local_cells.begin(), local_cells.end(), c) - local_cells.begin();
    }
    const std::int64_t cells = std::max<std::int64_t>(1, static_cast<std::int64_t>(local_cells.size()));
    if (local_cells.empty()) local_cells.push_back(0);

    // Aggregates, first by (row unit, cell): a row touches one unit, and the units are
    // rolled up to their slots (every requested ancestor level) once at the end, so the
    // per-row work does not grow with the number of levels.
    const std::size_t total = slots * static_cast<std::size_t>(cells);
    const std::size_t units = d.org_units.size();
    const std::size_t unit_total = units * static_cast<std::size_t>(cells);
    const auto& terms = job.value.aggregates();
    std::vector<accumulator> acc(terms.size());   // by slot, filled by the roll-up
    std::vector<accumulator> uacc(terms.size());  // by unit
    std::vector<value_batch> args(terms.size());
    auto size_arrays = [&](accumulator& a, aggregate_kind kind, std::size_t n) {
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
    };
    for (std::size_t k = 0; k < terms.size(); ++k) {
      size_arrays(acc[k], terms[k].kind, total);
      size_arrays(uacc[k], terms[k].kind, unit_total);
      if (terms[k].kind != aggregate_kind::units_reached)
        terms[k].argument.evaluate(ec, selected.data(), n_sel, args[k]);
    }
    std::vector<std::uint8_t> unit_touched(unit_total, 0);

    for (std::size_t i = 0; i < n_sel; ++i) {
      const std::size_t pos = static_cast<std::size_t>(selected_pos[i]);
      const org_unit_index unit{units_of_rows[pos]};
      if (!unit.valid()) continue;
      if (job.dims.empty())
        combos.assign(1, 0);
      else
        combos.assign(combo_cells.begin() + static_cast<std::ptrdiff_t>(combo_offsets[i]),
                      combo_cells.begin() + static_cast<std::ptrdiff_t>(combo_offsets[i + 1]));
      const std::int64_t base = static_cast<std::int64_t>(unit.value) * cells;
      for (auto c : combos) unit_touched[static_cast<std::size_t>(base + c)] = 1;
      for (std::size_t k = 0; k < terms.size(); ++k) {
        accumulator& a = uacc[k];
        if (a.kind == aggregate_kind::units_reached) {
          // The unit reached is placed at itself and its ancestors, not at the row's unit.
          const org_unit_index reached = ctx.tree.ancestor_at_level(unit, terms[k].level);
          if (!reached.valid()) continue;
          for (auto c : combos)
            a.pairs.emplace_back(static_cast<std::int64_t>(reached.value) * cells + c,
                                 static_cast<double>(reached.value));
          continue;
        }
        const bool valid = args[k].valid[i] != 0;
        const double x = args[k].value[i];
        for (auto c : combos) {
          const std::size_t idx = static_cast<std::size_t>(base + c);
          switch (a.kind) {
            case aggregate_kind::count_distinct:
            case aggregate_kind::median:
            case aggregate_kind::percentile:
              if (valid) a.pairs.emplace_back(base + c, x);
              break;
            case aggregate_kind::count:
              if (valid) a.a[idx] += 1;
              a.any[idx] = 1;
              break;
            case aggregate_kind::sum:
              if (valid) {
                a.a[idx] += x;
                a.any[idx] = 1;
              }
              break;
            case aggregate_kind::avg:
            case aggregate_kind::stddev:
            case aggregate_kind::variance:
              if (valid) {
                a.a[idx] += 1;
                a.b[idx] += x;
                a.c[idx] += x * x;
                a.any[idx] = 1;
              }
              break;
            case aggregate_kind::min:
              if (valid) {
                a.c[idx] = a.any[idx] ? std::min(a.c[idx], x) : x;
                a.any[idx] = 1;
              }
              break;
            case aggregate_kind::max:
              if (valid) {
                a.c[idx] = a.any[idx] ? std::max(a.c[idx], x) : x;
                a.any[idx] = 1;
              }
              break;
            case aggregate_kind::units_reached: break;
          }
        }
      }
    }

    // Roll units up to their slots.
    std::vector<std::uint8_t> touched(total, 0);
    for (std::size_t u = 0; u < units; ++u) {
      const std::int32_t s0 = ctx.slot_offsets[u];
      const std::int32_t s1 = ctx.slot_offsets[u + 1];
      if (s0 == s1) continue;
      for (std::int64_t c = 0; c < cells; ++c) {
        const std::size_t from = u * static_cast<std::size_t>(cells) + static_cast<std::size_t>(c);
        if (!unit_touched[from]) continue;
        for (std::int32_t s = s0; s < s1; ++s) {
          const std::size_t to = static_cast<std::size_t>(ctx.slot_list[static_cast<std::size_t>(s)]) *
                                     static_cast<std::size_t>(cells) + static_cast<std::size_t>(c);
          touched[to] = 1;
          for (std::size_t k = 0; k < terms.size(); ++k) {
            accumulator& a = acc[k];
            const accumulator& ua = uacc[k];
            if (needs_pairs(a.kind) || !ua.any[from]) continue;
            switch (a.kind) {
              case aggregate_kind::min:
                a.c[to] = a.any[to] ? std::min(a.c[to], ua.c[from]) : ua.c[from];
                break;
              case aggregate_kind::max:
                a.c[to] = a.any[to] ? std::max(a.c[to], ua.c[from]) : ua.c[from];
                break;
              default:
                a.a[to] += ua.a[from];
                if (!a.b.empty()) {
                  a.b[to] += ua.b[from];
                  a.c[to] += ua.c[from];
                }
            }
            a.any[to] = 1;
          }
        }
      }
    }
    for (std::size_t k = 0; k < terms.size(); ++k) {
      if (!needs_pairs(acc[k].kind)) continue;
      auto& out = acc[k].pairs;
      for (const auto& [key, x] : uacc[k].pairs) {
        const std::size_t u = static_cast<std::size_t>(key / cells);
        const std::int64_t c = key % cells;
        for (std::int32_t s = ctx.slot_offsets[u]; s < ctx.slot_offsets[u + 1]; ++s) {
          const std::int64_t to = static_cast<std::int64_t>(ctx.slot_list[static_cast<std::size_t>(s)]) * cells + c;
          out.emplace_back(to, x);
          touched[static_cast<std::size_t>(to)] = 1;
        }
      }
      std::vector<std::pair<std::int64_t, double>>().swap(uacc[k].pairs);
    }

    // 4. Finish the aggregates and combine them per cell.
    std::vector<double> term_value(terms.size() * total, 0.0);
    std::vector<std::uint8_t> term_valid(terms.size() * total, 0);
    for (std::size_t k = 0; k < terms.size(); ++k) {
      accumulator& a = acc[k];
      double* tv = term_value.data() + k * total;
      std::uint8_t* tvalid = term_valid.data() + k * total;
      if (needs_pairs(a.kind)) {
        std::sort(a.pairs.begin(), a.pairs.end());
        std::vector<double> values;
        for (std::size_t i = 0; i < a.pairs.size();) {
          std::size_t j = i;
          while (j < a.pairs.size() && a.pairs[j].first == a.pairs[i].first) ++j;
          const std::size_t idx = static_cast<std::size_t>(a.pairs[i].first);
          if (a.kind == aggregate_kind::count_distinct || a.kind == aggregate_kind::units_reached) {
            std::size_t distinct = 0;
            for (std::size_t q = i; q < j; ++q)
              if (q == i || a.pairs[q].second != a.pairs[q - 1].second) ++distinct;
            tv[idx] = static_cast<double>(distinct);
          } else {
            values.clear();
            for (std::size_t q = i; q < j; ++q) values.push_back(a.pairs[q].second);
            const double pct = a.kind == aggregate_kind::median ? 0.5 : terms[k].percentile;
            tv[idx] = quantile_sorted(values.data(), values.size(), pct);
          }
          tvalid[idx] = 1;
          i = j;
        }
        if (a.kind == aggregate_kind::count_distinct || a.kind == aggregate_kind::units_reached)
          for (std::size_t idx = 0; idx < total; ++idx)
            if (touched[idx]) tvalid[idx] = 1;  // zero distinct values is a count of 0
        continue;
      }
      for (std::size_t idx = 0; idx < total; ++idx) {
        if (!a.any[idx]) continue;
        switch (a.kind) {
          case aggregate_kind::count:
          case aggregate_kind::sum:
          case aggregate_kind::min:
          case aggregate_kind::max:
            tv[idx] = a.kind == aggregate_kind::min || a.kind == aggregate_kind::max ? a.c[idx] : a.a[idx];
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
    auto& out = job.out[period_index];
    out.clear();
    std::vector<double> values(terms.size());
    std::vector<std::uint8_t> valids(terms.size());
    for (std::size_t idx = 0; idx < total; ++idx) {
      if (!touched[idx]) continue;
      for (std::size_t k = 0; k < terms.size(); ++k) {
        values[k] = term_value[k * total + idx];
        valids[k] = term_valid[k * total + idx];
      }
      double v = 0;
      if (job.value.combine(values.data(), valids.data(), start, end, v)) {
        // Back to the full code space: slot-major, cells ascending, so `out` stays sorted.
        const std::int64_t slot = static_cast<std::int64_t>(idx) / cells;
        const std::int64_t local = static_cast<std::int64_t>(idx) % cells;
        out.emplace_back(slot * job.cells + local_cells[static_cast<std::size_t>(local)], v);
      }
    }

  }
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
  for (std::size_t i = 0; i < d.cases.size(); ++i) {
    const child_index c = d.cases.child[i];
    const int age = c.valid() ? age_in_years(d.children.birth_date[c.value], d.cases.reported_date[i]) : -1;
    case_age[i] = static_cast<std::int16_t>(std::clamp(age, -1, 32000));
    case_consent[i] = d.cases.consent_reporting[i] != 0;
  }
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
  // Counting sort by day: O(n) and stable, so rows of one day keep the file's order.
  day_number lo = std::numeric_limits<day_number>::max(), hi = std::numeric_limits<day_number>::min();
  std::size_t dated = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (values.valid[i]) {
      const auto day = static_cast<day_number>(values.value[i]);
      lo = std::min(lo, day);
      hi = std::max(hi, day);
      ++dated;
    }
  sorted_dates s;
  s.rows.resize(dated);
  s.dates.resize(dated);
  if (dated) {
    std::vector<std::int64_t> start(static_cast<std::size_t>(static_cast<std::int64_t>(hi) - lo + 2), 0);
    for (std::size_t i = 0; i < n; ++i)
      if (values.valid[i]) ++start[static_cast<std::size_t>(static_cast<day_number>(values.value[i]) - lo + 1)];
    std::partial_sum(start.begin(), start.end(), start.begin());
    for (std::size_t i = 0; i < n; ++i) {
      if (!values.valid[i]) continue;
      const auto day = static_cast<day_number>(values.value[i]);
      const auto at = static_cast<std::size_t>(start[static_cast<std::size_t>(day - lo)]++);
      s.rows[at] = static_cast<std::int32_t>(i);
      s.dates[at] = day;
    }
  }
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
        for (org_unit_index u : ctx.tree.units_at_level(level)) {
          slot_of[static_cast<std::size_t>(u.value)] = static_cast<std::int32_t>(ctx.slot_unit.size());
          ctx.slot_unit.push_back(u);
        }
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
    j.end_only = j.placing != placing_kind::event &&
                 j.where_text.find("analytics_period_start") == std::string::npos &&
                 j.value_text.find("analytics_period_start") == std::string::npos &&
                 j.where_text.find("[days]") == std::string::npos &&
                 j.value_text.find("[days]") == std::string::npos;
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

  // Run (group, period) tasks on all cores: first every task whose results cannot be
  // borrowed, then the stock tasks of periods ending on a day already computed.
  {
    struct task {
      std::size_t group, period;
      std::ptrdiff_t same_end_as;
    };
    std::vector<task> first, second;
    for (std::size_t gi = 0; gi < groups.size(); ++gi)
      for (std::size_t pi = 0; pi < request.periods.size(); ++pi) {
        std::ptrdiff_t same = -1;
        if (groups[gi].placing != placing_kind::event)
          for (std::size_t q = 0; q < pi && same < 0; ++q)
            if (request.periods[q].end() == request.periods[pi].end() &&
                (groups[gi].placing != placing_kind::year ||
                 to_civil(request.periods[q].end()).year == to_civil(request.periods[pi].end()).year))
              same = static_cast<std::ptrdiff_t>(q);
        (same < 0 ? first : second).push_back(task{gi, pi, same});
      }
    unsigned threads = request.threads ? request.threads : std::thread::hardware_concurrency();
    threads = std::max(1u, threads);
    for (const std::vector<task>* phase : {&first, &second}) {
      std::atomic<std::size_t> next{0};
      std::exception_ptr failure;
      std::mutex failure_mutex;
      auto worker = [&] {
        for (;;) {
          const std::size_t t = next.fetch_add(1);
          if (t >= phase->size()) return;
          const task& k = (*phase)[t];
          try {
            run_task(ctx, groups[k.group], jobs, k.period, k.same_end_as);
          } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
          }
        }
      };
      std::vector<std::thread> pool;
      const unsigned n = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(phase->size(), 1)));
      for (unsigned i = 1; i < n; ++i) pool.emplace_back(worker);
      worker();
      for (auto& t : pool) t.join();
      if (failure) std::rethrow_exception(failure);
    }
    if (request.progress) request.progress("computing", first.size() + second.size(), first.size() + second.size());
  }

  // Targets by (indicator code, unit, start, end).
  struct target_sum {
    double value = 0;
    bool at_most = false;
  };
  std::map<std::tuple<std::string, std::int32_t, day_number, day_number, std::int32_t>, target_sum> targets;
  for (std::size_t i = 0; i < data.targets.size(); ++i) {
    const plan_index p = data.targets.plan[i];
    const std::int32_t agency = p.valid() ? data.plans.agency[p.value].value : -1;
    for (std::int32_t key_agency : {std::int32_t{-2}, agency}) {
      auto& t = targets[{std::string(data.targets.indicator[i]), data.targets.org_unit[i].value,
                         data.targets.period_start[i], data.targets.period_end[i], key_agency}];
      t.value += data.targets.value[i];
      t.at_most = data.targets.direction[i] == 1;
    }
  }

  // Assemble rows: indicator, period, then sorted by unit code and dimension codes.
  res.dimension.assign(ctx.dims.size(), {});
  // Rank of each code within its dimension (byte order; missing first).
  std::vector<std::vector<std::int32_t>> rank(ctx.dims.size());
  for (std::size_t d = 0; d < ctx.dims.size(); ++d) {
    const auto& vals = res.dimension_values[d];
    std::vector<std::int32_t> order(vals.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      return vals[static_cast<std::size_t>(a)] < vals[static_cast<std::size_t>(b)];
    });
    rank[d].assign(vals.size() + 1, 0);
    rank[d][vals.size()] = 0;
    for (std::size_t k = 0; k < order.size(); ++k) rank[d][static_cast<std::size_t>(order[k])] = static_cast<std::int32_t>(k + 1);
  }
  std::vector<std::size_t> slot_order(slot_count(ctx));
  std::iota(slot_order.begin(), slot_order.end(), 0);
  std::sort(slot_order.begin(), slot_order.end(), [&](std::size_t a, std::size_t b) {
    return data.org_units.code[static_cast<std::size_t>(ctx.slot_unit[a].value)] <
           data.org_units.code[static_cast<std::size_t>(ctx.slot_unit[b].value)];
  });

  struct pending {
    std::size_t slot;
    std::vector<std::int32_t> codes;  // per request dim, -1 = empty
    double num = 0;
    bool has_num;
    double den = 0;
    bool has_den;
    bool has_target;
    target_sum target;
  };
  std::vector<pending> rows;
  for (std::size_t ip = 0; ip < plans.size(); ++ip) {
    const indicator_plan& plan = plans[ip];
    const side_job& num = jobs[plan.numerator];
    const side_job* den = plan.denominator ? &jobs[*plan.denominator] : nullptr;
    const bool agency_only = plan.dims.size() == 1 &&
                             ctx.dims[static_cast<std::size_t>(plan.dims[0])].info->id == dimension_id::agency;
    const bool targets_apply = plan.dims.empty() || agency_only;
    for (std::size_t pi = 0; pi < request.periods.size(); ++pi) {
      const period& per = request.periods[pi];
      rows.clear();
      const auto& numerators = num.out[pi];
      auto lookup_target = [&](std::size_t slot, std::int32_t agency_code, target_sum& out) {
        auto it = targets.find({plan.def->code, ctx.slot_unit[slot].value, per.start(), per.end(),
                                agency_only ? agency_code : -2});
        if (it == targets.end()) return false;
        out = it->second;
        return true;
      };
      auto decode = [&](std::int64_t cell, std::vector<std::int32_t>& codes) {
        codes.assign(ctx.dims.size(), -1);
        for (std::size_t k = num.dims.size(); k-- > 0;) {
          const std::int64_t r = num.radix[k];
          const std::int64_t c = cell % r;
          cell /= r;
          const dim_spec& spec = ctx.dims[static_cast<std::size_t>(num.dims[k])];
          codes[static_cast<std::size_t>(num.dims[k])] = c == spec.domain ? -1 : static_cast<std::int32_t>(c);
        }
      };
      auto denominator_of = [&](std::size_t slot, const std::vector<std::int32_t>& codes,
                                double& value) -> bool {
        std::int64_t cell = 0;
        for (std::size_t k = 0; k < den->dims.size(); ++k) {
          const std::int32_t c = codes[static_cast<std::size_t>(den->dims[k])];
          const dim_spec& spec = ctx.dims[static_cast<std::size_t>(den->dims[k])];
          cell = cell * den->radix[k] + (c < 0 ? spec.domain : c);
        }
        const std::int64_t key = static_cast<std::int64_t>(slot) * den->cells + cell;
        const auto& cells_of = den->out[pi];
        auto it = std::lower_bound(cells_of.begin(), cells_of.end(), std::make_pair(key, -HUGE_VAL));
        if (it == cells_of.end() || it->first != key) return false;
        value = it->second;
        return true;
      };
      auto add_row = [&](std::size_t slot, std::int64_t cell, bool has_num, double value) {
        pending p;
        p.slot = slot;
        p.has_num = has_num;
        p.num = has_num ? value : 0.0;
        decode(cell, p.codes);
        p.has_target = false;
        if (targets_apply) {
          const std::int32_t agency_code = agency_only ? p.codes[static_cast<std::size_t>(plan.dims[0])] : -2;
          if (!agency_only || agency_code >= 0) p.has_target = lookup_target(slot, agency_code, p.target);
        }
        if ((!p.has_num || p.num == 0) && !p.has_target) return;
        if (!p.has_num && num.count_like) {
          p.has_num = true;
          p.num = 0;
        }
        p.has_den = den && denominator_of(slot, p.codes, p.den);
        if (den && !p.has_den && den->count_like) {
          // A count over no rows is 0 (its value stays empty).
          p.has_den = true;
          p.den = 0;
        }
        rows.push_back(std::move(p));
      };
      for (const auto& [key, value] : numerators)
        add_row(static_cast<std::size_t>(key / num.cells), key % num.cells, true, value);
      // Cells with a target but no numerator are written too (with 0 for counts).
      if (targets_apply) {
        for (const auto& [key, sum] : targets) {
          const auto& [code, unit, first, last, agency] = key;
          if (code != plan.def->code || first != per.start() || last != per.end()) continue;
          if (agency_only ? agency < 0 : agency != -2) continue;
          const std::int32_t slot = ctx.slot_of_unit[static_cast<std::size_t>(unit)];
          if (slot < 0) continue;
          const std::int64_t cell = agency_only ? agency : 0;
          const std::int64_t full = static_cast<std::int64_t>(slot) * num.cells + cell;
          auto it = std::lower_bound(numerators.begin(), numerators.end(), std::make_pair(full, -HUGE_VAL));
          if (it != numerators.end() && it->first == full) continue;
          add_row(static_cast<std::size_t>(slot), cell, false, 0.0);
        }
      }
      std::sort(rows.begin(), rows.end(), [&](const pending& a, const pending& b) {
        if (a.slot != b.slot) {
          const auto ca = data.org_units.code[static_cast<std::size_t>(ctx.slot_unit[a.slot].value)];
          const auto cb = data.org_units.code[static_cast<std::size_t>(ctx.slot_unit[b.slot].value)];
          if (ca != cb) return ca < cb;
        }
        for (std::size_t d = 0; d < ctx.dims.size(); ++d) {
          const auto ra = a.codes[d] < 0 ? 0 : rank[d][static_cast<std::size_t>(a.codes[d])];
          const auto rb = b.codes[d] < 0 ? 0 : rank[d][static_cast<std::size_t>(b.codes[d])];
          if (ra != rb) return ra < rb;
        }
        return false;
      });
      for (const pending& p : rows) {
        res.indicator.push_back(static_cast<std::uint32_t>(ip));
        res.period_index.push_back(static_cast<std::uint32_t>(pi));
        res.org_unit.push_back(ctx.slot_unit[p.slot]);
        for (std::size_t d = 0; d < ctx.dims.size(); ++d) res.dimension[d].push_back(p.codes[d]);
        res.numerator.push_back(p.num);
        res.has_numerator.push_back(p.has_num);
        res.denominator.push_back(p.has_den ? p.den : 0.0);
        res.has_denominator.push_back(p.has_den);
        double value = 0;
        bool has_value = false;
        if (p.has_num) {
          if (!den) {
            value = p.num;
            has_value = true;
          } else if (p.has_den && p.den != 0) {
            value = p.num / p.den * plan.def->factor;
            has_value = true;
          }
        }
        res.value.push_back(value);
        res.has_value.push_back(has_value);
        res.target.push_back(p.has_target ? p.target.value : 0.0);
        res.has_target.push_back(p.has_target);
        res.target_at_most.push_back(p.has_target && p.target.at_most);
      }
    }
  }
  return res;
}

}  // namespace safeguard::engine
