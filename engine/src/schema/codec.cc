#include "schema/codec.h"

#include <cstdint>
#include <limits>

#include "schema/keys.h"

namespace parcours::codec {
namespace {

// ---- writing ---------------------------------------------------------------------

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutSigned(std::string& out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutText(std::string& out, std::string_view text) {
  PutVarint(out, text.size());
  out.append(text);
}

void PutDate(std::string& out, Date d) { PutSigned(out, d.days()); }

void PutJson(std::string& out, const Json& j) {
  std::string packed;
  Json::to_msgpack(j, packed);
  PutText(out, packed);
}

// ---- reading ---------------------------------------------------------------------

// Reads a value (after its tag byte) front to back; the first failure sticks,
// and every read after it returns an empty result, so that a decoder checks
// once at the end. Offsets in messages count the tag byte.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) {
        Fail("is cut short");
        return 0;
      }
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    Fail("has a number longer than 64 bits");
    return 0;
  }
  int64_t Signed() {
    const uint64_t z = Varint();
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  uint32_t U32(const char* what) {
    const uint64_t v = Varint();
    if (v > std::numeric_limits<uint32_t>::max()) {
      Fail(what);
      return 0;
    }
    return static_cast<uint32_t>(v);
  }
  int Int(const char* what) {
    const int64_t v = Signed();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      Fail(what);
      return 0;
    }
    return static_cast<int>(v);
  }
  std::string_view Bytes() {
    const uint64_t n = Varint();
    if (n > bytes_.size() - pos_) {
      Fail("is cut short");
      return {};
    }
    const std::string_view v = bytes_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::string Text() { return std::string(Bytes()); }
  Date DateValue() {
    const int64_t days = Signed();
    if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
      Fail("has a date out of range");
      return Date();
    }
    return Date::FromDays(static_cast<int32_t>(days));
  }
  bool Flag() {
    const uint64_t v = Varint();
    if (v > 1) Fail("has a flag that is neither 0 nor 1");
    return v == 1;
  }
  // A MessagePack object (workflow fields, engine data, attributes).
  Json Object(const char* what) {
    const std::string_view packed = Bytes();
    if (!error_.empty()) return Json::object();
    Json j = Json::from_msgpack(packed.begin(), packed.end(), /*strict=*/true, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      Fail(what);
      return Json::object();
    }
    return j;
  }

  // Ok when every read succeeded and the value was read to its end.
  Status Finish(const std::string& what) {
    if (error_.empty() && pos_ != bytes_.size()) {
      error_ = "has " + std::to_string(bytes_.size() - pos_) + " bytes too many";
      failed_at_ = pos_;
    }
    if (error_.empty()) return Status::Ok();
    return Status::Corruption(what + " does not decode: it " + error_ + " (at offset " +
                              std::to_string(failed_at_ + 1) + " of " + std::to_string(bytes_.size() + 1) +
                              " bytes)");
  }

 private:
  void Fail(const char* why) {
    if (error_.empty()) {
      error_ = why;
      failed_at_ = pos_;
    }
    pos_ = bytes_.size();
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::size_t failed_at_ = 0;
  std::string error_;
};

constexpr uint64_t kKinds = 7;  // EventKind's values, kEnroll to kNote

Result<Json> ParseJsonText(std::string_view bytes, const std::string& what) {
  try {
    return Json::parse(bytes);
  } catch (const Json::exception& ex) {
    return Status::Corruption(what + " does not decode: " + ex.what());
  }
}

Status UnknownTag(std::string_view bytes, const std::string& what) {
  if (bytes.empty()) return Status::Corruption(what + " is empty");
  return Status::Corruption(what + " has an unknown encoding (tag byte " +
                            std::to_string(static_cast<uint8_t>(bytes.front())) +
                            "): it may have been written by a newer parcours");
}

}  // namespace

std::string EncodeEvent(const Event& e) {
  std::string out;
  out.reserve(96 + e.action.size() + e.from.size() + e.to.size());
  out.push_back(kBinaryV1Tag);
  PutVarint(out, static_cast<uint64_t>(e.kind));
  PutVarint(out, e.seq);
  PutText(out, e.pathway);
  PutText(out, e.action);
  PutText(out, e.from);
  PutText(out, e.to);
  PutDate(out, e.date);
  PutText(out, e.recorded);
  PutText(out, e.actor);
  PutJson(out, e.fields);
  PutJson(out, e.data);
  return out;
}

