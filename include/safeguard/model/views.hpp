// Read-only views of one row of a dataset table, for C++ users who want to walk records
// ("for each case of this child") rather than columns. A view is a dataset reference and a
// row index: cheap to copy, valid as long as the dataset is alive and unchanged. Missing
// values come back as std::nullopt, codes as their text in the code list.
//
//   for (safeguard::case_view c : safeguard::cases(ds))
//     if (c.has_concern_group("abuse")) ... c.child().age_at(c.reported_date()) ...
//
// The engine never uses views: it works on whole columns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "safeguard/model/calendar.hpp"
#include "safeguard/model/codes.hpp"
#include "safeguard/model/dataset.hpp"

namespace safeguard {

namespace detail {

inline std::optional<std::string_view> code_text(const code_list& list, code c) noexcept {
  if (c == no_code || c >= list.size()) return std::nullopt;
  return list[c].code;
}

inline std::optional<day_number> optional_day(day_number d) noexcept {
  if (d == no_day) return std::nullopt;
  return d;
}

inline std::optional<bool> optional_flag(flag f) noexcept {
  if (f == no_flag) return std::nullopt;
  return f != 0;
}

inline std::optional<std::string_view> dictionary_text(const dictionary& d,
                                                       std::int32_t i) noexcept {
  if (i < 0 || static_cast<std::size_t>(i) >= d.values.size()) return std::nullopt;
  return std::string_view(d.values[static_cast<std::size_t>(i)]);
}

inline bool has_code(code_set set, const code_list& list, std::string_view text) noexcept {
  const std::optional<code> c = list.find(text);
  return c && (set & (code_set{1} << *c)) != 0;
}

}  // namespace detail

/// A row of org_units.
class org_unit_view {
 public:
  org_unit_view(const dataset& ds, org_unit_index i) noexcept : ds_(&ds), i_(i) {}
  org_unit_index index() const noexcept { return i_; }
  std::string_view code() const noexcept { return ds_->org_units.code[row()]; }
  std::string_view name() const noexcept { return ds_->org_units.name[row()]; }
  /// The parent unit; nullopt for a root.
  std::optional<org_unit_view> parent() const noexcept {
    const org_unit_index p = ds_->org_units.parent[row()];
    if (!p.valid()) return std::nullopt;
    return org_unit_view(*ds_, p);
  }
  std::optional<std::string_view> kind() const noexcept {
    return detail::code_text(codes::org_unit_kind(), ds_->org_units.kind[row()]);
  }

 private:
  std::size_t row() const noexcept { return static_cast<std::size_t>(i_.value); }
  const dataset* ds_;
  org_unit_index i_;
};

/// A row of agencies.
class agency_view {
 public:
  agency_view(const dataset& ds, agency_index i) noexcept : ds_(&ds), i_(i) {}
  agency_index index() const noexcept { return i_; }
  std::string_view code() const noexcept { return ds_->agencies.code[row()]; }
  std::string_view name() const noexcept { return ds_->agencies.name[row()]; }
  std::string_view kind() const noexcept {
    return detail::code_text(codes::agency_kind(), ds_->agencies.kind[row()]).value_or("");
  }
  org_unit_view org_unit() const noexcept {
    return org_unit_view(*ds_, ds_->agencies.org_unit[row()]);
  }

 private:
  std::size_t row() const noexcept { return static_cast<std::size_t>(i_.value); }
  const dataset* ds_;
  agency_index i_;
};

/// A row of children.
class child_view {
 public:
  child_view(const dataset& ds, child_index i) noexcept : ds_(&ds), i_(i) {}
  child_index index() const noexcept { return i_; }
  std::string_view id() const noexcept { return t().id[row()]; }
  day_number birth_date() const noexcept { return t().birth_date[row()]; }
  /// "f", "m" or "u".
  std::string_view sex() const noexcept {
    return detail::code_text(codes::sex(), t().sex[row()]).value_or("");
  }
  org_unit_view org_unit() const noexcept { return org_unit_view(*ds_, t().org_unit[row()]); }
  std::optional<std::string_view> ethnicity() const noexcept {
    return detail::dictionary_text(t().ethnicities, t().ethnicity[row()]);
  }
  std::optional<bool> disability() const noexcept {
    return detail::optional_flag(t().disability[row()]);
  }
  day_number registered_date() const noexcept { return t().registered_date[row()]; }
  std::optional<day_number> exit_date() const noexcept {
    return detail::optional_day(t().exit_date[row()]);
  }
  std::optional<std::string_view> exit_reason() const noexcept {
    return detail::code_text(codes::exit_reason(), t().exit_reason[row()]);
  }
  /// Age in completed years on day `d` (counting rules: 29 February birthdays fall on 1 March).
  int age_at(day_number d) const noexcept { return age_in_years(birth_date(), d); }
  /// On the register at `d`: registered_date ≤ d and (no exit_date or exit_date > d).
  bool on_register(day_number d) const noexcept {
    const day_number exit = t().exit_date[row()];
    return registered_date() <= d && (exit == no_day || exit > d);
  }

