#include "db/audit_seal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/digest.h"
#include "common/error.h"
#include "common/password.h"

namespace argan::db {
namespace {

std::string macMaterial(const std::string& kind, std::int64_t entries, const std::string& head,
                        const std::string& at) {
  return kind + '\x1f' + std::to_string(entries) + '\x1f' + head + '\x1f' + at;
}

bool isHex(const std::string& s) {
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return !s.empty();
}

void writeAll(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw unavailable("cannot write '" + path + "': " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

AuditKey::AuditKey(std::string bytes) : bytes_(std::move(bytes)) {
  id_ = hmacSha256Hex(bytes_, "argan audit key id").substr(0, 16);
}

AuditKey AuditKey::generate() { return fromHex(randomHex(32)); }

AuditKey AuditKey::fromHex(const std::string& hex) {
  if (hex.size() != 64 || !isHex(hex)) {
    throw invalidArgument("an audit key is 64 lower-case hexadecimal characters");
  }
  return AuditKey(argan::fromHex(hex));
}

std::optional<AuditKey> AuditKey::load(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw unavailable("cannot read the audit key file '" + path + "': " + std::strerror(errno));
  }
  if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw failedPrecondition("the audit key file '" + path + "' may be read by others (mode " +
                             mode + "); make it private: chmod 600 '" + path + "'");
  }
  std::ifstream in(path);
  if (!in) throw unavailable("cannot read the audit key file '" + path + "'");
  std::string text;
  std::getline(in, text);
  try {
    return fromHex(text);
  } catch (const Error&) {
    throw failedPrecondition("the audit key file '" + path +
                             "' does not hold a key (64 hexadecimal characters)");
  }
}

AuditKey AuditKey::create(const std::string& path) {
  const std::string hex = randomHex(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw failedPrecondition("the audit key file '" + path + "' appeared while creating it");
    }
    throw unavailable("cannot create the audit key file '" + path + "': " + std::strerror(errno));
  }
  try {
    writeAll(fd, hex + "\n", path);
    if (::fsync(fd) != 0) throw unavailable("cannot sync '" + path + "'");
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    throw;
  }
  ::close(fd);
  return fromHex(hex);
}

std::string AuditKey::mac(const std::string& material) const {
  return hmacSha256Hex(bytes_, material);
}

std::string checkpointLine(const AuditKey& key, const std::string& kind, std::int64_t entries,
                           const std::string& head, const std::string& at) {
  return kind + " " + std::to_string(entries) + " " + head + " " + at + " " + key.id() + " " +
         key.mac(macMaterial(kind, entries, head, at));
}

bool checkpointSigned(const AuditKey& key, const AuditCheckpoint& cp) {
  if (cp.kind != "checkpoint" && cp.kind != "restore") return false;
  return constantTimeEquals(key.mac(macMaterial(cp.kind, cp.entries, cp.head, cp.at)), cp.mac);
}

void appendCheckpointLine(const std::string& path, const std::string& line, bool sync) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw unavailable("cannot open the audit checkpoint file '" + path +
                      "': " + std::strerror(errno));
  }
  try {
    writeAll(fd, line + "\n", path);
    if (sync && ::fsync(fd) != 0) throw unavailable("cannot sync '" + path + "'");
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

std::vector<AuditCheckpoint> readCheckpoints(const std::string& path) {
  std::vector<AuditCheckpoint> out;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 && errno == ENOENT) return out;
  std::ifstream in(path);
  if (!in) throw unavailable("cannot read the audit checkpoint file '" + path + "'");
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty()) continue;
    AuditCheckpoint cp;
    cp.line = number;
    std::istringstream fields(text);
    std::string entries, rest;
    fields >> cp.kind >> entries >> cp.head >> cp.at >> cp.keyId >> cp.mac;
    bool ok = fields && !(fields >> rest) && (cp.kind == "checkpoint" || cp.kind == "restore");
    if (ok) {
      try {
        std::size_t used = 0;
        cp.entries = std::stoll(entries, &used);
        ok = used == entries.size() && cp.entries >= 0;
      } catch (...) {
        ok = false;
      }
    }
    if (!ok) cp.kind = "malformed";
    out.push_back(std::move(cp));
  }
  return out;
}

std::vector<AuditCheckpoint> currentCheckpoints(const std::vector<AuditCheckpoint>& all) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].kind == "restore") start = i;
  }
  return std::vector<AuditCheckpoint>(all.begin() + static_cast<long>(start), all.end());
}

bool isInMemoryDatabase(const std::string& path) {
  return path.empty() || path == ":memory:" || path.find("mode=memory") != std::string::npos;
}

namespace {
// The file of a database path: "file:/a/b.db?vfs=x" -> "/a/b.db".
std::string filePath(const std::string& databasePath) {
  if (databasePath.rfind("file:", 0) != 0) return databasePath;
  std::string path = databasePath.substr(5, databasePath.find('?') - 5);
  if (path.rfind("//", 0) == 0) path = path.substr(path.find('/', 2));
  return path;
}
}  // namespace

std::string defaultAuditKeyPath(const std::string& databasePath) {
  return isInMemoryDatabase(databasePath) ? "" : filePath(databasePath) + ".audit-key";
}

std::string defaultCheckpointPath(const std::string& databasePath) {
  return isInMemoryDatabase(databasePath) ? "" : filePath(databasePath) + ".audit-checkpoints";
}

}  // namespace argan::db
