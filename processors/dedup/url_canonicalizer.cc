#include "processors/dedup/url_canonicalizer.h"

#include <algorithm>
#include <array>
#include <vector>

namespace newsflow {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

constexpr std::array<std::string_view, 28> dropped_names = {
    "fbclid", "gclid",   "dclid",      "gbraid",   "wbraid",    "msclkid",  "yclid",
    "igshid", "twclid",  "mc_cid",     "mc_eid",   "_ga",       "_gl",      "_hsenc",
    "_hsmi",  "mkt_tok", "ref",        "ref_src",  "ref_url",   "referrer", "cmpid",
    "ncid",   "ocid",    "sr_share",   "share",    "smid",      "at_medium", "at_campaign"};

}  // namespace

bool url_canonicalizer::tracking_parameter(std::string_view name, std::string_view value) {
  if (istarts_with(name, "utm_") || istarts_with(name, "at_custom")) return true;
  for (std::string_view d : dropped_names)
    if (iequals(name, d)) return true;
  if (iequals(name, "amp")) return true;
  if ((iequals(name, "output") || iequals(name, "outputtype")) && iequals(value, "amp")) return true;
  if (iequals(name, "page") && value == "1") return true;
  return false;
}

void url_canonicalizer::canonicalize(std::string_view url, std::string& out) {
  out.clear();
  url = trim(url);
  const size_t scheme_end = url.find("://");
  bool has_scheme = scheme_end != std::string_view::npos && scheme_end > 0;
  if (has_scheme) {
    for (size_t i = 0; i < scheme_end; ++i) {
      const char c = url[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '+' || c == '-' || c == '.')) {
        has_scheme = false;
        break;
      }
    }
  }
  if (!has_scheme) {
    out.assign(url.data(), url.size());
    return;
  }

  std::string_view scheme = url.substr(0, scheme_end);
  std::string_view rest = url.substr(scheme_end + 3);
  // Fragment first: everything after '#' goes.
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest;
  std::string_view path;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash);
  }
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  std::string_view host = authority;
  std::string_view port;
  // A port follows the last ':' unless the host is an IPv6 literal ending in ']'.
  if (const size_t colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (istarts_with(host, "www.")) host.remove_prefix(4);

  const bool http = iequals(scheme, "http");
  const bool https = iequals(scheme, "https");
  if (http || https) {
    out += "https";
  } else {
    for (char c : scheme) out += lower(c);
  }
  out += "://";
  for (char c : host) out += lower(c);
  const bool default_port = port.empty() || (http && port == "80") || (https && port == "443") ||
                            (http && port == "443");
  if (!default_port) {
    out += ':';
    out.append(port.data(), port.size());
  }

  // Path: drop a final "/amp" segment, then trailing slashes (the root stays "/").
  for (;;) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    if (path.size() >= 4 && iequals(path.substr(path.size() - 4), "/amp")) {
      path.remove_suffix(4);
      continue;
    }
    break;
  }
  if (path.empty() || path == "/") {
    out += '/';
  } else {
    out.append(path.data(), path.size());
  }

  // Query: keep non-tracking parameters, sorted by their text.
  thread_local std::vector<std::string_view> kept;
  kept.clear();
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (tracking_parameter(name, value)) continue;
    kept.push_back(item);
  }
  std::sort(kept.begin(), kept.end());
  for (size_t i = 0; i < kept.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out.append(kept[i].data(), kept[i].size());
  }
}

}  // namespace newsflow
