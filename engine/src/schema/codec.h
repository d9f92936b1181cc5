// How events, pathway states and the values of report and due index entries
// are stored: a compact, versioned binary encoding (docs/architecture.md,
// "Value encoding").
//
// A stored value starts with a tag byte that names its encoding:
//   '{'   JSON text, as written by stores of format version 1 (read only);
//   0x01  binary, version 1 (written since format version 2).
// The binary encoding writes each field in a fixed order: unsigned integers
// as LEB128 varints, dates as zigzag varints of days since 1970-01-01, texts
// as a varint length then their bytes, and the free-form parts (workflow
// fields, engine data, attributes at entry) as MessagePack behind a varint
// length. A decoder refuses any other tag, a value cut short and trailing
// bytes, as corruption: it never reads past the value it is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parcours/event.h"
#include "parcours/status.h"
#include "parcours/store.h"
#include "schema/indexes.h"

namespace parcours::codec {

inline constexpr char kJsonTag = '{';
inline constexpr char kBinaryV1Tag = 0x01;

std::string EncodeEvent(const Event& event);
Result<Event> DecodeEvent(std::string_view bytes);

std::string EncodeState(const PathwayState& state);
Result<PathwayState> DecodeState(std::string_view bytes);

// The values of report and due index entries (schema/indexes.h).
std::string EncodeDayValue(const DayValue& value);
Result<DayValue> DecodeDayValue(std::string_view bytes);
std::string EncodeDueValue(const DueValue& value);
Result<DueValue> DecodeDueValue(std::string_view bytes);

// The stored value `value` of `key` in `domain` in each store format: a
// state, an event, a report or due index entry decoded (from either format)
// and encoded as format 2 writes it (the migration) or as format 1 wrote it,
// JSON text (the tests and benchmarks that build a format-1 store). nullopt:
// a value both formats write alike; an error: a value that does not decode.
Result<std::optional<std::string>> FormatTwoValue(Domain domain, std::string_view key, std::string_view value);
Result<std::optional<std::string>> FormatOneValue(Domain domain, std::string_view key, std::string_view value);

// True when `bytes` is in the JSON text of format version 1 (a store being
// migrated holds both encodings until its migration ends).
inline bool IsJsonValue(std::string_view bytes) { return !bytes.empty() && bytes.front() == kJsonTag; }

}  // namespace parcours::codec
