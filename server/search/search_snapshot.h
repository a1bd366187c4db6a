// The search index persisted: a snapshot file beside the database (argan.db.index) that
// holds every sealed segment's arrays, so that a start maps the file instead of rebuilding
// the index from the database's BLOBs (search_index.h, SearchIndex::load).
//
// Layout (little-endian, as the arrays lie in memory on x86-64):
//   header (256 bytes): magic "ARGANIDX", checksum, format version, segment count, file
//     size, and what the file was built from (SnapshotIdentity);
//   a directory: per segment its row count, bit-column words, pickle bytes and the offset
//     of each of its 13 arrays;
//   the arrays, each aligned to 64 bytes (IndexSegment::SealedArrays, plus the row flags).
// The checksum (64-bit, four-lane multiply-rotate) covers every byte after it: a truncated
// file, a flipped bit or a torn write is refused. The file is written beside its final name
// and renamed into place after an fsync, so readers see an old file or a whole new one.
//
// Validating against the database (schema version, change counter, compound count, sampled
// identities) is the caller's part (SearchIndex): this module knows files, not databases.
//
// Threads: functions are independent; a MappedIndexSnapshot may be shared (read-only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/search/search_index.h"

namespace argan::server {

// What a snapshot was built from; SearchIndex compares it with the database.
struct SnapshotIdentity {
  std::int64_t schemaVersion = 0;  // highest applied migration
  std::uint64_t compounds = 0;     // rows in the file
  std::int64_t maxId = 0;          // highest compound id in the file
  std::string watermark;           // updated_at watermark the flags are current to
  std::string sampleDigest;        // SHA-256 (hex) of sampled "id:full_hash" pairs
  std::int64_t generation = 0;     // the database's search index change counter (0100)
};

// The sample of rows whose full hashes identify the database a snapshot belongs to: up to
// 64 evenly spread ids of `ids` (ascending) plus the last one.
std::vector<std::int64_t> snapshotSampleIds(const std::vector<std::int64_t>& ids);

// Writes `segments` (sealed) with their row flags (`flags[i]`, one byte per row of
// segments[i]) to `path` atomically. Throws argan::Error(Unavailable) when the file cannot
// be written (nothing is left behind but the old file, if any).
void writeIndexSnapshot(const std::string& path, const SnapshotIdentity& identity,
                        const std::vector<std::shared_ptr<IndexSegment>>& segments,
                        const std::vector<std::vector<std::uint8_t>>& flags);

struct MappedIndexSnapshot {
  SnapshotIdentity identity;
  std::vector<std::shared_ptr<IndexSegment>> segments;  // sealed, pointing into the mapping
  std::size_t fileBytes = 0;
};

// Maps `path` read-only and checks it whole (magic, version, size, checksum, directory and
// array bounds). Returns nullopt with the reason in `whyNot` when the file is missing,
// truncated, corrupt or of another format version; never throws for a bad file.
std::optional<MappedIndexSnapshot> openIndexSnapshot(const std::string& path,
                                                     std::string& whyNot);

// The checksum used by the file (exposed for tests).
std::uint64_t snapshotChecksum(const void* data, std::size_t bytes);

}  // namespace argan::server
