// The synthetic dataset generator (include/safeguard/io/generate.hpp, docs/generator.md).
//
// Every table is written in one pass through a large buffer, fields formatted by hand (dates
// come from a precomputed text table), so that national sizes stream at disk speed in bounded
// memory: children, their episodes, cases and services are generated child by child and
// written at once; only per-commune and per-agency tallies are kept (for the population and
// the plan targets, which are written afterwards).
//
// Determinism: every draw comes from xoshiro256** seeded through splitmix64 from (seed,
// stream, index), all probabilities are integers (parts per million or weights) and no value
// goes through std::*_distribution or a libm function, whose results differ between
// standard libraries. A child's rows depend only on the seed and the child's position.
#include "safeguard/io/generate.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "safeguard/error.hpp"
#include "safeguard/model/calendar.hpp"

namespace safeguard::io {

std::uint64_t generate_summary::rows(std::string_view file) const noexcept {
  for (const table_summary& t : tables)
    if (t.file == file) return t.rows;
  return 0;
}

std::uint64_t generate_summary::bytes() const noexcept {
  std::uint64_t total = 0;
  for (const table_summary& t : tables) total += t.bytes;
  return total;
}

namespace {

// Random numbers.

constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// Independent sequences of draws, so that adding a draw to one table does not change another.
enum class stream : std::uint64_t { places = 1, communes, children, population, activities, plans };

// xoshiro256** (Blackman and Vigna), seeded from (seed, stream, index) through splitmix64.
class rng {
 public:
  rng(std::uint64_t seed, stream s, std::uint64_t index) noexcept {
    std::uint64_t x = seed ^ (static_cast<std::uint64_t>(s) << 56);
    std::uint64_t y = splitmix64(x) + index * 0xD1B54A32D192ED03ull;
    for (std::uint64_t& w : s_) w = splitmix64(y);
  }

  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// 0 <= x < n (n > 0), by Lemire's multiply-shift on the high 32 bits.
  std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  /// lo <= x <= hi; lo when hi < lo.
  int between(int lo, int hi) noexcept {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(below(static_cast<std::uint32_t>(hi - lo) + 1));
  }
  bool chance(std::uint32_t per_million) noexcept { return below(1000000) < per_million; }

 private:
  std::uint64_t s_[4];
};

// A discrete distribution over 0..N-1 by integer weights (a zero weight is never drawn).
template <std::size_t N>
class weights {
 public:
  constexpr weights(const std::uint16_t (&w)[N]) {  // NOLINT: implicit, for tables of weights
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < N; ++i) {
      sum += w[i];
      cumulative_[i] = sum;
    }
  }
  std::uint8_t pick(rng& r) const noexcept {
    const std::uint32_t x = r.below(cumulative_[N - 1]);
    std::uint8_t i = 0;
    while (cumulative_[i] <= x) ++i;
    return i;
  }

 private:
  std::array<std::uint32_t, N> cumulative_{};
};

constexpr std::uint8_t none = 0xFF;  // an empty cell in a code column of a draft row

// clang-format off
// The spec's code lists (data-format.md), in its order; the namespaces name positions.

namespace sx {
enum : std::uint8_t { f, m, u };
constexpr std::string_view codes[] = {"f", "m", "u"};
}  // namespace sx

namespace eth {
constexpr std::string_view codes[] = {"kinh", "tay", "dao", "san_diu", "san_chi", "hoa", "nung",
                                      "other"};
}  // namespace eth

namespace ex {
enum : std::uint8_t { moved, aged_out, no_longer_eligible, died, other };
constexpr std::string_view codes[] = {"moved", "aged_out", "no_longer_eligible", "died", "other"};
}  // namespace ex

namespace ci {
enum : std::uint8_t {
  orphan, abandoned, no_caregiver, disability, hiv, in_conflict_with_law, drug_addicted,
  dropout_to_work, violence_harmed, exploited, sexually_abused, trafficked, serious_illness_poor,
  migrant_unaccompanied, at_risk
};
constexpr std::string_view codes[] = {
    "orphan", "abandoned", "no_caregiver", "disability", "hiv", "in_conflict_with_law",
    "drug_addicted", "dropout_to_work", "violence_harmed", "exploited", "sexually_abused",
    "trafficked", "serious_illness_poor", "migrant_unaccompanied", "at_risk"};
}  // namespace ci

namespace cn {
enum : std::uint8_t {
  physical_violence, emotional_violence, sexual_abuse, exploitation, child_labour, trafficking,
  abduction, abandonment, neglect, child_marriage, online_abuse, drowning, road_traffic, fall,
  burn, poisoning, other_injury, drug_use, in_conflict_with_law, school_dropout, mental_health,
  other
};
constexpr std::string_view codes[] = {
    "physical_violence", "emotional_violence", "sexual_abuse", "exploitation", "child_labour",
    "trafficking", "abduction", "abandonment", "neglect", "child_marriage", "online_abuse",
    "drowning", "road_traffic", "fall", "burn", "poisoning", "other_injury", "drug_use",
    "in_conflict_with_law", "school_dropout", "mental_health", "other"};
constexpr std::size_t count = sizeof(codes) / sizeof(codes[0]);
}  // namespace cn

// Concern groups.
namespace grp {
enum : std::uint8_t { abuse, injury, risk, other };
constexpr std::uint8_t of(std::uint8_t concern) noexcept {
  return concern <= cn::online_abuse ? abuse
         : concern <= cn::other_injury ? injury
         : concern <= cn::mental_health ? risk
                                        : other;
}
}  // namespace grp

namespace src {
enum : std::uint8_t {
  hotline_111, commune_peoples_committee, police, social_affairs, school, health_facility,
  community, family, self, media, online, other
};
constexpr std::string_view codes[] = {
    "hotline_111", "commune_peoples_committee", "police", "social_affairs", "school",
    "health_facility", "community", "family", "self", "media", "online", "other"};
}  // namespace src

namespace st {
enum : std::uint8_t { family, school, community, workplace, online, care_facility, other };
constexpr std::string_view codes[] = {"family", "school", "community", "workplace",
                                      "online", "care_facility", "other"};
}  // namespace st

namespace pp {
enum : std::uint8_t {
  parent, step_parent, relative, caregiver, teacher_staff, acquaintance, partner, other_child,
  stranger, unknown
};
constexpr std::string_view codes[] = {"parent", "step_parent", "relative", "caregiver",
                                      "teacher_staff", "acquaintance", "partner", "other_child",
                                      "stranger", "unknown"};
}  // namespace pp

namespace lv {
enum : std::uint8_t { prevention, support, intervention };
constexpr std::string_view codes[] = {"prevention", "support", "intervention"};
}  // namespace lv

namespace rk {
enum : std::uint8_t { low, medium, high };
constexpr std::string_view codes[] = {"low", "medium", "high"};
}  // namespace rk

namespace oc {
enum : std::uint8_t { recovered, injured, disabled, died };
constexpr std::string_view codes[] = {"recovered", "injured", "disabled", "died"};
}  // namespace oc

namespace cr {
enum : std::uint8_t {
  goals_met, transferred, moved, aged_out, died, lost_contact, refused, duplicate, other
};
constexpr std::string_view codes[] = {"goals_met", "transferred", "moved",
                                      "aged_out", "died", "lost_contact",
                                      "refused", "duplicate", "other"};
}  // namespace cr

namespace sv {
enum : std::uint8_t {
  health_care, psychosocial, legal_aid, education_support, alternative_care,
  family_reunification, cash_support, shelter, vocational_training, other
};
constexpr std::string_view codes[] = {
    "health_care", "psychosocial", "legal_aid", "education_support", "alternative_care",
    "family_reunification", "cash_support", "shelter", "vocational_training", "other"};
}  // namespace sv

namespace ak {
enum : std::uint8_t {
  labour_social_affairs, health, education, culture_sports, police, justice,
  information_communication, home_affairs, womens_union, youth_union, peoples_committee,
  committee, court, procuracy, hotline, ngo, other
};
constexpr std::string_view codes[] = {
    "labour_social_affairs", "health", "education", "culture_sports", "police", "justice",
    "information_communication", "home_affairs", "womens_union", "youth_union",
    "peoples_committee", "committee", "court", "procuracy", "hotline", "ngo", "other"};
}  // namespace ak

namespace act {
enum : std::uint8_t {
  directive, plan, training, communication, performance, media_item, media_report, conference,
  forum, inspection, support, facility
};
constexpr std::string_view codes[] = {
    "directive", "plan", "training", "communication", "performance", "media_item",
    "media_report", "conference", "forum", "inspection", "support", "facility"};
}  // namespace act

namespace tp {
enum : std::uint8_t {
  rights, abuse_prevention, sexual_abuse_prevention, injury_prevention, drowning_prevention,
  road_safety, first_aid, school_safety, drug_prevention, tobacco_prevention, child_labour,
  trafficking, online_safety, nutrition, gender_equality, child_marriage, participation,
  mental_health, summer_activities, care_support
};
constexpr std::string_view codes[] = {
    "rights", "abuse_prevention", "sexual_abuse_prevention", "injury_prevention",
    "drowning_prevention", "road_safety", "first_aid", "school_safety", "drug_prevention",
    "tobacco_prevention", "child_labour", "trafficking", "online_safety", "nutrition",
    "gender_equality", "child_marriage", "participation", "mental_health", "summer_activities",
    "care_support"};
constexpr std::size_t count = sizeof(codes) / sizeof(codes[0]);
}  // namespace tp

namespace au {
enum : std::uint8_t { children, parents, teachers, officials, union_members, community };
constexpr std::string_view codes[] = {"children", "parents", "teachers",
                                      "officials", "union_members", "community"};
constexpr std::size_t count = sizeof(codes) / sizeof(codes[0]);
}  // namespace au

// clang-format on
constexpr std::uint32_t bit(unsigned i) noexcept { return std::uint32_t{1} << i; }

// Dates.

constexpr day_number day_of(int year, unsigned month, unsigned day) noexcept {
  return to_day_number(civil_date{year, month, day});
}

// The civil fields and the ISO text of every day in a range, so that formatting a date or
// taking its month is a table lookup; days outside the range take the slow path.
class date_book {
 public:
  date_book(day_number first, day_number last)
      : first_(first),
        last_(last),
        civil_(static_cast<std::size_t>(last - first + 1)),
        text_(static_cast<std::size_t>(last - first + 1) * 10) {
    for (day_number d = first; d <= last; ++d) {
      const civil_date c = to_civil(d);
      const auto i = static_cast<std::size_t>(d - first);
      civil_[i] = c;
      format(c, &text_[i * 10]);
    }
  }

  static void format(const civil_date& c, char* out) noexcept {
    const auto y = static_cast<unsigned>(c.year);
    out[0] = static_cast<char>('0' + y / 1000 % 10);
    out[1] = static_cast<char>('0' + y / 100 % 10);
    out[2] = static_cast<char>('0' + y / 10 % 10);
    out[3] = static_cast<char>('0' + y % 10);
    out[4] = '-';
    out[5] = static_cast<char>('0' + c.month / 10);
    out[6] = static_cast<char>('0' + c.month % 10);
    out[7] = '-';
    out[8] = static_cast<char>('0' + c.day / 10);
    out[9] = static_cast<char>('0' + c.day % 10);
  }

  bool covers(day_number d) const noexcept { return d >= first_ && d <= last_; }
  day_number first() const noexcept { return first_; }
  day_number last() const noexcept { return last_; }

  civil_date civil(day_number d) const noexcept {
    return covers(d) ? civil_[static_cast<std::size_t>(d - first_)] : to_civil(d);
  }
  // 10 bytes of YYYY-MM-DD, or nullptr outside the range.
  const char* text(day_number d) const noexcept {
    return covers(d) ? &text_[static_cast<std::size_t>(d - first_) * 10] : nullptr;
  }

  // Completed years on `at` of someone born on `birth` (a 29 February birthday falls on
  // 1 March in a common year), as age_in_years but with table lookups.
  int age(day_number birth, day_number at) const noexcept {
    const civil_date b = civil(birth);
    const civil_date a = civil(at);
    int years = a.year - b.year;
    if (a.month < b.month || (a.month == b.month && a.day < b.day)) --years;
    return years;
  }

  // The same calendar day `years` later (29 February becomes 1 March in a common year).
  day_number add_years(day_number d, int years) const noexcept {
    const civil_date c = civil(d);
    const int y = c.year + years;
    if (c.month == 2 && c.day == 29 && !is_leap_year(y)) return day_of(y, 3, 1);
    return day_of(y, c.month, c.day);
  }

 private:
  day_number first_;
  day_number last_;
  std::vector<civil_date> civil_;
  std::vector<char> text_;
};

// Output.

// One CSV file written through a large buffer. A row is begun with begin(), which makes room
// for the longest row, then fields are appended without further checks.
class table_writer {
 public:
  static constexpr std::size_t buffer_size = std::size_t{1} << 20;
  static constexpr std::size_t max_row = 4096;

  table_writer(const std::filesystem::path& folder, std::string file, std::string_view header,
               const date_book& book)
      : file_(std::move(file)),
        path_((folder / file_).string()),
        book_(book),
        buffer_(new char[buffer_size]) {
    handle_ = std::fopen(path_.c_str(), "wb");
    if (handle_ == nullptr) fail("cannot create");
    begin();
    str(header);
    buffer_[pos_++] = '\n';
  }
  table_writer(const table_writer&) = delete;
  table_writer& operator=(const table_writer&) = delete;
  ~table_writer() {
    if (handle_ != nullptr) std::fclose(handle_);
  }

  void begin() {
    if (buffer_size - pos_ < max_row) flush();
  }
  void end() {
    buffer_[pos_++] = '\n';
    ++rows_;
  }
  void comma() { buffer_[pos_++] = ','; }

  void str(std::string_view s) {
    if (s.empty()) return;  // an empty view may hold a null pointer, which memcpy refuses
    std::memcpy(buffer_.get() + pos_, s.data(), s.size());
    pos_ += s.size();
  }
  // Text that may need quoting (RFC 4180): a comma, quote or line end inside.
  void text(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      str(s);
      return;
    }
    buffer_[pos_++] = '"';
    for (const char c : s) {
      if (c == '"') buffer_[pos_++] = '"';
      buffer_[pos_++] = c;
    }
    buffer_[pos_++] = '"';
  }
  void num(std::uint64_t v) {
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) buffer_[pos_++] = digits[--n];
  }
  // A fixed-point number with one decimal: 1125 -> "112.5", 1120 -> "112".
  void tenths(std::uint64_t v) {
    num(v / 10);
    if (v % 10 != 0) {
      buffer_[pos_++] = '.';
      buffer_[pos_++] = static_cast<char>('0' + v % 10);
    }
  }
  // `prefix` then `number` zero-padded to `width` digits.
  void id(std::string_view prefix, std::uint64_t number, int width) {
    str(prefix);
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + number % 10);
      number /= 10;
    } while (number != 0);
    for (int i = n; i < width; ++i) buffer_[pos_++] = '0';
    while (n > 0) buffer_[pos_++] = digits[--n];
  }
  void date(day_number d) {
    if (const char* t = book_.text(d)) {
      std::memcpy(buffer_.get() + pos_, t, 10);
    } else {
      date_book::format(to_civil(d), buffer_.get() + pos_);
    }
    pos_ += 10;
  }
  // A date, then `THH:MM` when the minute of the day is known.
  void date_time(day_number d, int minute) {
    date(d);
    if (minute < 0) return;
    buffer_[pos_++] = 'T';
    buffer_[pos_++] = static_cast<char>('0' + minute / 600);
    buffer_[pos_++] = static_cast<char>('0' + minute / 60 % 10);
    buffer_[pos_++] = ':';
    buffer_[pos_++] = static_cast<char>('0' + minute % 60 / 10);
    buffer_[pos_++] = static_cast<char>('0' + minute % 10);
  }
  // An optional date: nothing for no_day.
  void opt_date(day_number d) {
    if (d != no_day) date(d);
  }
  template <std::size_t N>
  void opt_code(const std::string_view (&list)[N], std::uint8_t c) {
    if (c != none) str(list[c]);
  }
  // A multi-valued cell: the codes whose bits are set, in list order, joined by '|'.
  template <std::size_t N>
  void code_set(const std::string_view (&list)[N], std::uint32_t set) {
    bool first = true;
    for (std::size_t i = 0; i < N; ++i) {
      if ((set & bit(static_cast<unsigned>(i))) == 0) continue;
      if (!first) buffer_[pos_++] = '|';
      str(list[i]);
      first = false;
    }
  }

  // Flushes and closes the file; returns what was written.
  table_summary close() {
    flush();
    std::FILE* h = handle_;
    handle_ = nullptr;
    if (std::fclose(h) != 0) fail("cannot write");
    return table_summary{file_, rows_, bytes_};
  }

 private:
  void flush() {
    if (pos_ == 0) return;
    if (std::fwrite(buffer_.get(), 1, pos_, handle_) != pos_) fail("cannot write");
    bytes_ += pos_;
    pos_ = 0;
  }
  [[noreturn]] void fail(const char* what) const {
    const int code = errno;
    throw error(std::string(what) + " '" + path_ + "': " + std::generic_category().message(code));
  }

  std::string file_;
  std::string path_;
  const date_book& book_;
  std::unique_ptr<char[]> buffer_;
  std::size_t pos_ = 0;
  std::FILE* handle_ = nullptr;
  std::uint64_t rows_ = 0;
  std::uint64_t bytes_ = 0;
};

