// Tests for the CSV reader and writer of import and export
// (engine/src/exchange/csv.h): every rule and every refusal with its line and
// column, offsets and raw bytes, resuming at a record boundary, the record
// size limit, chunk boundaries, and a randomized round trip.
#include "exchange/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

namespace parcours::csv {
namespace {

using Fields = std::vector<std::string>;

struct ReadOutcome {
  std::vector<Record> records;
  Status error;  // ok when the input was read to its end
};

ReadOutcome ReadFrom(std::istream& in, uint64_t start_offset = 0, uint64_t start_line = 1) {
  ReadOutcome outcome;
  Reader reader(in, start_offset, start_line);
  for (;;) {
    Record record;
    auto next = reader.Next(record);
    if (!next.ok()) {
      outcome.error = next.status();
      return outcome;
    }
    if (!*next) return outcome;
    outcome.records.push_back(std::move(record));
  }
}

ReadOutcome Read(const std::string& text) {
  std::istringstream in(text);
  return ReadFrom(in);
}

std::vector<Fields> FieldsOf(const ReadOutcome& outcome) {
  std::vector<Fields> out;
  for (const auto& r : outcome.records) out.push_back(r.fields);
  return out;
}

// The records of `text`, which must read without error.
std::vector<Fields> ReadOk(const std::string& text) {
  ReadOutcome outcome = Read(text);
  EXPECT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  return FieldsOf(outcome);
}

// The refusal of `text`, which must be refused.
std::string Refusal(const std::string& text) {
  ReadOutcome outcome = Read(text);
  EXPECT_TRUE(outcome.error.IsRefused()) << "read " << outcome.records.size() << " records";
  return outcome.error.message();
}

void ExpectRecord(const Record& r, uint64_t line, uint64_t offset, uint64_t end, const std::string& raw) {
  EXPECT_EQ(r.line, line);
  EXPECT_EQ(r.offset, offset);
  EXPECT_EQ(r.end, end);
  if (raw.size() < 1000) {
    EXPECT_EQ(r.raw, raw);
  } else {  // without printing megabytes
    EXPECT_TRUE(r.raw == raw) << "raw of " << r.raw.size() << " bytes, expected " << raw.size();
  }
}

const std::string kQuoteAdvice = "quote the whole field and double the quote (\"\")";

// ---- reading -------------------------------------------------------------------------

TEST(CsvReaderTest, FieldsAreSeparatedByCommas) {
  EXPECT_EQ(ReadOk("type,person,name\nperson,P-1,Léa Moreau\n"),
            (std::vector<Fields>{{"type", "person", "name"}, {"person", "P-1", "Léa Moreau"}}));
}

TEST(CsvReaderTest, SpacesAreKeptAsData) {
  EXPECT_EQ(ReadOk(" a , b \n"), (std::vector<Fields>{{" a ", " b "}}));
}

TEST(CsvReaderTest, EmptyFieldsAndTrailingCommas) {
  EXPECT_EQ(ReadOk("a,,b\n,\n,,\nx,\n\"\"\n\"\",\"\"\n"),
            (std::vector<Fields>{{"a", "", "b"}, {"", ""}, {"", "", ""}, {"x", ""}, {""}, {"", ""}}));
}

TEST(CsvReaderTest, RecordsEndAtLfOrCrlf) {
  ReadOutcome outcome = Read("a,b\r\nc,d\ne,f\r\n");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  EXPECT_EQ(FieldsOf(outcome), (std::vector<Fields>{{"a", "b"}, {"c", "d"}, {"e", "f"}}));
  ASSERT_EQ(outcome.records.size(), 3u);
  ExpectRecord(outcome.records[0], 1, 0, 5, "a,b");
  ExpectRecord(outcome.records[1], 2, 5, 9, "c,d");
  ExpectRecord(outcome.records[2], 3, 9, 14, "e,f");
}

TEST(CsvReaderTest, FinalRecordWithoutLineEndIsAccepted) {
  ReadOutcome outcome = Read("a,b\nc,\"d\"");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 2u);
  EXPECT_EQ(outcome.records[1].fields, (Fields{"c", "d"}));
  ExpectRecord(outcome.records[1], 2, 4, 9, "c,\"d\"");
  EXPECT_EQ(ReadOk("a,"), (std::vector<Fields>{{"a", ""}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadOk("").empty());
  EXPECT_TRUE(ReadOk("\n\r\n\n").empty());
  EXPECT_TRUE(ReadOk("\xEF\xBB\xBF").empty());
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndLineEnds) {
  EXPECT_EQ(ReadOk("\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"x\r\ny\",\"x\ry\",\"\"\"\"\n"),
            (std::vector<Fields>{{"a,b", "say \"hi\"", "x\ny", "x\r\ny", "x\ry", "\""}}));
}

TEST(CsvReaderTest, EmbeddedLineEndsCountInLineNumbers) {
  ReadOutcome outcome = Read("id,note\n1,\"one\ntwo\r\nthree\"\n2,x\n3,\"\n\"\r\n4,y");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 5u);
  EXPECT_EQ(outcome.records[1].fields, (Fields{"1", "one\ntwo\r\nthree"}));
  ExpectRecord(outcome.records[1], 2, 8, 27, "1,\"one\ntwo\r\nthree\"");
  ExpectRecord(outcome.records[2], 5, 27, 31, "2,x");
  ExpectRecord(outcome.records[3], 6, 31, 38, "3,\"\n\"");
  ExpectRecord(outcome.records[4], 8, 38, 41, "4,y");
}

TEST(CsvReaderTest, EmptyLinesAreSkippedButCounted) {
  ReadOutcome outcome = Read("\n\na\r\n\r\n\nb\n\n");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 2u);
  ExpectRecord(outcome.records[0], 3, 2, 5, "a");
  ExpectRecord(outcome.records[1], 6, 8, 10, "b");
}

TEST(CsvReaderTest, ByteOrderMarkIsSkippedAtTheStartOfTheFileOnly) {
  ReadOutcome outcome = Read("\xEF\xBB\xBFtype,x\n\xEF\xBB\xBFy\n");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 2u);
  EXPECT_EQ(outcome.records[0].fields, (Fields{"type", "x"}));
  ExpectRecord(outcome.records[0], 1, 3, 10, "type,x");
  EXPECT_EQ(outcome.records[1].fields, (Fields{"\xEF\xBB\xBFy"}));  // not at offset 0: data

