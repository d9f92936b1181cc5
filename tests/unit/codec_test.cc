// Tests for the stored encoding of events, pathway states and the values of
// report and due index entries (engine/src/schema/codec.h): round trips, the JSON of format 1 still read,
// and every malformed value refused as corruption without reading past it.
#include "schema/codec.h"
#include "schema/keys.h"

#include <string>

#include <gtest/gtest.h>

namespace parcours {
namespace {

Event SampleEvent() {
  Event e;
  e.pathway = "W-3F8Q4";
  e.seq = 300;  // two bytes as a varint
  e.kind = EventKind::kTransition;
  e.action = "place";
  e.from = "training";
  e.to = "placed";
  e.date = *Date::ParseIso("2026-03-01");
  e.recorded = "2026-03-02T09:15:00Z";
  e.actor = "léa.moreau";
  e.fields = Json{{"contract", "cdi"}, {"months", 12}, {"durable", true}, {"employer", "Aide à domicile"}};
  e.data = Json{{"note", std::string("tab\tand \"quotes\"")}};
  return e;
}

PathwayState SampleState() {
  PathwayState s;
  s.id = "W-3F8Q4";
  s.person = "P-7K2M9";
  s.programme = "insertion";
  s.version = 3;
  s.step = "placed";
  s.exited = true;
  s.referent = "karim";
  s.enrolled = *Date::ParseIso("2025-12-31");
  s.step_since = *Date::ParseIso("2026-03-01");
  s.last_event = *Date::ParseIso("2026-03-01");
  s.last_seq = 7;
  s.created = "2025-12-31T16:00:00Z";
  s.ordinal = 2;
  s.entry = Json{{"sex", "F"}, {"age", 27}, {"attrs", {{"education", "V"}}}, {"fields", {{"prescriber", "ccas"}}}};
  s.deadlines["follow_up"] = OpenDeadline{*Date::ParseIso("2026-09-01"), false};
  s.deadlines["positioning"] = OpenDeadline{*Date::ParseIso("1969-12-01"), true};  // before the epoch
  return s;
}

void ExpectSame(const Event& a, const Event& b) { EXPECT_EQ(a.ToJson(), b.ToJson()); }
void ExpectSame(const PathwayState& a, const PathwayState& b) { EXPECT_EQ(a.ToJson(), b.ToJson()); }

TEST(CodecTest, AnEventComesBackAsItWent) {
  const Event e = SampleEvent();
  const std::string bytes = codec::EncodeEvent(e);
  EXPECT_EQ(bytes.front(), codec::kBinaryV1Tag);
  auto back = codec::DecodeEvent(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, e);
  // Much smaller than the JSON it replaces.
  EXPECT_LT(bytes.size() * 3, e.ToJson().dump().size() * 2);
}

TEST(CodecTest, EveryKindAndEmptyPartsComeBack) {
  for (int k = 0; k <= static_cast<int>(EventKind::kNote); ++k) {
    Event e;
    e.kind = static_cast<EventKind>(k);
    auto back = codec::DecodeEvent(codec::EncodeEvent(e));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ExpectSame(*back, e);
  }
  PathwayState empty;
  auto back = codec::DecodeState(codec::EncodeState(empty));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, empty);
}

TEST(CodecTest, AStateComesBackAsItWent) {
  const PathwayState s = SampleState();
  auto back = codec::DecodeState(codec::EncodeState(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, s);
  EXPECT_EQ(back->deadlines, s.deadlines);
}

TEST(CodecTest, TheJsonOfFormatOneIsStillRead) {
  auto event = codec::DecodeEvent(SampleEvent().ToJson().dump());
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  ExpectSame(*event, SampleEvent());
  auto state = codec::DecodeState(SampleState().ToJson().dump());
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ExpectSame(*state, SampleState());
  EXPECT_TRUE(codec::IsJsonValue(SampleState().ToJson().dump()));
  EXPECT_FALSE(codec::IsJsonValue(codec::EncodeState(SampleState())));

  auto broken = codec::DecodeState("{\"id\": ");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), Status::Code::kCorruption);
}

void ExpectCorruption(const Status& s, const std::string& says) {
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
}

