// The org-unit tree: levels, ancestors, subtrees and code order.
#include "safeguard/hierarchy/hierarchy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "safeguard/error.hpp"

namespace safeguard {
namespace {

// Units given as (code, parent code); "" for a root.
org_unit_table make_units(const std::vector<std::pair<std::string, std::string>>& rows) {
  org_unit_table t;
  for (const auto& [code, parent] : rows) {
    t.code.push_back(code);
    t.name.push_back("Unit " + code);
    t.kind.push_back(no_code);
    t.parent.emplace_back();
  }
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows.size(); ++j)
      if (rows[i].second == rows[j].first) t.parent[i] = org_unit_index(static_cast<std::int32_t>(j));
  return t;
}

std::vector<std::string> codes_of(const org_unit_table& t, const std::vector<org_unit_index>& v) {
  std::vector<std::string> out;
  for (org_unit_index u : v) out.emplace_back(t.code[static_cast<std::size_t>(u.value)]);
  return out;
}

org_unit_index at(std::int32_t i) { return org_unit_index(i); }

class HierarchyTest : public ::testing::Test {
 protected:
  // 22 (province) > 205 (district) > 7135, 7132 ; 22 > 193 > 6700 ; 22 > 20 ; 01 (second root).
  org_unit_table units = make_units({{"7135", "205"},
                                     {"22", ""},
                                     {"205", "22"},
                                     {"193", "22"},
                                     {"7132", "205"},
                                     {"6700", "193"},
                                     {"20", "22"},
                                     {"01", ""}});
  hierarchy h{units};
};

TEST_F(HierarchyTest, LevelsCountFromTheRoot) {
  EXPECT_EQ(h.size(), 8u);
  EXPECT_EQ(h.max_level(), 3);
  EXPECT_EQ(h.level(at(1)), 1);  // 22
  EXPECT_EQ(h.level(at(2)), 2);  // 205
  EXPECT_EQ(h.level(at(0)), 3);  // 7135
  EXPECT_EQ(h.level(at(7)), 1);  // 01
  EXPECT_FALSE(h.parent(at(1)).valid());
  EXPECT_EQ(h.parent(at(0)), at(2));
}

TEST_F(HierarchyTest, AncestorAtLevel) {
  EXPECT_EQ(h.ancestor_at_level(at(0), 1), at(1));
  EXPECT_EQ(h.ancestor_at_level(at(0), 2), at(2));
  EXPECT_EQ(h.ancestor_at_level(at(0), 3), at(0));
  EXPECT_FALSE(h.ancestor_at_level(at(2), 3).valid());  // deeper than the unit
  EXPECT_FALSE(h.ancestor_at_level(at(0), 0).valid());
  EXPECT_FALSE(h.ancestor_at_level(at(0), 4).valid());
  EXPECT_EQ(h.ancestor_at_level(at(7), 1), at(7));
}

TEST_F(HierarchyTest, AncestorOrSelf) {
  EXPECT_TRUE(h.is_ancestor_or_self(at(1), at(0)));
  EXPECT_TRUE(h.is_ancestor_or_self(at(2), at(0)));
  EXPECT_TRUE(h.is_ancestor_or_self(at(0), at(0)));
  EXPECT_FALSE(h.is_ancestor_or_self(at(0), at(2)));   // never a descendant
  EXPECT_FALSE(h.is_ancestor_or_self(at(3), at(0)));   // 193 is not above 7135
  EXPECT_FALSE(h.is_ancestor_or_self(at(7), at(0)));   // other root
  EXPECT_TRUE(h.is_ancestor_or_self(at(3), at(5)));
}

TEST_F(HierarchyTest, OrderIsByteOrderOfTheCode) {
  EXPECT_EQ(codes_of(units, h.roots()), (std::vector<std::string>{"01", "22"}));
  EXPECT_EQ(codes_of(units, h.children(at(1))), (std::vector<std::string>{"193", "20", "205"}));
  EXPECT_EQ(codes_of(units, h.children(at(2))), (std::vector<std::string>{"7132", "7135"}));
  EXPECT_TRUE(h.children(at(0)).empty());
  EXPECT_EQ(codes_of(units, h.units_at_level(1)), (std::vector<std::string>{"01", "22"}));
  EXPECT_EQ(codes_of(units, h.units_at_level(2)), (std::vector<std::string>{"193", "20", "205"}));
  EXPECT_EQ(codes_of(units, h.units_at_level(3)),
            (std::vector<std::string>{"6700", "7132", "7135"}));
  EXPECT_TRUE(h.units_at_level(0).empty());
  EXPECT_TRUE(h.units_at_level(4).empty());
}

TEST(Hierarchy, VietnameseCodesSortByBytes) {
  const org_unit_table t = make_units({{"Đ", ""}, {"Z", ""}, {"a", ""}});
  const hierarchy h(t);
  // 'Z' (0x5A) < 'a' (0x61) < 'Đ' (0xC4 0x90).
  EXPECT_EQ(codes_of(t, h.roots()), (std::vector<std::string>{"Z", "a", "Đ"}));
}

TEST(Hierarchy, EmptyTableGivesAnEmptyHierarchy) {
  const hierarchy h(org_unit_table{});
  EXPECT_EQ(h.size(), 0u);
  EXPECT_EQ(h.max_level(), 0);
  EXPECT_TRUE(h.roots().empty());
  EXPECT_TRUE(h.units_at_level(1).empty());
  const hierarchy d;
  EXPECT_EQ(d.size(), 0u);
}

TEST(Hierarchy, DeepChainDoesNotRecurse) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (int i = 0; i < 200; ++i)
    rows.emplace_back("u" + std::to_string(i), i == 0 ? "" : "u" + std::to_string(i - 1));
  const org_unit_table t = make_units(rows);
  const hierarchy h(t);
  EXPECT_EQ(h.max_level(), 200);
  EXPECT_EQ(h.ancestor_at_level(at(199), 1), at(0));
  EXPECT_TRUE(h.is_ancestor_or_self(at(0), at(199)));
}

TEST(Hierarchy, CycleThrows) {
  const org_unit_table t = make_units({{"a", "c"}, {"b", "a"}, {"c", "b"}, {"r", ""}});
  try {
    const hierarchy h(t);
    FAIL() << "no exception";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
  }
  const org_unit_table self = make_units({{"a", "a"}});
  EXPECT_THROW(hierarchy{self}, error);
}

TEST(Hierarchy, ParentOutOfRangeThrows) {
  org_unit_table t = make_units({{"a", ""}});
  t.parent[0] = org_unit_index(5);
  EXPECT_THROW(hierarchy{t}, error);
}

}  // namespace
}  // namespace safeguard
