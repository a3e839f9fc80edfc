// Catalogue files: the embedded standard catalogue, and every error a hand-edited file can have.
#include "safeguard/engine/catalogue.hpp"

#include <gtest/gtest.h>

namespace sg = safeguard;
using sg::engine::catalogue;

namespace {

std::vector<sg::diagnostic> check(const std::string& text) { return catalogue::check(text, "mine.yaml"); }

bool has(const std::vector<sg::diagnostic>& ds, const std::string& column_name, std::uint64_t line,
         const std::string& expected_part) {
  for (const auto& d : ds)
    if (d.column_name == column_name && d.line == line &&
        d.expected.find(expected_part) != std::string::npos)
      return true;
  return false;
}

std::string dump(const std::vector<sg::diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.to_string() + "\n";
  return s;
}

}  // namespace

TEST(StandardCatalogue, HoldsEveryIndicatorOfTheSpecInOrder) {
  const std::vector<std::string> spec_order = {
      "CHILD_POP", "CHILD_POP_0_17", "REG_CHILDREN", "CSC_CHILDREN", "CSC_PCT",
      "CSC_ASSISTED_PCT", "AT_RISK_CHILDREN", "CASES_NEW", "ABUSE_CASES", "ABUSED_CHILDREN",
      "ABUSE_RATE", "SEXUAL_ABUSE_CHILDREN", "ABUSED_SUPPORTED_PCT", "HOTLINE_SHARE",
      "EMERGENCY_12H_PCT", "PLAN_7WD_PCT", "CASE_PLAN_PCT", "OPEN_CASES", "CASES_CLOSED",
      "DAYS_TO_CLOSE_MEDIAN", "REFERRAL_PCT", "SERVICES_PROVIDED", "INJURY_RATE",
      "INJURY_DEATH_RATE", "DROWNING_DEATHS", "DROWNING_DEATH_RATE", "DIRECTIVES", "TRAININGS",
      "TRAINING_PARTICIPANTS", "COMM_SESSIONS", "COMM_REACH", "CHILD_REACH", "MEDIA_ITEMS",
      "UNITS_REACHED", "SUPPORT_GIVEN", "FACILITIES_BUILT"};
  const catalogue& cat = catalogue::standard();
  ASSERT_EQ(cat.size(), spec_order.size());
  for (std::size_t i = 0; i < spec_order.size(); ++i) {
    const auto& d = cat.indicators()[i];
    EXPECT_EQ(d.code, spec_order[i]);
    EXPECT_FALSE(d.name.vi.empty()) << d.code;
    EXPECT_FALSE(d.name.en.empty()) << d.code;
    EXPECT_FALSE(d.legal_source.empty()) << d.code;
  }
  EXPECT_EQ(cat.find("CHILD_POP_0_17")->max_age, 17);
  EXPECT_EQ(cat.find("ABUSE_RATE")->factor, 100000);
  EXPECT_EQ(cat.resolve("ABUSE_RATE").code, "ABUSED_CHILDREN");
  EXPECT_EQ(cat.find("OPEN_CASES")->numerator.placing, sg::engine::placing_kind::stock);
  EXPECT_EQ(cat.find("CASES_CLOSED")->numerator.date_column, "closed_date");
}

TEST(CatalogueCheck, AcceptsAValidUserCatalogue) {
  const auto ds = check(
      "version: 1\n"
      "indicators:\n"
      "  - code: FAMILY_ABUSE\n"
      "    name: {en: Abuse in the family, vi: Xâm hại trong gia đình}\n"
      "    numerator:\n"
      "      from: cases\n"
      "      where: \"contains(concern_groups, 'abuse') && setting == 'family'\"\n"
      "      value: count(case_id)\n"
      "    dimensions: [sex, concern]\n"
      "    ages: 0-17\n");
  EXPECT_TRUE(ds.empty()) << dump(ds);
}

TEST(CatalogueCheck, ReportsEveryProblemWithItsLine) {
  const auto ds = check(
      "indicators:\n"
      "  - code: bad code\n"                       // line 2
      "    name: {en: X}\n"
      "    colour: red\n"                          // line 4: unknown key
      "    numerator: {from: kids, value: 'count(child_id)'}\n"  // line 5: unknown table
      "  - code: B\n"
      "    name: {en: B}\n"
      "    numerator: {from: cases, value: 'count(case_id)'}\n"
      "    denominator: {indicator: NOPE}\n"       // line 9: unknown reference
      "    dimensions: [sex, colour, topic]\n"     // line 10: unknown, not applicable
      "    ages: 15-3\n"                           // line 11: bad range
      "    factor: -1\n");                         // line 12
  EXPECT_TRUE(has(ds, "code", 2, "capital letters")) << dump(ds);
  EXPECT_TRUE(has(ds, "colour", 4, "one of code")) << dump(ds);
  EXPECT_TRUE(has(ds, "numerator.from", 5, "a table")) << dump(ds);
  EXPECT_TRUE(has(ds, "denominator.indicator", 9, "an indicator")) << dump(ds);
  EXPECT_TRUE(has(ds, "dimensions", 10, "a dimension:")) << dump(ds);
  EXPECT_TRUE(has(ds, "dimensions", 10, "table cases has")) << dump(ds);
  EXPECT_TRUE(has(ds, "ages", 11, "age range")) << dump(ds);
  EXPECT_TRUE(has(ds, "factor", 12, "positive")) << dump(ds);
  for (const auto& d : ds) EXPECT_EQ(d.file, "mine.yaml");
}

