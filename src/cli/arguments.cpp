// Reading a command's arguments (cli/arguments.hpp).
#include "cli/arguments.hpp"

#include <charconv>

#include <fmt/core.h>

namespace safeguard::cli {

namespace {

bool looks_like_option(std::string_view arg) { return arg.size() >= 2 && arg[0] == '-'; }

}  // namespace

bool arguments::next() {
  if (at_ + 1 >= argc_) return false;
  ++at_;
  const std::string_view arg = argv_[at_];
  value_.clear();
  has_inline_value_ = false;
  name_ = arg;
  if (!looks_like_option(arg)) {
    value_ = std::string(arg);
    return true;
  }
  if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
    name_ = arg.substr(0, eq);
    value_ = std::string(arg.substr(eq + 1));
    has_inline_value_ = true;
  }
  return true;
}

bool arguments::flag(std::string_view name, std::string_view alias) const {
  if (!looks_like_option(name_) || (name_ != name && (alias.empty() || name_ != alias)))
    return false;
  if (has_inline_value_) throw usage_error(fmt::format("{} takes no value", name_));
  return true;
}

bool arguments::option(std::string_view name, std::string_view alias) {
  if (!looks_like_option(name_) || (name_ != name && (alias.empty() || name_ != alias)))
    return false;
  if (has_inline_value_) return true;
  if (at_ + 1 >= argc_) throw usage_error(fmt::format("{} needs a value", name_));
  value_ = argv_[++at_];
  return true;
}

bool arguments::positional() const { return !looks_like_option(name_); }

std::uint64_t arguments::unsigned_value() const {
  std::uint64_t n = 0;
  const char* end = value_.data() + value_.size();
  const auto [ptr, ec] = std::from_chars(value_.data(), end, n);
  if (value_.empty() || ec != std::errc() || ptr != end)
    throw usage_error(
        fmt::format("{} expects a non-negative integer, got '{}'", name_, value_));
  return n;
}

void arguments::unknown() const {
  if (positional()) throw usage_error(fmt::format("unexpected argument '{}'", value_));
  throw usage_error(fmt::format("unknown option '{}'", name_));
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < std::uint64_t{1} << 20)
    return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  if (bytes < std::uint64_t{1} << 30)
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

}  // namespace safeguard::cli
