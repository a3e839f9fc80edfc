// The CSV tokenizer. A plain record (ASCII, no quotes, the expected number of fields, ended by
// LF or CRLF: nearly every record of a data file) is read 64 bytes at a time from separator
// masks (next_plain); any other record goes through the general reader, where unquoted
// fields are scanned 16 bytes at a time, quoted fields with memchr, and only a field with ""
// escapes is copied (into a per-record scratch buffer). Every scan is bounded by the record
// limit, so a stray quote in a huge file costs one bounded scan, not a quadratic one.
#include "safeguard/io/csv.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace safeguard::io {

namespace {

// Bytes that end an unquoted run: separator, line ends, quote.
constexpr std::array<bool, 256> make_special() {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  t[static_cast<unsigned char>('"')] = true;
  return t;
}
constexpr std::array<bool, 256> special = make_special();

// The end of an unquoted run starting at `p` (the first separator, line end or quote, or
// `limit`); ORs every byte of the run into `high` so that the caller knows whether it holds
// non-ASCII bytes to check as UTF-8. Sixteen bytes at a time where SSE2 is available: most
// fields end inside the first block.
inline const char* scan_unquoted(const char* p, const char* limit, unsigned& high) noexcept {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i quote = _mm_set1_epi8('"');
  while (limit - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
    const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit));
    const auto top = static_cast<unsigned>(_mm_movemask_epi8(v));
    if (bits != 0) {
      const unsigned k = static_cast<unsigned>(__builtin_ctz(bits));
      high |= (top & ((1u << k) - 1u)) != 0 ? 0x80u : 0u;
      return p + k;
    }
    high |= top != 0 ? 0x80u : 0u;
    p += 16;
  }
#endif
  while (p < limit && !special[static_cast<unsigned char>(*p)]) {
    high |= static_cast<unsigned char>(*p);
    ++p;
  }
  return p;
}

#if defined(__SSE2__)
// Masks of 64 bytes at `p` (bit i for byte p[i]): separators and line feeds, line feeds
// alone, carriage returns, and the bytes a plain record cannot hold (quote, non-ASCII).
struct block_masks {
  std::uint64_t ends;
  std::uint64_t line_feeds;
  std::uint64_t carriage_returns;
  std::uint64_t odd;
};

inline block_masks scan_block(const char* p) noexcept {
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i quote = _mm_set1_epi8('"');
  block_masks m{0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const __m128i is_lf = _mm_cmpeq_epi8(v, lf);
    const __m128i is_end = _mm_or_si128(_mm_cmpeq_epi8(v, comma), is_lf);
    const auto ends = static_cast<std::uint32_t>(_mm_movemask_epi8(is_end));
    const auto lfs = static_cast<std::uint32_t>(_mm_movemask_epi8(is_lf));
    const auto crs = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, cr)));
    const auto odd =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), v)));
    m.ends |= static_cast<std::uint64_t>(ends) << (16 * i);
    m.line_feeds |= static_cast<std::uint64_t>(lfs) << (16 * i);
    m.carriage_returns |= static_cast<std::uint64_t>(crs) << (16 * i);
    m.odd |= static_cast<std::uint64_t>(odd) << (16 * i);
  }
  return m;
}
#endif

// Line ends in [p, end): LF, CRLF and a lone CR each count once.
std::uint64_t count_line_ends(const char* p, const char* end) noexcept {
  std::uint64_t n = 0;
  for (; p < end; ++p) {
    if (*p == '\n') {
      ++n;
    } else if (*p == '\r') {
      if (p + 1 < end && p[1] == '\n') ++p;
      ++n;
    }
  }
  return n;
}

