#include "connectors/file/jsonl_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace newsflow {
namespace {

std::vector<input_record> read_all(const std::string& content, uint64_t max_line = 1 << 20) {
  std::FILE* f = std::tmpfile();
  std::fwrite(content.data(), 1, content.size(), f);
  std::rewind(f);
  jsonl_reader reader(f, "in.jsonl", max_line);
  std::vector<input_record> out;
  input_record r;
  while (reader.next(r)) {
    out.push_back(r);
    r.clear();
  }
  EXPECT_FALSE(reader.failed());
  EXPECT_EQ(reader.bytes_read(), content.size());
  std::fclose(f);
  return out;
}

TEST(jsonl_reader, splits_lines_and_numbers_them) {
  auto lines = read_all("{\"a\":1}\r\n\n  \n{\"b\":2}");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].bytes, "{\"a\":1}");
  EXPECT_EQ(lines[1].bytes, "");
  EXPECT_EQ(lines[2].bytes, "  ");
  EXPECT_EQ(lines[3].bytes, "{\"b\":2}");  // no final newline
  EXPECT_EQ(lines[3].position, 4);
  EXPECT_EQ(lines[3].stream, "in.jsonl");
  EXPECT_TRUE(read_all("").empty());
  EXPECT_EQ(read_all("x\n").size(), 1u);
}

TEST(jsonl_reader, handles_lines_longer_than_its_buffer) {
  const std::string big(3 << 20, 'x');  // 3 MiB, larger than the 1 MiB read buffer
  auto lines = read_all(big + "\nshort\n", 8 << 20);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].bytes.size(), big.size());
  EXPECT_TRUE(lines[0].rejected_reason.empty());
  EXPECT_EQ(lines[1].bytes, "short");
}

TEST(jsonl_reader, marks_an_over_long_line_and_keeps_only_its_start) {
  const std::string big(5 << 20, 'y');
  auto lines = read_all("ok\n" + big + "\nafter\n", 1 << 20);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].rejected_reason, "input.too_large");
  EXPECT_EQ(lines[1].original_size, big.size());
  EXPECT_EQ(lines[1].bytes.size(), jsonl_reader::kept_prefix);
  EXPECT_EQ(lines[2].bytes, "after");
  EXPECT_EQ(lines[2].position, 3);
}

}  // namespace
}  // namespace newsflow
