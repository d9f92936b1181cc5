// Key layout of the store (docs/architecture.md describes it).
//
// Keys are strings; parts are separated by '\0', which no id, name or date
// contains. Numbers are zero-padded so that key order is numeric order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace parcours::keys {

inline std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (auto p : parts) {
    if (!first) out += '\0';
    out += p;
    first = false;
  }
  return out;
}

inline std::string Seq(uint32_t seq) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010u", seq);
  return buf;
}

inline std::string Version(int version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", version);
  return buf;
}

// events: <pathway> \0 <seq>
inline std::string Event(std::string_view pathway, uint32_t seq) {
  return Join({pathway, Seq(seq)});
}
inline std::string EventPrefix(std::string_view pathway) { return Join({pathway, ""}); }

// programmes: def \0 <id> \0 <version> -> definition; head \0 <id> -> latest version
inline std::string ProgrammeDef(std::string_view id, int version) {
  return Join({"def", id, Version(version)});
}
inline std::string ProgrammeHead(std::string_view id) { return Join({"head", id}); }
inline std::string ProgrammeHeadPrefix() { return Join({"head", ""}); }

// indexes
// name \0 <folded name> \0 <birth> \0 <person>: probable duplicates
inline std::string NameBirth(std::string_view folded, std::string_view birth, std::string_view person) {
  return Join({"name", folded, birth, person});
}
inline std::string NameBirthPrefix(std::string_view folded, std::string_view birth) {
  return Join({"name", folded, birth, ""});
}
// tok \0 <name word> \0 <person> -> the folded name: name search (stores
// written before format 2 have empty values: the person is read instead)
inline std::string NameToken(std::string_view token, std::string_view person) {
  return Join({"tok", token, person});
}
inline std::string NameTokenPrefix(std::string_view token_prefix) {
  return Join({"tok", ""}) + std::string(token_prefix);
}
// active \0 <person> \0 <programme> -> pathway: at most one active per programme
inline std::string ActiveOf(std::string_view person, std::string_view programme) {
  return Join({"active", person, programme});
}
// person_pw \0 <person> \0 <enrolled> \0 <ordinal> \0 <pathway>: a person's
// pathways, oldest first (same-day enrolments in the order they were recorded)
inline std::string PersonPathway(std::string_view person, std::string_view enrolled, uint32_t ordinal,
                                 std::string_view pathway) {
  return Join({"person_pw", person, enrolled, Seq(ordinal), pathway});
}
inline std::string PersonPathwayPrefix(std::string_view person) {
  return Join({"person_pw", person, ""});
}
// open \0 <programme> \0 <pathway>: active pathways per programme
inline std::string Open(std::string_view programme, std::string_view pathway) {
  return Join({"open", programme, pathway});
}
inline std::string OpenPrefix(std::string_view programme) {
  return programme.empty() ? Join({"open", ""}) : Join({"open", programme, ""});
}
// referent \0 <referent> \0 <pathway>: active pathways per referent
inline std::string Referent(std::string_view referent, std::string_view pathway) {
  return Join({"referent", referent, pathway});
}
inline std::string ReferentPrefix(std::string_view referent) {
  return Join({"referent", referent, ""});
}
// day \0 <programme> \0 <date> \0 <pathway> \0 <seq> -> DayValue (schema/indexes.h):
// effective events by programme and effective date, for reports
inline std::string Day(std::string_view programme, std::string_view date, std::string_view pathway,
                       uint32_t seq) {
  return Join({"day", programme, date, pathway, Seq(seq)});
}
inline std::string DayPrefix(std::string_view programme) { return Join({"day", programme, ""}); }
inline std::string DayPrefix() { return Join({"day", ""}); }  // every programme's

// meta: user \0 <name> -> {name, role, token_sha256, created, created_by,
// revoked, revoked_by}; token \0 <sha256 hex of a token> -> user name
inline std::string User(std::string_view name) { return Join({"user", name}); }
inline std::string UserPrefix() { return Join({"user", ""}); }
inline std::string Token(std::string_view sha256_hex) { return Join({"token", sha256_hex}); }

// due \0 <due date> \0 <pathway> \0 <deadline> -> DueValue (schema/indexes.h):
// open deadlines by due date, not yet recorded as missed (those of a store of
// format 2 or older: all of them)
inline std::string Due(std::string_view due, std::string_view pathway, std::string_view deadline) {
  return Join({"due", due, pathway, deadline});
}
inline std::string DuePrefix() { return Join({"due", ""}); }
// due_missed \0 <due date> \0 <pathway> \0 <deadline> -> DueValue: the open
// deadlines recorded as missed (from format 3), apart, so that the writer
// looking for passed deadlines reads only those it has to record
inline std::string DueMissed(std::string_view due, std::string_view pathway, std::string_view deadline) {
  return Join({"due_missed", due, pathway, deadline});
}
inline std::string DueMissedPrefix() { return Join({"due_missed", ""}); }
// due_ref \0 <referent> \0 <due date> \0 <pathway> \0 <deadline> -> DueValue:
// the same entries by referent (from format 3), for `due` of one caseload
inline std::string DueOfReferent(std::string_view referent, std::string_view due, std::string_view pathway,
                                 std::string_view deadline) {
  return Join({"due_ref", referent, due, pathway, deadline});
}
inline std::string DueOfReferentPrefix(std::string_view referent) { return Join({"due_ref", referent, ""}); }

// meta: import \0 <SHA-256 of a file> -> how far its import went (core/import.cc)
inline std::string ImportCheckpoint(std::string_view sha256_hex) { return Join({"import", sha256_hex}); }
// import_key \0 <person|pathway> \0 <key> -> the id an import gave the
// person or pathway a file called by its own key
inline std::string ImportKey(std::string_view kind, std::string_view key) {
  return Join({"import_key", kind, key});
}

// The commit log: every committed pathway event, numbered in commit order.
// indexes: log \0 <20-digit number> -> the event's key; meta: log_head -> the
// last number; meta: cursor \0 <subscriber> -> the last number it handled.
inline std::string LogNumber(uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(n));
  return buf;
}
inline bool ParseLogNumber(std::string_view text, uint64_t& n) {
  if (text.empty() || text.size() > 20) return false;
  n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}
inline std::string Log(uint64_t n) { return Join({"log", LogNumber(n)}); }
inline std::string LogPrefix() { return Join({"log", ""}); }
inline std::string LogEnd() { return std::string("log") + '\x01'; }  // just after every log key
inline std::string LogHead() { return "log_head"; }
// Set while a migration runs (core/migrate.cc): the backup's path. (Named
// after the first migration, which re-encoded values.)
inline std::string Migrating() { return "reencode"; }
inline std::string Cursor(std::string_view subscriber) { return Join({"cursor", subscriber}); }

// meta: request ids of write commands (idempotency)
// req \0 <request id> -> {command, recorded, result}
inline std::string Request(std::string_view id) { return Join({"req", id}); }
// req_on \0 <YYYY-MM-DD> \0 <request id>: when it was recorded, to forget old ones
inline std::string RequestOn(std::string_view day, std::string_view id) { return Join({"req_on", day, id}); }
inline std::string RequestOnPrefix() { return Join({"req_on", ""}); }

}  // namespace parcours::keys
