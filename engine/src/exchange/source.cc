#include "exchange/source.h"

#include <filesystem>

#include "parcours/text.h"

namespace parcours::rows {

std::optional<ExchangeFormat> FormatOf(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv") return ExchangeFormat::kCsv;
  if (ext == ".jsonl" || ext == ".ndjson") return ExchangeFormat::kJsonLines;
  return std::nullopt;
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path, ExchangeFormat format,
                                                     uint64_t offset, uint64_t line) {
  std::unique_ptr<FileSource> s(new FileSource());
  s->format_ = format;
  s->in_.open(path, std::ios::binary);
  if (!s->in_) {
    return Status::Refused("cannot read " + EchoText(path), "Check the file's name and that you may read it.");
  }
  std::error_code ec;
  s->size_ = std::filesystem::file_size(path, ec);
  if (ec) s->size_ = 0;
  if (offset > s->size_) {
    return Status::Refused(EchoText(path) + " is shorter than when its import began",
                           "The file changed: import it under another name, or its rejects file.");
  }
  if (format == ExchangeFormat::kCsv) {
    csv::Reader header_reader(s->in_);
    csv::Record header;
    PARCOURS_ASSIGN_OR_RETURN(bool any, header_reader.Next(header));
    if (!any) return Status::Refused(EchoText(path) + " is empty", "A CSV file starts with a header line.");
    PARCOURS_ASSIGN_OR_RETURN(CsvLayout layout, CsvLayout::FromHeader(header.fields));
    s->layout_ = std::move(layout);
    s->header_raw_ = header.raw;
    if (offset < header.end) {
      offset = header.end;
      line = header.line + 1 + static_cast<uint64_t>(std::count(header.raw.begin(), header.raw.end(), '\n'));
    }
    s->in_.clear();
    s->in_.seekg(static_cast<std::streamoff>(offset));
    s->csv_ = std::make_unique<csv::Reader>(s->in_, offset, line);
    return s;
  }
  s->in_.seekg(static_cast<std::streamoff>(offset));
  s->offset_ = offset;
  s->line_ = line == 0 ? 1 : line;
  return s;
}

Result<bool> FileSource::Next(Item& out) {
  out = Item();
  if (csv_) {
    csv::Record& record = record_;  // its fields' storage is reused row after row
    PARCOURS_ASSIGN_OR_RETURN(bool any, csv_->Next(record));
    if (!any) return false;
    out.line = record.line;
    out.end = record.end;
    out.raw = record.raw;
    auto row = layout_->Parse(record.fields, record.line);
    if (row.ok()) out.row = std::move(*row);
    else out.status = row.status();
    return true;
  }
  // JSON Lines: lines up to csv::kMaxRecordBytes, blank lines passed over.
  while (true) {
    std::size_t nl = buffer_.find('\n', pos_);
    while (nl == std::string::npos && !eof_) {
      if (buffer_.size() - pos_ > csv::kMaxRecordBytes) {
        return Status::Refused("line " + std::to_string(line_) + " is longer than " +
                                   std::to_string(csv::kMaxRecordBytes) + " bytes",
                               "Each line holds one row; split the file there or shorten that line.");
      }
      buffer_.erase(0, pos_);
      pos_ = 0;
      const std::size_t had = buffer_.size();
      buffer_.resize(had + (1 << 20));
      in_.read(buffer_.data() + had, 1 << 20);
      buffer_.resize(had + static_cast<std::size_t>(in_.gcount()));
      if (in_.bad()) return Status::Unavailable("could not read line " + std::to_string(line_) + " of the file");
      if (!in_) eof_ = true;
      nl = buffer_.find('\n', pos_);
    }
    if (pos_ >= buffer_.size()) return false;
    const std::size_t stop = nl == std::string::npos ? buffer_.size() : nl;
    if (stop - pos_ > csv::kMaxRecordBytes) {
      return Status::Refused("line " + std::to_string(line_) + " is longer than " +
                                 std::to_string(csv::kMaxRecordBytes) + " bytes",
                             "Each line holds one row; split the file there or shorten that line.");
    }
    std::string_view text(buffer_.data() + pos_, stop - pos_);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const uint64_t consumed = (nl == std::string::npos ? stop : stop + 1) - pos_;
    const uint64_t line = line_++;
    offset_ += consumed;
    pos_ += consumed;
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // a blank line
    out.line = line;
    out.end = offset_;
    out.raw = std::string(text);
    auto row = ParseJsonLine(text, line);
    if (row.ok()) out.row = std::move(*row);
    else out.status = row.status();
    return true;
  }
}

}  // namespace parcours::rows
