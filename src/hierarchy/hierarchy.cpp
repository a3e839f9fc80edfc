// Building the org-unit tree once: levels, children and roots ordered by code, a table of
// ancestors per level, and an Euler tour so that "is a an ancestor of u" is two comparisons.
#include "safeguard/hierarchy/hierarchy.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "safeguard/error.hpp"

namespace safeguard {

namespace {

void sort_by_code(std::vector<org_unit_index>& units, const string_column& codes) {
  // Byte order of the code string: what std::string_view's comparison does.
  std::sort(units.begin(), units.end(), [&](org_unit_index a, org_unit_index b) {
    const std::string_view x = codes[static_cast<std::size_t>(a.value)];
    const std::string_view y = codes[static_cast<std::size_t>(b.value)];
    return x < y || (x == y && a.value < b.value);
  });
}

}  // namespace

hierarchy::hierarchy(const org_unit_table& units) {
  const std::size_t n = units.size();
  if (units.parent.size() != n)
    throw error("hierarchy: org_units.parent has " + std::to_string(units.parent.size()) +
                " rows but org_units.code has " + std::to_string(n));
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error("hierarchy: too many org units");
  parent_ = units.parent;
  for (std::size_t i = 0; i < n; ++i) {
    const org_unit_index p = parent_[i];
    if (p.valid() && static_cast<std::size_t>(p.value) >= n)
      throw error("hierarchy: org unit at row " + std::to_string(i) +
                  " has a parent index out of range");
    if (!p.valid() && p.value != -1)
      throw error("hierarchy: org unit at row " + std::to_string(i) +
                  " has a negative parent index");
  }

  // Levels by walking up each unvisited chain once; `state` 1 marks the chain in progress,
  // so meeting it again means a cycle.
  level_.assign(n, 0);
  std::vector<std::uint8_t> state(n, 0);
  std::vector<std::int32_t> chain;
  for (std::size_t start = 0; start < n; ++start) {
    if (state[start] == 2) continue;
    chain.clear();
    std::int32_t u = static_cast<std::int32_t>(start);
    int base = 0;
    while (true) {
      if (state[static_cast<std::size_t>(u)] == 2) {
        base = level_[static_cast<std::size_t>(u)];
        break;
      }
      if (state[static_cast<std::size_t>(u)] == 1)
        throw error("hierarchy: the parent column has a cycle through the org unit '" +
                    std::string(units.code[static_cast<std::size_t>(u)]) + "'");
      state[static_cast<std::size_t>(u)] = 1;
      chain.push_back(u);
      const org_unit_index p = parent_[static_cast<std::size_t>(u)];
      if (!p.valid()) break;
      u = p.value;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      ++base;
      if (base > std::numeric_limits<std::uint8_t>::max())
        throw error("hierarchy: deeper than 255 levels");
      level_[static_cast<std::size_t>(*it)] = static_cast<std::uint8_t>(base);
      state[static_cast<std::size_t>(*it)] = 2;
    }
  }
  max_level_ = 0;
  for (std::uint8_t l : level_) max_level_ = std::max(max_level_, static_cast<int>(l));

  children_.assign(n, {});
  by_level_.assign(static_cast<std::size_t>(max_level_), {});
  for (std::size_t i = 0; i < n; ++i) {
    const org_unit_index u(static_cast<std::int32_t>(i));
    if (parent_[i].valid())
      children_[static_cast<std::size_t>(parent_[i].value)].push_back(u);
    else
      roots_.push_back(u);
    by_level_[level_[i] - 1u].push_back(u);
  }
  sort_by_code(roots_, units.code);
  for (auto& c : children_) sort_by_code(c, units.code);
  for (auto& l : by_level_) sort_by_code(l, units.code);

  // Parents have smaller levels, so filling level by level sees each parent's row filled.
  ancestor_by_level_.assign(static_cast<std::size_t>(max_level_),
                            std::vector<org_unit_index>(n));
  for (int level = 1; level <= max_level_; ++level) {
    auto& row = ancestor_by_level_[static_cast<std::size_t>(level - 1)];
    for (int l = level; l <= max_level_; ++l)
      for (org_unit_index u : by_level_[static_cast<std::size_t>(l - 1)])
        row[static_cast<std::size_t>(u.value)] =
            l == level ? u : row[static_cast<std::size_t>(parent_[u.value].value)];
  }

  // Euler tour without recursion (a degenerate chain must not overflow the stack).
  enter_.assign(n, 0);
  leave_.assign(n, 0);
  std::int32_t clock = 0;
  std::vector<std::pair<org_unit_index, std::size_t>> stack;
  for (org_unit_index root : roots_) {
    stack.emplace_back(root, 0);
    enter_[static_cast<std::size_t>(root.value)] = clock++;
    while (!stack.empty()) {
      auto& [u, next] = stack.back();
      const auto& kids = children_[static_cast<std::size_t>(u.value)];
      if (next < kids.size()) {
        const org_unit_index c = kids[next++];
        enter_[static_cast<std::size_t>(c.value)] = clock++;
        stack.emplace_back(c, 0);
      } else {
        leave_[static_cast<std::size_t>(u.value)] = clock;
        stack.pop_back();
      }
    }
  }
}

const std::vector<org_unit_index>& hierarchy::units_at_level(int level) const {
  static const std::vector<org_unit_index> none;
  if (level < 1 || level > max_level_) return none;
  return by_level_[static_cast<std::size_t>(level - 1)];
}

}  // namespace safeguard
