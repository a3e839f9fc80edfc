// Partial results: serialization for shipping between processes, the exact merge, and the
// split of a dataset by root (include/safeguard/engine/partition.hpp, docs/scale-out.md).
#include "safeguard/engine/partition.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <set>
#include <sstream>
#include <unordered_map>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "io/detail/write_part.hpp"
#include "safeguard/error.hpp"
#include "safeguard/hierarchy/hierarchy.hpp"

namespace safeguard::engine {
namespace {

// Header: magic (8 bytes), format version (u16), 6 bytes zero, payload size (u64), FNV-1a
// checksum of the payload (u64); numbers little-endian whatever the machine.
constexpr char result_magic[8] = {'S', 'G', 'R', 'E', 'S', 'U', 'L', 'T'};
constexpr std::uint16_t result_format_version = 1;
constexpr std::size_t header_size = 32;
// No Boost archive header: ours carries the version, and Boost's would tie the bytes to the
// Boost library's own archive version.
constexpr unsigned archive_flags = boost::archive::no_header | boost::archive::no_codecvt;

std::uint64_t fnv1a(std::string_view bytes) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void put_le(char* out, std::uint64_t v, int bytes) noexcept {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint64_t get_le(const char* in, int bytes) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

// Every column of a result as plain vectors: org units as int32, periods as ids.
struct result_record {
  std::string fingerprint;
  std::vector<std::string> indicator_codes, period_ids, dimensions, unit_codes, notes;
  std::vector<std::vector<std::string>> dimension_values;
  std::vector<std::uint32_t> indicator, period_index;
  std::vector<std::int32_t> org_unit;
  std::vector<std::vector<std::int32_t>> dimension;
  std::vector<double> numerator, denominator, value, target;
  std::vector<std::uint8_t> has_numerator, has_denominator, has_value, has_target, target_at_most;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& fingerprint& indicator_codes& period_ids& dimensions& unit_codes& notes& dimension_values;
    ar& indicator& period_index& org_unit& dimension& numerator& denominator& value& target;
    ar& has_numerator& has_denominator& has_value& has_target& target_at_most;
  }
};

// Throws unless every row column of `r` has r.size() entries and every index is in range.
void check_consistent(const result& r, const char* what) {
  const std::size_t n = r.size();
  auto fail = [&](const std::string& why) { throw error(std::string(what) + ": " + why); };
  const std::size_t lengths[] = {r.period_index.size(), r.org_unit.size(), r.numerator.size(),
                                 r.denominator.size(), r.value.size(), r.target.size(),
                                 r.has_numerator.size(), r.has_denominator.size(), r.has_value.size(),
                                 r.has_target.size(), r.target_at_most.size()};
  for (std::size_t len : lengths)
    if (len != n) fail("its columns have different lengths");
  if (r.dimension.size() != r.dimensions.size() || r.dimension_values.size() != r.dimensions.size())
    fail("it has " + std::to_string(r.dimensions.size()) + " dimensions but not as many dimension columns");
  for (std::size_t d = 0; d < r.dimension.size(); ++d) {
    if (r.dimension[d].size() != n) fail("its columns have different lengths");
    const auto domain = static_cast<std::int64_t>(r.dimension_values[d].size());
    for (std::int32_t c : r.dimension[d])
      if (c < -1 || c >= domain) fail("a code of dimension '" + r.dimensions[d] + "' is out of range");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (r.indicator[i] >= r.indicator_codes.size()) fail("an indicator index is out of range");
    if (r.period_index[i] >= r.periods.size()) fail("a period index is out of range");
    if (!r.org_unit[i].valid() || static_cast<std::size_t>(r.org_unit[i].value) >= r.unit_codes.size())
      fail("an org-unit index is out of range");
  }
}

std::string join(const std::vector<std::string>& items, const char* sep = ",") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::string request_fingerprint(const result& r, const compute_request& request) {
  std::string out = "periods=";
  for (std::size_t i = 0; i < request.periods.size(); ++i) out += (i ? "," : "") + request.periods[i].id();
  std::vector<int> levels = request.levels;
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  out += ";levels=";
  for (std::size_t i = 0; i < levels.size(); ++i) out += (i ? "," : "") + std::to_string(levels[i]);
  out += ";by=" + join(request.by) + ";indicators=" + join(request.indicators) + ";age_bands=";
  for (std::size_t i = 0; i < request.age_bands.size(); ++i) {
    const age_band& b = request.age_bands[i];
    out += (i ? "," : "") + std::to_string(b.low) + "-" + std::to_string(b.high) + ":" + b.label;
  }
  out += std::string(";consent=") + (request.honour_consent ? "1" : "0");
  out += ";catalogue=" + join(r.indicator_codes);
  return out;
}

std::string serialize_result(const result& r, const compute_request& request) {
  check_consistent(r, "cannot serialize the result");
  result_record rec;
  rec.fingerprint = request_fingerprint(r, request);
  rec.indicator_codes = r.indicator_codes;
  for (const period& p : r.periods) rec.period_ids.push_back(p.id());
  rec.dimensions = r.dimensions;
  rec.dimension_values = r.dimension_values;
  rec.unit_codes = r.unit_codes;
  rec.notes = r.notes;
  rec.indicator = r.indicator;
  rec.period_index = r.period_index;
  rec.org_unit.reserve(r.size());
  for (org_unit_index u : r.org_unit) rec.org_unit.push_back(u.value);
  rec.dimension = r.dimension;
  rec.numerator = r.numerator;
  rec.denominator = r.denominator;
  rec.value = r.value;
  rec.target = r.target;
  rec.has_numerator = r.has_numerator;
  rec.has_denominator = r.has_denominator;
  rec.has_value = r.has_value;
  rec.has_target = r.has_target;
  rec.target_at_most = r.target_at_most;

  std::ostringstream payload_stream(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(payload_stream, archive_flags);
    ar << rec;
  }
  const std::string payload = payload_stream.str();
  std::string out(header_size, '\0');
  std::memcpy(&out[0], result_magic, sizeof result_magic);
  put_le(&out[8], result_format_version, 2);
  put_le(&out[16], payload.size(), 8);
  put_le(&out[24], fnv1a(payload), 8);
  out += payload;
  return out;
}

partial_result deserialize_partial(std::string_view bytes) {
  const char* what = "cannot read a serialized result";
  if (bytes.size() < header_size || std::memcmp(bytes.data(), result_magic, sizeof result_magic) != 0)
    throw error(std::string(what) + ": the bytes do not start with the magic 'SGRESULT'");
  const auto version = static_cast<std::uint16_t>(get_le(bytes.data() + 8, 2));
  if (version > result_format_version)
    throw error(std::string(what) + ": format version " + std::to_string(version) +
                " is newer than this safeguard reads (" + std::to_string(result_format_version) + ")");
  const std::uint64_t size = get_le(bytes.data() + 16, 8);
  if (size != bytes.size() - header_size)
    throw error(std::string(what) + ": the header announces " + std::to_string(size) + " bytes of data but " +
                std::to_string(bytes.size() - header_size) + " follow (truncated or corrupt)");
  const std::string_view payload = bytes.substr(header_size);
  if (fnv1a(payload) != get_le(bytes.data() + 24, 8))
    throw error(std::string(what) + ": the checksum does not match (corrupt bytes)");

  result_record rec;
  try {
    std::istringstream in(std::string(payload), std::ios::binary);
    boost::archive::binary_iarchive ar(in, archive_flags);
    ar >> rec;
  } catch (const std::exception& e) {
    throw error(std::string(what) + ": the data does not decode (" + e.what() + ")");
  }
  partial_result out;
  result& r = out.cells;
  out.request_fingerprint = std::move(rec.fingerprint);
  r.indicator_codes = std::move(rec.indicator_codes);
  for (const auto& id : rec.period_ids) {
    auto p = period::try_parse(id);
    if (!p) throw error(std::string(what) + ": '" + id + "' is not a period id");
    r.periods.push_back(*p);
  }
  r.dimensions = std::move(rec.dimensions);
  r.dimension_values = std::move(rec.dimension_values);
  r.unit_codes = std::move(rec.unit_codes);
  r.notes = std::move(rec.notes);
  r.indicator = std::move(rec.indicator);
  r.period_index = std::move(rec.period_index);
  r.org_unit.reserve(rec.org_unit.size());
  for (std::int32_t u : rec.org_unit) r.org_unit.emplace_back(u);
  r.dimension = std::move(rec.dimension);
  r.numerator = std::move(rec.numerator);
  r.denominator = std::move(rec.denominator);
  r.value = std::move(rec.value);
  r.target = std::move(rec.target);
  r.has_numerator = std::move(rec.has_numerator);
  r.has_denominator = std::move(rec.has_denominator);
  r.has_value = std::move(rec.has_value);
  r.has_target = std::move(rec.has_target);
  r.target_at_most = std::move(rec.target_at_most);
  check_consistent(r, what);
  return out;
}

result deserialize_result(std::string_view bytes) { return deserialize_partial(bytes).cells; }

result merge_results(const std::vector<result>& parts) {
  if (parts.empty()) throw error("merge_results needs at least one partial result");
  const result& first = parts.front();
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const result& p = parts[k];
    check_consistent(p, ("cannot merge part " + std::to_string(k)).c_str());
    bool same_periods = p.periods.size() == first.periods.size();
    for (std::size_t i = 0; same_periods && i < p.periods.size(); ++i)
      same_periods = p.periods[i].id() == first.periods[i].id();
    if (p.indicator_codes != first.indicator_codes || !same_periods || p.dimensions != first.dimensions)
      throw error("cannot merge part " + std::to_string(k) +
                  ": it was computed for a different request than part 0 (indicators, periods or "
                  "breakdowns differ)");
  }

