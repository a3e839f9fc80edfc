// The org-unit tree: levels, ancestors and subtrees, computed once from org_units' parent
// column so that placing a record at its unit and every ancestor is a few array reads.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "safeguard/model/dataset.hpp"

namespace safeguard {

/// The administrative hierarchy of a dataset. A root is level 1, its children level 2, ...
/// Several roots are allowed. Built from a parent column that has no cycle (the loader
/// checks that; the constructor throws safeguard::error on a cycle or a bad parent).
class hierarchy {
 public:
  hierarchy() = default;
  explicit hierarchy(const org_unit_table& units);

  std::size_t size() const noexcept { return level_.size(); }
  /// Depth of the deepest unit (0 for an empty hierarchy).
  int max_level() const noexcept { return max_level_; }
  /// The level of a unit, 1 for a root.
  int level(org_unit_index u) const noexcept { return level_[u.value]; }
  org_unit_index parent(org_unit_index u) const noexcept { return parent_[u.value]; }
  /// The ancestor of `u` at `level` (u itself when level == level(u)); invalid when
  /// `level` is deeper than u's or out of range. O(1).
  org_unit_index ancestor_at_level(org_unit_index u, int level) const noexcept {
    if (level < 1 || level > max_level_) return org_unit_index{};
    return ancestor_by_level_[static_cast<std::size_t>(level - 1)][u.value];
  }
  /// True when `a` is `u` or one of its ancestors. O(1).
  bool is_ancestor_or_self(org_unit_index a, org_unit_index u) const noexcept {
    return enter_[a.value] <= enter_[u.value] && enter_[u.value] < leave_[a.value];
  }
  /// The units of one level, ordered by code.
  const std::vector<org_unit_index>& units_at_level(int level) const;
  /// Direct children of a unit, ordered by code.
  const std::vector<org_unit_index>& children(org_unit_index u) const noexcept {
    return children_[u.value];
  }
  /// Roots ordered by code.
  const std::vector<org_unit_index>& roots() const noexcept { return roots_; }

 private:
  std::vector<org_unit_index> parent_;
  std::vector<std::uint8_t> level_;
  int max_level_ = 0;
  std::vector<std::vector<org_unit_index>> ancestor_by_level_;
  std::vector<std::int32_t> enter_, leave_;  // Euler-tour interval of each subtree
  std::vector<std::vector<org_unit_index>> children_;
  std::vector<std::vector<org_unit_index>> by_level_;
  std::vector<org_unit_index> roots_;
};

}  // namespace safeguard
