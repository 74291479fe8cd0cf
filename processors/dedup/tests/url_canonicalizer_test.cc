#include "processors/dedup/url_canonicalizer.h"

#include <gtest/gtest.h>

#include <string>

namespace newsflow {
namespace {

std::string canon(std::string_view url) {
  url_canonicalizer c;
  std::string out;
  c.canonicalize(url, out);
  return out;
}

TEST(UrlCanonicalizer, SchemeAndHostLowerCasedHttpFoldedWwwDropped) {
  EXPECT_EQ(canon("HTTP://WWW.Example.COM/News/Story"), "https://example.com/News/Story");
  EXPECT_EQ(canon("https://www.example.com/a"), "https://example.com/a");
  EXPECT_EQ(canon("http://example.com/a"), canon("https://example.com/a"));
}

TEST(UrlCanonicalizer, PathCaseIsKept) {
  EXPECT_NE(canon("https://example.com/A"), canon("https://example.com/a"));
}

TEST(UrlCanonicalizer, DefaultPortsDroppedOthersKept) {
  EXPECT_EQ(canon("http://example.com:80/a"), "https://example.com/a");
  EXPECT_EQ(canon("https://example.com:443/a"), "https://example.com/a");
  EXPECT_EQ(canon("https://example.com:8443/a"), "https://example.com:8443/a");
}

TEST(UrlCanonicalizer, UserinfoAndTrailingDotDropped) {
  EXPECT_EQ(canon("https://user:pw@example.com./a"), "https://example.com/a");
}

TEST(UrlCanonicalizer, TrailingSlashFragmentAndAmpDropped) {
  EXPECT_EQ(canon("https://example.com/a/b/"), "https://example.com/a/b");
  EXPECT_EQ(canon("https://example.com/a/b#comments"), "https://example.com/a/b");
  EXPECT_EQ(canon("https://example.com/a/b/amp"), "https://example.com/a/b");
  EXPECT_EQ(canon("https://example.com/a/b/amp/"), "https://example.com/a/b");
  EXPECT_EQ(canon("https://example.com"), "https://example.com/");
  EXPECT_EQ(canon("https://example.com/"), "https://example.com/");
  EXPECT_EQ(canon("https://example.com/?#x"), "https://example.com/");
}

TEST(UrlCanonicalizer, TrackingParametersDropped) {
  EXPECT_EQ(canon("https://example.com/a?utm_source=x&utm_medium=social&utm_campaign=c"),
            "https://example.com/a");
  EXPECT_EQ(canon("https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=homepage"),
            "https://example.com/a");
  EXPECT_EQ(canon("https://example.com/a?UTM_Source=x&id=7"), "https://example.com/a?id=7");
  EXPECT_EQ(canon("https://example.com/a?output=amp"), "https://example.com/a");
  EXPECT_EQ(canon("https://example.com/a?amp"), "https://example.com/a");
  EXPECT_EQ(canon("https://example.com/a?page=1"), "https://example.com/a");
  EXPECT_EQ(canon("https://example.com/a?page=2"), "https://example.com/a?page=2");
  EXPECT_EQ(canon("https://example.com/a?output=json"), "https://example.com/a?output=json");
}

TEST(UrlCanonicalizer, RemainingParametersSorted) {
  EXPECT_EQ(canon("https://example.com/a?z=1&a=2&utm_source=x&m"), "https://example.com/a?a=2&m&z=1");
  EXPECT_EQ(canon("https://example.com/a?b=1&a=2"), canon("https://example.com/a?a=2&b=1"));
  EXPECT_EQ(canon("https://example.com/a?&&a=1&"), "https://example.com/a?a=1");
}

TEST(UrlCanonicalizer, PercentEscapesKeptAsWritten) {
  EXPECT_EQ(canon("https://example.com/caf%C3%A9?q=a%20b"), "https://example.com/caf%C3%A9?q=a%20b");
}

TEST(UrlCanonicalizer, OtherSchemesAndIpv6) {
  EXPECT_EQ(canon("FTP://Example.com/x/"), "ftp://example.com/x");
  EXPECT_EQ(canon("http://[::1]:8080/x"), "https://[::1]:8080/x");
  EXPECT_EQ(canon("http://[::1]/x"), "https://[::1]/x");
}

TEST(UrlCanonicalizer, NotAUrlIsKeptTrimmed) {
  EXPECT_EQ(canon("  example.com/a  "), "example.com/a");
  EXPECT_EQ(canon(""), "");
}

TEST(UrlCanonicalizer, DocumentedTrackingList) {
  for (const char* name : {"utm_term", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid",
                           "ref", "ref_src", "_ga", "igshid", "at_custom1"})
    EXPECT_TRUE(url_canonicalizer::tracking_parameter(name, "x")) << name;
  for (const char* name : {"id", "q", "page", "output", "reference", "utm"})
    EXPECT_FALSE(url_canonicalizer::tracking_parameter(name, "x")) << name;
}

}  // namespace
}  // namespace newsflow
