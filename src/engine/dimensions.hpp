// The dimensions (disaggregations) of the spec and the tables each applies to.
#pragma once

#include <array>
#include <string_view>

#include "safeguard/engine/expression.hpp"

namespace safeguard::engine::detail {

enum class dimension_id : std::uint8_t {
  sex, age_band, ethnicity, disability, circumstance, concern, concern_group, source, setting,
  perpetrator, level, risk, outcome, closure_reason, service, referred, agency, agency_kind,
  kind, topic, audience, programme
};

struct dimension_info {
  dimension_id id;
  std::string_view name;
  bool multi_valued;
  // Tables whose rows carry this dimension (spec: indicators.md, "Dimensions").
  std::array<table_id, 5> tables;
  std::size_t table_count;
};

inline constexpr dimension_info dimension_table[] = {
    {dimension_id::sex, "sex", false,
     {table_id::children, table_id::cases, table_id::services, table_id::population}, 4},
    {dimension_id::age_band, "age_band", false,
     {table_id::children, table_id::cases, table_id::services, table_id::population}, 4},
    {dimension_id::ethnicity, "ethnicity", false, {table_id::children, table_id::cases}, 2},
    {dimension_id::disability, "disability", false, {table_id::children, table_id::cases}, 2},
    {dimension_id::circumstance, "circumstance", true, {table_id::children}, 1},
    {dimension_id::concern, "concern", true, {table_id::cases}, 1},
    {dimension_id::concern_group, "concern_group", true, {table_id::cases}, 1},
    {dimension_id::source, "source", false, {table_id::cases}, 1},
    {dimension_id::setting, "setting", false, {table_id::cases}, 1},
    {dimension_id::perpetrator, "perpetrator", false, {table_id::cases}, 1},
    {dimension_id::level, "level", false, {table_id::cases}, 1},
    {dimension_id::risk, "risk", false, {table_id::cases}, 1},
    {dimension_id::outcome, "outcome", false, {table_id::cases}, 1},
    {dimension_id::closure_reason, "closure_reason", false, {table_id::cases}, 1},
    {dimension_id::service, "service", false, {table_id::services}, 1},
    {dimension_id::referred, "referred", false, {table_id::services}, 1},
    {dimension_id::agency, "agency", false,
     {table_id::activities, table_id::cases, table_id::services}, 3},
    {dimension_id::agency_kind, "agency_kind", false,
     {table_id::activities, table_id::cases, table_id::services}, 3},
    {dimension_id::kind, "kind", false, {table_id::activities}, 1},
    {dimension_id::topic, "topic", true, {table_id::activities}, 1},
    {dimension_id::audience, "audience", true, {table_id::activities}, 1},
    {dimension_id::programme, "programme", false, {table_id::activities}, 1},
};

inline const dimension_info* find_dimension(std::string_view name) noexcept {
  for (const auto& d : dimension_table)
    if (d.name == name) return &d;
  return nullptr;
}

inline bool dimension_applies(const dimension_info& d, table_id t) noexcept {
  for (std::size_t i = 0; i < d.table_count; ++i)
    if (d.tables[i] == t) return true;
  return false;
}

inline std::array<std::string_view, std::size(dimension_table)> dimension_names() noexcept {
  std::array<std::string_view, std::size(dimension_table)> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = dimension_table[i].name;
  return out;
}

}  // namespace safeguard::engine::detail