  result out;
  out.indicator_codes = first.indicator_codes;
  out.periods = first.periods;
  out.dimensions = first.dimensions;
  const std::size_t dims = first.dimensions.size();

  // One table of unit codes and of each dimension's codes; per part, its positions in them.
  std::unordered_map<std::string, std::int32_t> unit_at;
  std::vector<std::int32_t> unit_owner;  // the part that has rows for the unit, or -1
  std::vector<std::vector<std::int32_t>> unit_map(parts.size());
  std::vector<std::unordered_map<std::string, std::int32_t>> value_at(dims);
  out.dimension_values.assign(dims, {});
  std::vector<std::vector<std::vector<std::int32_t>>> value_map(parts.size(),
                                                                std::vector<std::vector<std::int32_t>>(dims));
  std::size_t rows = 0;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const result& p = parts[k];
    rows += p.size();
    for (const auto& code : p.unit_codes) {
      auto [it, added] = unit_at.emplace(code, static_cast<std::int32_t>(out.unit_codes.size()));
      if (added) {
        out.unit_codes.push_back(code);
        unit_owner.push_back(-1);
      }
      unit_map[k].push_back(it->second);
    }
    for (std::size_t d = 0; d < dims; ++d)
      for (const auto& code : p.dimension_values[d]) {
        auto [it, added] = value_at[d].emplace(code, static_cast<std::int32_t>(out.dimension_values[d].size()));
        if (added) out.dimension_values[d].push_back(code);
        value_map[k][d].push_back(it->second);
      }
    for (const auto& note : p.notes)
      if (std::find(out.notes.begin(), out.notes.end(), note) == out.notes.end()) out.notes.push_back(note);
    // Each output cell belongs to one partition: a unit with rows in two parts means the
    // partitions overlap, and the union would count the unit twice.
    for (org_unit_index u : p.org_unit) {
      const std::int32_t m = unit_map[k][static_cast<std::size_t>(u.value)];
      std::int32_t& owner = unit_owner[static_cast<std::size_t>(m)];
      if (owner == static_cast<std::int32_t>(k)) continue;
      if (owner >= 0)
        throw error("cannot merge part " + std::to_string(k) + ": part " + std::to_string(owner) +
                    " also has rows for org unit '" + out.unit_codes[static_cast<std::size_t>(m)] +
                    "' (the partitions overlap; split a dataset by root so each unit is in one part)");
      owner = static_cast<std::int32_t>(k);
    }
  }