Result<Event> DecodeEvent(std::string_view bytes) {
  if (IsJsonValue(bytes)) {
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseJsonText(bytes, "event"));
    return Event::FromJson(j);
  }
  if (bytes.empty() || bytes.front() != kBinaryV1Tag) return UnknownTag(bytes, "event");
  Reader r(bytes.substr(1));
  Event e;
  const uint64_t kind = r.Varint();
  e.kind = kind < kKinds ? static_cast<EventKind>(kind) : EventKind::kEnroll;
  e.seq = r.U32("has a sequence number out of range");
  e.pathway = r.Text();
  e.action = r.Text();
  e.from = r.Text();
  e.to = r.Text();
  e.date = r.DateValue();
  e.recorded = r.Text();
  e.actor = r.Text();
  e.fields = r.Object("has fields that are not an object");
  e.data = r.Object("has data that are not an object");
  PARCOURS_RETURN_IF_ERROR(r.Finish("event"));
  if (kind >= kKinds) return Status::Corruption("event of unknown kind " + std::to_string(kind));
  return e;
}

std::string EncodeState(const PathwayState& s) {
  std::string out;
  out.reserve(160);
  out.push_back(kBinaryV1Tag);
  PutText(out, s.id);
  PutText(out, s.person);
  PutText(out, s.programme);
  PutSigned(out, s.version);
  PutText(out, s.step);
  PutVarint(out, s.exited ? 1 : 0);
  PutText(out, s.referent);
  PutDate(out, s.enrolled);
  PutDate(out, s.step_since);
  PutDate(out, s.last_event);
  PutVarint(out, s.last_seq);
  PutText(out, s.created);
  PutVarint(out, s.ordinal);
  PutJson(out, s.entry);
  PutVarint(out, s.deadlines.size());
  for (const auto& [id, d] : s.deadlines) {
    PutText(out, id);
    PutDate(out, d.due);
    PutVarint(out, d.missed ? 1 : 0);
  }
  return out;
}

Result<PathwayState> DecodeState(std::string_view bytes) {
  if (IsJsonValue(bytes)) {
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseJsonText(bytes, "pathway state"));
    return PathwayState::FromJson(j);
  }
  if (bytes.empty() || bytes.front() != kBinaryV1Tag) return UnknownTag(bytes, "pathway state");
  Reader r(bytes.substr(1));
  PathwayState s;
  s.id = r.Text();
  s.person = r.Text();
  s.programme = r.Text();
  s.version = r.Int("has a workflow version out of range");
  s.step = r.Text();
  s.exited = r.Flag();
  s.referent = r.Text();
  s.enrolled = r.DateValue();
  s.step_since = r.DateValue();
  s.last_event = r.DateValue();
  s.last_seq = r.U32("has a sequence number out of range");
  s.created = r.Text();
  s.ordinal = r.U32("has an ordinal out of range");
  s.entry = r.Object("has attributes at entry that are not an object");
  const uint64_t open = r.Varint();
  // Each deadline takes at least 3 bytes: a count beyond what is left is a
  // corrupt value, not a reason to loop.
  if (open > bytes.size()) return Status::Corruption("pathway state does not decode: it counts too many deadlines");
  for (uint64_t i = 0; i < open; ++i) {
    std::string id = r.Text();
    OpenDeadline d;
    d.due = r.DateValue();
    d.missed = r.Flag();
    s.deadlines.emplace(std::move(id), d);
  }
  PARCOURS_RETURN_IF_ERROR(r.Finish("pathway state"));
  return s;
}

std::string EncodeDayValue(const DayValue& v) {
  std::string out;
  out.reserve(48 + v.action.size() + v.from.size() + v.to.size());
  out.push_back(kBinaryV1Tag);
  PutVarint(out, static_cast<uint64_t>(v.kind));
  PutText(out, v.action);
  PutText(out, v.from);
  PutText(out, v.to);
  PutVarint(out, v.exit ? 1 : 0);
  PutJson(out, v.fields);
  return out;
}

Result<DayValue> DecodeDayValue(std::string_view bytes) {
  const std::string what = "report index entry";
  if (IsJsonValue(bytes)) {
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseJsonText(bytes, what));
    try {
      DayValue v;
      auto kind = ParseEventKind(j.at("kind").get<std::string>());
      if (!kind) return Status::Corruption(what + " of unknown kind " + j.at("kind").dump());
      v.kind = *kind;
      v.action = j.at("action").get<std::string>();
      v.from = j.value("from", std::string());
      v.to = j.value("to", std::string());
      v.exit = j.at("exit").get<bool>();
      v.fields = j.at("fields");
      if (!v.fields.is_object()) return Status::Corruption(what + " has fields that are not an object");
      return v;
    } catch (const Json::exception& ex) {
      return Status::Corruption(what + " does not decode: " + ex.what());
    }
  }
  if (bytes.empty() || bytes.front() != kBinaryV1Tag) return UnknownTag(bytes, what);
  Reader r(bytes.substr(1));
  DayValue v;
  const uint64_t kind = r.Varint();
  v.kind = kind < kKinds ? static_cast<EventKind>(kind) : EventKind::kEnroll;
  v.action = r.Text();
  v.from = r.Text();
  v.to = r.Text();
  v.exit = r.Flag();
  v.fields = r.Object("has fields that are not an object");
  PARCOURS_RETURN_IF_ERROR(r.Finish(what));
  if (kind >= kKinds) return Status::Corruption(what + " of unknown kind " + std::to_string(kind));
  return v;
}

