// Progress of long work for the `safeguard` tool: turns the library's progress_callback into
// a live bar on a terminal, or into a few plain lines when stderr goes to a log or a pipe, or
// into nothing with --quiet. Every command that loads, generates or computes uses it.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "safeguard/progress.hpp"

namespace safeguard::cli {

/// How a progress_display shows progress.
enum class progress_style {
  automatic,  ///< `bar` when the output stream is a terminal, else `lines`
  bar,        ///< one line redrawn in place with '\r', at most about 10 times a second
  lines,      ///< a line when a stage ends; for long stages also one at every 10 %
  quiet,      ///< nothing at all
};

/// Shows the progress reported through callback() (or update()) on a stream, stage by stage:
/// a call with a new `what` ends the previous stage. Not thread-safe: the library calls
/// progress callbacks from the calling thread only.
class progress_display {
 public:
  /// Shows progress on `out` (stderr by default; not owned, must outlive the display; null
  /// means quiet) in `style`; `automatic` is resolved once, here. In `lines` style, a stage
  /// that has run for `detail_after` gets a line at every 10 % step, so that a log shows a
  /// long stage moving while short stages take one line each.
  explicit progress_display(progress_style style = progress_style::automatic,
                            std::FILE* out = stderr,
                            std::chrono::milliseconds detail_after = std::chrono::seconds(1));
  progress_display(const progress_display&) = delete;
  progress_display& operator=(const progress_display&) = delete;
  /// Calls finish().
  ~progress_display();

  /// A callback that forwards to update(); valid while this display lives.
  progress_callback callback();

  /// Records that stage `what` got to `done` of `total` (`total` 0: unknown) and redraws as
  /// the style says. An empty `what` is shown as "working".
  void update(std::string_view what, std::uint64_t done, std::uint64_t total);

  /// Shows the last state of the current stage and ends its line, so that the next output
  /// starts on a fresh line. Calling it again, or with no stage begun, does nothing.
  void finish();

  /// The style in use (`automatic` resolved to `bar` or `lines`).
  progress_style style() const noexcept { return style_; }

 private:
  using clock = std::chrono::steady_clock;

  void end_stage();
  void draw_bar();
  void print_line();
  std::string status() const;

  progress_style style_;
  std::FILE* out_;
  std::chrono::milliseconds detail_after_;
  clock::time_point started_;  // when the display was made (lines mode time stamps)
  clock::time_point stage_start_;
  clock::time_point last_draw_;
  std::string stage_;
  bool active_ = false;  // a stage has begun and not been finished
  bool shown_ = true;    // the latest state of the stage is on screen
  std::uint64_t done_ = 0;
  std::uint64_t total_ = 0;
  int printed_tenth_ = -1;      // lines mode: the last 10 % step printed
  std::size_t bar_length_ = 0;  // bar mode: characters of the bar on screen
};

/// `n` with a comma between groups of three digits: 1234567 -> "1,234,567".
std::string group_digits(std::uint64_t n);

}  // namespace safeguard::cli