TEST(CodecTest, EveryCutOfAValueIsRefused) {
  const std::string event = codec::EncodeEvent(SampleEvent());
  for (std::size_t n = 0; n < event.size(); ++n) {
    auto cut = codec::DecodeEvent(std::string_view(event).substr(0, n));
    ASSERT_FALSE(cut.ok()) << "cut at " << n;
    EXPECT_EQ(cut.status().code(), Status::Code::kCorruption);
  }
  const std::string state = codec::EncodeState(SampleState());
  for (std::size_t n = 0; n < state.size(); ++n) {
    auto cut = codec::DecodeState(std::string_view(state).substr(0, n));
    ASSERT_FALSE(cut.ok()) << "cut at " << n;
    EXPECT_EQ(cut.status().code(), Status::Code::kCorruption);
  }
  ExpectCorruption(codec::DecodeEvent("").status(), "is empty");
  ExpectCorruption(codec::DecodeEvent(event.substr(0, 2)).status(), "cut short");
}

TEST(CodecTest, TrailingBytesUnknownTagsAndBadFieldsAreRefused) {
  ExpectCorruption(codec::DecodeEvent(codec::EncodeEvent(SampleEvent()) + "x").status(), "1 bytes too many");
  ExpectCorruption(codec::DecodeState(codec::EncodeState(SampleState()) + "xy").status(), "2 bytes too many");
  ExpectCorruption(codec::DecodeEvent("\x02rest").status(), "unknown encoding (tag byte 2)");
  ExpectCorruption(codec::DecodeState("[1]").status(), "unknown encoding (tag byte 91)");

  std::string bad_kind = codec::EncodeEvent(SampleEvent());
  bad_kind[1] = 9;  // the kind, right after the tag
  ExpectCorruption(codec::DecodeEvent(bad_kind).status(), "unknown kind 9");

  // A varint that never ends within 64 bits.
  ExpectCorruption(codec::DecodeEvent(std::string(1, codec::kBinaryV1Tag) + std::string(11, '\xff')).status(),
                   "longer than 64 bits");

  // A sequence number past 32 bits: kind 0, then 2^32 as a varint.
  ExpectCorruption(codec::DecodeEvent(std::string("\x01\x00\x80\x80\x80\x80\x10", 7)).status(),
                   "sequence number out of range");

  // Fields that are MessagePack but not an object (an array of one 1).
  Event e = SampleEvent();
  e.fields = Json::object();
  e.data = Json::object();
  std::string not_object = codec::EncodeEvent(e);
  ASSERT_EQ(not_object.substr(not_object.size() - 4), std::string("\x01\x80\x01\x80", 4));
  not_object.replace(not_object.size() - 4, 2, std::string("\x02\x91\x01", 3));
  ExpectCorruption(codec::DecodeEvent(not_object).status(), "fields that are not an object");

  // The `exited` flag is 0 or 1.
  PathwayState s;
  std::string flag = codec::EncodeState(s);
  // tag, id "", person "", programme "", version 0, step "", then exited.
  ASSERT_EQ(flag[6], '\0');
  flag[6] = 2;
  ExpectCorruption(codec::DecodeState(flag).status(), "neither 0 nor 1");
}

DayValue SampleDay() {
  return DayValue{EventKind::kTransition, "place", "training", "placed", true,
                  Json{{"contract", "cdi"}, {"months", 12}, {"employer", "Aide à domicile"}}};
}

void ExpectSame(const DayValue& a, const DayValue& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.to, b.to);
  EXPECT_EQ(a.exit, b.exit);
  EXPECT_EQ(a.fields, b.fields);
}

TEST(CodecTest, IndexValuesComeBackAsTheyWent) {
  const DayValue day = SampleDay();
  const std::string bytes = codec::EncodeDayValue(day);
  auto back = codec::DecodeDayValue(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, day);
  for (int k = 0; k <= static_cast<int>(EventKind::kNote); ++k) {
    DayValue v;
    v.kind = static_cast<EventKind>(k);
    auto kind = codec::DecodeDayValue(codec::EncodeDayValue(v));
    ASSERT_TRUE(kind.ok()) << kind.status().ToString();
    ExpectSame(*kind, v);
  }
  const DueValue due{"insertion", "léa.moreau", true};
  auto due_back = codec::DecodeDueValue(codec::EncodeDueValue(due));
  ASSERT_TRUE(due_back.ok()) << due_back.status().ToString();
  EXPECT_EQ(due_back->programme, due.programme);
  EXPECT_EQ(due_back->referent, due.referent);
  EXPECT_TRUE(due_back->missed);
  EXPECT_EQ(codec::EncodeDueValue(DueValue{"insertion", "", false}).size(), 13u);
}