TEST(CatalogueCheck, LocatesExpressionErrorsInsideTheText) {
  const auto ds = check(
      "indicators:\n"
      "  - code: X\n"
      "    name: {en: X}\n"
      "    numerator:\n"
      "      from: cases\n"
      "      where: \"sexx == 'f'\"\n"
      "      value: \"sum(sex)\"\n");
  ASSERT_EQ(ds.size(), 2u) << dump(ds);
  EXPECT_EQ(ds[0].column_name, "numerator.where");
  EXPECT_EQ(ds[0].line, 6u);
  EXPECT_EQ(ds[0].record_id, "X");
  EXPECT_EQ(ds[1].column_name, "numerator.value");
  EXPECT_EQ(ds[1].line, 7u);
}

TEST(CatalogueCheck, LocatesExpressionErrorsInEveryKindOfScalar) {
  // The spot is 'dead' (not an outcome) in each: its line and column in the file, whatever
  // YAML did to the text (block scalars, folding, indentation, quotes).
  const std::string side =
      "    name: {en: X}\n    numerator:\n      from: cases\n      value: count(case_id)\n";
  const auto ds = check(
      "indicators:\n"
      "  - code: FOLDED\n" +
      side +                              // lines 2-6
      "      where: >-\n"                 // 7
      "        source == 'police'\n"      // 8
      "          && outcome == 'dead'\n"  // 9: 'dead' at column 25
      "  - code: LITERAL\n" +
      side +                             // 10-14
      "      where: |\n"                 // 15
      "        source == 'police' &&\n"  // 16
      "        outcome == 'dead'\n"      // 17: column 20
      "  - code: PLAIN\n" +
      side +                              // 18-22
      "      where: outcome == 'dead'\n"  // 23: column 25
      "  - code: QUOTED\n" +
      side +                                    // 24-28
      "      where: \"source == 'police' &&\n"  // 29
      "        outcome == 'dead'\"\n"           // 30: column 20
      "  - code: SINGLE\n" +
      side +                                                            // 31-35
      "      where: 'source == ''police'' && outcome == ''dead'''\n");  // 36: column 50
  ASSERT_EQ(ds.size(), 5u) << dump(ds);
  const std::vector<std::pair<std::uint64_t, std::uint32_t>> spots = {
      {9, 25}, {17, 20}, {23, 25}, {30, 20}, {36, 50}};
  for (std::size_t i = 0; i < spots.size(); ++i) {
    EXPECT_EQ(ds[i].line, spots[i].first) << dump(ds);
    EXPECT_EQ(ds[i].column, spots[i].second) << dump(ds);
  }
}

TEST(CatalogueCheck, LocatesExpressionErrorsAtTheEndAfterUtf8AndBehindAByteOrderMark) {
  const std::string side = "    name: {en: X}\n    numerator:\n      from: cases\n";
  // An expression that stops too soon: just after its last character, not on the next line.
  auto ds = check("indicators:\n  - code: A\n" + side +
                  "      value: count(case_id) /\n"  // line 6: '/' at column 29
                  "  - code: B\n" +
                  side + "      value: count(case_id)\n");
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].line, 6u);
  EXPECT_EQ(ds[0].column, 30u);
  // Columns count characters: 'Hà Nội' is 6 characters and 9 bytes.
  ds = check("indicators:\n  - code: A\n" + side +
             "      value: count(case_id)\n"
             "      where: \"org_unit.name == 'Hà Nội' && outcome == 'dead'\"\n");  // line 7
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].line, 7u);
  EXPECT_EQ(ds[0].column, 55u);
  // yaml-cpp counts from after a byte-order mark; the file's columns do not move.
  ds = check("\xEF\xBB\xBFindicators:\n  - code: A\n" + side +
             "      value: count(case_id)\n"
             "      where: outcome == 'dead'\n");  // line 7, 'dead' at column 25
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].line, 7u);
  EXPECT_EQ(ds[0].column, 25u);
}