 private:
  const child_table& t() const noexcept { return ds_->children; }
  std::size_t row() const noexcept { return static_cast<std::size_t>(i_.value); }
  const dataset* ds_;
  child_index i_;
};

/// A row of circumstances.
class circumstance_view {
 public:
  circumstance_view(const dataset& ds, std::size_t row) noexcept : ds_(&ds), row_(row) {}
  child_view child() const noexcept { return child_view(*ds_, t().child[row_]); }
  std::string_view circumstance() const noexcept {
    return detail::code_text(codes::circumstance(), t().circumstance[row_]).value_or("");
  }
  day_number start_date() const noexcept { return t().start_date[row_]; }
  std::optional<day_number> end_date() const noexcept {
    return detail::optional_day(t().end_date[row_]);
  }
  /// Active at `d`: start_date ≤ d and (no end_date or end_date > d).
  bool active_at(day_number d) const noexcept {
    const day_number end = t().end_date[row_];
    return start_date() <= d && (end == no_day || end > d);
  }

 private:
  const circumstance_table& t() const noexcept { return ds_->circumstances; }
  const dataset* ds_;
  std::size_t row_;
};

/// A row of cases.
class case_view {
 public:
  case_view(const dataset& ds, case_index i) noexcept : ds_(&ds), i_(i) {}
  case_index index() const noexcept { return i_; }
  std::string_view id() const noexcept { return t().id[row()]; }
  child_view child() const noexcept { return child_view(*ds_, t().child[row()]); }
  day_number reported_date() const noexcept { return t().reported_date[row()]; }
  /// The report's date and, when given, minute of the day.
  date_time reported() const noexcept {
    return date_time{t().reported_date[row()], t().reported_minute[row()]};
  }
  code_set concerns() const noexcept { return t().concerns[row()]; }
  /// True when `concern` (a code of codes::concern()) is listed; false for an unknown code.
  bool has_concern(std::string_view concern) const noexcept {
    return detail::has_code(concerns(), codes::concern(), concern);
  }
  /// True when a listed concern belongs to `group` (abuse, injury, risk, other).
  bool has_concern_group(std::string_view group) const noexcept {
    return detail::has_code(codes::groups_of_concerns(concerns()), codes::concern_group(), group);
  }
  org_unit_view org_unit() const noexcept { return org_unit_view(*ds_, t().org_unit[row()]); }
  std::optional<agency_view> lead_agency() const noexcept {
    const agency_index a = t().lead_agency[row()];
    if (!a.valid()) return std::nullopt;
    return agency_view(*ds_, a);
  }
  std::optional<std::string_view> source() const noexcept {
    return detail::code_text(codes::source(), t().source[row()]);
  }
  std::optional<std::string_view> setting() const noexcept {
    return detail::code_text(codes::setting(), t().setting[row()]);
  }
  std::optional<std::string_view> perpetrator() const noexcept {
    return detail::code_text(codes::perpetrator(), t().perpetrator[row()]);
  }
  std::optional<std::string_view> level() const noexcept {
    return detail::code_text(codes::protection_level(), t().level[row()]);
  }
  std::optional<std::string_view> risk() const noexcept {
    return detail::code_text(codes::risk(), t().risk[row()]);
  }
  std::optional<std::string_view> outcome() const noexcept {
    return detail::code_text(codes::outcome(), t().outcome[row()]);
  }
  std::optional<day_number> incident_date() const noexcept {
    return detail::optional_day(t().incident_date[row()]);
  }
  /// When an emergency measure was taken; nullopt when none was.
  std::optional<date_time> emergency() const noexcept {
    if (t().emergency_date[row()] == no_day) return std::nullopt;
    return date_time{t().emergency_date[row()], t().emergency_minute[row()]};
  }
  std::optional<day_number> assessed_date() const noexcept {
    return detail::optional_day(t().assessed_date[row()]);
  }
  std::optional<day_number> plan_date() const noexcept {
    return detail::optional_day(t().plan_date[row()]);
  }
  std::optional<day_number> closed_date() const noexcept {
    return detail::optional_day(t().closed_date[row()]);
  }
  std::optional<std::string_view> closure_reason() const noexcept {
    return detail::code_text(codes::closure_reason(), t().closure_reason[row()]);
  }
  /// False when the family refused the use of the case in statistics.
  bool consent_reporting() const noexcept { return t().consent_reporting[row()] != 0; }
  /// Open at `d`: reported_date ≤ d and (not closed or closed_date > d).
  bool open_at(day_number d) const noexcept {
    const day_number closed = t().closed_date[row()];
    return reported_date() <= d && (closed == no_day || closed > d);
  }

