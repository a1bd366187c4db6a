// A raw TCP client for HTTP tests that Poco's client cannot express: partial or slow
// requests, oversized heads, pipelining, connections held open.
#pragma once

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <map>
#include <string>

namespace argan::test {

struct RawResponse {
  int status = 0;  // 0: the connection ended without a complete answer
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

class RawClient {
 public:
  // `source`: the local address to connect from (any of 127.0.0.0/8 reaches the server on
  // loopback, so tests can be many clients); "" lets the system choose.
  explicit RawClient(int port, int receiveTimeoutSeconds = 30, const std::string& source = "") {
    if (!source.empty()) {
      socket_ = Poco::Net::StreamSocket(Poco::Net::SocketAddress::IPv4);
      socket_.impl()->bind(Poco::Net::SocketAddress(source, 0), /*reuseAddress=*/true);
    }
    socket_.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    socket_.setReceiveTimeout(Poco::Timespan(receiveTimeoutSeconds, 0));
    socket_.setNoDelay(true);
  }

  // Sends bytes; false when the server has closed the connection.
  bool send(const std::string& bytes) {
    try {
      std::size_t done = 0;
      while (done < bytes.size()) {
        int n = socket_.sendBytes(bytes.data() + done, static_cast<int>(bytes.size() - done));
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
      }
      return true;
    } catch (const Poco::Exception&) {
      return false;
    }
  }

  // Reads one answer (status line, headers, Content-Length body). Interim 1xx answers are
  // returned like any other.
  RawResponse read() {
    RawResponse r;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return r;
    }
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t lineEnd = head.find("\r\n");
    std::string statusLine = head.substr(0, lineEnd);
    if (statusLine.size() >= 12) r.status = std::stoi(statusLine.substr(9, 3));
    std::size_t pos = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
      std::size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
      }
      pos = next + 2;
    }
    std::size_t length = 0;
    if (r.headers.count("content-length")) length = std::stoul(r.headers["content-length"]);
    while (buffer_.size() < length) {
      if (!fill()) {
        r.status = 0;
        return r;
      }
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (EOF or reset) before the receive timeout.
  bool closedByServer() {
    while (true) {
      try {
        char b[4096];
        int n = socket_.receiveBytes(b, sizeof b);
        if (n <= 0) return true;
      } catch (const Poco::TimeoutException&) {
        return false;
      } catch (const Poco::Exception&) {
        return true;
      }
    }
  }

  Poco::Net::StreamSocket& socket() { return socket_; }

 private:
  bool fill() {
    char b[16384];
    try {
      int n = socket_.receiveBytes(b, sizeof b);
      if (n <= 0) return false;
      buffer_.append(b, static_cast<std::size_t>(n));
      return true;
    } catch (const Poco::Exception&) {
      return false;
    }
  }

  Poco::Net::StreamSocket socket_;
  std::string buffer_;
};

}  // namespace argan::test