// Places.

enum class unit_kind : std::uint8_t {
  province,
  municipality,
  city,
  town,
  district,
  urban_district,
  ward,
  commune,
  township
};
constexpr std::string_view unit_kind_codes[] = {"province", "municipality", "city",
                                                "town",     "district",     "urban_district",
                                                "ward",     "commune",      "township"};

// Which mix of ethnic groups a district's children come from (Quảng Ninh 2017: Kinh 86.6 %,
// Dao 5.5 %, Tày 3 %, Sán Dìu 1.6 %, Sán Chay 1.2 %, Hoa 0.5 %; the highland districts are
// mostly Dao, Tày and Sán Chỉ).
enum class ethnic_profile : std::uint8_t { lowland, mixed, highland };

// clang-format off
// Weights over eth::codes then "empty".
constexpr weights<9> ethnicity_weights[] = {
    weights<9>({955, 8, 8, 10, 3, 5, 2, 2, 7}),
    weights<9>({700, 60, 110, 40, 40, 15, 10, 10, 15}),
    weights<9>({250, 260, 290, 10, 130, 10, 20, 10, 20}),
};

// Quảng Ninh, as in the GSO list of 1 September 2024 (daohoangson/dvhcvn mirror): 13
// district-level units, 177 commune-level units. Code 197 and 204 do not exist in 2024.
struct seed_district {
  const char* code;
  unit_kind kind;
  const char* name;  // without the kind prefix
  ethnic_profile profile;
  std::uint8_t communes;
};

constexpr seed_district quang_ninh_districts[] = {
    {"193", unit_kind::city, "Hạ Long", ethnic_profile::lowland, 33},
    {"194", unit_kind::city, "Móng Cái", ethnic_profile::mixed, 17},
    {"195", unit_kind::city, "Cẩm Phả", ethnic_profile::lowland, 16},
    {"196", unit_kind::city, "Uông Bí", ethnic_profile::lowland, 10},
    {"198", unit_kind::district, "Bình Liêu", ethnic_profile::highland, 7},
    {"199", unit_kind::district, "Tiên Yên", ethnic_profile::highland, 11},
    {"200", unit_kind::district, "Đầm Hà", ethnic_profile::mixed, 9},
    {"201", unit_kind::district, "Hải Hà", ethnic_profile::mixed, 11},
    {"202", unit_kind::district, "Ba Chẽ", ethnic_profile::highland, 8},
    {"203", unit_kind::district, "Vân Đồn", ethnic_profile::mixed, 12},
    {"205", unit_kind::town, "Đông Triều", ethnic_profile::lowland, 21},
    {"206", unit_kind::town, "Quảng Yên", ethnic_profile::lowland, 19},
    {"207", unit_kind::district, "Cô Tô", ethnic_profile::lowland, 3},
};

// The communes of quang_ninh_districts, district by district, with their full names (the
// kind follows from the prefix: Phường = ward, Xã = commune, Thị trấn = township).
constexpr std::pair<const char*, const char*> quang_ninh_communes[] = {
    // 193 Thành phố Hạ Long
    {"06649", "Phường Hà Khánh"}, {"06652", "Phường Hà Phong"}, {"06655", "Phường Hà Khẩu"},
    {"06658", "Phường Cao Xanh"}, {"06661", "Phường Giếng Đáy"}, {"06664", "Phường Hà Tu"},
    {"06667", "Phường Hà Trung"}, {"06670", "Phường Hà Lầm"}, {"06673", "Phường Bãi Cháy"},
    {"06676", "Phường Cao Thắng"}, {"06679", "Phường Hùng Thắng"}, {"06682", "Phường Yết Kiêu"},
    {"06685", "Phường Trần Hưng Đạo"}, {"06688", "Phường Hồng Hải"},
    {"06691", "Phường Hồng Gai"}, {"06694", "Phường Bạch Đằng"}, {"06697", "Phường Hồng Hà"},
    {"06700", "Phường Tuần Châu"}, {"06703", "Phường Việt Hưng"}, {"06706", "Phường Đại Yên"},
    {"07030", "Phường Hoành Bồ"}, {"07033", "Xã Kỳ Thượng"}, {"07036", "Xã Đồng Sơn"},
    {"07039", "Xã Tân Dân"}, {"07042", "Xã Đồng Lâm"}, {"07045", "Xã Hòa Bình"},
    {"07048", "Xã Vũ Oai"}, {"07051", "Xã Dân Chủ"}, {"07054", "Xã Quảng La"},
    {"07057", "Xã Bằng Cả"}, {"07060", "Xã Thống Nhất"}, {"07063", "Xã Sơn Dương"},
    {"07066", "Xã Lê Lợi"},
    // 194 Thành phố Móng Cái
    {"06709", "Phường Ka Long"}, {"06712", "Phường Trần Phú"}, {"06715", "Phường Ninh Dương"},
    {"06718", "Phường Hoà Lạc"}, {"06721", "Phường Trà Cổ"}, {"06724", "Xã Hải Sơn"},
    {"06727", "Xã Bắc Sơn"}, {"06730", "Xã Hải Đông"}, {"06733", "Xã Hải Tiến"},
    {"06736", "Phường Hải Yên"}, {"06739", "Xã Quảng Nghĩa"}, {"06742", "Phường Hải Hoà"},
    {"06745", "Xã Hải Xuân"}, {"06748", "Xã Vạn Ninh"}, {"06751", "Phường Bình Ngọc"},
    {"06754", "Xã Vĩnh Trung"}, {"06757", "Xã Vĩnh Thực"},
    // 195 Thành phố Cẩm Phả
    {"06760", "Phường Mông Dương"}, {"06763", "Phường Cửa Ông"}, {"06766", "Phường Cẩm Sơn"},
    {"06769", "Phường Cẩm Đông"}, {"06772", "Phường Cẩm Phú"}, {"06775", "Phường Cẩm Tây"},
    {"06778", "Phường Quang Hanh"}, {"06781", "Phường Cẩm Thịnh"},
    {"06784", "Phường Cẩm Thủy"}, {"06787", "Phường Cẩm Thạch"},
    {"06790", "Phường Cẩm Thành"}, {"06793", "Phường Cẩm Trung"},
    {"06796", "Phường Cẩm Bình"}, {"06799", "Xã Cộng Hòa"}, {"06802", "Xã Cẩm Hải"},
    {"06805", "Xã Dương Huy"},
    // 196 Thành phố Uông Bí
    {"06808", "Phường Vàng Danh"}, {"06811", "Phường Thanh Sơn"}, {"06814", "Phường Bắc Sơn"},
    {"06817", "Phường Quang Trung"}, {"06820", "Phường Trưng Vương"},
    {"06823", "Phường Nam Khê"}, {"06826", "Phường Yên Thanh"},
    {"06829", "Xã Thượng Yên Công"}, {"06832", "Phường Phương Đông"},
    {"06835", "Phường Phương Nam"},
    // 198 Huyện Bình Liêu
    {"06838", "Thị trấn Bình Liêu"}, {"06841", "Xã Hoành Mô"}, {"06844", "Xã Đồng Tâm"},
    {"06847", "Xã Đồng Văn"}, {"06853", "Xã Vô Ngại"}, {"06856", "Xã Lục Hồn"},
    {"06859", "Xã Húc Động"},
    // 199 Huyện Tiên Yên
    {"06862", "Thị trấn Tiên Yên"}, {"06865", "Xã Hà Lâu"}, {"06868", "Xã Đại Dực"},
    {"06871", "Xã Phong Dụ"}, {"06874", "Xã Điền Xá"}, {"06877", "Xã Đông Ngũ"},
    {"06880", "Xã Yên Than"}, {"06883", "Xã Đông Hải"}, {"06886", "Xã Hải Lạng"},
    {"06889", "Xã Tiên Lãng"}, {"06892", "Xã Đồng Rui"},
    // 200 Huyện Đầm Hà
    {"06895", "Thị trấn Đầm Hà"}, {"06898", "Xã Quảng Lâm"}, {"06901", "Xã Quảng An"},
    {"06904", "Xã Tân Bình"}, {"06910", "Xã Dực Yên"}, {"06913", "Xã Quảng Tân"},
    {"06916", "Xã Đầm Hà"}, {"06917", "Xã Tân Lập"}, {"06919", "Xã Đại Bình"},
    // 201 Huyện Hải Hà
    {"06922", "Thị trấn Quảng Hà"}, {"06925", "Xã Quảng Đức"}, {"06928", "Xã Quảng Sơn"},
    {"06931", "Xã Quảng Thành"}, {"06937", "Xã Quảng Thịnh"}, {"06940", "Xã Quảng Minh"},
    {"06943", "Xã Quảng Chính"}, {"06946", "Xã Quảng Long"}, {"06949", "Xã Đường Hoa"},
    {"06952", "Xã Quảng Phong"}, {"06967", "Xã Cái Chiên"},
    // 202 Huyện Ba Chẽ
    {"06970", "Thị trấn Ba Chẽ"}, {"06973", "Xã Thanh Sơn"}, {"06976", "Xã Thanh Lâm"},
    {"06979", "Xã Đạp Thanh"}, {"06982", "Xã Nam Sơn"}, {"06985", "Xã Lương Mông"},
    {"06988", "Xã Đồn Đạc"}, {"06991", "Xã Minh Cầm"},
    // 203 Huyện Vân Đồn
    {"06994", "Thị trấn Cái Rồng"}, {"06997", "Xã Đài Xuyên"}, {"07000", "Xã Bình Dân"},
    {"07003", "Xã Vạn Yên"}, {"07006", "Xã Minh Châu"}, {"07009", "Xã Đoàn Kết"},
    {"07012", "Xã Hạ Long"}, {"07015", "Xã Đông Xá"}, {"07018", "Xã Bản Sen"},
    {"07021", "Xã Thắng Lợi"}, {"07024", "Xã Quan Lạn"}, {"07027", "Xã Ngọc Vừng"},
    // 205 Thị xã Đông Triều
    {"07069", "Phường Mạo Khê"}, {"07072", "Phường Đông Triều"}, {"07075", "Xã An Sinh"},
    {"07078", "Xã Tràng Lương"}, {"07081", "Xã Bình Khê"}, {"07084", "Xã Việt Dân"},
    {"07087", "Xã Tân Việt"}, {"07090", "Xã Bình Dương"}, {"07093", "Phường Đức Chính"},
    {"07096", "Phường Tràng An"}, {"07099", "Xã Nguyễn Huệ"}, {"07102", "Xã Thủy An"},
    {"07105", "Phường Xuân Sơn"}, {"07108", "Xã Hồng Thái Tây"},
    {"07111", "Xã Hồng Thái Đông"}, {"07114", "Phường Hoàng Quế"}, {"07117", "Phường Yên Thọ"},
    {"07120", "Phường Hồng Phong"}, {"07123", "Phường Kim Sơn"}, {"07126", "Phường Hưng Đạo"},
    {"07129", "Xã Yên Đức"},
    // 206 Thị xã Quảng Yên
    {"07132", "Phường Quảng Yên"}, {"07135", "Phường Đông Mai"}, {"07138", "Phường Minh Thành"},
    {"07144", "Xã Sông Khoai"}, {"07147", "Xã Hiệp Hòa"}, {"07150", "Phường Cộng Hòa"},
    {"07153", "Xã Tiền An"}, {"07156", "Xã Hoàng Tân"}, {"07159", "Phường Tân An"},
    {"07162", "Phường Yên Giang"}, {"07165", "Phường Nam Hoà"}, {"07168", "Phường Hà An"},
    {"07171", "Xã Cẩm La"}, {"07174", "Phường Phong Hải"}, {"07177", "Phường Yên Hải"},
    {"07180", "Xã Liên Hòa"}, {"07183", "Phường Phong Cốc"}, {"07186", "Xã Liên Vị"},
    {"07189", "Xã Tiền Phong"},
    // 207 Huyện Cô Tô
    {"07192", "Thị trấn Cô Tô"}, {"07195", "Xã Đồng Tiến"}, {"07198", "Xã Thanh Lân"},
};

// The other 62 provinces and centrally-run cities of 2024 with their GSO codes, for the
// names of the synthetic provinces (Quảng Ninh, code 22, is always the first province).
struct seed_province {
  const char* code;
  const char* name;
  bool municipality;
};

constexpr seed_province vietnam_provinces[] = {
    {"01", "Hà Nội", true},          {"02", "Hà Giang", false},      {"04", "Cao Bằng", false},
    {"06", "Bắc Kạn", false},        {"08", "Tuyên Quang", false},   {"10", "Lào Cai", false},
    {"11", "Điện Biên", false},      {"12", "Lai Châu", false},      {"14", "Sơn La", false},
    {"15", "Yên Bái", false},        {"17", "Hòa Bình", false},      {"19", "Thái Nguyên", false},
    {"20", "Lạng Sơn", false},       {"24", "Bắc Giang", false},     {"25", "Phú Thọ", false},
    {"26", "Vĩnh Phúc", false},      {"27", "Bắc Ninh", false},      {"30", "Hải Dương", false},
    {"31", "Hải Phòng", true},       {"33", "Hưng Yên", false},      {"34", "Thái Bình", false},
    {"35", "Hà Nam", false},         {"36", "Nam Định", false},      {"37", "Ninh Bình", false},
    {"38", "Thanh Hóa", false},      {"40", "Nghệ An", false},       {"42", "Hà Tĩnh", false},
    {"44", "Quảng Bình", false},     {"45", "Quảng Trị", false},     {"46", "Thừa Thiên Huế", false},
    {"48", "Đà Nẵng", true},         {"49", "Quảng Nam", false},     {"51", "Quảng Ngãi", false},
    {"52", "Bình Định", false},      {"54", "Phú Yên", false},       {"56", "Khánh Hòa", false},
    {"58", "Ninh Thuận", false},     {"60", "Bình Thuận", false},    {"62", "Kon Tum", false},
    {"64", "Gia Lai", false},        {"66", "Đắk Lắk", false},       {"67", "Đắk Nông", false},
    {"68", "Lâm Đồng", false},       {"70", "Bình Phước", false},    {"72", "Tây Ninh", false},
    {"74", "Bình Dương", false},     {"75", "Đồng Nai", false},      {"77", "Bà Rịa – Vũng Tàu", false},
    {"79", "Hồ Chí Minh", true},     {"80", "Long An", false},       {"82", "Tiền Giang", false},
    {"83", "Bến Tre", false},        {"84", "Trà Vinh", false},      {"86", "Vĩnh Long", false},
    {"87", "Đồng Tháp", false},      {"89", "An Giang", false},      {"91", "Kiên Giang", false},
    {"92", "Cần Thơ", true},         {"93", "Hậu Giang", false},     {"94", "Sóc Trăng", false},
    {"95", "Bạc Liêu", false},       {"96", "Cà Mau", false},
};

// Syllables of common Vietnamese place names, for synthetic districts and communes.
constexpr const char* name_first[] = {
    "An",    "Bình",  "Cẩm",  "Đại",   "Đông",  "Đồng",  "Hải",  "Hòa",   "Hồng",  "Hưng",  "Kim",
    "Lạc",   "Long",  "Minh", "Nam",   "Ngọc",  "Phú",   "Phúc", "Quang", "Quảng", "Tân",   "Tây",
    "Thạch", "Thái",  "Thanh", "Thượng", "Trung", "Vạn", "Vĩnh", "Xuân",  "Yên",   "Bắc"};
constexpr const char* name_second[] = {
    "An",   "Bình",  "Dương", "Điền", "Giang", "Hà",   "Hải",  "Hiệp", "Hòa",   "Hưng", "Khê",
    "Lâm",  "Lập",   "Lộc",   "Lợi",  "Long",  "Mỹ",   "Phong", "Phú", "Quang", "Sơn",  "Tân",
    "Thành", "Thịnh", "Thuận", "Tiến", "Trung", "Vinh", "Xuân", "Yên",  "Linh",  "Đức"};

