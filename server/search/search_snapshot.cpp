#include "server/search/search_snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "chem/bit_kernels.h"
#include "common/error.h"

namespace argan::server {
namespace {

constexpr char kMagic[8] = {'A', 'R', 'G', 'A', 'N', 'I', 'D', 'X'};
constexpr std::uint32_t kFormatVersion = 2;
constexpr std::uint64_t kEndianMarker = 0x0102030405060708ULL;
constexpr std::size_t kHeaderBytes = 256;
constexpr std::size_t kSections = 13;
constexpr std::size_t kEntryWords = 3 + kSections;  // rows, column words, pickle bytes, offsets
constexpr std::size_t kEntryBytes = kEntryWords * 8;
constexpr std::size_t kAlign = 64;
constexpr std::size_t kFpBytes = IndexSegment::kWords * 8;
constexpr std::size_t kTextField = 64;

// Header field offsets.
enum : std::size_t {
  kOffMagic = 0,
  kOffChecksum = 8,
  kOffVersion = 16,
  kOffSegments = 20,
  kOffFileBytes = 24,
  kOffSchema = 32,
  kOffCompounds = 40,
  kOffMaxId = 48,
  kOffEndian = 56,
  kOffWatermark = 64,
  kOffDigest = 128,
  kOffGeneration = 192,
};

std::size_t alignUp(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// Section sizes of one segment, in the file's order.
std::array<std::size_t, kSections> sectionBytes(std::size_t rows, std::size_t columnWords,
                                                std::size_t pickleBytes) {
  return {rows * 8,                      // ids
          rows * 4,                      // start-ups
          rows,                          // flags
          rows * 8,                      // mw
          (rows + 1) * 8,                // pickle offsets
          pickleBytes,                   // pickles
          2048 * columnWords * 8,        // pattern bit columns
          2048 * 4,                      // bit frequencies
          rows * kFpBytes,               // Morgan fingerprints (popcount order)
          rows * chem::kSketchBytes,     // sketches
          rows * 4,                      // Morgan position -> row
          rows * 2,                      // Morgan popcounts
          2050 * 4};                     // bin starts
}

// ---- checksum ---------------------------------------------------------------------------

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kP3 = 0x165667B19E3779F9ULL;

inline std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline std::uint64_t round64(std::uint64_t acc, std::uint64_t v) {
  return rotl(acc + v * kP2, 31) * kP1;
}
inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Four independent lanes over 32-byte blocks (the CPU overlaps them), then a tail and an
// avalanche: fast enough to check a gigabyte at start, and any flipped bit changes it.
class Checksum {
 public:
  void update(const void* data, std::size_t n) {
    if (n == 0) return;  // an empty column may come with a null pointer (memcpy must not see it)
    const auto* p = static_cast<const unsigned char*>(data);
    total_ += n;
    if (buffered_ > 0) {
      std::size_t take = std::min(n, sizeof buffer_ - buffered_);
      std::memcpy(buffer_ + buffered_, p, take);
      buffered_ += take;
      p += take;
      n -= take;
      if (buffered_ < sizeof buffer_) return;
      block(buffer_);
      buffered_ = 0;
    }
    while (n >= 32) {
      block(p);
      p += 32;
      n -= 32;
    }
    std::memcpy(buffer_, p, n);
    buffered_ = n;
  }

  std::uint64_t finish() const {
    std::uint64_t h = rotl(lanes_[0], 1) + rotl(lanes_[1], 7) + rotl(lanes_[2], 12) +
                      rotl(lanes_[3], 18);
    for (std::uint64_t lane : lanes_) h = (h ^ round64(0, lane)) * kP1 + kP3;
    h += total_;
    std::size_t i = 0;
    for (; i + 8 <= buffered_; i += 8) h = rotl(h ^ round64(0, load64(buffer_ + i)), 27) * kP1 + kP3;
    for (; i < buffered_; ++i) h = rotl(h ^ (buffer_[i] * kP3), 11) * kP1;
    h ^= h >> 33;
    h *= kP2;
    h ^= h >> 29;
    h *= kP3;
    h ^= h >> 32;
    return h;
  }

 private:
  void block(const unsigned char* p) {
    lanes_[0] = round64(lanes_[0], load64(p));
    lanes_[1] = round64(lanes_[1], load64(p + 8));
    lanes_[2] = round64(lanes_[2], load64(p + 16));
    lanes_[3] = round64(lanes_[3], load64(p + 24));
  }
  std::uint64_t lanes_[4] = {kP1 + kP2, kP2, 0, 0 - kP1};
  unsigned char buffer_[32] = {};
  std::size_t buffered_ = 0;
  std::uint64_t total_ = 0;
};

// ---- writing ----------------------------------------------------------------------------

class FileWriter {
 public:
  FileWriter(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot create");
  }
  ~FileWriter() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Appends bytes; the checksum covers everything after its own field.
  void put(const void* data, std::size_t n) {
    if (written_ + n > kOffChecksum + 8) {
      std::size_t skip = written_ >= kOffChecksum + 8 ? 0 : kOffChecksum + 8 - written_;
      checksum_.update(static_cast<const char*>(data) + skip, n - skip);
    }
    written_ += n;
    const char* p = static_cast<const char*>(data);
    if (buffer_.size() + n <= kBuffer) {
      buffer_.append(p, n);
      return;
    }
    flush();
    if (n >= kBuffer) {
      writeAll(p, n);
    } else {
      buffer_.append(p, n);
    }
  }
  void pad() {
    static const char zeros[kAlign] = {};
    put(zeros, alignUp(written_) - written_);
  }
  std::size_t written() const { return written_; }

  // Flushes, writes the checksum into the header, syncs and closes.
  void finish() {
    flush();
    std::uint64_t sum = checksum_.finish();
    if (::pwrite(fd_, &sum, 8, kOffChecksum) != 8) fail("cannot write the checksum of");
    if (::fsync(fd_) != 0) fail("cannot sync");
    if (::close(fd_) != 0) {
      fd_ = -1;
      fail("cannot close");
    }
    fd_ = -1;
  }

 private:
  static constexpr std::size_t kBuffer = 1 << 20;
  void flush() {
    writeAll(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  void writeAll(const char* p, std::size_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) fail("cannot write");
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }
  [[noreturn]] void fail(const std::string& what) {
    throw unavailable("search index snapshot: " + what + " '" + path_ +
                      "': " + std::strerror(errno));
  }
  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t written_ = 0;
  Checksum checksum_;
};

// Text fields fill up to 64 bytes, NUL-padded (a SHA-256 in hex fills one exactly).
void putText(unsigned char* header, std::size_t offset, const std::string& text) {
  if (text.size() > kTextField) throw internalError("snapshot: header text too long: " + text);
  std::memcpy(header + offset, text.data(), std::min(text.size(), kTextField));
}

std::string getText(const unsigned char* header, std::size_t offset) {
  const char* p = reinterpret_cast<const char*>(header + offset);
  return std::string(p, strnlen(p, kTextField));
}

template <typename T>
T getField(const unsigned char* base, std::size_t offset) {
  T v;
  std::memcpy(&v, base + offset, sizeof v);
  return v;
}

template <typename T>
void putField(unsigned char* base, std::size_t offset, T v) {
  std::memcpy(base + offset, &v, sizeof v);
}

// ---- reading ----------------------------------------------------------------------------

struct Mapping {
  void* data = MAP_FAILED;
  std::size_t bytes = 0;
  ~Mapping() {
    if (data != MAP_FAILED) ::munmap(data, bytes);
  }
};

}  // namespace

std::uint64_t snapshotChecksum(const void* data, std::size_t bytes) {
  Checksum c;
  c.update(data, bytes);
  return c.finish();
}

std::vector<std::int64_t> snapshotSampleIds(const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> sample;
  if (ids.empty()) return sample;
  constexpr std::size_t kSamples = 64;
  for (std::size_t i = 0; i < kSamples; ++i) sample.push_back(ids[i * ids.size() / kSamples]);
  sample.push_back(ids.back());
  std::sort(sample.begin(), sample.end());
  sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
  return sample;
}

void writeIndexSnapshot(const std::string& path, const SnapshotIdentity& identity,
                        const std::vector<std::shared_ptr<IndexSegment>>& segments,
                        const std::vector<std::vector<std::uint8_t>>& flags) {
  if (flags.size() != segments.size()) throw internalError("snapshot: flags per segment");
  // The layout first: every offset is known before a byte is written.
  std::vector<IndexSegment::SealedArrays> arrays;
  std::vector<std::uint64_t> directory;
  std::size_t offset = alignUp(kHeaderBytes + segments.size() * kEntryBytes);
  std::uint64_t rows = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!segments[i]->sealed()) throw internalError("snapshot: a tail segment");
    arrays.push_back(segments[i]->sealedArrays());
    const auto& a = arrays.back();
    if (flags[i].size() != a.rows) throw internalError("snapshot: flags per row");
    const std::size_t pickleBytes = a.pickleOffsets[a.rows];
    directory.push_back(a.rows);
    directory.push_back(a.columnWords);
    directory.push_back(pickleBytes);
    for (std::size_t bytes : sectionBytes(a.rows, a.columnWords, pickleBytes)) {
      directory.push_back(offset);
      offset = alignUp(offset + bytes);
    }
    rows += a.rows;
  }
  const std::size_t fileBytes = offset;

