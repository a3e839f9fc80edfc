// The RFC 4180 tokenizer: quoting, line ends, line numbers, and every malformed-input path.
#include "safeguard/io/csv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace safeguard::io {
namespace {

struct read_record {
  std::uint64_t line = 0;
  std::uint64_t last_line = 0;
  bool blank = false;
  std::vector<std::string> fields;
  std::vector<csv_problem> problems;
};

std::vector<read_record> read_all(std::string_view text, csv_options options = {}) {
  csv_reader reader(text, options);
  csv_record r;
  std::vector<read_record> out;
  while (reader.next(r)) {
    read_record x;
    x.line = r.line;
    x.last_line = r.last_line;
    x.blank = r.blank;
    for (std::string_view f : r.fields) x.fields.emplace_back(f);
    x.problems = r.problems;
    out.push_back(std::move(x));
  }
  return out;
}

using fields = std::vector<std::string>;

TEST(CsvReader, ReadsSimpleRecordsWithLineNumbers) {
  const auto r = read_all("a,b,c\n1,2,3\n4,,6\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].fields, (fields{"a", "b", "c"}));
  EXPECT_EQ(r[1].fields, (fields{"1", "2", "3"}));
  EXPECT_EQ(r[2].fields, (fields{"4", "", "6"}));
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[2].line, 3u);
  EXPECT_EQ(r[2].last_line, 3u);
  for (const auto& x : r) EXPECT_TRUE(x.problems.empty());
}

TEST(CsvReader, EmptyInputHasNoRecord) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(read_all("\n\n\r\n").empty());
}

TEST(CsvReader, SkipsTheByteOrderMark) {
  csv_reader reader("\xEF\xBB\xBF" "code,name\n");
  csv_record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_TRUE(reader.had_bom());
  EXPECT_EQ(r.fields[0], "code");
  csv_options no_skip;
  no_skip.skip_bom = false;
  const auto kept = read_all("\xEF\xBB\xBF" "code\n", no_skip);
  EXPECT_EQ(kept[0].fields[0], "\xEF\xBB\xBF" "code");
}

TEST(CsvReader, CrLfAndLoneCrEndLines) {
  const auto r = read_all("a,b\r\n1,2\r\n3,4\r5,6");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].fields, (fields{"1", "2"}));
  EXPECT_EQ(r[2].fields, (fields{"3", "4"}));
  EXPECT_EQ(r[3].fields, (fields{"5", "6"}));
  EXPECT_EQ(r[3].line, 4u);
}

TEST(CsvReader, LastLineWithoutLineEnd) {
  const auto r = read_all("a,b\n1,2");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fields, (fields{"1", "2"}));
  const auto trailing_comma = read_all("a,b\n1,");
  EXPECT_EQ(trailing_comma[1].fields, (fields{"1", ""}));
}

TEST(CsvReader, QuotedFieldsWithEscapesAndSeparators) {
  const auto r = read_all("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\"\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields, (fields{"x, y", "say \"hi\""}));
  EXPECT_EQ(r[2].fields, (fields{"", "\""}));
  EXPECT_TRUE(r[1].problems.empty());
}

TEST(CsvReader, EmbeddedNewlinesKeepBytesAndCountLines) {
  const auto r = read_all("a,b\n\"line one\nline two\r\nline three\",x\nnext,row\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields[0], "line one\nline two\r\nline three");
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[1].last_line, 4u);
  EXPECT_EQ(r[2].line, 5u);
  EXPECT_EQ(r[2].fields, (fields{"next", "row"}));
}