  // Followed by an empty line, and not looked for when the stream starts further on.
  EXPECT_EQ(ReadOk("\xEF\xBB\xBF\na\n"), (std::vector<Fields>{{"a"}}));
  std::istringstream in("\xEF\xBB\xBFz\n");
  ReadOutcome later = ReadFrom(in, 100, 7);
  ASSERT_EQ(later.records.size(), 1u);
  EXPECT_EQ(later.records[0].fields, (Fields{"\xEF\xBB\xBFz"}));
  ExpectRecord(later.records[0], 7, 100, 105, "\xEF\xBB\xBFz");
}

TEST(CsvReaderTest, ReusesTheFieldsOfTheRecordGiven) {
  std::istringstream in("a,b,c\nd\n");
  Reader reader(in);
  Record record;
  ASSERT_TRUE(*reader.Next(record));
  EXPECT_EQ(record.fields, (Fields{"a", "b", "c"}));
  ASSERT_TRUE(*reader.Next(record));
  EXPECT_EQ(record.fields, (Fields{"d"}));
  auto end = reader.Next(record);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
  EXPECT_FALSE(*reader.Next(record));  // and stays at the end
}

TEST(CsvReaderTest, ResumesAtARecordBoundary) {
  const std::string text = "\xEF\xBB\xBFh1,h2\r\n\"a\nb\",1\n\n\"c\"\"\",2\r\nd,3";
  ReadOutcome all = Read(text);
  ASSERT_TRUE(all.error.ok()) << all.error.ToString();
  ASSERT_EQ(all.records.size(), 4u);
  for (size_t i = 0; i < all.records.size(); ++i) {
    const Record& from = all.records[i];
    std::istringstream in(text);
    in.seekg(static_cast<std::streamoff>(from.end));
    const auto lines = static_cast<uint64_t>(std::count(from.raw.begin(), from.raw.end(), '\n'));
    ReadOutcome rest = ReadFrom(in, from.end, from.line + lines + 1);
    ASSERT_TRUE(rest.error.ok()) << rest.error.ToString();
    ASSERT_EQ(rest.records.size(), all.records.size() - i - 1) << "after record " << i;
    for (size_t j = 0; j < rest.records.size(); ++j) {
      const Record& want = all.records[i + 1 + j];
      EXPECT_EQ(rest.records[j].fields, want.fields);
      ExpectRecord(rest.records[j], want.line, want.offset, want.end, want.raw);
    }
  }
}