TEST(CodecTest, TheIndexValuesOfFormatOneAreStillRead) {
  // As format 1 wrote them.
  const std::string day_json =
      R"({"action":"place","exit":true,"fields":{"contract":"cdi","employer":"Aide à domicile","months":12},)"
      R"("from":"training","kind":"transition","to":"placed"})";
  auto day = codec::DecodeDayValue(day_json);
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  ExpectSame(*day, SampleDay());
  const std::string day_key = keys::Day("insertion", "2026-03-01", "W-3F8Q4", 4);
  auto day_one = codec::FormatOneValue(Domain::kIndexes, day_key, codec::EncodeDayValue(SampleDay()));
  ASSERT_TRUE(day_one.ok() && *day_one) << day_one.status().ToString();
  EXPECT_EQ(Json::parse(**day_one), Json::parse(day_json));
  EXPECT_LT(codec::EncodeDayValue(SampleDay()).size() * 2, day_json.size());

  auto due = codec::DecodeDueValue(R"({"missed":false,"programme":"insertion","referent":"karim"})");
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(due->programme, "insertion");
  EXPECT_EQ(due->referent, "karim");
  EXPECT_FALSE(due->missed);
  const std::string due_key = keys::Due("2026-12-10", "W-3F8Q4", "positioning");
  auto due_one = codec::FormatOneValue(Domain::kIndexes, due_key, codec::EncodeDueValue(*due));
  ASSERT_TRUE(due_one.ok() && *due_one) << due_one.status().ToString();
  EXPECT_EQ(**due_one, R"({"missed":false,"programme":"insertion","referent":"karim"})");
  // Format 2 writes them back as they were; other index entries are alike in both.
  auto due_two = codec::FormatTwoValue(Domain::kIndexes, due_key, **due_one);
  ASSERT_TRUE(due_two.ok() && *due_two);
  EXPECT_EQ(**due_two, codec::EncodeDueValue(*due));
  const std::string tok = keys::NameToken("martin", "P-7K2M9");
  EXPECT_EQ(codec::FormatOneValue(Domain::kIndexes, tok, "{odd name").value(), std::nullopt);
  EXPECT_EQ(codec::FormatTwoValue(Domain::kIndexes, tok, "{odd name").value(), std::nullopt);

  ExpectCorruption(codec::DecodeDayValue(R"({"action":"x","kind":"teleport","exit":false,"fields":{}})").status(),
                   "report index entry of unknown kind \"teleport\"");
  ExpectCorruption(codec::DecodeDayValue(R"({"action":"x","kind":"note","exit":false,"fields":[]})").status(),
                   "fields that are not an object");
  ExpectCorruption(codec::DecodeDayValue(R"({"kind":"note"})").status(), "report index entry does not decode");
  ExpectCorruption(codec::DecodeDueValue(R"({"programme":"insertion"})").status(), "due index entry does not decode");
  ExpectCorruption(codec::DecodeDueValue("{\"programme\": ").status(), "due index entry");
}

TEST(CodecTest, EveryCutOrBadIndexValueIsRefused) {
  const std::string day = codec::EncodeDayValue(SampleDay());
  for (std::size_t n = 0; n < day.size(); ++n) {
    auto cut = codec::DecodeDayValue(std::string_view(day).substr(0, n));
    ASSERT_FALSE(cut.ok()) << "cut at " << n;
    EXPECT_EQ(cut.status().code(), Status::Code::kCorruption);
  }
  const std::string due = codec::EncodeDueValue(DueValue{"insertion", "karim", false});
  for (std::size_t n = 0; n < due.size(); ++n) {
    auto cut = codec::DecodeDueValue(std::string_view(due).substr(0, n));
    ASSERT_FALSE(cut.ok()) << "cut at " << n;
    EXPECT_EQ(cut.status().code(), Status::Code::kCorruption);
  }
  ExpectCorruption(codec::DecodeDayValue(day + "z").status(), "1 bytes too many");
  ExpectCorruption(codec::DecodeDueValue(due + "zz").status(), "2 bytes too many");
  ExpectCorruption(codec::DecodeDueValue("\x07").status(), "unknown encoding (tag byte 7)");

  std::string bad_kind = day;
  bad_kind[1] = 9;  // the kind, right after the tag
  ExpectCorruption(codec::DecodeDayValue(bad_kind).status(), "report index entry of unknown kind 9");

  std::string bad_flag = due;
  bad_flag.back() = 2;  // `missed`, last
  ExpectCorruption(codec::DecodeDueValue(bad_flag).status(), "neither 0 nor 1");
}

TEST(CodecTest, MessagesSayWhereTheValueBroke) {
  const std::string event = codec::EncodeEvent(SampleEvent());
  auto cut = codec::DecodeEvent(event.substr(0, 3));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().message(), "event does not decode: it is cut short (at offset 3 of 3 bytes)");
}

}  // namespace
}  // namespace parcours
