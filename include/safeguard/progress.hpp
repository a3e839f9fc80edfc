// Progress reporting for long work (loading, generating, computing national data).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace safeguard {

/// Called from time to time during long work with what is being done and how far it got
/// (`total` may be 0 when unknown). Called from the calling thread only; must not throw.
using progress_callback =
    std::function<void(std::string_view what, std::uint64_t done, std::uint64_t total)>;

}  // namespace safeguard