  // Sort keys as compute sorts: ranks of unit codes and of dimension codes in byte order,
  // the empty dimension code (-1) before every code.
  auto ranks_of = [](const std::vector<std::string>& codes) {
    std::vector<std::int32_t> order(codes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      return codes[static_cast<std::size_t>(a)] < codes[static_cast<std::size_t>(b)];
    });
    std::vector<std::int32_t> rank(codes.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[static_cast<std::size_t>(order[i])] = static_cast<std::int32_t>(i + 1);
    return rank;
  };
  const std::vector<std::int32_t> unit_rank = ranks_of(out.unit_codes);
  std::vector<std::vector<std::int32_t>> value_rank(dims);
  for (std::size_t d = 0; d < dims; ++d) value_rank[d] = ranks_of(out.dimension_values[d]);

  // Rows of every part re-indexed into the merged tables, then ordered.
  struct row_ref {
    std::uint32_t part;
    std::uint32_t row;
  };
  std::vector<row_ref> order;
  order.reserve(rows);
  out.indicator.reserve(rows);
  std::vector<std::int32_t> unit(rows);
  std::vector<std::vector<std::int32_t>> dim(dims, std::vector<std::int32_t>(rows));
  std::vector<std::uint32_t> indicator(rows), period_index(rows);
  {
    std::size_t at = 0;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const result& p = parts[k];
      for (std::size_t i = 0; i < p.size(); ++i, ++at) {
        order.push_back({static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(i)});
        indicator[at] = p.indicator[i];
        period_index[at] = p.period_index[i];
        unit[at] = unit_map[k][static_cast<std::size_t>(p.org_unit[i].value)];
        for (std::size_t d = 0; d < dims; ++d) {
          const std::int32_t c = p.dimension[d][i];
          dim[d][at] = c < 0 ? -1 : value_map[k][d][static_cast<std::size_t>(c)];
        }
      }
    }
  }
  std::vector<std::uint32_t> perm(rows);
  std::iota(perm.begin(), perm.end(), 0u);
  std::sort(perm.begin(), perm.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (indicator[a] != indicator[b]) return indicator[a] < indicator[b];
    if (period_index[a] != period_index[b]) return period_index[a] < period_index[b];
    const std::int32_t ua = unit_rank[static_cast<std::size_t>(unit[a])];
    const std::int32_t ub = unit_rank[static_cast<std::size_t>(unit[b])];
    if (ua != ub) return ua < ub;
    for (std::size_t d = 0; d < dims; ++d) {
      const std::int32_t ca = dim[d][a], cb = dim[d][b];
      const std::int32_t ra = ca < 0 ? 0 : value_rank[d][static_cast<std::size_t>(ca)];
      const std::int32_t rb = cb < 0 ? 0 : value_rank[d][static_cast<std::size_t>(cb)];
      if (ra != rb) return ra < rb;
    }
    return false;
  });

  out.dimension.assign(dims, {});
  for (auto& column : out.dimension) column.reserve(rows);
  for (std::uint32_t at : perm) {
    const result& p = parts[order[at].part];
    const std::size_t i = order[at].row;
    out.indicator.push_back(indicator[at]);
    out.period_index.push_back(period_index[at]);
    out.org_unit.emplace_back(unit[at]);
    for (std::size_t d = 0; d < dims; ++d) out.dimension[d].push_back(dim[d][at]);
    out.numerator.push_back(p.numerator[i]);
    out.denominator.push_back(p.denominator[i]);
    out.value.push_back(p.value[i]);
    out.target.push_back(p.target[i]);
    out.has_numerator.push_back(p.has_numerator[i]);
    out.has_denominator.push_back(p.has_denominator[i]);
    out.has_value.push_back(p.has_value[i]);
    out.has_target.push_back(p.has_target[i]);
    out.target_at_most.push_back(p.target_at_most[i]);
  }
  return out;
}