TEST(CsvReader, VietnameseRoundTripsByteForByte) {
  const std::string name = "Thành phố Uông Bí";
  const std::string quoted = "Sở Lao động – Thương binh và Xã hội, tỉnh Quảng Ninh";
  const auto r = read_all("code,name\n193," + name + "\n22,\"" + quoted + "\"\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].fields[1], name);
  EXPECT_EQ(r[2].fields[1], quoted);
  EXPECT_TRUE(r[1].problems.empty());
  EXPECT_TRUE(r[2].problems.empty());
}

TEST(CsvReader, BlankLinesInsideAreOneRecordAndAtTheEndNone) {
  const auto r = read_all("a\n1\n\n\r\n2\n\n\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_FALSE(r[1].blank);
  EXPECT_TRUE(r[2].blank);
  EXPECT_EQ(r[2].line, 3u);
  EXPECT_EQ(r[2].last_line, 4u);
  EXPECT_TRUE(r[2].fields.empty());
  EXPECT_EQ(r[3].fields, (fields{"2"}));
  EXPECT_EQ(r[3].line, 5u);
}

TEST(CsvReader, QuoteInsideAnUnquotedField) {
  const auto r = read_all("a,b\nab\"c,d\n");
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[1].problems.size(), 1u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::quote_in_unquoted_field);
  EXPECT_EQ(r[1].problems[0].field, 1u);
  EXPECT_EQ(r[1].fields, (fields{"ab\"c", "d"}));
}

TEST(CsvReader, TextAfterAClosingQuote) {
  const auto r = read_all("a,b\nx,\"ab\"cd\nnext,ok\n");
  ASSERT_EQ(r.size(), 3u);
  ASSERT_EQ(r[1].problems.size(), 1u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::text_after_closing_quote);
  EXPECT_EQ(r[1].problems[0].field, 2u);
  EXPECT_EQ(r[1].fields[1], "\"ab\"cd");
  EXPECT_EQ(r[2].fields, (fields{"next", "ok"}));
  EXPECT_TRUE(r[2].problems.empty());
}

TEST(CsvReader, UnterminatedQuoteRunsToTheEnd) {
  const auto r = read_all("a,b\n1,\"open\n2,3\n");
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[1].problems.size(), 1u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::unterminated_quote);
  EXPECT_EQ(r[1].problems[0].field, 2u);
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, WrongFieldCount) {
  csv_options o;
  o.expected_fields = 2;
  const auto r = read_all("a,b\n1,2,3\n4\n5,6\n", o);
  ASSERT_EQ(r.size(), 4u);
  ASSERT_EQ(r[1].problems.size(), 1u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::wrong_field_count);
  EXPECT_EQ(r[1].problems[0].field, 0u);
  EXPECT_EQ(r[2].problems[0].kind, csv_problem_kind::wrong_field_count);
  EXPECT_TRUE(r[3].problems.empty());
}

TEST(CsvReader, InvalidUtf8IsReportedPerField) {
  const auto r = read_all("a,b,c\nok,\xC3\x28,\"\xFF\"\n");
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[1].problems.size(), 2u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::invalid_utf8);
  EXPECT_EQ(r[1].problems[0].field, 2u);
  EXPECT_EQ(r[1].problems[1].field, 3u);
  csv_options off;
  off.validate_utf8 = false;
  EXPECT_TRUE(read_all("a\n\xFF\n", off)[1].problems.empty());
}

TEST(CsvReader, LineTooLongIsSkippedToTheNextLine) {
  csv_options o;
  o.max_record_bytes = 8;
  const auto r = read_all("a,b\n123456789,1\n1,2\n\"1234\n56789\",x\n3,4\n", o);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::line_too_long);
  EXPECT_TRUE(r[1].fields.empty());
  EXPECT_EQ(r[1].line, 2u);
  EXPECT_EQ(r[2].fields, (fields{"1", "2"}));
  EXPECT_EQ(r[2].line, 3u);
  // A quoted record over the limit resynchronises after the limit, on the next line end.
  EXPECT_EQ(r[3].problems[0].kind, csv_problem_kind::line_too_long);
  EXPECT_EQ(r[3].line, 4u);
  EXPECT_EQ(r.back().fields, (fields{"3", "4"}));
  EXPECT_EQ(r.back().line, 6u);
}

TEST(CsvReader, HugeLineAtTheDefaultLimit) {
  std::string text = "a\n" + std::string(3u << 20, 'x') + "\nok\n";
  const auto r = read_all(text);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].problems[0].kind, csv_problem_kind::line_too_long);
  EXPECT_EQ(r[2].fields, (fields{"ok"}));
  EXPECT_EQ(r[2].line, 3u);
  // Exactly at the limit is fine.
  csv_options o;
  o.max_record_bytes = 5;
  EXPECT_TRUE(read_all("12345\n", o)[0].problems.empty());
  EXPECT_FALSE(read_all("123456\n", o)[0].problems.empty());
}