 private:
  const case_table& t() const noexcept { return ds_->cases; }
  std::size_t row() const noexcept { return static_cast<std::size_t>(i_.value); }
  const dataset* ds_;
  case_index i_;
};

/// A row of services.
class service_view {
 public:
  service_view(const dataset& ds, std::size_t row) noexcept : ds_(&ds), row_(row) {}
  case_view case_() const noexcept { return case_view(*ds_, t().case_[row_]); }
  day_number date() const noexcept { return t().date[row_]; }
  std::string_view service() const noexcept {
    return detail::code_text(codes::service(), t().service[row_]).value_or("");
  }
  std::optional<agency_view> agency() const noexcept {
    const agency_index a = t().agency[row_];
    if (!a.valid()) return std::nullopt;
    return agency_view(*ds_, a);
  }
  std::optional<bool> referred() const noexcept { return detail::optional_flag(t().referred[row_]); }

 private:
  const service_table& t() const noexcept { return ds_->services; }
  const dataset* ds_;
  std::size_t row_;
};

/// A row of activities (defaults already applied by the loader).
class activity_view {
 public:
  activity_view(const dataset& ds, std::size_t row) noexcept : ds_(&ds), row_(row) {}
  std::string_view id() const noexcept { return t().id[row_]; }
  agency_view agency() const noexcept { return agency_view(*ds_, t().agency[row_]); }
  std::string_view kind() const noexcept {
    return detail::code_text(codes::activity_kind(), t().kind[row_]).value_or("");
  }
  day_number start_date() const noexcept { return t().start_date[row_]; }
  day_number end_date() const noexcept { return t().end_date[row_]; }
  org_unit_view org_unit() const noexcept { return org_unit_view(*ds_, t().org_unit[row_]); }
  code_set topics() const noexcept { return t().topics[row_]; }
  bool has_topic(std::string_view topic) const noexcept {
    return detail::has_code(topics(), codes::topic(), topic);
  }
  code_set audiences() const noexcept { return t().audiences[row_]; }
  bool has_audience(std::string_view audience) const noexcept {
    return detail::has_code(audiences(), codes::audience(), audience);
  }
  std::int64_t sessions() const noexcept { return t().sessions[row_]; }
  std::int64_t participants() const noexcept { return t().participants[row_]; }
  std::int64_t child_participants() const noexcept { return t().child_participants[row_]; }
  std::int64_t quantity() const noexcept { return t().quantity[row_]; }
  std::optional<std::string_view> programme() const noexcept {
    return detail::dictionary_text(t().programmes, t().programme[row_]);
  }

