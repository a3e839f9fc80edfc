// The code lists of the dataset format (spec: data-format.md, "Code lists" and the tables'
// code columns). A code is stored as its position in its list, in the spec's order; every
// entry carries its Vietnamese and English label, and concerns carry their group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace safeguard {

/// A code stored in a column: its position in the code list; `no_code` when missing.
using code = std::uint8_t;
inline constexpr code no_code = 0xFF;

/// A multi-valued cell: bit i set when code i is listed. Every multi-valued list has at most
/// 32 codes.
using code_set = std::uint32_t;

/// One code with its labels. `group` is set only for lists with groups (concern).
struct code_entry {
  std::string_view code;
  std::string_view vi;
  std::string_view en;
  std::string_view group;
};

/// A fixed list of codes, in the spec's order.
class code_list {
 public:
  constexpr code_list(std::string_view name, const code_entry* entries, std::size_t size)
      : name_(name), entries_(entries), size_(size) {}

  std::string_view name() const noexcept { return name_; }
  std::size_t size() const noexcept { return size_; }
  const code_entry& operator[](std::size_t i) const noexcept { return entries_[i]; }
  const code_entry* begin() const noexcept { return entries_; }
  const code_entry* end() const noexcept { return entries_ + size_; }

  /// The position of `text` in the list, or nothing when it is not one of its codes.
  std::optional<code> find(std::string_view text) const noexcept {
    for (std::size_t i = 0; i < size_; ++i)
      if (entries_[i].code == text) return static_cast<code>(i);
    return std::nullopt;
  }

 private:
  std::string_view name_;
  const code_entry* entries_;
  std::size_t size_;
};

/// The code lists, each named after the column (or dimension) that uses it.
namespace codes {
const code_list& org_unit_kind();   ///< org_units.kind
const code_list& sex();             ///< f, m, u (population uses f, m only)
const code_list& exit_reason();     ///< children.exit_reason
const code_list& circumstance();    ///< circumstances.circumstance (14 groups + at_risk)
const code_list& concern();         ///< cases.concerns, with group
const code_list& concern_group();   ///< abuse, injury, risk, other
const code_list& source();          ///< cases.source
const code_list& setting();         ///< cases.setting
const code_list& perpetrator();     ///< cases.perpetrator
const code_list& protection_level();///< cases.level
const code_list& risk();            ///< cases.risk
const code_list& outcome();         ///< cases.outcome
const code_list& closure_reason();  ///< cases.closure_reason
const code_list& service();         ///< services.service
const code_list& agency_kind();     ///< agencies.kind
const code_list& activity_kind();   ///< activities.kind
const code_list& topic();           ///< activities.topics
const code_list& audience();        ///< activities.audiences
const code_list& direction();       ///< targets.direction: at_least, at_most

/// The group of each concern as a position in concern_group().
code group_of_concern(code concern) noexcept;
/// The set of concern groups touched by a set of concerns.
code_set groups_of_concerns(code_set concerns) noexcept;

/// Every list above, for listings and the bindings.
const code_list* const* all(std::size_t& count) noexcept;
}  // namespace codes

}  // namespace safeguard