// ---- refusals ------------------------------------------------------------------------

TEST(CsvReaderTest, RefusesAQuoteInsideAnUnquotedField) {
  EXPECT_EQ(Refusal("id,name\n1,ab\"c\n"),
            "line 2, column 5: a double quote inside an unquoted field; " + kQuoteAdvice);
  // Columns count characters: "é" is two bytes.
  EXPECT_EQ(Refusal("é,x\""), "line 1, column 4: a double quote inside an unquoted field; " + kQuoteAdvice);
  // On the line after a quoted field's embedded line end.
  EXPECT_EQ(Refusal("\"a\nbc\",d\"\n"),
            "line 2, column 6: a double quote inside an unquoted field; " + kQuoteAdvice);
}

TEST(CsvReaderTest, RefusesTextAfterAClosingQuote) {
  const std::string what =
      "text after the closing quote of a field; put the whole field inside the quotes and double any quote "
      "in "
      "it (\"\")";
  EXPECT_EQ(Refusal("a,\"b\"c\n"), "line 1, column 6: " + what);
  EXPECT_EQ(Refusal("x\n\"a\nbc\" d\n"), "line 3, column 4: " + what);
}

TEST(CsvReaderTest, RefusesAQuotedFieldNotClosed) {
  EXPECT_EQ(Refusal("a\nb,\"c\nd\n\ne,f\n"),
            "line 2: a quoted field is not closed before the end of the file");
  EXPECT_EQ(Refusal("\"a\"\"\n"), "line 1: a quoted field is not closed before the end of the file");
  EXPECT_EQ(Refusal("a\n\n,\"x"), "line 3: a quoted field is not closed before the end of the file");
}

TEST(CsvReaderTest, RefusesACarriageReturnThatDoesNotEndALine) {
  const std::string what =
      "a carriage return (CR) that does not end a line; lines end with LF or CRLF, and a field holding a CR "
      "must be quoted";
  EXPECT_EQ(Refusal("ok\nab\rc\n"), "line 2, column 3: " + what);
  EXPECT_EQ(Refusal("\rx\n"), "line 1, column 1: " + what);
  EXPECT_EQ(Refusal("a,\r,b\n"), "line 1, column 3: " + what);
  EXPECT_EQ(Refusal("\"a\"\rb\n"), "line 1, column 4: " + what);
  EXPECT_EQ(Refusal("a\r\r\n"), "line 1, column 2: " + what);
  EXPECT_EQ(Refusal("a\r"), "line 1, column 2: " + what);  // a CRLF cut short
}

TEST(CsvReaderTest, KeepsReturningTheSameErrorAfterOne) {
  std::istringstream in("a\nb\"\nc\n");
  Reader reader(in);
  Record record;
  ASSERT_TRUE(*reader.Next(record));
  for (int i = 0; i < 3; ++i) {
    auto next = reader.Next(record);
    ASSERT_FALSE(next.ok());
    EXPECT_TRUE(next.status().IsRefused());
    EXPECT_EQ(next.status().message(),
              "line 2, column 2: a double quote inside an unquoted field; " + kQuoteAdvice);
  }
}

// A stream whose every read fails, as a disk error would.
class FailingBuf : public std::streambuf {
 protected:
  int_type underflow() override { throw std::runtime_error("read error"); }
};

TEST(CsvReaderTest, AnUnreadableStreamIsAnInternalError) {
  FailingBuf buf;
  std::istream in(&buf);
  ReadOutcome outcome = ReadFrom(in);
  EXPECT_EQ(outcome.error.code(), Status::Code::kInternal);
  EXPECT_EQ(outcome.error.message(), "the CSV input could not be read after byte 0");
}

// ---- the record size limit -----------------------------------------------------------

const std::string kTooLong =
    "a record longer than 1048576 bytes; a record may hold at most 1048576 bytes (1 MiB), "
    "its line end excluded";

TEST(CsvReaderTest, ARecordOfTheLimitIsAccepted) {
  const std::string big(kMaxRecordBytes, 'x');
  ReadOutcome outcome = Read("a\n" + big + "\r\nb\n" + big);
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 4u);
  EXPECT_EQ(outcome.records[1].raw.size(), kMaxRecordBytes);
  EXPECT_TRUE(outcome.records[1].fields == Fields{big});
  EXPECT_TRUE(outcome.records[3].fields == Fields{big});
  EXPECT_EQ(outcome.records[2].line, 3u);
}

