// The code lists: order, labels, groups.
#include "safeguard/model/codes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace safeguard {
namespace {

bool is_snake_case(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

TEST(Codes, EveryListHasUniqueSnakeCaseCodesAndBothLabels) {
  std::size_t count = 0;
  const code_list* const* lists = codes::all(count);
  ASSERT_EQ(count, 19u);
  std::set<std::string_view> names;
  for (std::size_t l = 0; l < count; ++l) {
    const code_list& list = *lists[l];
    EXPECT_TRUE(names.insert(list.name()).second) << list.name();
    EXPECT_GT(list.size(), 0u);
    EXPECT_LT(list.size(), static_cast<std::size_t>(no_code));
    std::set<std::string_view> seen;
    for (const code_entry& e : list) {
      EXPECT_TRUE(seen.insert(e.code).second) << list.name() << ": " << e.code;
      EXPECT_TRUE(is_snake_case(e.code) || list.name() == "sex") << e.code;
      EXPECT_FALSE(e.vi.empty()) << e.code;
      EXPECT_FALSE(e.en.empty()) << e.code;
      EXPECT_EQ(list.find(e.code), static_cast<code>(&e - list.begin()));
    }
    EXPECT_FALSE(list.find("no_such_code").has_value());
  }
}

TEST(Codes, ListsFollowTheSpecOrder) {
  EXPECT_EQ(codes::sex()[0].code, "f");
  EXPECT_EQ(codes::sex()[1].code, "m");
  EXPECT_EQ(codes::sex()[2].code, "u");
  EXPECT_EQ(codes::org_unit_kind()[0].code, "country");
  EXPECT_EQ(codes::org_unit_kind()[10].code, "special_zone");
  EXPECT_EQ(codes::circumstance().size(), 15u);
  EXPECT_EQ(codes::circumstance()[0].code, "orphan");
  EXPECT_EQ(codes::circumstance()[14].code, "at_risk");
  EXPECT_EQ(codes::concern().size(), 22u);
  EXPECT_EQ(codes::concern()[0].code, "physical_violence");
  EXPECT_EQ(codes::concern()[21].code, "other");
  EXPECT_EQ(codes::source()[0].code, "hotline_111");
  EXPECT_EQ(codes::agency_kind().size(), 17u);
  EXPECT_EQ(codes::activity_kind().size(), 12u);
  EXPECT_EQ(codes::topic().size(), 20u);
  EXPECT_EQ(codes::audience().size(), 6u);
  EXPECT_EQ(codes::closure_reason().size(), 9u);
  EXPECT_EQ(codes::direction()[0].code, "at_least");
  EXPECT_EQ(codes::direction()[1].code, "at_most");
}

TEST(Codes, VietnameseLabelsKeepTheirDiacritics) {
  EXPECT_EQ(codes::circumstance()[0].vi, "Trẻ em mồ côi cả cha và mẹ");
  EXPECT_EQ(codes::concern()[*codes::concern().find("drowning")].vi, "Đuối nước");
  EXPECT_EQ(codes::concern()[*codes::concern().find("child_marriage")].vi, "Tảo hôn");
  EXPECT_EQ(codes::org_unit_kind()[*codes::org_unit_kind().find("ward")].vi, "Phường");
}

TEST(Codes, EveryConcernHasAGroupOfTheGroupList) {
  const code_list& concerns = codes::concern();
  for (std::size_t i = 0; i < concerns.size(); ++i) {
    const code g = codes::group_of_concern(static_cast<code>(i));
    ASSERT_NE(g, no_code) << concerns[i].code;
    EXPECT_EQ(codes::concern_group()[g].code, concerns[i].group);
  }
  EXPECT_EQ(codes::group_of_concern(no_code), no_code);
}

TEST(Codes, GroupsOfConcernsUnionsTheGroups) {
  const code_list& c = codes::concern();
  const code_list& g = codes::concern_group();
  const code_set abuse_and_injury =
      (code_set{1} << *c.find("neglect")) | (code_set{1} << *c.find("drowning")) |
      (code_set{1} << *c.find("sexual_abuse"));
  EXPECT_EQ(codes::groups_of_concerns(abuse_and_injury),
            (code_set{1} << *g.find("abuse")) | (code_set{1} << *g.find("injury")));
  EXPECT_EQ(codes::groups_of_concerns(0), 0u);
  EXPECT_EQ(codes::groups_of_concerns(code_set{1} << *c.find("other")),
            code_set{1} << *g.find("other"));
}

}  // namespace
}  // namespace safeguard
