// The secret that keys the audit chain, and the signed checkpoints kept beside it.
//
// Why (docs/threat-model.md, "The audit trail"): whoever can write the database file (a copy
// of a backup, a shell on the server, a careless script) could edit, delete or renumber audit
// entries and recompute a plain SHA-256 chain. Entries are therefore sealed with HMAC-SHA256
// under a key that is never stored in the database, and every committed write that appended
// entries also appends a signed checkpoint (entry count + head hash) to a file outside the
// database, so that removing the last entries — which leaves a valid shorter chain — shows.
//
// Key file: 64 hexadecimal characters (32 random bytes) and a newline, mode 0600, created on
// the first start of a database whose chain has no keyed entry (argan.audit_key_file; by
// default "<database>.audit-key"). It is not in backups: keep a copy of it apart from them.
//
// Checkpoint file ("<database>.audit-checkpoints" by default, also written beside every
// backup), one line per checkpoint:
//   <kind> <entries> <head hash> <at> <key id> <mac>
// kind "checkpoint" (the chain had `entries` entries ending with `head`) or "restore" (the
// chain was replaced by a backup's with that count and head: checkpoints before it no longer
// apply); mac = HMAC-SHA256(key, kind \x1f entries \x1f head \x1f at).
//
// Thread-safety: AuditKey is immutable; the file functions may be called from any thread
// (appends are single write(2) calls on an O_APPEND descriptor).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace argan::db {

class AuditKey {
 public:
  // 32 fresh random bytes. Throws Internal if the system RNG fails.
  static AuditKey generate();
  // From 64 hex characters. Throws InvalidArgument.
  static AuditKey fromHex(const std::string& hex);
  // The key in `path`; nullopt when the file does not exist. Throws FailedPrecondition when
  // it is malformed or readable by group or others, Unavailable when it cannot be read.
  static std::optional<AuditKey> load(const std::string& path);
  // Creates `path` (which must not exist) with mode 0600 holding a fresh key, and syncs it.
  // Throws Unavailable (cannot write) or FailedPrecondition (the file appeared meanwhile).
  static AuditKey create(const std::string& path);

  // Lower-case hex HMAC-SHA256 of `material` under the key.
  std::string mac(const std::string& material) const;
  // A short public name of the key (16 hex characters derived one-way from it), written in
  // checkpoints and the sealing entry so that a wrong key file is recognised as such.
  const std::string& id() const { return id_; }

 private:
  explicit AuditKey(std::string bytes);
  std::string bytes_;
  std::string id_;
};

struct AuditCheckpoint {
  std::string kind;  // "checkpoint", "restore", or "malformed" (an unreadable line)
  std::int64_t entries = 0;
  std::string head;
  std::string at;
  std::string keyId;
  std::string mac;
  std::size_t line = 0;  // 1-based line number in its file
};

// The checkpoint line (without newline) for a chain of `entries` ending with `head`.
std::string checkpointLine(const AuditKey& key, const std::string& kind, std::int64_t entries,
                           const std::string& head, const std::string& at);

// True when the checkpoint's mac is the key's.
bool checkpointSigned(const AuditKey& key, const AuditCheckpoint& checkpoint);

// Appends one line (adding the newline) to `path`, creating it with mode 0600. Throws
// Unavailable on I/O failure. `sync` also fsyncs the file.
void appendCheckpointLine(const std::string& path, const std::string& line, bool sync = false);

// Every line of `path` (an empty list when the file does not exist). Throws Unavailable when
// it exists but cannot be read.
std::vector<AuditCheckpoint> readCheckpoints(const std::string& path);

// The checkpoints that apply to the current chain: those after the last "restore" line
// (that line included, as a checkpoint of the restored chain).
std::vector<AuditCheckpoint> currentCheckpoints(const std::vector<AuditCheckpoint>& all);

// Default side files of a database file ("" for in-memory databases).
std::string defaultAuditKeyPath(const std::string& databasePath);
std::string defaultCheckpointPath(const std::string& databasePath);
bool isInMemoryDatabase(const std::string& databasePath);

}  // namespace argan::db