TEST(CatalogueCheck, InvalidYamlIsLocatedInCharactersToo) {
  // The stray '}' is the 25th character of line 2 (its 28th byte); a byte-order mark before
  // the text does not count.
  const auto ds = check("\xEF\xBB\xBFindicators:\n  - name: {en: \"Hà Nội\"}}\n");
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].code, "SG400");
  EXPECT_EQ(ds[0].line, 2u);
  EXPECT_EQ(ds[0].column, 25u);
}

TEST(CatalogueCheck, ReportsInvalidYamlWithPosition) {
  const auto ds = check("indicators:\n  - code: [unclosed\n");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, "SG400");
  EXPECT_GE(ds[0].line, 2u);
}

TEST(CatalogueParse, ThrowsWithEveryDiagnosticAndMergeOverrides) {
  EXPECT_THROW(catalogue::parse("indicators: 3\n", "x.yaml"), sg::engine::catalogue_error);
  catalogue mine = catalogue::parse(
      "indicators:\n"
      "  - code: CASES_NEW\n"
      "    name: {en: New cases of any age}\n"
      "    numerator: {from: cases, value: count(case_id)}\n"
      "    ages: 0-17\n",
      "x.yaml");
  catalogue merged = catalogue::standard();
  merged.merge(mine);
  EXPECT_EQ(merged.size(), catalogue::standard().size());
  EXPECT_EQ(merged.find("CASES_NEW")->max_age, 17);
  EXPECT_EQ(merged.indicators()[7].code, "CASES_NEW");  // kept its place
}

TEST(CatalogueCheck, AKeyThatIsAListOrAMapIsAProblemNotAnException) {
  // YAML allows `? [a, b]: 1`; reading such a key as a name threw out of check() (found by
  // the catalogue fuzzer).
  const auto ds = check(
      "indicators:\n"
      "  - code: X\n"
      "    name: {en: X}\n"
      "    ? [a, b]\n"
      "    : 1\n"
      "    numerator:\n"
      "      from: cases\n"
      "      value: count(case_id)\n"
      "      ? {x: 1}\n"
      "      : 2\n");
  ASSERT_EQ(ds.size(), 2u) << dump(ds);
  EXPECT_EQ(ds[0].value, "(a key that is not a plain name)");
  EXPECT_EQ(ds[0].line, 4u);
  EXPECT_EQ(ds[1].value, "(a key that is not a plain name)");
  EXPECT_EQ(ds[1].line, 9u);
  EXPECT_THROW(catalogue::parse("indicators:\n  - code: X\n    ? [a]\n    : 1\n", "x.yaml"),
               sg::engine::catalogue_error);
}

TEST(CatalogueParse, AnAddedCatalogueMayReferToTheOneItIsAddedTo) {
  const std::string text =
      "indicators:\n"
      "  - code: GIRLS_ABUSED\n"
      "    name: {en: Abused girls}\n"
      "    numerator:\n"
      "      from: cases\n"
      "      where: \"contains(concern_groups, 'abuse') && child.sex == 'f'\"\n"
      "      value: count(distinct child_id)\n"
      "  - code: GIRLS_ABUSE_RATE\n"
      "    name: {en: Rate}\n"
      "    numerator: {indicator: GIRLS_ABUSED}\n"
      "    denominator: {indicator: CHILD_POP}\n"
      "    dimensions: [sex]\n"
      "    factor: 100000\n";
  // On its own, CHILD_POP is unknown.
  const auto alone = check(text);
  ASSERT_EQ(alone.size(), 1u) << dump(alone);
  EXPECT_EQ(alone[0].column_name, "denominator.indicator");
  EXPECT_EQ(alone[0].line, 11u);
  // Added to the standard catalogue, it resolves there; merged, the rate computes over both.
  const catalogue& standard = catalogue::standard();
  EXPECT_TRUE(catalogue::check(text, "mine.yaml", &standard).empty());
  catalogue merged = standard;
  merged.merge(catalogue::parse(text, "mine.yaml", &standard));
  EXPECT_EQ(merged.resolve("CHILD_POP").numerator.table, sg::engine::table_id::population);
  EXPECT_EQ(merged.find("GIRLS_ABUSE_RATE")->denominator->indicator, "CHILD_POP");
  // A reference to a code in neither is still an error, saying where it may be.
  const auto neither = catalogue::check(
      "indicators:\n  - code: R\n    name: {en: R}\n    numerator: {indicator: NOPE}\n",
      "mine.yaml", &standard);
  ASSERT_EQ(neither.size(), 1u) << dump(neither);
  EXPECT_EQ(neither[0].expected,
            "the code of an indicator of this catalogue or of the one it is added to");
}
