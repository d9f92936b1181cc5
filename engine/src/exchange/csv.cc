#include "exchange/csv.h"

#include <cstring>

namespace parcours::csv {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Where a parse stands inside a record.
enum class State {
  kFieldStart,     // before a field's first byte
  kUnquoted,       // inside a field without quotes
  kQuoted,         // inside a quoted field
  kQuoteInQuoted,  // after a quote in a quoted field: the closing one, or the first of ""
  kCr,             // after a CR outside quotes, which only an LF may follow
};

std::string Line(uint64_t line) { return "line " + std::to_string(line); }

Status TooLong(uint64_t line) {
  return Status::Refused(Line(line) + ": a record longer than " + std::to_string(kMaxRecordBytes) +
                         " bytes; a record may hold at most " + std::to_string(kMaxRecordBytes) +
                         " bytes (1 MiB), its line end excluded");
}

}  // namespace

Reader::Reader(std::istream& in, uint64_t start_offset, uint64_t start_line)
    : in_(in), base_offset_(start_offset), line_(start_line) {}

Status Reader::Fail(Status status) {
  error_ = status;
  return status;
}

// Columns count UTF-8 characters (bytes other than continuation bytes), as an
// editor shows them, from the start of the line of `index`, the current one.
Status Reader::RefusedAt(size_t index, std::string_view what) {
  uint64_t column = 1;
  for (size_t i = line_start_; i < index; ++i) column += (static_cast<unsigned char>(buf_[i]) & 0xC0) != 0x80;
  return Fail(Status::Refused(Line(line_) + ", column " + std::to_string(column) + ": " + std::string(what)));
}

// Moves the record being parsed to the front of the buffer and reads one
// chunk after it. The caller has checked that the record holds at most
// kMaxRecordBytes + 1 bytes (a CR that may start its CRLF), so the chunk fits.
bool Reader::Refill() {
  if (eof_) return false;
  if (buf_.empty()) buf_.resize(kMaxRecordBytes + 1 + kChunkBytes);
  if (rec_start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + rec_start_, end_ - rec_start_);
    base_offset_ += rec_start_;
    end_ -= rec_start_;
    pos_ -= rec_start_;
    line_start_ -= rec_start_;
    rec_start_ = 0;
  }
  in_.read(buf_.data() + end_, static_cast<std::streamsize>(kChunkBytes));
  const auto got = static_cast<size_t>(in_.gcount());
  if (in_.bad()) {
    error_ =
        Status::Internal("the CSV input could not be read after byte " + std::to_string(base_offset_ + end_));
    return false;
  }
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  if (!bom_checked_) {
    bom_checked_ = true;
    if (base_offset_ == 0 && pos_ == 0 && std::string_view(buf_.data(), end_).starts_with(kBom)) {
      pos_ = rec_start_ = line_start_ = kBom.size();
    }
  }
  return true;
}

Result<bool> Reader::Next(Record& out) {
  if (!error_.ok()) return error_;
  rec_start_ = pos_;
  uint64_t rec_line = line_;
  uint64_t quote_line = 0;
  State state = State::kFieldStart;
  // The fields are parsed into out.fields in place, reusing their storage.
  size_t nfields = 0;
  std::string* field = nullptr;
  auto start_field = [&] {
    if (nfields < out.fields.size()) {
      field = &out.fields[nfields];
      field->clear();
    } else {
      field = &out.fields.emplace_back();
    }
    ++nfields;
  };
  // Ends the record at pos_, just after its line end of `line_end` bytes.
  auto finish = [&](size_t line_end) -> Result<bool> {
    const size_t raw_end = pos_ - line_end;
    if (raw_end - rec_start_ > kMaxRecordBytes) return Fail(TooLong(rec_line));
    out.fields.resize(nfields);
    out.line = rec_line;
    out.offset = base_offset_ + rec_start_;
    out.end = base_offset_ + pos_;
    out.raw.assign(buf_.data() + rec_start_, raw_end - rec_start_);
    rec_start_ = pos_;
    return true;
  };
  // After an LF outside quotes (pos_ just past it): true when it ends an
  // empty line, which is skipped, false when it ends the record.
  auto line_feed = [&](size_t line_end) {
    ++line_;
    line_start_ = pos_;
    if (pos_ - line_end != rec_start_) return false;
    rec_start_ = pos_;
    rec_line = line_;
    state = State::kFieldStart;
    return true;
  };
  start_field();

  for (;;) {
    if (pos_ == end_) {
      // Checked before reading on, so that a record never grows the buffer.
      if (pos_ - rec_start_ - (state == State::kCr ? 1 : 0) > kMaxRecordBytes) return Fail(TooLong(rec_line));
      if (Refill()) continue;
      if (!error_.ok()) return error_;
      if (pos_ == rec_start_) return false;
      if (state == State::kQuoted) {
        return Fail(
            Status::Refused(Line(quote_line) + ": a quoted field is not closed before the end of the file"));
      }
      if (state == State::kCr) break;  // refused below, as a CR followed by nothing
      return finish(0);
    }
    const char* p = buf_.data();
    const char c = p[pos_];
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          quote_line = line_;
          state = State::kQuoted;
          ++pos_;
          continue;
        }
        state = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        size_t q = pos_;
        while (q < end_ && p[q] != ',' && p[q] != '"' && p[q] != '\r' && p[q] != '\n') ++q;
        field->append(p + pos_, q - pos_);
        pos_ = q;
        if (q == end_) continue;
        if (p[q] == '"') {
          return RefusedAt(q,
                           "a double quote inside an unquoted field; quote the whole field and double the "
                           "quote (\"\")");
        }
        break;  // a separator or line end: below
      }
      case State::kQuoted: {
        size_t q = pos_;
        for (; q < end_ && p[q] != '"'; ++q) {
          if (p[q] == '\n') {
            ++line_;
            line_start_ = q + 1;
          }
        }
        field->append(p + pos_, q - pos_);
        pos_ = q;
        if (q < end_) {
          state = State::kQuoteInQuoted;
          ++pos_;
        }
        continue;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {
          field->push_back('"');
          state = State::kQuoted;
          ++pos_;
          continue;
        }
        if (c != ',' && c != '\r' && c != '\n') {
          return RefusedAt(pos_,
                           "text after the closing quote of a field; put the whole field inside the quotes "
                           "and double any quote in it (\"\")");
        }
        break;
      case State::kCr:
        if (c != '\n') break;  // refused below
        ++pos_;
        if (line_feed(2)) continue;
        return finish(2);
    }
    if (state == State::kCr) break;
    // A separator or a line end after a field (pos_ may have moved past the field).
    const char end_of_field = p[pos_++];
    if (end_of_field == ',') {
      start_field();
      state = State::kFieldStart;
    } else if (end_of_field == '\r') {
      state = State::kCr;
    } else if (!line_feed(1)) {
      return finish(1);
    }
  }
  return RefusedAt(pos_ - 1,
                   "a carriage return (CR) that does not end a line; lines end with LF or CRLF, and a field "
                   "holding a CR must be quoted");
}

void AppendField(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos && !value.starts_with(kBom)) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendRecord(std::string& out, const std::vector<std::string>& fields) {
  if (fields.size() == 1 && fields[0].empty()) {
    out.append("\"\"\n");
    return;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendField(out, fields[i]);
  }
  out.push_back('\n');
}

}  // namespace parcours::csv