 private:
  const activity_table& t() const noexcept { return ds_->activities; }
  const dataset* ds_;
  std::size_t row_;
};

/// A row of plans.
class plan_view {
 public:
  plan_view(const dataset& ds, plan_index i) noexcept : ds_(&ds), i_(i) {}
  plan_index index() const noexcept { return i_; }
  std::string_view id() const noexcept { return t().id[row()]; }
  agency_view agency() const noexcept { return agency_view(*ds_, t().agency[row()]); }
  std::string_view title() const noexcept { return t().title[row()]; }
  day_number start_date() const noexcept { return t().start_date[row()]; }
  day_number end_date() const noexcept { return t().end_date[row()]; }
  org_unit_view org_unit() const noexcept { return org_unit_view(*ds_, t().org_unit[row()]); }
  std::optional<std::string_view> programme() const noexcept {
    return detail::dictionary_text(t().programmes, t().programme[row()]);
  }

 private:
  const plan_table& t() const noexcept { return ds_->plans; }
  std::size_t row() const noexcept { return static_cast<std::size_t>(i_.value); }
  const dataset* ds_;
  plan_index i_;
};

/// A row of targets (defaults already applied by the loader).
class target_view {
 public:
  target_view(const dataset& ds, std::size_t row) noexcept : ds_(&ds), row_(row) {}
  plan_view plan() const noexcept { return plan_view(*ds_, t().plan[row_]); }
  std::string_view indicator() const noexcept { return t().indicator[row_]; }
  double value() const noexcept { return t().value[row_]; }
  /// "at_least" or "at_most".
  std::string_view direction() const noexcept {
    return detail::code_text(codes::direction(), t().direction[row_]).value_or("");
  }
  org_unit_view org_unit() const noexcept { return org_unit_view(*ds_, t().org_unit[row_]); }
  /// The period as written; empty when it defaulted to the plan's span.
  std::string_view period() const noexcept { return t().period[row_]; }
  day_number period_start() const noexcept { return t().period_start[row_]; }
  day_number period_end() const noexcept { return t().period_end[row_]; }

 private:
  const target_table& t() const noexcept { return ds_->targets; }
  const dataset* ds_;
  std::size_t row_;
};

/// Every row of one table as views, for range-for loops.
template <class View>
class view_range {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = View;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = View;

    iterator(const dataset* ds, std::size_t row) noexcept : ds_(ds), row_(row) {}
    View operator*() const noexcept { return make(); }
    iterator& operator++() noexcept {
      ++row_;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++row_;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.row_ == b.row_;
    }
    friend bool operator!=(const iterator& a, const iterator& b) noexcept {
      return a.row_ != b.row_;
    }

   private:
    View make() const noexcept {
      if constexpr (std::is_constructible_v<View, const dataset&, std::size_t>)
        return View(*ds_, row_);
      else
        return View(*ds_, decltype(std::declval<View>().index())(static_cast<std::int32_t>(row_)));
    }
    const dataset* ds_;
    std::size_t row_;
  };

  view_range(const dataset& ds, std::size_t size) noexcept : ds_(&ds), size_(size) {}
  iterator begin() const noexcept { return iterator(ds_, 0); }
  iterator end() const noexcept { return iterator(ds_, size_); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  View operator[](std::size_t row) const noexcept { return *iterator(ds_, row); }

 private:
  const dataset* ds_;
  std::size_t size_;
};

/// The rows of each table as views: `for (child_view c : children(ds)) ...`.
inline view_range<org_unit_view> org_units(const dataset& ds) noexcept {
  return {ds, ds.org_units.size()};
}
inline view_range<agency_view> agencies(const dataset& ds) noexcept {
  return {ds, ds.agencies.size()};
}
inline view_range<child_view> children(const dataset& ds) noexcept {
  return {ds, ds.children.size()};
}
inline view_range<circumstance_view> circumstances(const dataset& ds) noexcept {
  return {ds, ds.circumstances.size()};
}
inline view_range<case_view> cases(const dataset& ds) noexcept { return {ds, ds.cases.size()}; }
inline view_range<service_view> services(const dataset& ds) noexcept {
  return {ds, ds.services.size()};
}
inline view_range<activity_view> activities(const dataset& ds) noexcept {
  return {ds, ds.activities.size()};
}
inline view_range<plan_view> plans(const dataset& ds) noexcept { return {ds, ds.plans.size()}; }
inline view_range<target_view> targets(const dataset& ds) noexcept {
  return {ds, ds.targets.size()};
}

}  // namespace safeguard