// clang-format on
// The agencies of each province and each district-level unit (the seed's table, plus the
// health department that took over child affairs in 2025, justice, the courts, the 111
// hotline and the provincial social work centre).
namespace pr {
enum : std::uint8_t {
  ubnd,
  committee,
  labour,
  health,
  education,
  culture,
  police,
  justice,
  info,
  women,
  youth,
  court,
  procuracy,
  hotline,
  social_work,
  count
};
}  // namespace pr
namespace dr {
enum : std::uint8_t { ubnd, labour, health, education, police, women, youth, count };
}  // namespace dr

struct agency_role {
  const char* suffix;
  std::uint8_t kind;
  const char* name;  // "{}" stands for the unit, e.g. "tỉnh Quảng Ninh"; nullptr: youth union
};

// clang-format off
constexpr agency_role province_roles[pr::count] = {
    {"UBND", ak::peoples_committee, "Ủy ban nhân dân {}"},
    {"BVSTB", ak::committee, "Ban Vì sự tiến bộ của phụ nữ và bảo vệ, chăm sóc trẻ em {}"},
    {"SLDTBXH", ak::labour_social_affairs, "Sở Lao động – Thương binh và Xã hội {}"},
    {"SYT", ak::health, "Sở Y tế {}"},
    {"SGDDT", ak::education, "Sở Giáo dục và Đào tạo {}"},
    {"SVHTT", ak::culture_sports, "Sở Văn hóa và Thể thao {}"},
    {"CA", ak::police, "Công an {}"},
    {"STP", ak::justice, "Sở Tư pháp {}"},
    {"STTTT", ak::information_communication, "Sở Thông tin và Truyền thông {}"},
    {"HLHPN", ak::womens_union, "Hội Liên hiệp Phụ nữ {}"},
    {"DOAN", ak::youth_union, nullptr},
    {"TAND", ak::court, "Tòa án nhân dân {}"},
    {"VKSND", ak::procuracy, "Viện Kiểm sát nhân dân {}"},
    {"TD111", ak::hotline, "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111 (tiếp nhận {})"},
    {"CTXH", ak::other, "Trung tâm Công tác xã hội {}"},
};

constexpr agency_role district_roles[dr::count] = {
    {"UBND", ak::peoples_committee, "Ủy ban nhân dân {}"},
    {"PLDTBXH", ak::labour_social_affairs, "Phòng Lao động – Thương binh và Xã hội {}"},
    {"PYT", ak::health, "Phòng Y tế {}"},
    {"PGDDT", ak::education, "Phòng Giáo dục và Đào tạo {}"},
    {"CA", ak::police, "Công an {}"},
    {"HLHPN", ak::womens_union, "Hội Liên hiệp Phụ nữ {}"},
    {"DOAN", ak::youth_union, nullptr},
};

// clang-format on
struct province_unit {
  std::string code, name, short_name;
  unit_kind kind = unit_kind::province;
  std::uint32_t first_district = 0, districts = 0;
  std::uint32_t first_commune = 0, communes = 0;
  std::array<std::uint32_t, pr::count> agencies{};
};

struct district_unit {
  std::string code, name, short_name;
  unit_kind kind = unit_kind::district;
  ethnic_profile profile = ethnic_profile::lowland;
  std::uint32_t province = 0;
  std::uint32_t first_commune = 0, communes = 0;
  std::array<std::uint32_t, dr::count> agencies{};
};

struct commune_unit {
  std::string code, name;
  unit_kind kind = unit_kind::commune;
  bool kind_left_empty = false;
  std::uint32_t district = 0;
  std::uint32_t weight = 0;
  std::uint64_t children = 0;
};

struct agency_row {
  std::string code, name;
  std::uint8_t kind = 0;
  std::uint8_t role = 0;
  bool district_level = false;
  std::uint32_t province = 0;
  std::uint32_t district = 0;  // for district_level agencies
};

struct geography {
  std::vector<province_unit> provinces;
  std::vector<district_unit> districts;
  std::vector<commune_unit> communes;
  std::vector<agency_row> agencies;
};

std::string_view kind_prefix(unit_kind k) {
  switch (k) {
    case unit_kind::province:
      return "Tỉnh";
    case unit_kind::municipality:
    case unit_kind::city:
      return "Thành phố";
    case unit_kind::town:
      return "Thị xã";
    case unit_kind::district:
      return "Huyện";
    case unit_kind::urban_district:
      return "Quận";
    case unit_kind::ward:
      return "Phường";
    case unit_kind::commune:
      return "Xã";
    case unit_kind::township:
      return "Thị trấn";
  }
  return "";
}

// The unit as the tail of an agency's name: "tỉnh Quảng Ninh", "thị xã Đông Triều".
std::string locative(unit_kind k, const std::string& short_name) {
  std::string prefix(kind_prefix(k));
  // The prefixes start with an ASCII capital (T, H, Q, P, X), so lower-casing one byte is safe.
  prefix[0] = static_cast<char>(prefix[0] - 'A' + 'a');
  return prefix + " " + short_name;
}

std::string youth_union_name(unit_kind k, const std::string& short_name) {
  switch (k) {
    case unit_kind::province:
      return "Tỉnh Đoàn " + short_name;
    case unit_kind::municipality:
      return "Thành Đoàn " + short_name;
    case unit_kind::city:
      return "Thành đoàn " + short_name;
    case unit_kind::town:
      return "Thị đoàn " + short_name;
    case unit_kind::urban_district:
      return "Quận đoàn " + short_name;
    default:
      return "Huyện đoàn " + short_name;
  }
}

std::string fill_name(const char* pattern, const std::string& unit) {
  std::string s(pattern);
  const std::size_t at = s.find("{}");
  return s.replace(at, 2, unit);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

unit_kind kind_from_name(std::string_view name) {
  if (starts_with(name, "Phường ")) return unit_kind::ward;
  if (starts_with(name, "Xã ")) return unit_kind::commune;
  return unit_kind::township;
}

std::string two_digits(std::uint32_t v) {
  std::string s(2, '0');
  s[0] = static_cast<char>('0' + v / 10 % 10);
  s[1] = static_cast<char>('0' + v % 10);
  return s;
}

// A place name from two syllables, not yet used in `used`.
std::string place_name(rng& r, std::vector<std::string>& used) {
  constexpr std::uint32_t n1 = sizeof(name_first) / sizeof(name_first[0]);
  constexpr std::uint32_t n2 = sizeof(name_second) / sizeof(name_second[0]);
  std::string name;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const char* a = name_first[r.below(n1)];
    const char* b = name_second[r.below(n2)];
    if (std::strcmp(a, b) == 0) continue;
    name = std::string(a) + " " + b;
    if (std::find(used.begin(), used.end(), name) == used.end()) break;
  }
  used.push_back(name);
  return name;
}

void add_agencies(geography& g, std::uint32_t province_index) {
  province_unit& p = g.provinces[province_index];
  const std::string ploc = locative(p.kind, p.short_name);
  for (std::uint8_t role = 0; role < pr::count; ++role) {
    const agency_role& ar = province_roles[role];
    agency_row a;
    a.code = p.code + "-" + ar.suffix;
    a.name = ar.name != nullptr ? fill_name(ar.name, ploc) : youth_union_name(p.kind, p.short_name);
    a.kind = ar.kind;
    a.role = role;
    a.province = province_index;
    p.agencies[role] = static_cast<std::uint32_t>(g.agencies.size());
    g.agencies.push_back(std::move(a));
  }
  for (std::uint32_t d = p.first_district; d < p.first_district + p.districts; ++d) {
    district_unit& du = g.districts[d];
    const std::string dloc = locative(du.kind, du.short_name);
    for (std::uint8_t role = 0; role < dr::count; ++role) {
      const agency_role& ar = district_roles[role];
      agency_row a;
      a.code = du.code + "-" + ar.suffix;
      a.name =
          ar.name != nullptr ? fill_name(ar.name, dloc) : youth_union_name(du.kind, du.short_name);
      a.kind = ar.kind;
      a.role = role;
      a.district_level = true;
      a.province = province_index;
      a.district = d;
      du.agencies[role] = static_cast<std::uint32_t>(g.agencies.size());
      g.agencies.push_back(std::move(a));
    }
  }
}

void add_quang_ninh(geography& g) {
  province_unit p;
  p.code = "22";
  p.short_name = "Quảng Ninh";
  p.name = "Tỉnh Quảng Ninh";
  p.first_district = static_cast<std::uint32_t>(g.districts.size());
  p.first_commune = static_cast<std::uint32_t>(g.communes.size());
  const auto province_index = static_cast<std::uint32_t>(g.provinces.size());
  std::size_t next_commune = 0;
  for (const seed_district& sd : quang_ninh_districts) {
    district_unit d;
    d.code = sd.code;
    d.short_name = sd.name;
    d.kind = sd.kind;
    d.name = std::string(kind_prefix(sd.kind)) + " " + sd.name;
    d.profile = sd.profile;
    d.province = province_index;
    d.first_commune = static_cast<std::uint32_t>(g.communes.size());
    d.communes = sd.communes;
    for (std::uint8_t i = 0; i < sd.communes; ++i, ++next_commune) {
      commune_unit c;
      c.code = quang_ninh_communes[next_commune].first;
      c.name = quang_ninh_communes[next_commune].second;
      c.kind = kind_from_name(c.name);
      c.district = static_cast<std::uint32_t>(g.districts.size());
      g.communes.push_back(std::move(c));
    }
    g.districts.push_back(std::move(d));
  }
  p.districts = static_cast<std::uint32_t>(g.districts.size()) - p.first_district;
  p.communes = static_cast<std::uint32_t>(g.communes.size()) - p.first_commune;
  g.provinces.push_back(std::move(p));
}

// Province number `n` (1-based, n >= 2): a real province's code and name (in code order,
// skipping Quảng Ninh), then "X064"... once the 63 are used; districts and communes are
// synthetic, coded by appending two digits to the parent's code.
void add_synthetic_province(geography& g, int n) {
  constexpr int real = sizeof(vietnam_provinces) / sizeof(vietnam_provinces[0]);
  rng r(0x5AFE6A4D, stream::places, static_cast<std::uint64_t>(n));
  province_unit p;
  const int k = n - 2;  // position in vietnam_provinces
  if (k < real) {
    const seed_province& sp = vietnam_provinces[k];
    p.code = sp.code;
    p.short_name = sp.name;
    p.kind = sp.municipality ? unit_kind::municipality : unit_kind::province;
  } else {
    p.code = "X" + std::string(n < 100 ? "0" : "") + std::to_string(n);
    p.short_name = "Tổng hợp " + std::to_string(n);
    p.kind = unit_kind::province;
  }
  p.name = std::string(kind_prefix(p.kind)) + " " + p.short_name;
  const auto province_index = static_cast<std::uint32_t>(g.provinces.size());
  p.first_district = static_cast<std::uint32_t>(g.districts.size());
  p.first_commune = static_cast<std::uint32_t>(g.communes.size());
  const int districts = r.between(8, 14);
  std::vector<std::string> used_district_names;
  for (int di = 0; di < districts; ++di) {
    district_unit d;
    d.code = p.code + two_digits(static_cast<std::uint32_t>(di + 1));
    d.province = province_index;
    if (p.kind == unit_kind::municipality) {
      d.kind = di < districts * 2 / 5 ? unit_kind::urban_district
               : r.chance(100000)     ? unit_kind::town
                                      : unit_kind::district;
    } else {
      d.kind = di == 0 ? unit_kind::city : r.chance(120000) ? unit_kind::town : unit_kind::district;
    }
    if (di == 0 && p.kind == unit_kind::province) {
      d.short_name = p.short_name;
      used_district_names.push_back(d.short_name);
    } else {
      d.short_name = place_name(r, used_district_names);
    }
    d.name = std::string(kind_prefix(d.kind)) + " " + d.short_name;
    const bool urban = d.kind == unit_kind::city || d.kind == unit_kind::urban_district ||
                       d.kind == unit_kind::town;
    const std::uint32_t profile = urban ? 0 : r.below(100);
    d.profile = profile < 60   ? ethnic_profile::lowland
                : profile < 85 ? ethnic_profile::mixed
                               : ethnic_profile::highland;
    d.first_commune = static_cast<std::uint32_t>(g.communes.size());
    const int communes = r.between(8, 24);
    std::vector<std::string> used_names;
    for (int ci = 0; ci < communes; ++ci) {
      commune_unit c;
      c.code = d.code + two_digits(static_cast<std::uint32_t>(ci + 1));
      if (urban)
        c.kind = r.chance(750000) ? unit_kind::ward : unit_kind::commune;
      else
        c.kind = ci == 0 ? unit_kind::township : unit_kind::commune;
      c.name = std::string(kind_prefix(c.kind)) + " " + place_name(r, used_names);
      c.district = static_cast<std::uint32_t>(g.districts.size());
      g.communes.push_back(std::move(c));
    }
    d.communes = static_cast<std::uint32_t>(communes);
    g.districts.push_back(std::move(d));
  }
  p.districts = static_cast<std::uint32_t>(g.districts.size()) - p.first_district;
  p.communes = static_cast<std::uint32_t>(g.communes.size()) - p.first_commune;
  g.provinces.push_back(std::move(p));
}

geography build_geography(int provinces) {
  geography g;
  add_quang_ninh(g);
  for (int n = 2; n <= provinces; ++n) add_synthetic_province(g, n);
  for (std::uint32_t p = 0; p < g.provinces.size(); ++p) add_agencies(g, p);
  // Every 50th commune has its optional kind left empty, so that readers meet the case.
  for (std::size_t i = 49; i < g.communes.size(); i += 50) g.communes[i].kind_left_empty = true;
  return g;
}

// How many children live in each commune: weights drawn per commune (wards and townships are
// bigger), then `total` shared out by largest remainder so that the counts add up exactly.
void share_children(geography& g, std::uint64_t seed, std::uint64_t total) {
  std::uint64_t weight_sum = 0;
  for (std::size_t i = 0; i < g.communes.size(); ++i) {
    commune_unit& c = g.communes[i];
    rng r(seed, stream::communes, i);
    int w = c.kind == unit_kind::ward       ? r.between(800, 2600)
            : c.kind == unit_kind::township ? r.between(700, 2000)
                                            : r.between(300, 1500);
    if (r.chance(80000)) w *= 2;
    c.weight = static_cast<std::uint32_t>(w);
    weight_sum += c.weight;
  }
  std::vector<std::pair<std::uint64_t, std::uint32_t>> remainders;  // (remainder, commune)
  remainders.reserve(g.communes.size());
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < g.communes.size(); ++i) {
    // total * weight fits: total <= 2^40 is checked by the caller, weight < 2^13.
    const std::uint64_t product = total * g.communes[i].weight;
    g.communes[i].children = product / weight_sum;
    given += g.communes[i].children;
    remainders.emplace_back(product % weight_sum, static_cast<std::uint32_t>(i));
  }
  std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t k = 0; given < total; ++k, ++given) ++g.communes[remainders[k].second].children;
}

// Holidays (Labour Code 2019, art. 112): New Year, five working days of Tết, Hùng Kings'
// day, 30 April, 1 May, National Day and one adjacent day; a holiday on a weekend gives a
// compensatory day off (nghỉ bù) on the next working day, written with an empty name.

// clang-format off
// The first day of the lunar year (mùng 1 Tết) in Vietnam, 2000..2030.
constexpr civil_date tet_days[] = {
    {2000, 2, 5},  {2001, 1, 24}, {2002, 2, 12}, {2003, 2, 1},  {2004, 1, 22}, {2005, 2, 9},
    {2006, 1, 29}, {2007, 2, 17}, {2008, 2, 7},  {2009, 1, 26}, {2010, 2, 14}, {2011, 2, 3},
    {2012, 1, 23}, {2013, 2, 10}, {2014, 1, 31}, {2015, 2, 19}, {2016, 2, 8},  {2017, 1, 28},
    {2018, 2, 16}, {2019, 2, 5},  {2020, 1, 25}, {2021, 2, 12}, {2022, 2, 1},  {2023, 1, 22},
    {2024, 2, 10}, {2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6},  {2028, 1, 26}, {2029, 2, 13},
    {2030, 2, 3},
};
// clang-format on
constexpr int min_year = 2000;
constexpr int max_year = 2030;

struct holiday {
  day_number day;
  std::string_view name;  // empty for a compensatory day
};

constexpr bool is_weekend(day_number d) noexcept { return iso_weekday(d) >= 6; }

