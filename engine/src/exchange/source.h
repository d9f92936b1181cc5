// Reading an import file row by row, from its start or from where an
// interrupted import stopped (a byte offset at a row boundary).
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "exchange/csv.h"
#include "exchange/rows.h"
#include "parcours/exchange.h"
#include "parcours/status.h"

namespace parcours::rows {

// The format of `path` by its extension (.csv; .jsonl or .ndjson); nullopt
// for any other.
std::optional<ExchangeFormat> FormatOf(const std::string& path);

// One row of the file, or why its text is not a row (then the import sends
// it to the rejects file and goes on).
struct Item {
  Status status;     // Ok when `row` holds the row
  Row row;
  uint64_t line = 0;  // where it starts (1-based)
  uint64_t end = 0;   // byte offset just after it
  std::string raw;    // its text, without its line end
  // An import may stop after this row and resume with the next (false
  // inside a group of rows that go in together).
  bool resumable = true;
};

// Where an import's rows come from: a file, or the population generator.
class Source {
 public:
  virtual ~Source() = default;
  // False after the last row. An error (naming the line) when the rows
  // cannot be read on: a CSV quote left open, a line over the size limit.
  virtual Result<bool> Next(Item& out) = 0;
  // The format of the rows' raw text (for the rejects file), and for CSV its
  // header line as it is in the file.
  virtual ExchangeFormat format() const = 0;
  virtual const std::string& header() const = 0;
  // Where the rows end (bytes, or rows), for progress: Item::end of the last.
  virtual uint64_t size() const = 0;
};

class FileSource final : public Source {
 public:
  // Opens `path` to read from byte `offset`, line `line` (0, 1: from the
  // start). A CSV file's header is read first, wherever the reading starts.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path, ExchangeFormat format,
                                                  uint64_t offset, uint64_t line);
  Result<bool> Next(Item& out) override;
  ExchangeFormat format() const override { return format_; }
  const std::string& header() const override { return header_raw_; }
  uint64_t size() const override { return size_; }

 private:
  FileSource() = default;
  ExchangeFormat format_ = ExchangeFormat::kCsv;
  std::ifstream in_;
  uint64_t size_ = 0;
  std::unique_ptr<csv::Reader> csv_;
  csv::Record record_;
  std::optional<CsvLayout> layout_;
  std::string header_raw_;
  // JSON Lines: the next line's number and offset, and a read buffer.
  uint64_t line_ = 1;
  uint64_t offset_ = 0;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace parcours::rows
