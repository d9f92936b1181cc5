// parcours_suite's table: its rows, how figures are written, and the marked
// part of a file (docs/benchmarks.md) it replaces.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace parcours::bench {

// The lines between which --write puts the table.
inline constexpr const char* kBegin = "<!-- suite:begin -->";
inline constexpr const char* kEnd = "<!-- suite:end -->";

struct Row {
  std::string figure, parcours, reference, ratio, target, met;
};

// The rows as one markdown table.
std::string Table(const std::vector<Row>& rows);

// printf of one number.
std::string Format(const char* format, double value);
// 1234567.8 -> "1,234,568".
std::string Thousands(double value);
// 1872.4 -> "31 min 12 s".
std::string Duration(double seconds);
// Seconds as milliseconds: "12.3 ms", "123 ms".
std::string Ms(double seconds);
// parcours / reference as "0.75x"; "" without a reference.
std::string Ratio(double parcours, double reference);
// "yes" or a bold "no".
std::string Met(bool met);

// The local date, YYYY-MM-DD.
std::string Today();
// The processors this process may run on (what `nproc` prints).
int Processors();

// A file's text and its marked part: after the line kBegin, up to the line
// kEnd.
struct Marked {
  std::string text;
  std::size_t from = 0, to = 0;
};
// Exits 2 with a message when `file` cannot be read or lacks the lines.
Marked FindMarkers(const std::string& file);
// Replaces the marked part of `file` with `block` (written beside it, then
// renamed over it); exits 2 as FindMarkers does, 1 when it cannot write.
void WriteMarked(const std::string& file, const std::string& block);

}  // namespace parcours::bench
