// The 64-bit checksum of a snapshot's payload (docs/validation.md, "Snapshot format").
// Byte-at-a-time hashes (FNV-1a, table CRC32) run at about 1 GB/s, which would be most of
// the time of loading a snapshot; this one reads 64-bit little-endian words into four
// independent lanes, so it runs at memory speed. Every step of a lane, and the final
// mixing, is a bijection of the 64-bit state, so a change confined to the words of one lane
// always changes the checksum; changes in several lanes collide with odds of about 2^-64.
// It detects damage, not tampering (it is no cryptographic hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace safeguard::detail {

class snapshot_checksum {
 public:
  /// Adds bytes; the result does not depend on how the input is cut into calls.
  void update(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    bytes_ += size;
    if (tail_size_ > 0) {
      const std::size_t take = size < block - tail_size_ ? size : block - tail_size_;
      std::memcpy(tail_ + tail_size_, p, take);
      tail_size_ += take;
      p += take;
      size -= take;
      if (tail_size_ < block) return;
      mix_block(tail_);
      tail_size_ = 0;
    }
    for (; size >= block; p += block, size -= block) mix_block(p);
    std::memcpy(tail_, p, size);
    tail_size_ = size;
  }

  /// The checksum of everything added so far (the object can go on being updated).
  std::uint64_t value() const noexcept {
    std::uint64_t lanes[4] = {lanes_[0], lanes_[1], lanes_[2], lanes_[3]};
    if (tail_size_ > 0) {
      unsigned char last[block] = {};
      std::memcpy(last, tail_, tail_size_);
      for (std::size_t i = 0; i < 4; ++i) lanes[i] = step(lanes[i], load(last + 8 * i));
    }
    std::uint64_t h = seed;
    for (const std::uint64_t lane : lanes) h = step(h, lane);
    h = step(h, bytes_);  // zero padding of the tail must not collide with real zeros
    return h ^ (h >> 29);
  }

  /// The checksum of one buffer.
  static std::uint64_t of(const void* data, std::size_t size) noexcept {
    snapshot_checksum c;
    c.update(data, size);
    return c.value();
  }

 private:
  static constexpr std::size_t block = 32;
  static constexpr std::uint64_t multiplier = 0x9E3779B97F4A7C15ull;  // odd: invertible
  static constexpr std::uint64_t seed = 0xCBF29CE484222325ull;

  static std::uint64_t load(const unsigned char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
  }
  static std::uint64_t step(std::uint64_t state, std::uint64_t word) noexcept {
    const std::uint64_t x = (state ^ word) * multiplier;
    return (x << 31) | (x >> 33);
  }
  void mix_block(const unsigned char* p) noexcept {
    for (std::size_t i = 0; i < 4; ++i) lanes_[i] = step(lanes_[i], load(p + 8 * i));
  }

  std::uint64_t lanes_[4] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull, 0xA4093822299F31D0ull,
                             0x082EFA98EC4E6C89ull};
  unsigned char tail_[block] = {};
  std::size_t tail_size_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace safeguard::detail