TEST(CsvReader, OffsetAndLineTrackProgress) {
  csv_reader reader("a\n\"b\nc\"\nd");
  csv_record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(reader.offset(), 2u);
  EXPECT_EQ(reader.line(), 2u);
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(reader.line(), 4u);
  ASSERT_TRUE(reader.next(r));
  EXPECT_FALSE(reader.next(r));
  EXPECT_EQ(reader.offset(), 9u);
}

// Records of the header's field count are read by a fast path (64 bytes at a time); any
// record it cannot take goes to the general reader. Reading with an expected field count
// (fast path on) must give what reading without one gives (fast path off), record for
// record, apart from the wrong_field_count problem itself: random texts over the bytes that
// matter (separators, both line ends, quotes, UTF-8 and invalid bytes) with records of every
// length around the 64-byte blocks, and record limits below, at and above them.
TEST(CsvReader, FastPathReadsAsTheGeneralReader) {
  const std::string_view alphabet[] = {"a", "bc", ",", ",", "\n", "\n", "\r", "\"", "\xC3\xA9",
                                       "\xFF", "0123456789", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                                       "\r\n"};
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  const auto random = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  std::size_t fast_records = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const std::uint64_t pieces = random(400);
    // Mostly plain records (letters and separators), sometimes anything.
    const bool plain = random(2) == 0;
    // Plain pieces: no quote, no non-ASCII byte, carriage returns only in CRLF line ends.
    constexpr std::size_t plain_pieces[] = {0, 1, 2, 3, 4, 5, 10, 11, 12};
    for (std::uint64_t i = 0; i < pieces; ++i)
      text += alphabet[plain ? plain_pieces[random(9)] : random(13)];
    csv_options general;
    general.max_record_bytes = std::vector<std::size_t>{8, 63, 64, 100, 1u << 20}[random(5)];
    csv_options fast = general;
    fast.expected_fields = 1 + random(6);
    const auto a = read_all(text, general);
    const auto b = read_all(text, fast);
    ASSERT_EQ(a.size(), b.size()) << "round " << round;
    for (std::size_t i = 0; i < a.size(); ++i) {
      SCOPED_TRACE("round " + std::to_string(round) + ", record " + std::to_string(i));
      EXPECT_EQ(a[i].line, b[i].line);
      EXPECT_EQ(a[i].last_line, b[i].last_line);
      EXPECT_EQ(a[i].blank, b[i].blank);
      EXPECT_EQ(a[i].fields, b[i].fields);
      std::vector<csv_problem> problems = b[i].problems;
      const auto wrong = std::find_if(problems.begin(), problems.end(), [](const csv_problem& p) {
        return p.kind == csv_problem_kind::wrong_field_count;
      });
      const bool counted_wrong = !a[i].blank && a[i].fields.size() != fast.expected_fields &&
                                 !(a[i].problems.size() == 1 &&
                                   a[i].problems[0].kind == csv_problem_kind::line_too_long);
      EXPECT_EQ(wrong != problems.end(), counted_wrong);
      if (wrong != problems.end()) problems.erase(wrong);
      ASSERT_EQ(a[i].problems.size(), problems.size());
      for (std::size_t k = 0; k < problems.size(); ++k) {
        EXPECT_EQ(a[i].problems[k].kind, problems[k].kind);
        EXPECT_EQ(a[i].problems[k].field, problems[k].field);
      }
      if (a[i].problems.empty() && !a[i].blank && a[i].fields.size() == fast.expected_fields)
        ++fast_records;
    }
  }
  EXPECT_GT(fast_records, 5000u);  // the texts did exercise the fast path
}

TEST(Utf8, AcceptsAndRefuses) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("Quảng Ninh – Đông Triều"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));          // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                 // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));             // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));             // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));         // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abc\xE1\xBA"));              // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\x80"));                     // lone continuation
  EXPECT_FALSE(is_valid_utf8("12345678\xFF"));             // after the ASCII fast path
}

TEST(CsvProblem, Describe) {
  EXPECT_EQ(describe(csv_problem_kind::unterminated_quote), "a quoted field that is never closed");
  EXPECT_EQ(describe(csv_problem_kind::invalid_utf8), "invalid UTF-8");
}

}  // namespace
}  // namespace safeguard::io
