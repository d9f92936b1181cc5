// The rows of `parcours import` and `export` (docs/import-export.md): one row
// per command of a store's history, as a CSV record or a JSON Lines object.
//
// Every row has a `type` saying which command it stands for (programme,
// person, edit, enrolment, transition, milestone, void, assignment, note,
// deadline_missed) and uses some of one shared set of columns; a value in a
// column its type does not use is refused rather than ignored. Person
// attributes are columns `attrs.<key>` and workflow fields `fields.<name>`.
// In CSV an empty cell is an absent value; in JSON Lines every value is a
// text (numbers and booleans are taken as their text).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/status.h"

namespace parcours::rows {

// The row types, in the order an export writes a store's history.
const std::vector<std::string>& Types();
// The plain columns (not attrs.* nor fields.*), in the order of an export.
const std::vector<std::string>& Columns();
// The plain columns a type uses besides `type` (empty if the type is unknown).
const std::vector<std::string>& ColumnsOf(std::string_view type);
// Columns a file may carry that an import passes over: those a rejects file
// adds in front of each refused row, so that it can be corrected and imported.
inline constexpr std::string_view kRejectedLine = "rejected_line";
inline constexpr std::string_view kRejectedReason = "rejected_reason";
// In a JSON Lines rejects file, a line that was not a JSON object, as text.
inline constexpr std::string_view kRejectedText = "rejected_text";

struct Row {
  std::string type;
  std::map<std::string, std::string> values;  // plain columns with a value
  std::map<std::string, std::string> attrs;   // attrs.<key>
  std::map<std::string, std::string> fields;  // fields.<name>
  uint64_t line = 0;                          // where it starts in its file (1-based)

  // The value of a plain column, "" when absent.
  const std::string& Get(const std::string& column) const;
  bool Has(const std::string& column) const { return values.count(column) > 0; }
};

// Checks that `row` has a known type and no value in a column its type does
// not use; the message names the line, the column and the columns allowed.
Status CheckColumns(const Row& row);

// CSV: a file's header names its columns, once.
class CsvLayout {
 public:
  // Refused: no `type` column, a column named twice, or an unknown column
  // (the message lists those allowed).
  static Result<CsvLayout> FromHeader(const std::vector<std::string>& header);
  // The row of a record read under this header (its line given).
  Result<Row> Parse(const std::vector<std::string>& record, uint64_t line) const;

 private:
  enum class Kind { kPlain, kAttr, kField, kIgnored };
  struct Column {
    Kind kind;
    std::string name;  // the column, or the key after "attrs." / "fields."
  };
  std::vector<Column> columns_;
};

// JSON Lines: one object per line.
Result<Row> ParseJsonLine(std::string_view line, uint64_t line_number);

// Writing rows: CSV under a header of every plain column, then `attrs`
// and `fields` columns (each list sorted); JSON Lines with only the values
// present, keys in that same order.
std::vector<std::string> CsvHeader(const std::vector<std::string>& attrs, const std::vector<std::string>& fields);
void AppendCsv(std::string& out, const Row& row, const std::vector<std::string>& attrs,
               const std::vector<std::string>& fields);
void AppendJsonLine(std::string& out, const Row& row);
// TEXT as a JSON string; bytes that are not UTF-8 become U+FFFD.
std::string JsonString(std::string_view text);

}  // namespace parcours::rows