bool is_valid_utf8_tail(const unsigned char* s, const unsigned char* e) noexcept {
  while (s < e) {
    const unsigned c = *s;
    if (c < 0x80) {
      ++s;
      continue;
    }
    std::size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte first, overlong 2-byte lead, or beyond U+10FFFF
    }
    if (static_cast<std::size_t>(e - s) <= n) return false;
    for (std::size_t i = 1; i <= n; ++i) {
      if ((s[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    s += n + 1;
  }
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const auto* e = s + text.size();
  // ASCII fast path, eight bytes at a time.
  while (e - s >= 8) {
    std::uint64_t w;
    std::memcpy(&w, s, 8);
    if (w & 0x8080808080808080ULL) break;
    s += 8;
  }
  return is_valid_utf8_tail(s, e);
}

std::string_view describe(csv_problem_kind kind) noexcept {
  switch (kind) {
    case csv_problem_kind::quote_in_unquoted_field: return "a quote inside an unquoted field";
    case csv_problem_kind::text_after_closing_quote: return "text after a closing quote";
    case csv_problem_kind::unterminated_quote: return "a quoted field that is never closed";
    case csv_problem_kind::line_too_long: return "a line longer than the limit";
    case csv_problem_kind::wrong_field_count: return "a wrong number of fields";
    case csv_problem_kind::invalid_utf8: return "invalid UTF-8";
  }
  return "a malformed record";
}

csv_reader::csv_reader(std::string_view text, csv_options options) noexcept
    : begin_(text.data()), pos_(text.data()), end_(text.data() + text.size()),
      options_(options) {
  if (options_.skip_bom && text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) {
    pos_ += 3;
    had_bom_ = true;
  }
}

void csv_reader::skip_to_end() noexcept {
  line_ += count_line_ends(pos_, end_);
  pos_ = end_;
}

void csv_reader::skip_to_line_end() noexcept {
  while (pos_ < end_ && *pos_ != '\n' && *pos_ != '\r') ++pos_;
  if (pos_ < end_) {
    if (*pos_ == '\r' && pos_ + 1 < end_ && pos_[1] == '\n') ++pos_;
    ++pos_;
  }
}

// Nearly every record of a data file is plain: ASCII fields without quotes, the header's
// number of them, ended by a line feed or CRLF. Such a record is read 64 bytes at a time, its
// field boundaries taken from one mask per block; anything else (a quote, another carriage
// return, a non-ASCII byte, another field count, the end of the input within 64 bytes)
// returns false before any state changes, and the general reader below takes the record.
bool csv_reader::next_plain(csv_record& out) {
#if defined(__SSE2__)
  const std::size_t expected = options_.expected_fields;
  if (expected == 0) return false;
  if (out.fields.size() != expected) out.fields.resize(expected);
  std::string_view* field = out.fields.data();
  std::size_t filled = 0;
  const char* start = pos_;
  const auto max_plain_bytes =
      static_cast<std::ptrdiff_t>(std::min<std::size_t>(4096, options_.max_record_bytes));
  for (const char* p = pos_; end_ - p >= 64 && p - pos_ <= max_plain_bytes; p += 64) {
    const block_masks m = scan_block(p);
    // Bits up to and including the record's line feed, if it is in this block.
    const std::uint64_t upto = m.line_feeds != 0 ? m.line_feeds ^ (m.line_feeds - 1) : ~0ULL;
    // A carriage return is allowed right before the line feed (CRLF files), nowhere else.
    const std::uint64_t crlf = (m.line_feeds & (0 - m.line_feeds)) >> 1;
    const std::uint64_t crs = m.carriage_returns & upto;
    if ((m.odd & upto) != 0 || (crs & ~crlf) != 0) return false;
    for (std::uint64_t ends = m.ends & upto; ends != 0; ends &= ends - 1) {
      if (filled == expected) return false;
      const char* at = p + __builtin_ctzll(ends);
      // The line feed (the last end when the block has one) ends the last field; its CR, if
      // any, is not part of it.
      const bool line_feed = (ends & (ends - 1)) == 0 && m.line_feeds != 0;
      const char* field_end = line_feed && crs != 0 ? at - 1 : at;
      field[filled++] = std::string_view(start, static_cast<std::size_t>(field_end - start));
      start = at + 1;
    }
    if (m.line_feeds != 0) {
      // `start` is past the line feed; the limit counts the record without its line end.
      if (filled != expected || start - 1 - (crs != 0 ? 1 : 0) - pos_ > max_plain_bytes)
        return false;
      out.blank = false;
      out.problems.clear();
      out.line = out.last_line = line_;
      ++line_;
      pos_ = start;
      return true;
    }
  }
#else
  (void)out;
#endif
  return false;
}

bool csv_reader::next(csv_record& out) {
  if (pos_ >= end_) return false;

  if (*pos_ == '\n' || *pos_ == '\r') {
    // A run of empty lines: reported once, unless it runs to the end of the input.
    const char* p = pos_;
    std::uint64_t lines = 0;
    while (p < end_ && (*p == '\n' || *p == '\r')) {
      if (*p == '\r' && p + 1 < end_ && p[1] == '\n') ++p;
      ++p;
      ++lines;
    }
    const std::uint64_t first = line_;
    line_ += lines;
    pos_ = p;
    if (p >= end_) return false;
    out.blank = true;
    out.line = first;
    out.last_line = first + lines - 1;
    out.fields.clear();
    out.problems.clear();
    return true;
  }
  if (next_plain(out)) return true;

  out.blank = false;
  out.fields.clear();
  out.problems.clear();
  out.line = line_;
  scratch_.clear();
  scratch_fields_.clear();

  const char* const record_start = pos_;
  // Scans stop at `limit`: reaching it before the record ends means the record is too long.
  const char* const limit =
      static_cast<std::size_t>(end_ - record_start) > options_.max_record_bytes
          ? record_start + options_.max_record_bytes + 1
          : end_;
  const char* p = pos_;
  std::uint64_t newlines_in_quotes = 0;
  bool ended_by_line_end = false;
  bool too_long = false;

  while (true) {
    const std::size_t field_number = out.fields.size() + 1;
    // The field as two scalars rather than a string_view built in two steps: the vector
    // store then reads registers, not a half-written stack slot (a store-forwarding stall
    // that cost a third of the reader's time).
    const char* field_begin = nullptr;
    std::size_t field_size = 0;
    bool check_utf8 = false;

    if (p < limit && *p == '"') {
      const char* const opening = p;
      const char* const content = p + 1;
      const char* q = content;
      bool escaped = false;
      bool closed = false;
      while (q < limit) {
        const void* hit = std::memchr(q, '"', static_cast<std::size_t>(limit - q));
        if (hit == nullptr) {
          q = limit;
          break;
        }
        q = static_cast<const char*>(hit);
        if (q + 1 < limit && q[1] == '"') {
          escaped = true;
          q += 2;
          continue;
        }
        if (q + 1 >= limit && limit != end_) {
          q = limit;  // the closing quote may be the limit's last byte: too long anyway
          break;
        }
        closed = true;
        break;
      }
      if (!closed) {
        if (limit != end_) {
          too_long = true;
          break;
        }
        out.problems.push_back({csv_problem_kind::unterminated_quote,
                                static_cast<std::uint32_t>(field_number)});
        newlines_in_quotes += count_line_ends(content, end_);
        out.fields.emplace_back(opening, static_cast<std::size_t>(end_ - opening));
        p = end_;
        break;
      }
      newlines_in_quotes += count_line_ends(content, q);
      p = q + 1;  // past the closing quote
      if (p < limit && *p != ',' && *p != '\n' && *p != '\r') {
        out.problems.push_back({csv_problem_kind::text_after_closing_quote,
                                static_cast<std::uint32_t>(field_number)});
        // Keep the raw text so the diagnostic shows what was written.
        while (p < limit && *p != ',' && *p != '\n' && *p != '\r') ++p;
        if (p == limit && limit != end_) {
          too_long = true;
          break;
        }
        field_begin = opening;
        field_size = static_cast<std::size_t>(p - opening);
        check_utf8 = true;
      } else if (escaped) {
        const std::size_t offset = scratch_.size();
        for (const char* s = content; s < q; ++s) {
          scratch_ += *s;
          if (*s == '"') ++s;  // the second quote of a "" pair
        }
        scratch_fields_.push_back({field_number - 1, offset, scratch_.size() - offset});
        field_begin = content;
        field_size = static_cast<std::size_t>(q - content);
        check_utf8 = true;
      } else {
        field_begin = content;
        field_size = static_cast<std::size_t>(q - content);
        check_utf8 = true;
      }
    } else {
      const char* const start = p;
      unsigned high = 0;
      p = scan_unquoted(p, limit, high);
      if (p < limit && *p == '"') {
        out.problems.push_back({csv_problem_kind::quote_in_unquoted_field,
                                static_cast<std::uint32_t>(field_number)});
        while (p < limit && *p != ',' && *p != '\n' && *p != '\r') {
          high |= static_cast<unsigned char>(*p);
          ++p;
        }
      }
      if (p == limit && limit != end_) {
        too_long = true;
        break;
      }
      field_begin = start;
      field_size = static_cast<std::size_t>(p - start);
      check_utf8 = (high & 0x80) != 0;
    }

    if (check_utf8 && options_.validate_utf8 &&
        !is_valid_utf8(std::string_view(field_begin, field_size)))
      out.problems.push_back(
          {csv_problem_kind::invalid_utf8, static_cast<std::uint32_t>(field_number)});
    out.fields.emplace_back(field_begin, field_size);

    if (p >= end_) break;
    if (*p == ',') {
      ++p;
      continue;
    }
    // A line end.
    if (*p == '\r' && p + 1 < end_ && p[1] == '\n') ++p;
    ++p;
    ended_by_line_end = true;
    break;
  }

  if (too_long) {
    out.fields.clear();
    out.problems.clear();
    out.problems.push_back({csv_problem_kind::line_too_long, 0});
    // Resynchronise on the first line end after the limit, ignoring quotes.
    pos_ = record_start + options_.max_record_bytes;
    skip_to_line_end();
    line_ += count_line_ends(record_start, pos_);
    out.last_line = line_ - 1;
    if (pos_ >= end_ && pos_[-1] != '\n' && pos_[-1] != '\r') out.last_line = line_;
    return true;
  }

  for (const scratch_field& s : scratch_fields_)
    out.fields[s.field] = std::string_view(scratch_.data() + s.offset, s.size);
  if (options_.expected_fields != 0 && out.fields.size() != options_.expected_fields)
    out.problems.push_back({csv_problem_kind::wrong_field_count, 0});

  out.last_line = line_ + newlines_in_quotes;
  line_ += newlines_in_quotes + (ended_by_line_end ? 1 : 0);
  pos_ = p;
  return true;
}

}  // namespace safeguard::io
