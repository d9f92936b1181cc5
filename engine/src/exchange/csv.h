// CSV as `parcours import` reads it and `parcours export` writes it
// (docs/import-export.md): RFC 4180, streamed, for files of hundreds of MB.
//
// Fields are separated by ',' and may be enclosed in double quotes, inside
// which "" stands for one quote and ',', CR and LF are data. A record ends at
// LF or CRLF; a final record without a line end is accepted. A UTF-8 BOM at
// offset 0 of the file is skipped. A line of zero bytes is not a record: it
// is skipped, but counted in line numbers. Anything else is refused with the
// line (and column, counted in UTF-8 characters) where it goes wrong and what
// is allowed instead: a quote inside an unquoted field, text after a closing
// quote, a CR that does not start a CRLF outside quotes, a quoted field never
// closed, a record over kMaxRecordBytes.
//
// The reader holds at most one record plus one chunk of input, so that an
// import's memory does not grow with its file, and it reports each record's
// byte offsets so that an import can resume at a record boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/status.h"

namespace parcours::csv {

// The most bytes a record may hold, its line end excluded: a bound on the
// reader's memory, far above any real row of an export.
inline constexpr size_t kMaxRecordBytes = size_t{1} << 20;
// How much the reader asks of its stream at a time.
inline constexpr size_t kChunkBytes = size_t{1} << 20;

struct Record {
  std::vector<std::string> fields;
  uint64_t line = 0;    // 1-based line where the record starts
  uint64_t offset = 0;  // byte offset of its first byte
  uint64_t end = 0;     // byte offset just after it, including its line end
  std::string raw;      // the record's exact bytes without its final line end
};

class Reader {
 public:
  // `start_offset` and `start_line` say where `in` already is: a caller that
  // resumes seeks `in` to a record's `end` and passes it with the line after
  // that record's last. They only number lines and offsets; the BOM is looked
  // for only when `start_offset` is 0.
  explicit Reader(std::istream& in, uint64_t start_offset = 0, uint64_t start_line = 1);
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // True with the next record in `out` (its strings' storage reused), false
  // at the end of the input, or why the input is refused (Refused) or could
  // not be read (Internal). After an error every call returns that error.
  Result<bool> Next(Record& out);

 private:
  bool Refill();
  Status Fail(Status status);
  Status RefusedAt(size_t index, std::string_view what);

  std::istream& in_;
  std::vector<char> buf_;  // input from stream offset base_offset_ on
  uint64_t base_offset_;   // stream offset of buf_[0]
  size_t end_ = 0;         // bytes of buf_ holding input
  size_t pos_ = 0;         // next byte to parse
  size_t rec_start_ = 0;   // first byte of the record being parsed
  size_t line_start_ = 0;  // first byte of the line of pos_
  uint64_t line_;          // line of pos_
  bool bom_checked_ = false;
  bool eof_ = false;
  Status error_;
};

// Appends `value` as one field: as is, or enclosed in quotes with its quotes
// doubled when it holds ',', '"', CR or LF (or starts with a UTF-8 BOM, which
// a reader would drop at the start of a file). An empty value appends nothing.
void AppendField(std::string& out, std::string_view value);

// Appends the fields separated by ',' and ends with LF. Reading gives the same
// fields back, whatever their bytes, with one exception: no fields at all are
// written as an empty line, which a reader skips. A single empty field, which
// would be that empty line too, is written as "" so that it comes back.
void AppendRecord(std::string& out, const std::vector<std::string>& fields);

}  // namespace parcours::csv
