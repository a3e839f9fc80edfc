// libFuzzer target for the snapshot reader. The input is a payload; the harness puts a valid
// header in front of it (this version, this byte order, the input's size and checksum), so
// that the fuzzer explores the parse rather than the checksum, as a forged file would. Any
// input must load or give a snapshot_error, never a crash or another exception; and a payload
// that loads must be exactly what saving the loaded dataset writes (the format has one way
// to write each dataset, so anything the reader accepts and then drops or alters shows).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include <sys/mman.h>

#include "io/detail/snapshot_checksum.hpp"
#include "safeguard/io/snapshot.hpp"

namespace {

constexpr std::size_t header_size = 32;

void put_le(unsigned char* p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// A file in memory, named by its /proc path, rewritten at every input.
struct memory_file {
  int fd = -1;
  std::string path;
  explicit memory_file(const char* name) : fd(::memfd_create(name, 0)) {
    if (fd < 0) std::abort();
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  void write(const std::string& bytes) const {
    if (::ftruncate(fd, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n =
          ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const memory_file input("snapshot_fuzz_in");
  unsigned char head[header_size] = {'S', 'G', 'S', 'N', 'A', 'P'};
  put_le(head + 6, safeguard::io::snapshot_format_version, 2);
  head[8] = 1;  // little-endian, as every machine this runs on
  put_le(head + 16, size, 8);
  put_le(head + 24, safeguard::detail::snapshot_checksum::of(data, size), 8);
  std::string file(reinterpret_cast<const char*>(head), header_size);
  file.append(reinterpret_cast<const char*>(data), size);
  input.write(file);

  safeguard::dataset loaded;
  try {
    loaded = safeguard::io::load_snapshot(input.path);
  } catch (const safeguard::io::snapshot_error&) {
    return 0;
  }
  // save_snapshot writes under a temporary name next to its path and renames it: a real
  // file in the temporary folder, one per fuzzing process.
  static const std::string saved =
      (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : std::string("/tmp")) +
      "/snapshot_fuzz-" + std::to_string(::getpid()) + ".sgsnap";
  safeguard::io::save_snapshot(loaded, saved);  // throws, and so fails, if it refuses
  std::string again;
  {
    FILE* f = std::fopen(saved.c_str(), "rb");
    if (!f) std::abort();
    char buffer[1 << 16];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) again.append(buffer, n);
    std::fclose(f);
  }
  std::remove(saved.c_str());
  if (again != file) std::abort();  // the reader accepted bytes it does not keep
  return 0;
}