  unsigned char header[kHeaderBytes] = {};
  std::memcpy(header + kOffMagic, kMagic, sizeof kMagic);
  putField<std::uint32_t>(header, kOffVersion, kFormatVersion);
  putField<std::uint32_t>(header, kOffSegments, static_cast<std::uint32_t>(segments.size()));
  putField<std::uint64_t>(header, kOffFileBytes, fileBytes);
  putField<std::int64_t>(header, kOffSchema, identity.schemaVersion);
  putField<std::uint64_t>(header, kOffCompounds, rows);
  putField<std::int64_t>(header, kOffMaxId, identity.maxId);
  putField<std::uint64_t>(header, kOffEndian, kEndianMarker);
  putText(header, kOffWatermark, identity.watermark);
  putText(header, kOffDigest, identity.sampleDigest);
  putField<std::int64_t>(header, kOffGeneration, identity.generation);

  const std::string partial = path + ".partial";
  try {
    FileWriter out(partial);
    out.put(header, sizeof header);
    out.put(directory.data(), directory.size() * 8);
    out.pad();
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      const auto& a = arrays[i];
      const std::size_t n = a.rows;
      out.put(a.ids, n * 8);
      out.pad();
      out.put(a.startUps, n * 4);
      out.pad();
      out.put(flags[i].data(), n);
      out.pad();
      out.put(a.mw, n * 8);
      out.pad();
      out.put(a.pickleOffsets, (n + 1) * 8);
      out.pad();
      out.put(a.pickleData, a.pickleOffsets[n]);
      out.pad();
      out.put(a.columns, 2048 * a.columnWords * 8);
      out.pad();
      out.put(a.bitFrequency, 2048 * 4);
      out.pad();
      out.put(a.morgan, n * kFpBytes);
      out.pad();
      out.put(a.sketches, n * chem::kSketchBytes);
      out.pad();
      out.put(a.morganRow, n * 4);
      out.pad();
      out.put(a.morganCount, n * 2);
      out.pad();
      out.put(a.binStart, 2050 * 4);
      out.pad();
    }
    if (out.written() != fileBytes) throw internalError("snapshot: layout and bytes disagree");
    out.finish();
  } catch (...) {
    ::unlink(partial.c_str());
    throw;
  }
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(partial.c_str());
    throw unavailable("search index snapshot: cannot rename '" + partial + "': " + why);
  }
  // The rename itself must reach the disk before the file is relied upon.
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos
                                       ? 0
                                       : path.find_last_of('/'));
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::optional<MappedIndexSnapshot> openIndexSnapshot(const std::string& path,
                                                     std::string& whyNot) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    whyNot = errno == ENOENT ? "no snapshot file" : std::string("cannot open: ") + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(kHeaderBytes)) {
    ::close(fd);
    whyNot = "truncated (shorter than its header)";
    return std::nullopt;
  }
  auto mapping = std::make_shared<Mapping>();
  mapping->bytes = static_cast<std::size_t>(st.st_size);
  mapping->data = ::mmap(nullptr, mapping->bytes, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (mapping->data == MAP_FAILED) {
    whyNot = std::string("cannot map: ") + std::strerror(errno);
    return std::nullopt;
  }
  ::madvise(mapping->data, mapping->bytes, MADV_WILLNEED);
  const auto* base = static_cast<const unsigned char*>(mapping->data);
  const std::size_t size = mapping->bytes;
  if (std::memcmp(base + kOffMagic, kMagic, sizeof kMagic) != 0) {
    whyNot = "not a search index snapshot (magic)";
    return std::nullopt;
  }
  if (getField<std::uint32_t>(base, kOffVersion) != kFormatVersion ||
      getField<std::uint64_t>(base, kOffEndian) != kEndianMarker) {
    whyNot = "another snapshot format version";
    return std::nullopt;
  }
  const std::uint64_t fileBytes = getField<std::uint64_t>(base, kOffFileBytes);
  if (fileBytes != size) {
    whyNot = "truncated or extended (" + std::to_string(size) + " bytes, header says " +
             std::to_string(fileBytes) + ")";
    return std::nullopt;
  }
  if (snapshotChecksum(base + kOffChecksum + 8, size - kOffChecksum - 8) !=
      getField<std::uint64_t>(base, kOffChecksum)) {
    whyNot = "checksum mismatch (corrupt)";
    return std::nullopt;
  }

  MappedIndexSnapshot out;
  out.fileBytes = size;
  out.identity.schemaVersion = getField<std::int64_t>(base, kOffSchema);
  out.identity.compounds = getField<std::uint64_t>(base, kOffCompounds);
  out.identity.maxId = getField<std::int64_t>(base, kOffMaxId);
  out.identity.watermark = getText(base, kOffWatermark);
  out.identity.sampleDigest = getText(base, kOffDigest);
  out.identity.generation = getField<std::int64_t>(base, kOffGeneration);
  const std::size_t segments = getField<std::uint32_t>(base, kOffSegments);
  if (kHeaderBytes + segments * kEntryBytes > size) {
    whyNot = "directory out of bounds";
    return std::nullopt;
  }
  // Structure checks: a file with a valid checksum was written by this code, but a bug or
  // a crafted file must never make a reader walk outside the mapping.
  std::uint64_t rowsSeen = 0;
  std::int64_t lastId = 0;
  for (std::size_t s = 0; s < segments; ++s) {
    const unsigned char* entry = base + kHeaderBytes + s * kEntryBytes;
    const std::size_t rows = getField<std::uint64_t>(entry, 0);
    const std::size_t columnWords = getField<std::uint64_t>(entry, 8);
    const std::size_t pickleBytes = getField<std::uint64_t>(entry, 16);
    if (rows == 0 || rows > (1u << 31) || columnWords != (rows + 63) / 64 || pickleBytes > size) {
      whyNot = "segment " + std::to_string(s) + ": bad sizes";
      return std::nullopt;
    }
    auto bytes = sectionBytes(rows, columnWords, pickleBytes);
    const unsigned char* section[kSections];
    for (std::size_t k = 0; k < kSections; ++k) {
      const std::uint64_t off = getField<std::uint64_t>(entry, 24 + k * 8);
      if (off % kAlign != 0 || off > size || bytes[k] > size - off) {
        whyNot = "segment " + std::to_string(s) + ": array out of bounds";
        return std::nullopt;
      }
      section[k] = base + off;
    }
    IndexSegment::SealedArrays a;
    a.rows = rows;
    a.columnWords = columnWords;
    a.ids = reinterpret_cast<const std::int64_t*>(section[0]);
    a.startUps = reinterpret_cast<const std::int32_t*>(section[1]);
    const auto* flags = reinterpret_cast<const std::uint8_t*>(section[2]);
    a.mw = reinterpret_cast<const double*>(section[3]);
    a.pickleOffsets = reinterpret_cast<const std::uint64_t*>(section[4]);
    a.pickleData = reinterpret_cast<const char*>(section[5]);
    a.columns = reinterpret_cast<const std::uint64_t*>(section[6]);
    a.bitFrequency = reinterpret_cast<const std::uint32_t*>(section[7]);
    a.morgan = reinterpret_cast<const std::uint64_t*>(section[8]);
    a.sketches = reinterpret_cast<const std::uint8_t*>(section[9]);
    a.morganRow = reinterpret_cast<const std::uint32_t*>(section[10]);
    a.morganCount = reinterpret_cast<const std::uint16_t*>(section[11]);
    a.binStart = reinterpret_cast<const std::uint32_t*>(section[12]);
    bool ok = a.pickleOffsets[0] == 0 && a.pickleOffsets[rows] == pickleBytes &&
              a.binStart[0] == 0 && a.binStart[2049] == rows;
    for (std::size_t r = 0; ok && r < rows; ++r) {
      ok = a.pickleOffsets[r] <= a.pickleOffsets[r + 1] && a.morganRow[r] < rows &&
           a.ids[r] > lastId;
      lastId = a.ids[r];
    }
    for (unsigned c = 0; ok && c < 2049; ++c) ok = a.binStart[c] <= a.binStart[c + 1];
    if (!ok) {
      whyNot = "segment " + std::to_string(s) + ": inconsistent arrays";
      return std::nullopt;
    }
    rowsSeen += rows;
    out.segments.push_back(IndexSegment::mapped(a, flags, mapping));
  }
  if (rowsSeen != out.identity.compounds || (rowsSeen > 0 && lastId != out.identity.maxId)) {
    whyNot = "row count or highest id disagrees with the header";
    return std::nullopt;
  }
  return out;
}

}  // namespace argan::server