TEST(CsvReaderTest, ARecordJustOverTheLimitIsRefused) {
  const std::string over(kMaxRecordBytes + 1, 'x');
  EXPECT_EQ(Refusal("a\n" + over + "\nb\n"), "line 2: " + kTooLong);
  EXPECT_EQ(Refusal("a\n" + over), "line 2: " + kTooLong);
  // Quoted, over several lines: the line where the record starts.
  EXPECT_EQ(Refusal("a\n\"\n\n" + std::string(kMaxRecordBytes - 3, 'y') + "\"\n"), "line 2: " + kTooLong);
  // Far over, without a line end: refused without reading it all.
  EXPECT_EQ(Refusal(std::string(5 * kMaxRecordBytes, 'z')), "line 1: " + kTooLong);
}

TEST(CsvReaderTest, ACrlfRightAfterARecordOfTheLimitAcrossChunks) {
  // The second record starts one byte before the first chunk ends, so that its
  // CR is the last byte of the second chunk: it may still start a CRLF.
  const std::string first(kChunkBytes - 2, 'a');
  const std::string big(kMaxRecordBytes, 'x');
  ReadOutcome outcome = Read(first + "\n" + big + "\r\nz\n");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 3u);
  EXPECT_EQ(outcome.records[1].offset, kChunkBytes - 1);
  EXPECT_EQ(outcome.records[1].end, kChunkBytes + kMaxRecordBytes + 1);
  EXPECT_TRUE(outcome.records[1].fields == Fields{big});
  EXPECT_EQ(outcome.records[2].fields, (Fields{"z"}));
  // One byte more and it is refused.
  EXPECT_EQ(Refusal(first + "\n" + big + "x\r\nz\n"), "line 2: " + kTooLong);
}

// ---- chunk boundaries ----------------------------------------------------------------

TEST(CsvReaderTest, AFieldStraddlingTheChunkBoundary) {
  // Record 2's field of f runs from kChunkBytes - 497 to kChunkBytes + 503;
  // record 3's quoted field, holding "", a comma and an LF, from
  // kChunkBytes + 512 to 2 * kChunkBytes + 417.
  const std::string rec1(kChunkBytes / 2 - 1, 'h');
  const std::string e(kChunkBytes / 2 - 500, 'e');
  const std::string f(1000, 'f');
  const std::string rec2 = "1," + e + "," + f + ",end";
  const std::string g1(kChunkBytes / 2, 'g');
  const std::string g2(kChunkBytes / 2 - 100, 'g');
  const std::string rec3 = "2,\"q" + g1 + "\"\",\n" + g2 + "\",x";
  const std::string text = rec1 + "\n" + rec2 + "\r\n" + rec3 + "\n";
  ReadOutcome outcome = Read(text);
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), 3u);
  EXPECT_TRUE(outcome.records[1].fields == (Fields{"1", e, f, "end"}));
  const uint64_t start2 = rec1.size() + 1;
  ExpectRecord(outcome.records[1], 2, start2, start2 + rec2.size() + 2, rec2);
  EXPECT_TRUE(outcome.records[2].fields == (Fields{"2", "q" + g1 + "\",\n" + g2, "x"}));
  ExpectRecord(outcome.records[2], 3, start2 + rec2.size() + 2, text.size(), rec3);
}

TEST(CsvReaderTest, ADoubledQuoteSplitAcrossTheChunkBoundary) {
  // After a first record of kChunkBytes - 9 bytes, the opening quote at
  // kChunkBytes - 9 and the doubled quote at kChunkBytes - 1 and kChunkBytes.
  const std::string first(kChunkBytes - 10, 'p');
  const std::string p = first + "\n";
  EXPECT_TRUE(ReadOk(p + "\"1234567\"\"y\",z\n") == (std::vector<Fields>{{first}, {"1234567\"y", "z"}}));
  // A closing quote last in the chunk, followed by a separator, a line end, or text.
  EXPECT_TRUE(ReadOk(p + "a,\"123456\",b\n") == (std::vector<Fields>{{first}, {"a", "123456", "b"}}));
  EXPECT_TRUE(ReadOk(p + "a,\"123456\"\r\nb\n") == (std::vector<Fields>{{first}, {"a", "123456"}, {"b"}}));
  EXPECT_EQ(
      Refusal(p + "a,\"123456\"b\n"),
      "line 2, column 11: text after the closing quote of a field; put the whole field inside the quotes and "
      "double any quote in it (\"\")");
  // And a quote opening a field last in the chunk.
  EXPECT_TRUE(ReadOk(p + "1234567,\"a\"\"\"\n") == (std::vector<Fields>{{first}, {"1234567", "a\""}}));
}

