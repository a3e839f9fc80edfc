// A flat open-addressing hash index from strings to row numbers, for resolving identifiers
// (a case's child_id to a row of children) and codes. It stores only a 32-bit hash and the
// row in each slot (8 bytes), not the string: the caller supplies a function that returns
// the string of a row, so an index over a million ids costs 16 MiB instead of the ~50 MiB of
// a node-based std::unordered_map.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace safeguard::io::detail {

/// Loads 1 to 8 bytes as a little-endian word without a call to memcpy for a variable size
/// (ids and codes are short: this is most of the hash's work).
inline std::uint64_t load_tail(const char* p, std::size_t n) noexcept {
  std::uint32_t a;
  std::uint32_t b;
  if (n >= 4) {
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return (static_cast<std::uint64_t>(b) << 32) | a;
  }
  const auto u = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
  return u(0) | (u(n / 2) << 8) | (u(n - 1) << 16);
}

/// True when the `n` bytes at `a` and `b` are equal; inline word compares for short strings.
inline bool equal_bytes(const char* a, const char* b, std::size_t n) noexcept {
  while (n > 8) {
    std::uint64_t x;
    std::uint64_t y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  return n == 0 || load_tail(a, n) == load_tail(b, n);
}

/// A fast, well-mixed 64-bit hash of short strings (identifiers, codes).
inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (static_cast<std::uint64_t>(n) * 0xFF51AFD7ED558CCDULL);
  while (n > 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    h = (h ^ load_tail(p, n)) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return h;
}

/// Row numbers (0 .. 2^31-2) keyed by strings that the caller can look up by row.
class string_index {
 public:
  static constexpr std::int32_t none = -1;

  /// Prepares for `n` keys without rehashing.
  void reserve(std::size_t n) {
    std::size_t capacity = 16;
    while (capacity < n + n / 2 + 1) capacity *= 2;
    if (capacity > slots_.size()) rehash(capacity);
  }

  std::size_t size() const noexcept { return size_; }

  /// Inserts `row` under `key` unless the key is present; returns the row already there, or
  /// `none` when `row` was inserted. `get(row)` must return the key of a stored row.
  template <class Get>
  std::int32_t insert(std::string_view key, std::int32_t row, const Get& get) {
    return insert(key, hash_bytes(key), row, get);
  }

  /// As above with `hash == hash_bytes(key)` already computed.
  template <class Get>
  std::int32_t insert(std::string_view key, std::uint64_t hash, std::int32_t row,
                      const Get& get) {
    return insert_probe(hash, row, [&](std::int32_t existing) { return same(get(existing), key); });
  }

  /// As `insert` for a key that is `get(row)` itself: the key is read only when a stored
  /// row has the same hash, so building an index from a column touches the column's bytes
  /// only for the (rare) hash matches.
  template <class Get>
  std::int32_t insert_row(std::uint64_t hash, std::int32_t row, const Get& get) {
    return insert_probe(hash, row,
                        [&](std::int32_t existing) { return same(get(existing), get(row)); });
  }

  /// The row stored under `key`, or `none`.
  template <class Get>
  std::int32_t find(std::string_view key, const Get& get) const {
    return find(key, hash_bytes(key), get);
  }

  /// As above with `hash == hash_bytes(key)` already computed.
  template <class Get>
  std::int32_t find(std::string_view key, std::uint64_t hash, const Get& get) const {
    if (size_ == 0) return none;
    const auto h = static_cast<std::uint32_t>(hash);
    std::size_t i = h & mask_;
    while (true) {
      const std::uint64_t s = slots_[i];
      if (s == 0) return none;
      if (static_cast<std::uint32_t>(s >> 32) == h) {
        const auto row = static_cast<std::int32_t>(static_cast<std::uint32_t>(s) - 1u);
        if (same(get(row), key)) return row;
      }
      i = (i + 1) & mask_;
    }
  }

  // Lookups in a big index wait on memory three times (slot, then the key's offset, then its
  // bytes). Callers that resolve many keys hash them first, prefetch their slots, then their
  // candidates' keys, and only then compare: the waits overlap instead of adding up.

  /// Starts loading the slot where `hash` is looked up first.
  void prefetch(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<std::uint32_t>(hash) & mask_]);
  }

  /// The first stored row whose 32-bit hash matches (probably the key's row), or `none`.
  std::int32_t candidate(std::uint64_t hash) const noexcept {
    if (size_ == 0) return none;
    const auto h = static_cast<std::uint32_t>(hash);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t s = slots_[i];
      if (s == 0) return none;
      if (static_cast<std::uint32_t>(s >> 32) == h)
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(s) - 1u);
    }
  }

 private:
  static bool same(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && equal_bytes(a.data(), b.data(), a.size());
  }

  // Inserts `row` under `hash` unless a stored row with the same 32-bit hash is the same key
  // (`same_key(existing)`); returns that row, or `none` when `row` was inserted.
  template <class SameKey>
  std::int32_t insert_probe(std::uint64_t hash, std::int32_t row, const SameKey& same_key) {
    if ((size_ + 1) * 3 > slots_.size() * 2) rehash(slots_.empty() ? 16 : slots_.size() * 2);
    const auto h = static_cast<std::uint32_t>(hash);
    std::size_t i = h & mask_;
    while (true) {
      const std::uint64_t s = slots_[i];
      if (s == 0) {
        slots_[i] = (static_cast<std::uint64_t>(h) << 32) | (static_cast<std::uint32_t>(row) + 1u);
        ++size_;
        return none;
      }
      if (static_cast<std::uint32_t>(s >> 32) == h) {
        const auto existing = static_cast<std::int32_t>(static_cast<std::uint32_t>(s) - 1u);
        if (same_key(existing)) return existing;
      }
      i = (i + 1) & mask_;
    }
  }

  void rehash(std::size_t capacity) {
    std::vector<std::uint64_t> old;
    old.swap(slots_);
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (std::uint64_t s : old) {
      if (s == 0) continue;
      std::size_t i = static_cast<std::uint32_t>(s >> 32) & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// A string_index split into 2^k partitions by the top bits of the hash (slots use the low
/// bits), so that several threads can build it at once, each inserting the keys of its
/// partitions, and so that a partition is small enough to be built in the core's cache.
class partitioned_index {
 public:
  static constexpr std::int32_t none = string_index::none;

  /// Empties the index and splits it into 2^log2 partitions.
  void reset(unsigned log2) {
    parts_.assign(std::size_t{1} << log2, string_index());
    log2_ = log2;
  }
  std::size_t partitions() const noexcept { return parts_.size(); }
  /// The partition of `hash` among 2^log2 partitions: its top log2 bits.
  static std::size_t partition_of(std::uint64_t hash, unsigned log2) noexcept {
    return log2 == 0 ? 0 : static_cast<std::size_t>(hash >> (64 - log2));
  }
  std::size_t partition_of(std::uint64_t hash) const noexcept { return partition_of(hash, log2_); }
  string_index& partition(std::size_t i) noexcept { return parts_[i]; }

  void prefetch(std::uint64_t hash) const noexcept { parts_[partition_of(hash)].prefetch(hash); }
  std::int32_t candidate(std::uint64_t hash) const noexcept {
    return parts_[partition_of(hash)].candidate(hash);
  }
  template <class Get>
  std::int32_t find(std::string_view key, std::uint64_t hash, const Get& get) const {
    return parts_[partition_of(hash)].find(key, hash, get);
  }
  template <class Get>
  std::int32_t find(std::string_view key, const Get& get) const {
    return find(key, hash_bytes(key), get);
  }

 private:
  std::vector<string_index> parts_{1};
  unsigned log2_ = 0;
};

}  // namespace safeguard::io::detail
