#include "app/http_options.h"

#include <arpa/inet.h>

#include "pipeline/options_reader.h"

namespace newsflow {

http_options parse_http_options(const YAML::Node& node, config_errors& errors, YAML::Node* effective) {
  http_options o;
  options_reader r(node, "http", errors, effective);
  r.read("address", o.address);
  r.read("port", o.port, 0, 65535);
  r.finish();
  // An address literal, so a typo is a configuration error rather than a failed bind later.
  unsigned char buf[sizeof(in6_addr)];
  if (inet_pton(AF_INET, o.address.c_str(), buf) != 1 && inet_pton(AF_INET6, o.address.c_str(), buf) != 1)
    errors.add("http.address", "must be an IPv4 or IPv6 address (127.0.0.1, 0.0.0.0, ::), not '" + o.address + "'");
  return o;
}

}  // namespace newsflow