TEST(CsvReaderTest, ACrlfSplitAcrossTheChunkBoundary) {
  const std::string xs(kChunkBytes - 1, 'x');
  ReadOutcome outcome = Read(xs + "\r\nb\r\n");
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  EXPECT_TRUE(FieldsOf(outcome) == (std::vector<Fields>{{xs}, {"b"}}));
  ASSERT_EQ(outcome.records.size(), 2u);
  ExpectRecord(outcome.records[1], 2, kChunkBytes + 1, kChunkBytes + 4, "b");
  // An empty line whose CRLF is split.
  EXPECT_TRUE(ReadOk(std::string(kChunkBytes - 2, 'x') + "\n\r\nb\n") ==
              (std::vector<Fields>{{std::string(kChunkBytes - 2, 'x')}, {"b"}}));
}

// ---- writing -------------------------------------------------------------------------

TEST(CsvWriterTest, QuotesAFieldOnlyWhenItMust) {
  auto field = [](std::string_view value) {
    std::string out;
    AppendField(out, value);
    return out;
  };
  EXPECT_EQ(field("plain text é"), "plain text é");
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field(" spaced "), " spaced ");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("\""), "\"\"\"\"");
  EXPECT_EQ(field("a\nb"), "\"a\nb\"");
  EXPECT_EQ(field("a\rb"), "\"a\rb\"");
  EXPECT_EQ(field("\xEF\xBB\xBFx"), "\"\xEF\xBB\xBFx\"");  // a reader would drop it at offset 0
}

TEST(CsvWriterTest, AppendsRecordsEndedByLf) {
  std::string out;
  AppendRecord(out, {"type", "a,b", ""});
  AppendRecord(out, {"", ""});
  AppendRecord(out, {""});  // "" rather than an empty line, which a reader skips
  AppendRecord(out, {});    // an empty line: no record
  EXPECT_EQ(out, "type,\"a,b\",\n,\n\"\"\n\n");
  EXPECT_EQ(ReadOk(out), (std::vector<Fields>{{"type", "a,b", ""}, {"", ""}, {""}}));
}

TEST(CsvRoundTripTest, RandomRecordsComeBackAsWritten) {
  std::mt19937 rng(20240611);
  const std::string special[] = {
      ",", "\"", "\r", "\n", "\r\n", "\"\"", "é", "\xEF\xBB\xBF", std::string(1, '\0'), " "};
  auto random_field = [&] {
    std::string f;
    const int kind = static_cast<int>(rng() % 10);
    if (kind == 0) return f;                                      // empty
    const size_t length = kind == 1 ? rng() % 3000 : rng() % 40;  // a few long ones
    while (f.size() < length) {
      const unsigned pick = rng() % 10;
      if (pick < 5)
        f.push_back(static_cast<char>('a' + rng() % 26));
      else if (pick < 8)
        f += special[rng() % std::size(special)];
      else
        f.push_back(static_cast<char>(rng() % 256));
    }
    return f;
  };
  std::string text;
  std::vector<Fields> written;
  struct Where {
    uint64_t line, offset, end;
  };
  std::vector<Where> where;  // of each record, as expected
  uint64_t line = 1;
  while (text.size() < 3 * kChunkBytes + 12345) {
    Fields fields(rng() % 100 == 0 ? 0 : 1 + rng() % 8);
    for (auto& f : fields) f = random_field();
    const uint64_t offset = text.size();
    AppendRecord(text, fields);
    const uint64_t next_line =
        line + static_cast<uint64_t>(std::count(text.begin() + offset, text.end(), '\n'));
    if (!fields.empty()) {  // else an empty line, skipped
      written.push_back(fields);
      where.push_back({line, offset, text.size()});
    }
    line = next_line;
  }
  ReadOutcome outcome = Read(text);
  ASSERT_TRUE(outcome.error.ok()) << outcome.error.ToString();
  ASSERT_EQ(outcome.records.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    const Record& r = outcome.records[i];
    ASSERT_EQ(r.fields, written[i]) << "record " << i;
    const Where& w = where[i];
    ExpectRecord(r, w.line, w.offset, w.end, text.substr(w.offset, w.end - w.offset - 1));
    if (::testing::Test::HasFailure()) FAIL() << "record " << i;
  }
}

}  // namespace
}  // namespace parcours::csv