std::vector<holiday> vietnam_holidays(int year) {
  std::vector<holiday> days;
  auto taken = [&](day_number d) {
    return std::any_of(days.begin(), days.end(), [d](const holiday& h) { return h.day == d; });
  };
  std::vector<day_number> owed;  // holidays that fell on a weekend
  auto add = [&](day_number d, std::string_view name) {
    days.push_back({d, name});
    if (is_weekend(d)) owed.push_back(d);
  };
  add(day_of(year, 1, 1), "Tết Dương lịch");
  if (year >= min_year && year <= max_year) {
    const day_number tet = to_day_number(tet_days[year - min_year]);
    // Five working days from two days before mùng 1: this gives the official breaks of
    // 2023 (20-26 Jan), 2024 (8-14 Feb), 2025 (27-31 Jan) and 2026 (16-20 Feb).
    int working = 0;
    for (day_number d = tet - 2; working < 5; ++d) {
      if (is_weekend(d)) continue;
      days.push_back({d, "Tết Nguyên đán"});
      ++working;
    }
    // Hùng Kings' day (10th day of the 3rd lunar month, a holiday since 2007): 68 days after
    // mùng 1 unless a leap month comes first (2023: leap 2nd month).
    if (year >= 2007) add(tet + (year == 2023 ? 97 : 68), "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
  }
  add(day_of(year, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước");
  add(day_of(year, 5, 1), "Ngày Quốc tế Lao động");
  const day_number national = day_of(year, 9, 2);
  add(national, "Quốc khánh");
  add(iso_weekday(national) == 1 ? national + 1 : national - 1, "Quốc khánh");
  std::sort(owed.begin(), owed.end());
  for (const day_number d : owed) {
    day_number c = d + 1;
    while (is_weekend(c) || taken(c)) ++c;
    days.push_back({c, std::string_view()});
  }
  std::sort(days.begin(), days.end(),
            [](const holiday& a, const holiday& b) { return a.day < b.day; });
  return days;
}

// clang-format off
// Distributions. Weights are relative; each table is indexed like the code list it draws.

constexpr weights<3> sex_weights({486, 512, 2});
constexpr weights<3> disability_weights({925, 25, 50});  // 0, 1, empty
// moved, aged_out, no_longer_eligible, died, other
constexpr weights<5> other_exit_weights({600, 0, 300, 20, 80});
// The 14 circumstances of the Law on Children (not at_risk); Quảng Ninh 2013 had about half
// of its children in special circumstances with a disability and a third orphaned or
// without support.
constexpr weights<14> circumstance_weights({90, 25, 130, 420, 25, 40, 8, 30, 35, 8, 45, 5, 130, 9});

constexpr weights<cn::count> abuse_concerns({270, 110, 190, 25, 50, 12, 12, 40, 160, 35, 60, 0, 0, 0,
                                             0, 0, 0, 0, 0, 0, 0, 0});
constexpr weights<cn::count> injury_concerns({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 150, 300, 260, 100,
                                              80, 110, 0, 0, 0, 0, 0});
// May to August: drowning is the first cause of injury death of children in summer.
constexpr weights<cn::count> summer_injury_concerns({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 420, 240, 170,
                                                     50, 50, 70, 0, 0, 0, 0, 0});
constexpr weights<cn::count> risk_concerns({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 170,
                                            220, 330, 280, 0});

// Hour of the report, 0..23.
constexpr weights<24> hour_weights({5,  3,  2,  2,  2,  3,  8,  20, 40, 55, 55, 50,
                                    40, 45, 50, 50, 50, 45, 40, 35, 30, 25, 15, 10});

// Setting, by kind of concern.
enum setting_table : std::uint8_t {
  s_violence, s_sexual, s_labour, s_trafficking, s_neglect, s_marriage, s_online, s_drowning,
  s_road, s_home_injury, s_other_injury, s_risk, s_other
};
constexpr weights<7> setting_weights[] = {
    weights<7>({600, 150, 200, 0, 0, 20, 30}),  weights<7>({250, 80, 450, 0, 120, 10, 90}),
    weights<7>({100, 0, 300, 600, 0, 0, 0}),    weights<7>({0, 0, 700, 0, 200, 0, 100}),
    weights<7>({900, 0, 100, 0, 0, 0, 0}),      weights<7>({800, 0, 200, 0, 0, 0, 0}),
    weights<7>({50, 0, 0, 0, 900, 0, 50}),      weights<7>({100, 20, 800, 0, 0, 0, 80}),
    weights<7>({0, 50, 900, 0, 0, 0, 50}),      weights<7>({700, 100, 150, 0, 0, 0, 50}),
    weights<7>({400, 100, 400, 50, 0, 0, 50}),  weights<7>({200, 300, 500, 0, 0, 0, 0}),
    weights<7>({200, 0, 300, 0, 0, 0, 500}),
};
constexpr std::uint8_t setting_table_of[cn::count] = {
    s_violence,  s_violence,    s_sexual,      s_labour,    s_labour,      s_trafficking,
    s_trafficking, s_neglect,   s_neglect,     s_marriage,  s_online,      s_drowning,
    s_road,      s_home_injury, s_home_injury, s_home_injury, s_other_injury, s_risk,
    s_risk,      s_risk,        s_risk,        s_other};

// Perpetrator of abuse, by kind of concern (Nghệ An and the National Assembly's 2019 report:
// mostly acquaintances, relatives, step-parents and boyfriends for sexual abuse).
enum perpetrator_table : std::uint8_t { p_physical, p_emotional, p_sexual, p_neglect, p_exploit, p_marriage, p_online };
constexpr weights<10> perpetrator_weights[] = {
    weights<10>({450, 70, 90, 30, 40, 90, 0, 160, 40, 30}),
    weights<10>({500, 100, 100, 0, 60, 50, 0, 150, 0, 40}),
    weights<10>({30, 60, 110, 20, 30, 330, 150, 80, 120, 100}),
    weights<10>({800, 40, 80, 80, 0, 0, 0, 0, 0, 0}),
    weights<10>({150, 0, 150, 0, 0, 300, 0, 0, 300, 100}),
    weights<10>({500, 0, 100, 0, 0, 0, 400, 0, 0, 0}),
    weights<10>({0, 0, 0, 0, 0, 250, 0, 0, 500, 250}),
};
constexpr std::uint8_t perpetrator_table_of[cn::online_abuse + 1] = {
    p_physical, p_emotional, p_sexual, p_exploit, p_exploit, p_exploit,
    p_exploit,  p_neglect,   p_neglect, p_marriage, p_online};

// By concern group (abuse, injury, risk, other).
constexpr weights<3> level_weights[] = {weights<3>({50, 370, 580}), weights<3>({220, 520, 260}),
                                        weights<3>({300, 600, 100}), weights<3>({500, 500, 0})};
constexpr weights<3> risk_weights[] = {weights<3>({250, 450, 300}), weights<3>({450, 400, 150}),
                                       weights<3>({350, 500, 150}), weights<3>({600, 400, 0})};
constexpr weights<12> source_weights[] = {
    weights<12>({300, 140, 110, 70, 110, 30, 80, 90, 30, 10, 20, 10}),
    weights<12>({120, 100, 60, 20, 40, 350, 120, 150, 0, 30, 0, 10}),
    weights<12>({120, 150, 200, 60, 250, 40, 50, 100, 20, 0, 0, 10}),
    weights<12>({200, 200, 50, 100, 100, 50, 100, 150, 20, 0, 20, 10}),
};
constexpr weights<10> service_weights[] = {
    weights<10>({150, 300, 120, 80, 50, 40, 120, 50, 20, 70}),
    weights<10>({550, 120, 0, 30, 0, 0, 250, 0, 0, 50}),
    weights<10>({100, 300, 100, 250, 0, 20, 30, 0, 150, 50}),
    weights<10>({50, 300, 0, 50, 0, 0, 300, 0, 0, 300}),
};

// Outcomes: a drowning kills far more often than other injuries.
constexpr weights<4> drowning_outcomes({600, 230, 20, 150});
constexpr weights<4> road_outcomes({600, 330, 30, 40});
constexpr weights<4> injury_outcomes({760, 220, 15, 5});
constexpr weights<4> abuse_outcomes({750, 230, 15, 5});

// goals_met, transferred, moved, aged_out, died, lost_contact, refused, duplicate, other
constexpr weights<9> closure_weights({700, 60, 50, 40, 0, 40, 30, 20, 30});
constexpr weights<4> service_count_weights({40, 30, 20, 10});  // 1..4 services
constexpr weights<3> referred_weights({550, 350, 100});        // 0, 1, empty
// Days from report to assessment, 0..10.
constexpr weights<11> assessment_delay_weights({10, 25, 20, 15, 10, 8, 4, 3, 2, 2, 1});

// A circumstance that comes with a protection case about it, and how often.
struct linked_case {
  std::uint8_t concern;
  std::uint32_t per_million;
};
constexpr linked_case linked_cases[14] = {
    {none, 0},          {cn::abandonment, 600000},   {none, 0},
    {none, 0},          {none, 0},                   {cn::in_conflict_with_law, 500000},
    {cn::drug_use, 500000}, {cn::child_labour, 400000}, {cn::physical_violence, 800000},
    {cn::exploitation, 800000}, {cn::sexual_abuse, 800000}, {cn::trafficking, 800000},
    {none, 0},          {none, 0},
};

// clang-format on
constexpr std::uint32_t no_agency = 0xFFFFFFFF;

struct episode {
  day_number start = no_day;
  day_number end = no_day;
  std::uint8_t circumstance = 0;
};

struct service_draft {
  day_number date = no_day;
  std::uint8_t service = 0;
  std::uint8_t referred = none;
  std::uint32_t agency = no_agency;
};

struct case_draft {
  day_number reported = no_day;
  int minute = -1;
  std::uint8_t forced = none;  // the concern a linked case is about
  std::uint32_t concerns = 0;
  std::uint8_t source = none, setting = none, perpetrator = none, level = none, risk = none,
               outcome = none, closure = none, consent = none;
  bool at_district = false;
  std::uint32_t lead = no_agency;
  day_number incident = no_day, emergency = no_day, assessed = no_day, plan = no_day,
             closed = no_day;
  int emergency_minute = -1;
  int services = 0;
  std::array<service_draft, 4> service;
};

struct child_facts {
  day_number birth = no_day;
  std::uint8_t sex = 0;
};

// Per district and year, for the case targets of plans.
struct district_year {
  std::uint32_t abused_children = 0;  // with an abuse case, 0-15 at report, consent given
  std::uint32_t counted_cases = 0;    // cases of children 0-15 with consent
  std::uint32_t planned_cases = 0;    // of which with a plan by the year's end
  std::uint32_t drowning_deaths = 0;
  std::uint64_t child_population = 0;  // aged 0-15
};

// Activities (the seed's table: who does what, how often, for whom).

// clang-format off
enum season : std::uint8_t { any_time, office_days, school_year, action_month, summer, gifts, review };
constexpr weights<12> month_weights[] = {
    weights<12>({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}),  // any
    weights<12>({3, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1}),  // office: documents early in the year
    weights<12>({3, 2, 3, 3, 2, 1, 0, 1, 3, 3, 3, 3}),  // school year
    weights<12>({1, 1, 1, 1, 2, 6, 1, 1, 1, 1, 1, 1}),  // around the Action Month (June)
    weights<12>({0, 0, 0, 0, 2, 4, 4, 3, 0, 0, 0, 0}),  // summer
    weights<12>({4, 2, 0, 0, 1, 5, 0, 0, 2, 0, 0, 1}),  // gifts: Tết, 1 June, Mid-Autumn
    weights<12>({1, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 3}),  // review conferences
};

// clang-format on
enum class venue : std::uint8_t { own, district, commune };
enum class programme : std::uint8_t { none, injury, drowning, participation, project8, nutrition };

struct activity_template {
  bool district_level;    // the template is for district agencies (else provincial ones)
  std::uint8_t role;      // pr:: or dr::
  std::uint8_t kind;      // act::
  std::uint8_t per_year;  // rows per agency and year; 0: one row per month
  season when;
  venue where;
  std::uint32_t topics_one;   // one of these
  std::uint32_t topics_more;  // each of these with 30 %
  std::uint8_t audiences_all;
  std::uint8_t audiences_more;                     // each with 40 %
  std::uint16_t participants_lo, participants_hi;  // 0: no participants column
  std::uint16_t children_lo, children_hi;          // children per mille of participants
  std::uint16_t quantity_lo, quantity_hi;          // 0: quantity left empty (1)
  std::uint8_t sessions_hi;                        // > 1: some rows count 2..sessions_hi sessions
  std::uint8_t days_hi;                            // > 0: some rows last 1..days_hi more days
  programme prog;
};

constexpr std::uint32_t bits(std::initializer_list<std::uint8_t> list) {
  std::uint32_t set = 0;
  for (const std::uint8_t i : list) set |= std::uint32_t{1} << i;
  return set;
}

// clang-format off
constexpr activity_template activity_templates[] = {
  // Provincial agencies. The Department of Labour, Invalids and Social Affairs (the seed: 26
  // documents, 5 trainings for 383 delegates in 5 localities in six months).
  {false, pr::labour, act::directive, 30, office_days, venue::own,
   bits({tp::rights, tp::injury_prevention, tp::sexual_abuse_prevention, tp::abuse_prevention, tp::drowning_prevention, tp::child_labour}), 0,
   bits({au::officials}), 0, 0, 0, 0, 0, 1, 2, 0, 0, programme::none},
  {false, pr::labour, act::training, 10, any_time, venue::district,
   bits({tp::injury_prevention, tp::school_safety}), bits({tp::first_aid, tp::drowning_prevention, tp::abuse_prevention}),
   bits({au::officials, au::teachers}), bits({au::children, au::parents}), 60, 95, 50, 200, 0, 0, 0, 1, programme::injury},
  {false, pr::labour, act::plan, 3, office_days, venue::own, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::labour, act::conference, 2, review, venue::own, bits({tp::rights, tp::abuse_prevention}), 0, bits({au::officials}), 0, 100, 180, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::labour, act::inspection, 4, any_time, venue::district, bits({tp::rights, tp::care_support}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::labour, act::support, 4, gifts, venue::district, bits({tp::care_support}), 0, bits({au::children}), 0, 0, 0, 0, 0, 80, 400, 0, 0, programme::none},
  // Health (child affairs from March 2025).
  {false, pr::health, act::directive, 4, office_days, venue::own, bits({tp::nutrition, tp::mental_health, tp::first_aid}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 1, 1, 0, 0, programme::none},
  {false, pr::health, act::communication, 8, any_time, venue::commune, bits({tp::nutrition, tp::mental_health, tp::first_aid}), bits({tp::care_support}),
   bits({au::parents}), bits({au::children, au::community}), 80, 250, 300, 700, 0, 0, 2, 0, programme::nutrition},
  // Education (the seed: 7 documents to schools in six months).
  {false, pr::education, act::directive, 14, office_days, venue::own,
   bits({tp::school_safety, tp::injury_prevention, tp::first_aid, tp::tobacco_prevention, tp::summer_activities}), 0, bits({au::teachers}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::education, act::communication, 24, school_year, venue::commune,
   bits({tp::school_safety, tp::online_safety, tp::sexual_abuse_prevention, tp::injury_prevention}), bits({tp::rights}),
   bits({au::children}), bits({au::teachers}), 200, 600, 850, 950, 0, 0, 0, 0, programme::none},
  {false, pr::education, act::training, 4, school_year, venue::district, bits({tp::first_aid, tp::online_safety, tp::mental_health}), 0,
   bits({au::teachers}), 0, 80, 150, 0, 0, 0, 0, 0, 1, programme::none},
  // Culture and Sports (the seed: staged communication in 10 localities, over 4,000 people).
  {false, pr::culture, act::plan, 2, office_days, venue::own, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::culture, act::performance, 14, action_month, venue::district, bits({tp::abuse_prevention}), bits({tp::sexual_abuse_prevention, tp::rights}),
   bits({au::community}), bits({au::children, au::parents}), 300, 520, 300, 600, 0, 0, 0, 0, programme::none},
  {false, pr::culture, act::facility, 4, any_time, venue::commune, bits({tp::summer_activities}), 0, bits({au::children}), 0, 0, 0, 0, 0, 1, 2, 0, 0, programme::none},
  {false, pr::culture, act::communication, 6, summer, venue::commune, bits({tp::drowning_prevention}), bits({tp::summer_activities}),
   bits({au::children}), bits({au::parents}), 50, 150, 800, 950, 0, 0, 0, 0, programme::drowning},
  // Police (the seed: 68 sessions on drugs in schools for 14,423 people in six months).
  {false, pr::police, act::communication, 100, school_year, venue::commune, bits({tp::drug_prevention}),
   bits({tp::tobacco_prevention, tp::road_safety, tp::online_safety, tp::trafficking}),
   bits({au::children}), bits({au::teachers}), 150, 280, 820, 920, 0, 0, 4, 0, programme::none},
  {false, pr::police, act::directive, 4, office_days, venue::own, bits({tp::drug_prevention, tp::trafficking}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 1, 1, 0, 0, programme::none},
  {false, pr::justice, act::communication, 6, any_time, venue::commune, bits({tp::rights, tp::trafficking, tp::child_marriage}), 0,
   bits({au::community}), bits({au::parents}), 80, 200, 100, 300, 0, 0, 0, 0, programme::none},
  {false, pr::info, act::media_item, 0, any_time, venue::own, bits({tp::online_safety, tp::rights}), bits({tp::abuse_prevention}),
   bits({au::community}), 0, 0, 0, 0, 0, 6, 20, 0, 0, programme::none},
  // Women's Union (the seed: over 200 news items, 2 reportages, 82 events for over 83,000
  // participations in six months; Project 8 and the nutrition programme in ethnic areas).
  {false, pr::women, act::directive, 6, office_days, venue::own, bits({tp::nutrition, tp::gender_equality, tp::abuse_prevention}), 0, bits({au::union_members}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::women, act::media_item, 0, any_time, venue::own, bits({tp::abuse_prevention, tp::nutrition, tp::gender_equality}), bits({tp::child_marriage}),
   bits({au::union_members}), bits({au::community}), 0, 0, 0, 0, 8, 14, 0, 0, programme::none},
  {false, pr::women, act::media_report, 4, any_time, venue::own, bits({tp::abuse_prevention, tp::gender_equality}), 0, bits({au::community}), 0, 0, 0, 0, 0, 1, 1, 0, 0, programme::none},
  {false, pr::women, act::conference, 8, any_time, venue::district, bits({tp::gender_equality, tp::nutrition, tp::abuse_prevention}), bits({tp::child_marriage, tp::care_support}),
   bits({au::union_members}), bits({au::officials}), 400, 2000, 0, 0, 0, 0, 0, 0, programme::project8},
  {false, pr::women, act::communication, 12, any_time, venue::commune, bits({tp::nutrition, tp::gender_equality, tp::child_marriage}), bits({tp::abuse_prevention}),
   bits({au::union_members, au::parents}), 0, 300, 1200, 0, 50, 0, 0, 3, 0, programme::project8},
  {false, pr::women, act::support, 6, gifts, venue::commune, bits({tp::care_support}), 0, bits({au::children}), 0, 0, 0, 0, 0, 5, 40, 0, 0, programme::none},
  // Youth Union (the seed: the provincial Children's Council of 55 children; sponsorship,
  // playgrounds, "1000 study corners", "red-scarf houses"; summer activities).
  {false, pr::youth, act::plan, 2, office_days, venue::own, bits({tp::participation}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::youth, act::forum, 3, any_time, venue::own, bits({tp::participation}), bits({tp::rights, tp::online_safety}),
   bits({au::children}), bits({au::officials}), 55, 80, 800, 900, 0, 0, 0, 1, programme::participation},
  {false, pr::youth, act::support, 6, gifts, venue::commune, bits({tp::care_support}), 0, bits({au::children}), 0, 0, 0, 0, 0, 20, 120, 0, 0, programme::none},
  {false, pr::youth, act::facility, 6, summer, venue::commune, bits({tp::summer_activities}), 0, bits({au::children}), 0, 0, 0, 0, 0, 1, 3, 0, 0, programme::none},
  {false, pr::youth, act::communication, 10, summer, venue::commune, bits({tp::summer_activities, tp::drowning_prevention, tp::road_safety}), bits({tp::injury_prevention}),
   bits({au::children}), 0, 100, 400, 800, 950, 0, 0, 0, 0, programme::drowning},
  // The coordinating committee and the provincial People's Committee.
  {false, pr::committee, act::conference, 2, review, venue::own, bits({tp::rights}), bits({tp::abuse_prevention}), bits({au::officials}), 0, 60, 120, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::committee, act::inspection, 3, any_time, venue::district, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::committee, act::directive, 2, office_days, venue::own, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {false, pr::ubnd, act::directive, 6, office_days, venue::own, bits({tp::rights, tp::abuse_prevention, tp::injury_prevention}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 1, 1, 0, 0, programme::none},
  {false, pr::ubnd, act::plan, 2, office_days, venue::own, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  // Mock trials in schools; training of social workers.
  {false, pr::court, act::communication, 2, school_year, venue::commune, bits({tp::rights}), bits({tp::drug_prevention}),
   bits({au::children}), bits({au::teachers}), 200, 400, 800, 900, 0, 0, 0, 0, programme::none},
  {false, pr::social_work, act::training, 2, any_time, venue::own, bits({tp::care_support, tp::mental_health}), 0, bits({au::officials}), 0, 40, 80, 0, 0, 0, 0, 0, 1, programme::none},

  // District-level agencies.
  {true, dr::ubnd, act::directive, 5, office_days, venue::own, bits({tp::rights, tp::injury_prevention, tp::drowning_prevention, tp::abuse_prevention}), 0,
   bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {true, dr::ubnd, act::plan, 2, office_days, venue::own, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {true, dr::ubnd, act::conference, 1, review, venue::own, bits({tp::rights}), 0, bits({au::officials}), 0, 50, 120, 0, 0, 0, 0, 0, 0, programme::none},
  {true, dr::labour, act::communication, 10, any_time, venue::commune,
   bits({tp::abuse_prevention, tp::injury_prevention, tp::child_labour, tp::drowning_prevention}), bits({tp::rights}),
   bits({au::parents}), bits({au::children, au::community}), 50, 200, 200, 600, 0, 0, 0, 0, programme::none},
  {true, dr::labour, act::support, 4, gifts, venue::commune, bits({tp::care_support}), 0, bits({au::children}), 0, 0, 0, 0, 0, 20, 150, 0, 0, programme::none},
  {true, dr::labour, act::training, 2, any_time, venue::own, bits({tp::rights, tp::abuse_prevention}), bits({tp::care_support}),
   bits({au::officials}), 0, 40, 90, 0, 0, 0, 0, 0, 1, programme::none},
  {true, dr::labour, act::inspection, 2, any_time, venue::commune, bits({tp::rights}), 0, bits({au::officials}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {true, dr::health, act::communication, 4, any_time, venue::commune, bits({tp::nutrition, tp::first_aid, tp::mental_health}), 0,
   bits({au::parents}), bits({au::children}), 50, 200, 200, 500, 0, 0, 0, 0, programme::nutrition},
  {true, dr::education, act::directive, 3, office_days, venue::own, bits({tp::school_safety, tp::summer_activities, tp::drowning_prevention}), 0,
   bits({au::teachers}), 0, 0, 0, 0, 0, 0, 0, 0, 0, programme::none},
  {true, dr::education, act::communication, 8, school_year, venue::commune, bits({tp::school_safety, tp::drowning_prevention, tp::online_safety}),
   bits({tp::sexual_abuse_prevention}), bits({au::children}), bits({au::teachers, au::parents}), 150, 450, 850, 950, 0, 0, 0, 0, programme::none},
  {true, dr::police, act::communication, 3, school_year, venue::commune, bits({tp::drug_prevention, tp::road_safety}), bits({tp::tobacco_prevention, tp::online_safety}),
   bits({au::children}), 0, 100, 250, 800, 920, 0, 0, 3, 0, programme::none},
  {true, dr::women, act::communication, 8, any_time, venue::commune, bits({tp::nutrition, tp::gender_equality, tp::child_marriage, tp::abuse_prevention}),
   bits({tp::care_support}), bits({au::union_members}), bits({au::parents}), 400, 2000, 0, 50, 0, 0, 2, 0, programme::project8},
  {true, dr::women, act::conference, 2, any_time, venue::own, bits({tp::gender_equality, tp::abuse_prevention}), 0,
   bits({au::union_members}), bits({au::officials}), 200, 600, 0, 0, 0, 0, 0, 0, programme::project8},
  {true, dr::women, act::media_item, 0, any_time, venue::own, bits({tp::abuse_prevention, tp::nutrition}), 0, bits({au::community}), 0, 0, 0, 0, 0, 1, 4, 0, 0, programme::none},
  {true, dr::youth, act::communication, 4, summer, venue::commune, bits({tp::summer_activities, tp::drowning_prevention}), bits({tp::road_safety}),
   bits({au::children}), 0, 80, 300, 850, 950, 0, 0, 0, 0, programme::drowning},
  {true, dr::youth, act::support, 2, gifts, venue::commune, bits({tp::care_support}), 0, bits({au::children}), 0, 0, 0, 0, 0, 10, 60, 0, 0, programme::none},
  {true, dr::youth, act::facility, 1, summer, venue::commune, bits({tp::summer_activities}), 0, bits({au::children}), 0, 0, 0, 0, 0, 1, 2, 0, 0, programme::none},
  {true, dr::youth, act::forum, 1, action_month, venue::own, bits({tp::participation}), bits({tp::rights}),
   bits({au::children}), bits({au::officials}), 40, 100, 850, 950, 0, 0, 0, 0, programme::participation},
};
// clang-format on

// What plans set targets on, summed from the activities written (indicators of the
// standard catalogue).
enum tally_slot : std::uint8_t {
  t_directives,
  t_trainings,
  t_training_participants,
  t_comm_sessions,
  t_comm_reach,
  t_media_items,
  t_support,
  t_facilities,
  t_child_reach,
  t_count
};
constexpr std::string_view tally_indicator[t_count] = {
    "DIRECTIVES",  "TRAININGS",     "TRAINING_PARTICIPANTS", "COMM_SESSIONS", "COMM_REACH",
    "MEDIA_ITEMS", "SUPPORT_GIVEN", "FACILITIES_BUILT",      "CHILD_REACH"};
enum tally_period : std::uint8_t { whole_year, first_half, june, period_count };
using tally = std::array<std::uint32_t, t_count>;

// Children on the register are a small part of all children: the population written is
// about this many times the register (docs/generator.md).
constexpr std::uint64_t population_per_registered_child = 25;

// Child affairs moved from labour-social-affairs to health on 1 March 2025.
constexpr day_number handover_day = day_of(2025, 3, 1);

std::uint64_t digits(std::uint64_t v) {
  std::uint64_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// A target rounded the way a plan states it: exact below 20, to 5 below 200, else to two
// significant digits.
std::uint64_t round_target(std::uint64_t v) {
  if (v < 20) return v;
  if (v < 200) return (v + 2) / 5 * 5;
  std::uint64_t step = 1;
  while (v / step >= 100) step *= 10;
  return (v + step / 2) / step * step;
}

// The run.

class generator {
 public:
  generator(std::filesystem::path folder, const generate_options& options)
      : folder_(std::move(folder)),
        options_(options),
        seed_(options.seed),
        first_year_(options.first_year),
        last_year_(options.last_year),
        years_(options.last_year - options.first_year + 1),
        cover_start_(day_of(options.first_year, 1, 1)),
        as_of_(day_of(options.last_year, 12, 31)),
        register_start_(day_of(options.first_year - 6, 1, 1)),
        birth_first_(day_of(options.first_year - 17, 1, 1)),
        book_(day_of(options.first_year - 19, 1, 1), day_of(options.last_year + 2, 12, 31)),
        off_(static_cast<std::size_t>(book_.last() - book_.first() + 1), 0) {
    for (int y = first_year_; y <= last_year_; ++y) {
      year_first_.push_back(day_of(y, 1, 1));
      year_mid_.push_back(day_of(y, 7, 1));
      year_last_.push_back(day_of(y, 12, 31));
    }
  }

  generate_summary run() {
    std::error_code ec;
    std::filesystem::create_directories(folder_, ec);
    if (ec) throw error("cannot create folder '" + folder_.string() + "': " + ec.message());

    geo_ = build_geography(options_.provinces);
    share_children(geo_, seed_, options_.children);
    child_width_ = static_cast<int>(std::max<std::uint64_t>(8, digits(options_.children)));
    case_width_ = child_width_;
    mark_days_off();

    write_org_units();
    write_agencies();
    write_holidays();
    write_children();
    write_population();
    write_activities();
    write_plans();

    // The spec's table order.
    static constexpr std::string_view order[] = {
        "org_units.csv",     "population.csv", "agencies.csv", "children.csv",
        "circumstances.csv", "cases.csv",      "services.csv", "activities.csv",
        "plans.csv",         "targets.csv",    "holidays.csv"};
    generate_summary summary;
    for (const std::string_view name : order)
      for (const table_summary& t : written_)
        if (t.file == name) summary.tables.push_back(t);
    return summary;
  }

 private:
  void report(std::string_view stage, std::uint64_t done, std::uint64_t total) const {
    if (options_.progress) options_.progress(stage, done, total);
  }

  table_writer open(const char* file, std::string_view header) const {
    return {folder_, file, header, book_};
  }

  // Holidays of the covered years and the next ones (workflow dates run past the last year)
  // and weekends, for working-day arithmetic.
  void mark_days_off() {
    for (day_number d = book_.first(); d <= book_.last(); ++d)
      if (is_weekend(d)) off_[static_cast<std::size_t>(d - book_.first())] = 1;
    for (int y = first_year_; y <= last_year_ + 2; ++y)
      for (const holiday& h : vietnam_holidays(y))
        if (book_.covers(h.day)) off_[static_cast<std::size_t>(h.day - book_.first())] = 1;
  }

  bool is_off(day_number d) const {
    return book_.covers(d) ? off_[static_cast<std::size_t>(d - book_.first())] != 0 : is_weekend(d);
  }

  day_number add_working_days(day_number d, int n) const {
    while (n > 0) {
      ++d;
      if (!is_off(d)) --n;
    }
    return d;
  }

  void write_org_units() {
    const std::uint64_t units =
        geo_.provinces.size() + geo_.districts.size() + geo_.communes.size();
    report("org_units", 0, units);
    table_writer w = open("org_units.csv", "code,name,parent,kind");
    auto row = [&w](const std::string& code, const std::string& name, const std::string* parent,
                    unit_kind kind, bool kind_empty) {
      w.begin();
      w.str(code);
      w.comma();
      w.text(name);
      w.comma();
      if (parent != nullptr) w.str(*parent);
      w.comma();
      if (!kind_empty) w.str(unit_kind_codes[static_cast<int>(kind)]);
      w.end();
    };
    for (const province_unit& p : geo_.provinces) {
      row(p.code, p.name, nullptr, p.kind, false);
      for (std::uint32_t d = p.first_district; d < p.first_district + p.districts; ++d) {
        const district_unit& du = geo_.districts[d];
        row(du.code, du.name, &p.code, du.kind, false);
        for (std::uint32_t c = du.first_commune; c < du.first_commune + du.communes; ++c) {
          const commune_unit& cu = geo_.communes[c];
          row(cu.code, cu.name, &du.code, cu.kind, cu.kind_left_empty);
        }
      }
    }
    written_.push_back(w.close());
    report("org_units", units, units);
  }

  const std::string& unit_code_of(const agency_row& a) const {
    return a.district_level ? geo_.districts[a.district].code : geo_.provinces[a.province].code;
  }

  void write_agencies() {
    report("agencies", 0, geo_.agencies.size());
    table_writer w = open("agencies.csv", "code,name,kind,org_unit");
    for (const agency_row& a : geo_.agencies) {
      w.begin();
      w.str(a.code);
      w.comma();
      w.text(a.name);
      w.comma();
      w.str(ak::codes[a.kind]);
      w.comma();
      w.str(unit_code_of(a));
      w.end();
    }
    written_.push_back(w.close());
    report("agencies", geo_.agencies.size(), geo_.agencies.size());
  }

  void write_holidays() {
    report("holidays", 0, static_cast<std::uint64_t>(years_));
    table_writer w = open("holidays.csv", "date,name");
    for (int y = first_year_; y <= last_year_; ++y) {
      for (const holiday& h : vietnam_holidays(y)) {
        w.begin();
        w.date(h.day);
        w.comma();
        w.text(h.name);
        w.end();
      }
    }
    written_.push_back(w.close());
    report("holidays", static_cast<std::uint64_t>(years_), static_cast<std::uint64_t>(years_));
  }

  // Children, with their episodes, cases and services.

  struct child_writers {
    table_writer& children;
    table_writer& circumstances;
    table_writer& cases;
    table_writer& services;
  };

  void write_children() {
    const std::uint64_t total = options_.children;
    report("children", 0, total);
    reg_cells_.assign(geo_.communes.size() * static_cast<std::size_t>(years_) * 36, 0);
    district_years_.assign(geo_.districts.size() * static_cast<std::size_t>(years_), {});
    table_writer children =
        open("children.csv",
             "child_id,birth_date,sex,org_unit,ethnicity,disability,registered_date,exit_date,"
             "exit_reason");
    table_writer circumstances =
        open("circumstances.csv", "child_id,circumstance,start_date,end_date");
    table_writer cases = open(
        "cases.csv",
        "case_id,child_id,reported_date,concerns,org_unit,lead_agency,source,setting,perpetrator,"
        "level,risk,outcome,incident_date,emergency_date,assessed_date,plan_date,closed_date,"
        "closure_reason,consent_reporting");
    table_writer services = open("services.csv", "case_id,date,service,agency,referred");
    child_writers w{children, circumstances, cases, services};
    std::uint64_t number = 0;
    for (std::uint32_t c = 0; c < geo_.communes.size(); ++c) {
      for (std::uint64_t k = 0; k < geo_.communes[c].children; ++k, ++number) {
        child(c, number, w);
        if ((number & 0x3FFF) == 0x3FFF) report("children", number + 1, total);
      }
    }
    written_.push_back(children.close());
    written_.push_back(circumstances.close());
    written_.push_back(cases.close());
    written_.push_back(services.close());
    report("children", total, total);
  }

  void child(std::uint32_t commune_index, std::uint64_t number, child_writers& w) {
    rng r(seed_, stream::children, number);
    const commune_unit& cu = geo_.communes[commune_index];
    const district_unit& du = geo_.districts[cu.district];

    child_facts ch;
    ch.sex = sex_weights.pick(r);
    if (r.chance(2000)) {
      // Born on 29 February (about 0.2 %, three times the natural rate, so that small
      // datasets have some).
      int y = r.between(first_year_ - 17, last_year_);
      while (!is_leap_year(y)) ++y;
      if (y > last_year_) y -= 4;
      ch.birth = day_of(y, 2, 29);
    } else {
      ch.birth = r.between(birth_first_, as_of_ - 1);
    }
    const day_number b16 = book_.add_years(ch.birth, 16);
    const day_number b18 = book_.add_years(ch.birth, 18);

    // Registered when the provincial register started (six years before the covered years)
    // or some months after birth, and before turning 16.
    day_number reg = ch.birth < register_start_
                         ? register_start_ + r.between(0, cover_start_ - register_start_ + 365)
                         : ch.birth + r.between(7, 540);
    if (reg > b16 - 30) reg = b16 - r.between(30, 700);
    reg = std::max(ch.birth, std::min(reg, as_of_));

    const std::uint8_t ethnicity = ethnicity_weights[static_cast<int>(du.profile)].pick(r);
    std::uint8_t disability = disability_weights.pick(r);

    day_number exit = no_day;
    std::uint8_t exit_reason = none;
    // Children leave the register when they turn 16 (the Law's age of a child), some stay to
    // 18 (the international frame); 1 % of those reaching 18 stay on by mistake (an oddity).
    const bool turns_18 = b18 <= as_of_;
    if (b16 + 45 <= as_of_ && r.chance(900000)) {
      exit = b16 + r.between(0, 45);
      exit_reason = ex::aged_out;
    } else if (reg < as_of_ && r.chance(45000)) {
      exit = r.between(reg + 1, turns_18 ? std::min(as_of_, b18) : as_of_);
      exit_reason = other_exit_weights.pick(r);
    } else if (turns_18 && !r.chance(10000)) {
      exit = b18;
      exit_reason = ex::aged_out;
    }
    const day_number last_on = exit != no_day ? exit - 1 : as_of_;

    // Circumstance episodes: 1.3 % of children in special circumstances (some in two),
    // 2.5 % at risk of them (Quảng Ninh, May 2024: 4,534 and 8,506 of 347,194).
    std::array<episode, 4> episodes;
    int n_episodes = 0;
    const bool special = r.chance(13000);
    const bool at_risk = !special && r.chance(25330);
    auto add_episode = [&](std::uint8_t circumstance, day_number lo) {
      episode& e = episodes[static_cast<std::size_t>(n_episodes++)];
      e.circumstance = circumstance;
      const day_number hi = std::max(lo, last_on);
      e.start = circumstance == ci::disability ? lo + r.between(0, std::min(400, hi - lo))
                                               : r.between(lo, hi);
      if (r.chance(circumstance == ci::at_risk ? 300000 : 200000)) {
        const day_number end = e.start + r.between(90, 1200);
        if (end <= last_on) e.end = end;
      }
      if (e.end == no_day && exit != no_day && exit > e.start && r.chance(500000)) e.end = exit;
      // A few episodes recorded as starting before the child was registered (an oddity).
      if (r.chance(2000)) e.start = std::max(ch.birth, reg - r.between(1, 180));
      return e;
    };
    if (special) {
      const std::uint8_t first = circumstance_weights.pick(r);
      add_episode(first, reg);
      if (r.chance(150000)) {
        std::uint8_t second = circumstance_weights.pick(r);
        for (int i = 0; i < 4 && second == first; ++i) second = circumstance_weights.pick(r);
        if (second != first) add_episode(second, reg);
      }
    } else if (at_risk) {
      day_number lo = std::max(reg, cover_start_ - 730);
      if (lo > last_on) lo = reg;
      const episode first = add_episode(ci::at_risk, lo);
      // The same risk again later.
      if (first.end != no_day && first.end + 30 <= last_on && r.chance(300000))
        add_episode(ci::at_risk, first.end + r.between(30, 400));
      if (n_episodes == 2 && episodes[1].start > last_on) n_episodes = 1;
    }
    for (int i = 0; i < n_episodes; ++i)
      if (episodes[static_cast<std::size_t>(i)].circumstance == ci::disability) disability = 1;

    // Cases: about 7 % of registered children a year (twice that for children in special
    // circumstances or at risk), plus a case for most episodes of abuse, exploitation or
    // trafficking that start in the covered years.
    std::array<case_draft, 16> cases;
    int n_cases = 0;
    const day_number case_last = std::min(last_on, b18 - 1);
    for (int i = 0; i < n_episodes; ++i) {
      const episode& e = episodes[static_cast<std::size_t>(i)];
      if (e.circumstance == ci::at_risk) continue;
      const linked_case& link = linked_cases[e.circumstance];
      if (link.concern == none || e.start < cover_start_ || !r.chance(link.per_million)) continue;
      const day_number reported = std::max({e.start - r.between(0, 14), cover_start_, reg});
      if (reported > case_last) continue;
      case_draft& c = cases[static_cast<std::size_t>(n_cases++)];
      c.reported = reported;
      c.forced = link.concern;
    }
    for (std::size_t yi = 0; yi < year_first_.size(); ++yi) {
      const day_number ys = year_first_[yi];
      const day_number ye = year_last_[yi];
      const day_number lo = std::max(ys, reg);
      const day_number hi = std::min(ye, case_last);
      if (lo > hi) continue;
      const int age_mid = book_.age(ch.birth, year_mid_[yi]);
      std::uint64_t ppm = 70000;
      if (special || at_risk) ppm *= 2;
      if (age_mid >= 16)
        ppm = ppm * 6 / 10;
      else if (age_mid < 1)
        ppm = ppm * 7 / 10;
      ppm = ppm * static_cast<std::uint64_t>(hi - lo + 1) / static_cast<std::uint64_t>(ye - ys + 1);
      if (n_cases < 15 && r.chance(static_cast<std::uint32_t>(ppm))) {
        cases[static_cast<std::size_t>(n_cases++)].reported = r.between(lo, hi);
        if (r.chance(120000))
          cases[static_cast<std::size_t>(n_cases++)].reported = r.between(lo, hi);
      }
    }
    std::sort(cases.begin(), cases.begin() + n_cases,
              [](const case_draft& a, const case_draft& b) { return a.reported < b.reported; });
    for (int i = 0; i < n_cases; ++i) {
      case_draft& c = cases[static_cast<std::size_t>(i)];
      fill_case(r, ch, du, c);
      if (c.outcome == oc::died) {
        // The child died: the register closes and no later case exists.
        n_cases = i + 1;
        exit = std::min(b18, std::max(reg + 1, c.reported + r.between(0, 3)));
        exit_reason = ex::died;
        break;
      }
    }
    // Episodes that would start after a death are not recorded.
    n_episodes = static_cast<int>(
        std::remove_if(episodes.begin(), episodes.begin() + n_episodes,
                       [exit](const episode& e) { return exit != no_day && e.start >= exit; }) -
        episodes.begin());
    if (exit != no_day && exit_reason != none && r.chance(5000)) exit_reason = none;
    // A few cases reported before the child was born (a data-quality finding).
    if (n_cases > 0 && ch.birth - 6 >= cover_start_ && cases[0].outcome != oc::died &&
        r.chance(5000)) {
      cases[0].reported = ch.birth - r.between(1, 5);
      cases[0].incident = no_day;
    }

    // The child's row.
    table_writer& cw = w.children;
    cw.begin();
    cw.id("TE", number + 1, child_width_);
    cw.comma();
    cw.date(ch.birth);
    cw.comma();
    cw.str(sx::codes[ch.sex]);
    cw.comma();
    cw.str(cu.code);
    cw.comma();
    if (ethnicity < 8) cw.str(eth::codes[ethnicity]);
    cw.comma();
    if (disability < 2) cw.num(disability);
    cw.comma();
    cw.date(reg);
    cw.comma();
    cw.opt_date(exit);
    cw.comma();
    cw.opt_code(ex::codes, exit_reason);
    cw.end();

    for (int i = 0; i < n_episodes; ++i) {
      const episode& e = episodes[static_cast<std::size_t>(i)];
      table_writer& ew = w.circumstances;
      ew.begin();
      ew.id("TE", number + 1, child_width_);
      ew.comma();
      ew.str(ci::codes[e.circumstance]);
      ew.comma();
      ew.date(e.start);
      ew.comma();
      ew.opt_date(e.end);
      ew.end();
    }

    std::uint32_t abused_years = 0;  // bit per covered year
    for (int i = 0; i < n_cases; ++i) {
      const case_draft& c = cases[static_cast<std::size_t>(i)];
      write_case(c, number, cu, du, w);
      tally_case(c, ch, cu, abused_years);
    }

    // Registered children by unit, year, sex and age on 1 July, so that the population of
    // every cell is at least the register's.
    if (ch.sex != sx::u) {
      for (int yi = 0; yi < years_; ++yi) {
        const day_number mid = year_mid_[static_cast<std::size_t>(yi)];
        if (reg > mid || (exit != no_day && exit <= mid)) continue;
        const int age = book_.age(ch.birth, mid);
        if (age < 0 || age > 17) continue;
        ++reg_cells_[((static_cast<std::size_t>(commune_index) * static_cast<std::size_t>(years_) +
                       static_cast<std::size_t>(yi)) *
                          2 +
                      ch.sex) *
                         18 +
                     static_cast<std::size_t>(age)];
      }
    }
  }

  void fill_case(rng& r, const child_facts& ch, const district_unit& du, case_draft& c) {
    const day_number d0 = c.reported;
    const int age = std::max(0, book_.age(ch.birth, d0));
    const unsigned month = book_.civil(d0).month;
    const bool summer_month = month >= 5 && month <= 8;

    std::uint8_t primary = c.forced;
    if (primary == none) {
      const std::uint32_t wa = 450, wi = summer_month ? 420 : 330, wr = age >= 8 ? 170 : 0, wo = 50;
      const std::uint32_t x = r.below(wa + wi + wr + wo);
      const std::uint8_t g = x < wa             ? grp::abuse
                             : x < wa + wi      ? grp::injury
                             : x < wa + wi + wr ? grp::risk
                                                : grp::other;
      primary = pick_concern(r, g, age, summer_month);
    }
    const std::uint8_t group = grp::of(primary);
    c.concerns = bit(primary);
    if (group == grp::abuse && r.chance(200000))
      c.concerns |= bit(pick_concern(r, grp::abuse, age, summer_month));
    if (r.chance(60000)) {
      // A concern of a second group: a harmed child's mental health, an injury from neglect,
      // a drop-out who works.
      if (group == grp::abuse && age >= 8)
        c.concerns |= bit(cn::mental_health);
      else if (group == grp::injury)
        c.concerns |= bit(cn::neglect);
      else if (group == grp::risk && age >= 6)
        c.concerns |= bit(cn::child_labour);
    }
    c.minute = r.chance(700000) ? hour_weights.pick(r) * 60 + r.between(0, 59) : -1;

    c.setting = r.chance(60000) ? none : setting_weights[setting_table_of[primary]].pick(r);
    if (group == grp::abuse && !r.chance(80000))
      c.perpetrator = perpetrator_weights[perpetrator_table_of[primary]].pick(r);
    c.level = r.chance(40000) ? none : level_weights[group].pick(r);
    c.risk = r.chance(50000) ? none : risk_weights[group].pick(r);
    if (group == grp::injury) {
      if (!r.chance(30000))
        c.outcome = primary == cn::drowning       ? drowning_outcomes.pick(r)
                    : primary == cn::road_traffic ? road_outcomes.pick(r)
                                                  : injury_outcomes.pick(r);
    } else if (primary == cn::physical_violence || primary == cn::sexual_abuse ||
               primary == cn::trafficking || primary == cn::abduction) {
      if (!r.chance(600000)) c.outcome = abuse_outcomes.pick(r);
    } else if (r.chance(100000)) {
      c.outcome = oc::recovered;
    }
    if (!r.chance(20000))
      c.source = primary == cn::online_abuse && r.chance(400000) ? std::uint8_t{src::online}
                                                                 : source_weights[group].pick(r);

    // The district's labour-social-affairs office leads, its health office from March 2025;
    // the police for children in conflict with the law, trafficking and drugs.
    const std::uint32_t social = du.agencies[d0 >= handover_day ? dr::health : dr::labour];
    if (r.chance(60000)) {
      c.lead = no_agency;
    } else if ((primary == cn::in_conflict_with_law || primary == cn::trafficking ||
                primary == cn::abduction || primary == cn::drug_use) &&
               r.chance(600000)) {
      c.lead = du.agencies[dr::police];
    } else {
      c.lead = r.chance(80000) ? du.agencies[dr::ubnd] : social;
    }

    const std::uint32_t x = r.below(100);
    if (group == grp::injury) {
      if (x < 70)
        c.incident = d0;
      else if (x < 95)
        c.incident = d0 - r.between(1, 3);
    } else if (group == grp::abuse) {
      if (x < 30)
        c.incident = d0;
      else if (x < 80)
        c.incident = d0 - r.between(1, 60);
    } else if (x < 40) {
      c.incident = d0 - r.between(0, 30);
    }

    const bool died = c.outcome == oc::died;
    if (died) {
      if (r.chance(500000)) c.assessed = d0 + r.between(0, 2);
      const day_number closed = d0 + r.between(1, 20);
      if (closed <= as_of_) {
        c.closed = closed;
        c.closure = cr::died;
      }
    } else {
      // Emergency measure for serious harm, within 12 hours mostly (Decree 56, art. 26).
      const bool serious = c.risk == rk::high && c.level == lv::intervention;
      if (serious && r.chance(group == grp::abuse ? 650000 : 300000)) {
        if (c.minute >= 0) {
          const int hours = r.chance(850000) ? r.between(1, 11) : r.between(12, 47);
          const int total = c.minute + hours * 60 + r.between(0, 59);
          c.emergency = d0 + total / 1440;
          c.emergency_minute = r.chance(900000) ? total % 1440 : -1;
        } else {
          c.emergency = d0 + r.between(0, 1);
          c.emergency_minute = r.chance(300000) ? r.between(7, 21) * 60 + r.between(0, 59) : -1;
        }
        if (c.emergency > as_of_) c.emergency = no_day;
      }
      const std::uint32_t assessed_ppm = group == grp::injury  ? 600000
                                         : group == grp::other ? 700000
                                                               : 920000;
      if (r.chance(assessed_ppm)) {
        c.assessed = d0 + assessment_delay_weights.pick(r);
        if (r.chance(300)) c.assessed = d0 - r.between(1, 3);  // oddity
        if (c.assessed > as_of_) c.assessed = no_day;
      }
      // The support and intervention plan: within 5 working days mostly (Decree 56, art. 28).
      if (c.assessed != no_day && (c.level == lv::support || c.level == lv::intervention) &&
          r.chance(850000)) {
        const int days = r.chance(700000)   ? r.between(1, 5)
                         : r.chance(500000) ? r.between(6, 7)
                                            : r.between(8, 20);
        c.plan = add_working_days(c.assessed, days);
        if (r.chance(1000)) c.plan = c.assessed - r.between(1, 5);  // oddity
        if (c.plan > as_of_) c.plan = no_day;
      }
      day_number closed = no_day;
      if (c.plan != no_day) {
        if (r.chance(800000)) {
          closed = c.plan + r.between(14, 150);
          if (r.chance(500) && c.plan - 10 >= d0) closed = c.plan - r.between(1, 10);  // oddity
        }
      } else if (r.chance(850000)) {
        closed = d0 + r.between(3, 60);
      }
      if (closed != no_day && closed <= as_of_) {
        c.closed = closed;
        if (!r.chance(30000)) c.closure = closure_weights.pick(r);
      }
    }
    if (c.incident != no_day && r.chance(500)) c.incident = d0 + r.between(1, 10);  // oddity

    const std::uint32_t consent = r.below(1000);
    c.consent = consent < 20 ? 0 : consent < 620 ? 1 : none;
    c.at_district = r.chance(40000);

    // Services: 1 to 4, from the report to the closure (or half a year).
    c.services = died ? (r.chance(500000) ? 1 : 0) : service_count_weights.pick(r) + 1;
    const day_number span_end =
        c.closed != no_day && c.closed >= d0 ? c.closed : std::min(as_of_, d0 + 180);
    for (int i = 0; i < c.services; ++i) {
      service_draft& s = c.service[static_cast<std::size_t>(i)];
      s.date = i == 0 ? (c.emergency != no_day ? c.emergency : d0 + r.between(0, 3))
                      : r.between(d0, span_end);
      s.date = std::min(s.date, span_end);
      if (r.chance(500)) s.date = d0 - r.between(1, 5);  // oddity
      if (died) {
        s.service = sv::cash_support;
      } else if (group == grp::abuse && c.risk == rk::high && c.level == lv::intervention &&
                 r.chance(200000)) {
        s.service = r.chance(500000) ? sv::shelter : sv::alternative_care;
      } else {
        s.service = service_weights[group].pick(r);
      }
      s.agency = r.chance(100000) ? no_agency : service_agency(r, s.service, du, s.date);
      const std::uint8_t referred = referred_weights.pick(r);
      s.referred = referred < 2 ? referred : none;
    }
    std::sort(c.service.begin(), c.service.begin() + c.services,
              [](const service_draft& a, const service_draft& b) { return a.date < b.date; });
  }

  static bool concern_fits_age(std::uint8_t concern, int age) {
    switch (concern) {
      case cn::child_marriage:
        return age >= 13;
      case cn::child_labour:
      case cn::exploitation:
        return age >= 6;
      case cn::online_abuse:
      case cn::mental_health:
        return age >= 8;
      case cn::sexual_abuse:
        return age >= 2;
      case cn::drug_use:
      case cn::in_conflict_with_law:
        return age >= 12;
      case cn::school_dropout:
        return age >= 10;
      default:
        return true;
    }
  }

  static std::uint8_t pick_concern(rng& r, std::uint8_t group, int age, bool summer_month) {
    const weights<cn::count>* table =
        group == grp::abuse    ? &abuse_concerns
        : group == grp::injury ? (summer_month ? &summer_injury_concerns : &injury_concerns)
        : group == grp::risk   ? &risk_concerns
                               : nullptr;
    if (table == nullptr) return cn::other;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const std::uint8_t concern = table->pick(r);
      if (concern_fits_age(concern, age)) return concern;
    }
    return group == grp::abuse ? cn::neglect : group == grp::injury ? cn::fall : cn::other;
  }

  std::uint32_t service_agency(rng& r, std::uint8_t service, const district_unit& du,
                               day_number d) const {
    const province_unit& p = geo_.provinces[du.province];
    const std::uint32_t social = du.agencies[d >= handover_day ? dr::health : dr::labour];
    switch (service) {
      case sv::health_care:
        return du.agencies[dr::health];
      case sv::psychosocial: {
        const std::uint32_t x = r.below(10);
        return x < 4 ? p.agencies[pr::social_work] : x < 6 ? p.agencies[pr::hotline] : social;
      }
      case sv::legal_aid:
        return p.agencies[pr::justice];
      case sv::education_support:
        return du.agencies[dr::education];
      case sv::alternative_care:
      case sv::shelter:
        return p.agencies[pr::social_work];
      case sv::cash_support:
        return r.chance(500000) ? du.agencies[dr::ubnd] : social;
      case sv::other:
        return r.chance(500000) ? du.agencies[dr::women] : du.agencies[dr::youth];
      default:
        return social;
    }
  }

  void write_case(const case_draft& c, std::uint64_t child_number, const commune_unit& cu,
                  const district_unit& du, child_writers& w) {
    const std::uint64_t case_number = ++cases_written_;
    table_writer& k = w.cases;
    k.begin();
    k.id("VV", case_number, case_width_);
    k.comma();
    k.id("TE", child_number + 1, child_width_);
    k.comma();
    k.date_time(c.reported, c.minute);
    k.comma();
    k.code_set(cn::codes, c.concerns);
    k.comma();
    k.str(c.at_district ? du.code : cu.code);
    k.comma();
    if (c.lead != no_agency) k.str(geo_.agencies[c.lead].code);
    k.comma();
    k.opt_code(src::codes, c.source);
    k.comma();
    k.opt_code(st::codes, c.setting);
    k.comma();
    k.opt_code(pp::codes, c.perpetrator);
    k.comma();
    k.opt_code(lv::codes, c.level);
    k.comma();
    k.opt_code(rk::codes, c.risk);
    k.comma();
    k.opt_code(oc::codes, c.outcome);
    k.comma();
    k.opt_date(c.incident);
    k.comma();
    if (c.emergency != no_day) k.date_time(c.emergency, c.emergency_minute);
    k.comma();
    k.opt_date(c.assessed);
    k.comma();
    k.opt_date(c.plan);
    k.comma();
    k.opt_date(c.closed);
    k.comma();
    k.opt_code(cr::codes, c.closure);
    k.comma();
    if (c.consent != none) k.num(c.consent);
    k.end();

    for (int i = 0; i < c.services; ++i) {
      const service_draft& s = c.service[static_cast<std::size_t>(i)];
      table_writer& sw = w.services;
      sw.begin();
      sw.id("VV", case_number, case_width_);
      sw.comma();
      sw.date(s.date);
      sw.comma();
      sw.str(sv::codes[s.service]);
      sw.comma();
      if (s.agency != no_agency) sw.str(geo_.agencies[s.agency].code);
      sw.comma();
      if (s.referred != none) sw.num(s.referred);
      sw.end();
    }
  }

  // Sums for the case targets of plans, counted roughly as the standard catalogue does
  // (children 0-15 at the report, consent given).
  void tally_case(const case_draft& c, const child_facts& ch, const commune_unit& cu,
                  std::uint32_t& abused_years) {
    const int year = book_.civil(c.reported).year;
    if (year < first_year_ || year > last_year_) return;
    const int age = book_.age(ch.birth, c.reported);
    if (age < 0 || age > 15 || c.consent == 0) return;
    const int yi = year - first_year_;
    district_year& dy =
        district_years_[static_cast<std::size_t>(cu.district) * static_cast<std::size_t>(years_) +
                        static_cast<std::size_t>(yi)];
    ++dy.counted_cases;
    if (c.plan != no_day && c.plan <= year_last_[static_cast<std::size_t>(yi)]) ++dy.planned_cases;
    if ((c.concerns & bit(cn::drowning)) != 0 && c.outcome == oc::died) ++dy.drowning_deaths;
    const bool abuse = (c.concerns & ((bit(cn::online_abuse) << 1) - 1)) != 0;
    if (abuse && (abused_years & bit(static_cast<unsigned>(yi))) == 0) {
      abused_years |= bit(static_cast<unsigned>(yi));
      ++dy.abused_children;
    }
  }

  // Population: cohorts that age year by year, about population_per_registered_child times
  // the commune's share of the register, and never below the register's own count.
  void write_population() {
    const std::uint64_t total_units = geo_.communes.size();
    report("population", 0, total_units);
    table_writer w = open("population.csv", "org_unit,year,sex,age,count");
    std::uint64_t weight_sum = 0;
    for (const commune_unit& c : geo_.communes) weight_sum += c.weight;
    const std::uint64_t total = options_.children;
    const int b0 = first_year_ - 17;
    for (std::uint32_t c = 0; c < geo_.communes.size(); ++c) {
      const commune_unit& cu = geo_.communes[c];
      // The commune's expected registered children in thousandths, then per sex-age cell.
      const std::uint64_t share = total * cu.weight;
      const std::uint64_t milli =
          share / weight_sum * 1000 + share % weight_sum * 1000 / weight_sum;
      const std::uint64_t base = milli * population_per_registered_child / 36;
      rng moves(seed_, stream::population, (std::uint64_t{1} << 40) + c);
      for (int yi = 0; yi < years_; ++yi) {
        const int y = first_year_ + yi;
        district_year& dy = district_years_[static_cast<std::size_t>(cu.district) *
                                                static_cast<std::size_t>(years_) +
                                            static_cast<std::size_t>(yi)];
        for (std::uint8_t s = 0; s < 2; ++s) {
          for (int a = 0; a < 18; ++a) {
            const int cohort_index = y - a - b0;  // 0..47
            rng cohort(
                seed_, stream::population,
                (static_cast<std::uint64_t>(c) * 64 + static_cast<std::uint64_t>(cohort_index)) *
                        2 +
                    s);
            const auto trend = static_cast<std::uint64_t>(1100 - 4 * cohort_index);
            std::uint64_t v = base * trend / 1000;
            v = v * (s == sx::m ? 1045 : 955) / 1000;  // sex ratio at birth about 109
            v = v * static_cast<std::uint64_t>(cohort.between(880, 1120)) / 1000;
            v = v * static_cast<std::uint64_t>(10000 - 8 * a) / 10000;
            v = v * static_cast<std::uint64_t>(moves.between(985, 1015)) / 1000;
            std::uint64_t count = (v + 500) / 1000;
            const std::uint32_t registered =
                reg_cells_[((static_cast<std::size_t>(c) * static_cast<std::size_t>(years_) +
                             static_cast<std::size_t>(yi)) *
                                2 +
                            s) *
                               18 +
                           static_cast<std::size_t>(a)];
            count = std::max<std::uint64_t>(count, registered);
            w.begin();
            w.str(cu.code);
            w.comma();
            w.num(static_cast<std::uint64_t>(y));
            w.comma();
            w.str(sx::codes[s]);
            w.comma();
            w.num(static_cast<std::uint64_t>(a));
            w.comma();
            w.num(count);
            w.end();
            if (a <= 15) dy.child_population += count;
          }
        }
      }
      if ((c & 0xFF) == 0xFF) report("population", c + 1, total_units);
    }
    written_.push_back(w.close());
    report("population", total_units, total_units);
  }

  // Activities: each agency runs the templates of its kind every year.

  static constexpr std::uint32_t no_index = 0xFFFFFFFF;

  tally& tally_of(std::uint32_t agency, int yi, tally_period period) {
    return agency_tallies_[(static_cast<std::size_t>(agency) * static_cast<std::size_t>(years_) +
                            static_cast<std::size_t>(yi)) *
                               period_count +
                           period];
  }

  day_number pick_day(rng& r, int year, season when, bool working_day) const {
    const unsigned month = static_cast<unsigned>(month_weights[when].pick(r)) + 1;
    day_number d =
        day_of(year, month,
               static_cast<unsigned>(r.between(1, static_cast<int>(days_in_month(year, month)))));
    if (working_day) {
      while (is_off(d)) ++d;
      if (d > day_of(year, 12, 31)) {
        d = day_of(year, 12, 31);
        while (is_off(d)) --d;
      }
    }
    return d;
  }

  void write_activities() {
    const std::uint64_t provinces = geo_.provinces.size();
    report("activities", 0, provinces);
    agency_tallies_.assign(geo_.agencies.size() * static_cast<std::size_t>(years_) * period_count,
                           tally{});
    project8_.assign(geo_.districts.size() * static_cast<std::size_t>(years_), 0);
    table_writer w = open("activities.csv",
                          "activity_id,agency,kind,start_date,end_date,org_unit,topics,audiences,"
                          "sessions,participants,child_participants,quantity,programme");
    for (std::uint32_t p = 0; p < provinces; ++p) {
      const province_unit& pu = geo_.provinces[p];
      for (int yi = 0; yi < years_; ++yi) {
        rng r(seed_, stream::activities,
              static_cast<std::uint64_t>(p) * 64 + static_cast<std::uint64_t>(yi));
        for (const activity_template& t : activity_templates) {
          if (!t.district_level) {
            run_template(r, t, p, no_index, yi, w);
          } else {
            for (std::uint32_t d = pu.first_district; d < pu.first_district + pu.districts; ++d)
              run_template(r, t, p, d, yi, w);
          }
        }
      }
      report("activities", p + 1, provinces);
    }
    written_.push_back(w.close());
  }

  void run_template(rng& r, const activity_template& t, std::uint32_t p, std::uint32_t d, int yi,
                    table_writer& w) {
    const int year = first_year_ + yi;
    const bool working_day = t.kind == act::directive || t.kind == act::plan ||
                             t.kind == act::training || t.kind == act::conference ||
                             t.kind == act::inspection;
    if (t.per_year == 0) {
      for (unsigned m = 1; m <= 12; ++m)
        emit_activity(r, t, p, d, year, day_of(year, m, 1), day_of(year, m, days_in_month(year, m)),
                      w);
      return;
    }
    const int n = (t.per_year * r.between(800, 1200) + 500) / 1000;
    for (int i = 0; i < n; ++i)
      emit_activity(r, t, p, d, year, pick_day(r, year, t.when, working_day), no_day, w);
  }

  static std::uint32_t pick_bit(rng& r, std::uint32_t set) {
    std::uint32_t n = 0;
    for (std::uint32_t s = set; s != 0; s &= s - 1) ++n;
    if (n == 0) return 0;
    std::uint32_t k = r.below(n);
    for (std::uint32_t s = set;; s &= s - 1) {
      if (k-- == 0) return s & (~s + 1);
    }
  }

  void emit_activity(rng& r, const activity_template& t, std::uint32_t p, std::uint32_t d, int year,
                     day_number start, day_number end, table_writer& w) {
    const province_unit& pu = geo_.provinces[p];
    // Labour-social-affairs work passed to the health department on 1 March 2025.
    std::uint8_t role = t.role;
    const bool labour = t.district_level ? role == dr::labour : role == pr::labour;
    if (labour && start >= handover_day)
      role = t.district_level ? std::uint8_t{dr::health} : std::uint8_t{pr::health};
    const std::uint32_t agency =
        t.district_level ? geo_.districts[d].agencies[role] : pu.agencies[role];

    std::uint32_t district = no_index;
    const std::string* unit = nullptr;
    switch (t.where) {
      case venue::own:
        if (t.district_level) {
          district = d;
          unit = &geo_.districts[d].code;
        } else {
          unit = &pu.code;
        }
        break;
      case venue::district:
        district = pu.first_district + r.below(pu.districts);
        unit = &geo_.districts[district].code;
        break;
      case venue::commune: {
        const std::uint32_t first =
            t.district_level ? geo_.districts[d].first_commune : pu.first_commune;
        const std::uint32_t count = t.district_level ? geo_.districts[d].communes : pu.communes;
        const std::uint32_t c = first + r.below(count);
        district = geo_.communes[c].district;
        unit = &geo_.communes[c].code;
        break;
      }
    }
    const ethnic_profile profile =
        district != no_index ? geo_.districts[district].profile : ethnic_profile::lowland;

    std::uint32_t topics = pick_bit(r, t.topics_one);
    for (unsigned i = 0; i < tp::count; ++i)
      if ((t.topics_more & bit(i)) != 0 && r.chance(300000)) topics |= bit(i);
    if (r.chance(50000)) topics = 0;
    std::uint32_t audiences = t.audiences_all;
    for (unsigned i = 0; i < au::count; ++i)
      if ((t.audiences_more & bit(i)) != 0 && r.chance(400000)) audiences |= bit(i);
    if (r.chance(50000)) audiences = 0;

    // Sessions are written for events only (the default 1 elsewhere), sometimes as "1".
    const bool event = t.kind == act::communication || t.kind == act::performance ||
                       t.kind == act::forum || t.kind == act::conference || t.kind == act::training;
    std::uint64_t sessions = 1;
    bool write_sessions = false;
    if (event && t.sessions_hi > 1 && r.chance(150000)) {
      sessions = static_cast<std::uint64_t>(r.between(2, t.sessions_hi));
      write_sessions = true;
    } else if (event && r.chance(300000)) {
      write_sessions = true;
    }
    std::uint64_t participants = 0;
    bool write_participants = false;
    if (t.participants_hi > 0 && !r.chance(30000)) {
      participants =
          static_cast<std::uint64_t>(r.between(t.participants_lo, t.participants_hi)) * sessions;
      write_participants = true;
    }
    std::uint64_t child_participants = 0;
    bool write_children = false;
    if (write_participants && t.children_hi > 0) {
      child_participants =
          participants * static_cast<std::uint64_t>(r.between(t.children_lo, t.children_hi)) / 1000;
      write_children = true;
    } else if (write_participants && r.chance(300000)) {
      write_children = true;
    }
    std::uint64_t quantity = 1;
    if (t.quantity_hi > 0)
      quantity = static_cast<std::uint64_t>(r.between(t.quantity_lo, t.quantity_hi));
    if (end == no_day && t.days_hi > 0 && r.chance(400000)) end = start + r.between(1, t.days_hi);

    const unsigned month = book_.civil(start).month;
    std::string_view programme_code;
    bool action_month_programme = false;
    if (month == 6 && (event || t.kind == act::support || t.kind == act::facility) &&
        r.chance(700000)) {
      action_month_programme = true;
    } else {
      switch (t.prog) {
        case programme::injury:
          if (year >= 2021) programme_code = "injury_prevention_2021_2030";
          break;
        case programme::drowning:
          if (year >= 2021 && (topics & bit(tp::drowning_prevention)) != 0)
            programme_code = "drowning_prevention_2021_2030";
          break;
        case programme::participation:
          if (year >= 2023 && year <= 2027) programme_code = "children_participation_2023_2027";
          break;
        case programme::project8:
          if (profile != ethnic_profile::lowland && year >= 2022 && r.chance(700000))
            programme_code = "project_8";
          break;
        case programme::nutrition:
          if (profile != ethnic_profile::lowland && year >= 2022 && year <= 2025 &&
              (topics & bit(tp::nutrition)) != 0)
            programme_code = "nutrition_highland_2022_2025";
          break;
        case programme::none:
          break;
      }
    }

    w.begin();
    w.id("HD", ++activities_written_, 8);
    w.comma();
    w.str(geo_.agencies[agency].code);
    w.comma();
    w.str(act::codes[t.kind]);
    w.comma();
    w.date(start);
    w.comma();
    w.opt_date(end);
    w.comma();
    w.str(*unit);
    w.comma();
    w.code_set(tp::codes, topics);
    w.comma();
    w.code_set(au::codes, audiences);
    w.comma();
    if (write_sessions) w.num(sessions);
    w.comma();
    if (write_participants) w.num(participants);
    w.comma();
    if (write_children) w.num(child_participants);
    w.comma();
    if (t.quantity_hi > 0) w.num(quantity);
    w.comma();
    if (action_month_programme) {
      w.str("action_month_");
      w.num(static_cast<std::uint64_t>(year));
    } else {
      w.str(programme_code);
    }
    w.end();

    const int yi = year - first_year_;
    for (const tally_period period : {whole_year, first_half, june}) {
      if (period == first_half && month > 6) continue;
      if (period == june && month != 6) continue;
      tally& t_sum = tally_of(agency, yi, period);
      switch (t.kind) {
        case act::directive:
          t_sum[t_directives] += static_cast<std::uint32_t>(quantity);
          break;
        case act::training:
          t_sum[t_trainings] += static_cast<std::uint32_t>(sessions);
          t_sum[t_training_participants] += static_cast<std::uint32_t>(participants);
          break;
        case act::communication:
        case act::performance:
        case act::conference:
          t_sum[t_comm_sessions] += static_cast<std::uint32_t>(sessions);
          t_sum[t_comm_reach] += static_cast<std::uint32_t>(participants);
          break;
        case act::media_item:
        case act::media_report:
          t_sum[t_media_items] += static_cast<std::uint32_t>(quantity);
          break;
        case act::support:
          t_sum[t_support] += static_cast<std::uint32_t>(quantity);
          break;
        case act::facility:
          t_sum[t_facilities] += static_cast<std::uint32_t>(quantity);
          break;
        default:
          break;
      }
      t_sum[t_child_reach] += static_cast<std::uint32_t>(child_participants);
    }
    if (!t.district_level && t.role == pr::women && programme_code == "project_8" &&
        district != no_index && (t.kind == act::communication || t.kind == act::conference))
      project8_[static_cast<std::size_t>(district) * static_cast<std::size_t>(years_) +
                static_cast<std::size_t>(yi)] += static_cast<std::uint32_t>(sessions);
  }

  // Plans and their targets.

  void write_target(table_writer& w, const std::string& plan, std::string_view indicator,
                    std::uint64_t tenths, std::string_view direction, const std::string* unit,
                    std::string_view period) {
    w.begin();
    w.str(plan);
    w.comma();
    w.str(indicator);
    w.comma();
    w.tenths(tenths);
    w.comma();
    w.str(direction);
    w.comma();
    if (unit != nullptr) w.str(*unit);
    w.comma();
    w.str(period);
    w.end();
  }

  void write_plan(table_writer& w, const std::string& id, const agency_row& a,
                  const std::string& title, day_number start, day_number end,
                  std::string_view programme_code) {
    w.begin();
    w.str(id);
    w.comma();
    w.str(a.code);
    w.comma();
    w.text(title);
    w.comma();
    w.date(start);
    w.comma();
    w.date(end);
    w.comma();
    w.str(unit_code_of(a));
    w.comma();
    w.str(programme_code);
    w.end();
  }

  // Activity targets of a plan from what the agency did, 85 % to 120 % of it.
  void activity_targets(rng& r, table_writer& w, const std::string& plan, const tally& done,
                        std::initializer_list<tally_slot> slots, const std::string& unit,
                        std::string_view period) {
    for (const tally_slot s : slots) {
      if (done[s] == 0) continue;
      const std::uint64_t value = round_target(
          std::uint64_t{done[s]} * static_cast<std::uint64_t>(r.between(850, 1200)) / 1000);
      if (value == 0) continue;
      const std::string_view direction = r.chance(300000) ? "at_least" : "";
      const std::string* target_unit = r.chance(200000) ? &unit : nullptr;
      write_target(w, plan, tally_indicator[s], value * 10, direction, target_unit, period);
    }
  }

  void write_plans() {
    const std::uint64_t provinces = geo_.provinces.size();
    report("plans", 0, provinces);
    table_writer plans =
        open("plans.csv", "plan_id,agency,title,start_date,end_date,org_unit,programme");
    table_writer targets = open("targets.csv", "plan_id,indicator,value,direction,org_unit,period");
    for (std::uint32_t p = 0; p < provinces; ++p) {
      const province_unit& pu = geo_.provinces[p];
      const std::uint32_t first_agency = pu.agencies[0];
      const std::uint32_t last_agency = p + 1 < provinces
                                            ? geo_.provinces[p + 1].agencies[0]
                                            : static_cast<std::uint32_t>(geo_.agencies.size());
      for (int yi = 0; yi < years_; ++yi) {
        const int year = first_year_ + yi;
        const std::string y = std::to_string(year);
        rng r(seed_, stream::plans,
              static_cast<std::uint64_t>(p) * 64 + static_cast<std::uint64_t>(yi));
        for (std::uint32_t ai = first_agency; ai < last_agency; ++ai)
          agency_plans(r, plans, targets, ai, yi, year, y);
      }
      report("plans", p + 1, provinces);
    }
    written_.push_back(plans.close());
    written_.push_back(targets.close());
  }

  void agency_plans(rng& r, table_writer& plans, table_writer& targets, std::uint32_t ai, int yi,
                    int year, const std::string& y) {
    const agency_row& a = geo_.agencies[ai];
    const std::string& unit = unit_code_of(a);
    const province_unit& pu = geo_.provinces[a.province];
    const bool ubnd = a.district_level ? a.role == dr::ubnd : a.role == pr::ubnd;
    const bool labour = a.district_level ? a.role == dr::labour : a.role == pr::labour;
    const tally& done = tally_of(ai, yi, whole_year);
    bool any = false;
    for (std::uint8_t s = 0; s < t_child_reach; ++s) any = any || done[s] > 0;
    const day_number year_start = day_of(year, 1, 1);
    const day_number year_end = day_of(year, 12, 31);

    // The annual plan.
    if (any || ubnd) {
      day_number end = year_end;
      if (labour && handover_day > year_start && handover_day <= year_end) end = handover_day - 1;
      const std::string id = a.code + "-" + y + "-01";
      std::string title;
      if (!a.district_level && a.role == pr::ubnd)
        title = "Kế hoạch thực hiện Chương trình hành động vì trẻ em " +
                locative(pu.kind, pu.short_name) + " năm " + y;
      else if (!a.district_level && a.role == pr::police)
        title = "Kế hoạch tuyên truyền phòng, chống ma túy trong trường học năm " + y;
      else if (!a.district_level && a.role == pr::culture)
        title = "Kế hoạch triển khai công tác bảo vệ và chăm sóc trẻ em năm " + y;
      else
        title = "Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em năm " + y;
      write_plan(plans, id, a, title, year_start, end, "");
      activity_targets(r, targets, id, done,
                       {t_directives, t_trainings, t_training_participants, t_comm_sessions,
                        t_comm_reach, t_media_items, t_support, t_facilities},
                       unit, "");
      // Six-month targets, as in the seed's report of the first half of the year.
      if (!a.district_level && end == year_end &&
          (a.role == pr::labour || a.role == pr::health || a.role == pr::police))
        activity_targets(r, targets, id, tally_of(ai, yi, first_half),
                         {t_directives, t_trainings, t_comm_sessions}, unit, y + "S1");
      if (ubnd) case_targets(r, targets, id, a, yi);
    }

    // The Action Month (June) plan.
    const tally& june_done = tally_of(ai, yi, june);
    const bool june_work =
        june_done[t_comm_sessions] + june_done[t_support] + june_done[t_facilities] > 0;
    if ((!a.district_level && june_work) || (a.district_level && a.role == dr::ubnd)) {
      const std::string id = a.code + "-" + y + "-02";
      write_plan(plans, id, a, "Kế hoạch tổ chức Tháng hành động vì trẻ em năm " + y,
                 day_of(year, 6, 1), day_of(year, 6, 30), "action_month_" + y);
      activity_targets(r, targets, id, june_done,
                       {t_comm_sessions, t_comm_reach, t_support, t_facilities}, unit, "");
    }

    // Programme plans of the unions.
    if (!a.district_level && a.role == pr::women && year >= 2022) {
      bool planned = false;
      const std::string id = a.code + "-" + y + "-03";
      for (std::uint32_t d = pu.first_district; d < pu.first_district + pu.districts; ++d) {
        const std::uint32_t sessions =
            project8_[static_cast<std::size_t>(d) * static_cast<std::size_t>(years_) +
                      static_cast<std::size_t>(yi)];
        if (sessions == 0) continue;
        if (!planned) {
          write_plan(plans, id, a,
                     "Kế hoạch triển khai Dự án 8 \"Thực hiện bình đẳng giới và giải quyết những "
                     "vấn đề cấp thiết đối với phụ nữ và trẻ em\" năm " +
                         y,
                     year_start, year_end, "project_8");
          planned = true;
        }
        const std::uint64_t value = round_target(
            std::uint64_t{sessions} * static_cast<std::uint64_t>(r.between(850, 1200)) / 1000);
        if (value > 0)
          write_target(targets, id, "COMM_SESSIONS", value * 10, "", &geo_.districts[d].code, "");
      }
    }
    if (!a.district_level && a.role == pr::youth && year >= 2023 && year <= 2027 &&
        done[t_child_reach] > 0) {
      const std::string id = a.code + "-" + y + "-03";
      write_plan(plans, id, a,
                 "Kế hoạch triển khai Đề án thúc đẩy quyền tham gia của trẻ em vào các vấn đề về "
                 "trẻ em năm " +
                     y,
                 year_start, year_end, "children_participation_2023_2027");
      activity_targets(r, targets, id, done, {t_child_reach}, unit, "");
    }
  }

  // Targets of the People's Committees on cases: the abuse rate to keep under (about this
  // year's rate), plan and emergency shares, and for the province the national injury
  // targets (Decision 1248/QĐ-TTg: 16 injury deaths per 100,000 children by 2025).
  void case_targets(rng& r, table_writer& w, const std::string& plan, const agency_row& a, int yi) {
    district_year sum;
    std::uint32_t first = a.district, count = 1;
    if (!a.district_level) {
      first = geo_.provinces[a.province].first_district;
      count = geo_.provinces[a.province].districts;
    }
    for (std::uint32_t d = first; d < first + count; ++d) {
      const district_year& dy =
          district_years_[static_cast<std::size_t>(d) * static_cast<std::size_t>(years_) +
                          static_cast<std::size_t>(yi)];
      sum.abused_children += dy.abused_children;
      sum.counted_cases += dy.counted_cases;
      sum.planned_cases += dy.planned_cases;
      sum.drowning_deaths += dy.drowning_deaths;
      sum.child_population += dy.child_population;
    }
    const bool abuse_target =
        !a.district_level || (a.district - geo_.provinces[a.province].first_district) % 3 == 0;
    if (abuse_target && sum.child_population > 0) {
      const std::uint64_t tenths =
          std::uint64_t{sum.abused_children} * 1000000 / sum.child_population;
      const std::uint64_t target = tenths * static_cast<std::uint64_t>(r.between(900, 1150)) / 1000;
      write_target(w, plan, "ABUSE_RATE", std::max<std::uint64_t>(target, 1), "at_most", nullptr,
                   "");
    }
    write_target(w, plan, "CASE_PLAN_PCT", 900, r.chance(500000) ? "at_least" : "", nullptr, "");
    if (a.district_level) return;
    write_target(w, plan, "CSC_ASSISTED_PCT", 900, "", nullptr, "");
    write_target(w, plan, "EMERGENCY_12H_PCT", 1000, "", nullptr, "");
    write_target(w, plan, "PLAN_7WD_PCT", 900, "", nullptr, "");
    write_target(w, plan, "INJURY_DEATH_RATE", 160, "at_most", nullptr, "");
    if (sum.drowning_deaths > 0) {
      const std::uint64_t target = std::uint64_t{sum.drowning_deaths} *
                                   static_cast<std::uint64_t>(r.between(800, 1000)) / 1000;
      write_target(w, plan, "DROWNING_DEATHS", target * 10, "at_most", nullptr, "");
    }
  }

  std::filesystem::path folder_;
  const generate_options& options_;
  std::uint64_t seed_;
  int first_year_;
  int last_year_;
  int years_;
  day_number cover_start_;     // first day of the covered years
  day_number as_of_;           // last day of the covered years: nothing happens later
  day_number register_start_;  // when the provincial register started
  day_number birth_first_;     // the oldest children are 17 at the start of the covered years
  date_book book_;
  std::vector<std::uint8_t> off_;  // per day of book_: weekend or holiday
  std::vector<day_number> year_first_, year_mid_, year_last_;  // 1 January, 1 July, 31 December
  geography geo_;
  int child_width_ = 8;
  int case_width_ = 8;
  std::uint64_t cases_written_ = 0;
  std::uint64_t activities_written_ = 0;
  std::vector<std::uint32_t> reg_cells_;       // commune x year x sex x age
  std::vector<district_year> district_years_;  // district x year
  std::vector<tally> agency_tallies_;          // agency x year x period
  std::vector<std::uint32_t> project8_;        // district x year: Project 8 sessions
  std::vector<table_summary> written_;
};

// Children beyond this would overflow the integer arithmetic of the shares.
constexpr std::uint64_t max_children = 1000000000000ull;

}  // namespace

generate_summary generate_dataset(const std::string& out_dir, const generate_options& options) {
  if (out_dir.empty()) throw error("generate_dataset: the output folder name is empty");
  if (options.provinces < 1 || options.provinces > max_generated_provinces)
    throw error("generate_dataset: provinces must be 1 to " +
                std::to_string(max_generated_provinces) + ", got " +
                std::to_string(options.provinces));
  if (options.first_year < min_year || options.last_year > max_year ||
      options.first_year > options.last_year)
    throw error("generate_dataset: years must lie in " + std::to_string(min_year) + ".." +
                std::to_string(max_year) + " with first_year <= last_year, got " +
                std::to_string(options.first_year) + ".." + std::to_string(options.last_year));
  if (options.children > max_children)
    throw error("generate_dataset: children must be at most " + std::to_string(max_children) +
                ", got " + std::to_string(options.children));
  generator g(out_dir, options);
  return g.run();
}

}  // namespace safeguard::io
