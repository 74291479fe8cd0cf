#include "pipeline/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace newsflow {
namespace {

TEST(json_writer, escapes_what_json_requires_and_keeps_utf8) {
  std::string out;
  append_json_string(out, std::string("q\" b\\ nl\n cr\r tab\t bell\x07 nul") + std::string(1, '\0') + " é 中");
  EXPECT_EQ(out, "\"q\\\" b\\\\ nl\\n cr\\r tab\\t bell\\u0007 nul\\u0000 é 中\"");
}

TEST(json_writer, replaces_invalid_utf8_so_output_stays_valid_json) {
  std::string out;
  append_json_string(out, "a\xFF\xC3(b\xED\xA0\x80");
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD\xEF\xBF\xBD(b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(json_writer, places_commas_in_nested_containers) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.key("a").number(1);
  w.key("b").begin_array().string("x").number(int64_t{-2}).boolean(true).null().begin_object().end_object().end_array();
  w.key("c").begin_object().key("d").number(0.98765, 3).end_object();
  w.end_object();
  EXPECT_EQ(out, R"({"a":1,"b":["x",-2,true,null,{}],"c":{"d":0.988}})");
}

TEST(json_writer, numbers_are_exact_and_compact) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  w.number(std::numeric_limits<uint64_t>::max());
  w.number(std::numeric_limits<int64_t>::min());
  w.number(1.0);
  w.number(0.5);
  w.number(-0.00001);
  w.number(std::numeric_limits<double>::quiet_NaN());
  w.end_array();
  EXPECT_EQ(out, "[18446744073709551615,-9223372036854775808,1,0.5,0,null]");
}

TEST(json_writer, continues_an_object_opened_elsewhere) {
  std::string out = "{\"existing\":1";
  json_writer w(out);
  w.continue_container();
  w.key("added").string("yes");
  out += '}';
  EXPECT_EQ(out, R"({"existing":1,"added":"yes"})");
}

}  // namespace
}  // namespace newsflow