result merge_serialized(const std::vector<std::string>& parts) {
  std::vector<result> cells;
  cells.reserve(parts.size());
  std::string fingerprint;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    partial_result p = deserialize_partial(parts[k]);
    if (k == 0) {
      fingerprint = std::move(p.request_fingerprint);
    } else if (p.request_fingerprint != fingerprint) {
      throw error("cannot merge part " + std::to_string(k) + ": it was computed for a different request than part 0 (" +
                  p.request_fingerprint + " against " + fingerprint + ")");
    }
    cells.push_back(std::move(p.cells));
  }
  return merge_results(cells);
}

std::vector<std::string> split_dataset_by_root(const dataset& data, const std::string& out_dir) {
  const hierarchy tree(data.org_units);
  const auto& roots = tree.roots();
  if (roots.size() < 2)
    throw error(roots.empty()
                    ? std::string("cannot split a dataset without org units")
                    : "cannot split the dataset by root: its hierarchy has a single root ('" +
                          std::string(data.org_units.code[static_cast<std::size_t>(roots[0].value)]) +
                          "'), so every row would go to one partition; split a dataset whose roots are "
                          "provinces (docs/scale-out.md)");

  io::detail::row_partition rows;
  std::vector<std::int32_t> part_of_root(data.org_units.size(), -1);
  for (std::size_t k = 0; k < roots.size(); ++k) part_of_root[static_cast<std::size_t>(roots[k].value)] = static_cast<std::int32_t>(k);
  rows.org_units.resize(data.org_units.size());
  for (std::size_t u = 0; u < data.org_units.size(); ++u) {
    const org_unit_index root = tree.ancestor_at_level(org_unit_index{static_cast<std::int32_t>(u)}, 1);
    rows.org_units[u] = part_of_root[static_cast<std::size_t>(root.value)];
  }
  auto unit_part = [&](org_unit_index u) { return rows.org_units[static_cast<std::size_t>(u.value)]; };
  // A reference from a row of partition `part` to a row of another partition would dangle
  // in the written folder (the loader would refuse it), so the split refuses it here.
  auto require = [](bool same, const char* table, const std::string& row, const char* column) {
    if (!same)
      throw error(std::string("cannot split the dataset by root: ") + table + " " + row + " refers in column " +
                  column + " to a row of another root's partition; a partition must hold every row its rows refer to");
  };
  auto id_of = [](const string_column& ids, std::size_t i) { return "row '" + std::string(ids[i]) + "'"; };
  auto line_of = [](std::size_t i) { return "line " + std::to_string(i + 2); };

  rows.population.resize(data.population.size());
  for (std::size_t i = 0; i < data.population.size(); ++i) rows.population[i] = unit_part(data.population.org_unit[i]);
  rows.agencies.resize(data.agencies.size());
  for (std::size_t i = 0; i < data.agencies.size(); ++i) rows.agencies[i] = unit_part(data.agencies.org_unit[i]);
  auto agency_part = [&](agency_index a) { return rows.agencies[static_cast<std::size_t>(a.value)]; };

  rows.children.resize(data.children.size());
  for (std::size_t i = 0; i < data.children.size(); ++i) rows.children[i] = unit_part(data.children.org_unit[i]);
  rows.circumstances.resize(data.circumstances.size());
  for (std::size_t i = 0; i < data.circumstances.size(); ++i)
    rows.circumstances[i] = rows.children[static_cast<std::size_t>(data.circumstances.child[i].value)];

  const case_table& cases = data.cases;
  rows.cases.resize(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::int32_t part = rows.children[static_cast<std::size_t>(cases.child[i].value)];
    rows.cases[i] = part;
    require(unit_part(cases.org_unit[i]) == part, "cases.csv", id_of(cases.id, i), "org_unit");
    require(!cases.lead_agency[i].valid() || agency_part(cases.lead_agency[i]) == part, "cases.csv",
            id_of(cases.id, i), "lead_agency");
  }
  rows.services.resize(data.services.size());
  for (std::size_t i = 0; i < data.services.size(); ++i) {
    const std::int32_t part = rows.cases[static_cast<std::size_t>(data.services.case_[i].value)];
    rows.services[i] = part;
    require(!data.services.agency[i].valid() || agency_part(data.services.agency[i]) == part, "services.csv",
            line_of(i), "agency");
  }
  rows.activities.resize(data.activities.size());
  for (std::size_t i = 0; i < data.activities.size(); ++i) {
    const std::int32_t part = unit_part(data.activities.org_unit[i]);
    rows.activities[i] = part;
    require(agency_part(data.activities.agency[i]) == part, "activities.csv", id_of(data.activities.id, i), "agency");
  }
  rows.plans.resize(data.plans.size());
  for (std::size_t i = 0; i < data.plans.size(); ++i) {
    const std::int32_t part = unit_part(data.plans.org_unit[i]);
    rows.plans[i] = part;
    require(agency_part(data.plans.agency[i]) == part, "plans.csv", id_of(data.plans.id, i), "agency");
  }
  rows.targets.resize(data.targets.size());
  for (std::size_t i = 0; i < data.targets.size(); ++i) {
    const std::int32_t part = rows.plans[static_cast<std::size_t>(data.targets.plan[i].value)];
    rows.targets[i] = part;
    require(unit_part(data.targets.org_unit[i]) == part, "targets.csv", line_of(i), "org_unit");
  }

  std::vector<std::string> folders;
  std::set<std::string> taken;  // folder names given, lower-cased: no two may be one folder
  const auto lower = [](std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  };
  for (std::size_t k = 0; k < roots.size(); ++k) {
    const std::string code(data.org_units.code[static_cast<std::size_t>(roots[k].value)]);
    // A code is an opaque id; one that is not a plain file name gets a neutral folder name.
    const bool plain = code != "." && code != ".." &&
                       std::all_of(code.begin(), code.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                c == '_' || c == '-' || c == '.';
                       });
    // Names that would meet (a root coded 'root-1' beside a renamed one, 'A' and 'a' on a file
    // system that ignores case) get the root's number too, so no partition overwrites another.
    std::string name = plain ? code : "root-" + std::to_string(k + 1);
    if (taken.count(lower(name))) name += "-" + std::to_string(k + 1);
    while (taken.count(lower(name))) name += "_";
    taken.insert(lower(name));
    const std::string folder = (std::filesystem::path(out_dir) / name).string();
    rows.part = static_cast<std::int32_t>(k);
    io::detail::write_dataset_rows(data, folder, &rows);
    folders.push_back(folder);
  }
  return folders;
}

}  // namespace safeguard::engine
