#include "parcours/server/address.h"

#include <boost/asio/ip/address.hpp>

#include "parcours/text.h"

namespace parcours::server {

namespace {

constexpr std::size_t kMaxUnixPath = 107;  // sizeof(sockaddr_un::sun_path) - 1 on Linux

Status Bad(std::string_view text, const std::string& what) {
  return Status::Usage("server address " + EchoText(std::string(text)) + " " + what,
                       "Give 127.0.0.1:PORT, [::1]:PORT (PORT 0 to 65535; 0: any free port) "
                       "or unix:/path/to/socket.");
}

}  // namespace

std::string Address::ToString() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<Address> ParseAddress(std::string_view text) {
  Address address;
  if (text.rfind("unix:", 0) == 0) {
    address.kind = Address::Kind::kUnix;
    address.path = std::string(text.substr(5));
    if (address.path.empty()) return Bad(text, "has no socket path");
    if (address.path.size() > kMaxUnixPath) {
      return Bad(text, "has a socket path longer than " + std::to_string(kMaxUnixPath) + " bytes");
    }
    if (address.path.find('\0') != std::string::npos) return Bad(text, "contains a NUL byte");
    return address;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return Bad(text, "has no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return Bad(text, "has an unclosed [");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Bad(text, "has an IPv6 address without brackets");
  }
  if (host.empty()) return Bad(text, "has no host");
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return Bad(text, "does not start with an IP address (host names are not resolved)");
  if (port.empty() || port.size() > 5) return Bad(text, "has no valid port");
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return Bad(text, "has no valid port");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return Bad(text, "has a port over 65535");
  address.host = ip.to_string();
  address.port = static_cast<uint16_t>(value);
  return address;
}

}  // namespace parcours::server
