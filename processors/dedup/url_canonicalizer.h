#pragma once

#include <string>
#include <string_view>

namespace newsflow {

// Canonical form of an article URL, so that the same page reached through different links
// compares equal. Rules, in order:
//  - surrounding whitespace trimmed; no "scheme://" -> the URL is kept as given (lower-cased
//    scheme-less text is still compared, just not rewritten);
//  - scheme lower-cased, and http folded into https (the same page is served on both);
//  - userinfo dropped; host lower-cased, one trailing dot and a leading "www." dropped;
//    default ports (:80, :443) dropped;
//  - path: empty -> "/", a final "/amp" segment dropped (AMP rendering of the same page),
//    trailing slashes dropped (except the root "/");
//  - query: tracking and presentation parameters dropped (tracking_parameter() below),
//    the rest sorted (stable: parameter order carries no meaning), "?" dropped when empty;
//  - fragment dropped.
// Percent-escapes are kept as written (no decoding), so the result is always a valid URL.
class url_canonicalizer {
 public:
  // Writes the canonical form of `url` to `out` (cleared first; capacity reused).
  void canonicalize(std::string_view url, std::string& out);

  // The documented list of dropped query parameters (name compared case-insensitively):
  //  utm_* (any), fbclid, gclid, dclid, gbraid, wbraid, msclkid, yclid, igshid, twclid,
  //  mc_cid, mc_eid, _ga, _gl, _hsenc, _hsmi, mkt_tok, ref, ref_src, ref_url, referrer,
  //  cmpid, ncid, ocid, sr_share, share, smid, at_medium, at_campaign, at_custom*,
  //  and presentation-only values: output=amp, amp (any value), outputType=amp, page=1.
  static bool tracking_parameter(std::string_view name, std::string_view value);

};

}  // namespace newsflow