std::string EncodeDueValue(const DueValue& v) {
  std::string out;
  out.reserve(8 + v.programme.size() + v.referent.size());
  out.push_back(kBinaryV1Tag);
  PutText(out, v.programme);
  PutText(out, v.referent);
  PutVarint(out, v.missed ? 1 : 0);
  return out;
}

Result<DueValue> DecodeDueValue(std::string_view bytes) {
  const std::string what = "due index entry";
  if (IsJsonValue(bytes)) {
    PARCOURS_ASSIGN_OR_RETURN(Json j, ParseJsonText(bytes, what));
    try {
      return DueValue{j.at("programme").get<std::string>(), j.at("referent").get<std::string>(),
                      j.at("missed").get<bool>()};
    } catch (const Json::exception& ex) {
      return Status::Corruption(what + " does not decode: " + ex.what());
    }
  }
  if (bytes.empty() || bytes.front() != kBinaryV1Tag) return UnknownTag(bytes, what);
  Reader r(bytes.substr(1));
  DueValue v;
  v.programme = r.Text();
  v.referent = r.Text();
  v.missed = r.Flag();
  PARCOURS_RETURN_IF_ERROR(r.Finish(what));
  return v;
}

namespace {

// Which records `key` in `domain` holds, for the functions below.
enum class Record { kState, kEvent, kDay, kDue, kOther };
Record RecordOf(Domain domain, std::string_view key) {
  if (domain == Domain::kPathways) return Record::kState;
  if (domain == Domain::kEvents) return Record::kEvent;
  if (domain != Domain::kIndexes) return Record::kOther;
  if (key.starts_with(keys::DayPrefix())) return Record::kDay;
  if (key.starts_with(keys::DuePrefix())) return Record::kDue;
  return Record::kOther;
}

}  // namespace

Result<std::optional<std::string>> FormatTwoValue(Domain domain, std::string_view key, std::string_view value) {
  switch (RecordOf(domain, key)) {
    case Record::kState: {
      PARCOURS_ASSIGN_OR_RETURN(PathwayState state, DecodeState(value));
      return std::optional(EncodeState(state));
    }
    case Record::kEvent: {
      PARCOURS_ASSIGN_OR_RETURN(Event event, DecodeEvent(value));
      return std::optional(EncodeEvent(event));
    }
    case Record::kDay: {
      PARCOURS_ASSIGN_OR_RETURN(DayValue day, DecodeDayValue(value));
      return std::optional(EncodeDayValue(day));
    }
    case Record::kDue: {
      PARCOURS_ASSIGN_OR_RETURN(DueValue due, DecodeDueValue(value));
      return std::optional(EncodeDueValue(due));
    }
    case Record::kOther: break;
  }
  return std::optional<std::string>();
}

Result<std::optional<std::string>> FormatOneValue(Domain domain, std::string_view key, std::string_view value) {
  switch (RecordOf(domain, key)) {
    case Record::kState: {
      PARCOURS_ASSIGN_OR_RETURN(PathwayState state, DecodeState(value));
      return std::optional(state.ToJson().dump());
    }
    case Record::kEvent: {
      PARCOURS_ASSIGN_OR_RETURN(Event event, DecodeEvent(value));
      return std::optional(event.ToJson().dump());
    }
    case Record::kDay: {
      PARCOURS_ASSIGN_OR_RETURN(DayValue v, DecodeDayValue(value));
      return std::optional(Json{{"action", v.action}, {"kind", EventKindName(v.kind)}, {"from", v.from},
                                {"to", v.to},         {"exit", v.exit},                {"fields", v.fields}}
                               .dump());
    }
    case Record::kDue: {
      PARCOURS_ASSIGN_OR_RETURN(DueValue v, DecodeDueValue(value));
      return std::optional(
          Json{{"programme", v.programme}, {"referent", v.referent}, {"missed", v.missed}}.dump());
    }
    case Record::kOther: break;
  }
  return std::optional<std::string>();
}

}  // namespace parcours::codec
