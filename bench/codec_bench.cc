// The stored encoding of events and pathway states: what the command path
// pays to decode a state and encode it with a new event, in the binary
// encoding (schema/codec.h) next to the JSON text of format 1, in the same run.
//
//   build/bin/parcours_bench --benchmark_filter=Codec --benchmark_min_time=1
//
// Each iteration does what a `record` does with them: decode the stored
// state, then encode the new state and the new event. Bytes per value are
// reported as counters.
#include <benchmark/benchmark.h>

#include "schema/codec.h"

namespace parcours {
namespace {

// A pathway and an event as the insertion programme makes them.
PathwayState SampleState() {
  PathwayState s;
  s.id = "W-3F8Q4";
  s.person = "P-7K2M9";
  s.programme = "insertion";
  s.version = 1;
  s.step = "positioning";
  s.referent = "lea.moreau";
  s.enrolled = *Date::ParseIso("2026-09-01");
  s.step_since = *Date::ParseIso("2026-09-08");
  s.last_event = *Date::ParseIso("2026-11-20");
  s.last_seq = 6;
  s.created = "2026-09-01T09:12:44.120Z";
  s.ordinal = 1;
  s.entry = Json{{"sex", "F"},
                 {"age", 35},
                 {"attrs", {{"education", "3"}, {"rsa", "yes"}, {"qpv", "no"}}},
                 {"fields", {{"prescriber", "france_travail"}}}};
  s.deadlines["positioning"] = OpenDeadline{*Date::ParseIso("2026-10-01"), false};
  return s;
}

Event SampleEvent() {
  Event e;
  e.pathway = "W-3F8Q4";
  e.seq = 7;
  e.kind = EventKind::kMilestone;
  e.action = "interview";
  e.from = "positioning";
  e.to = "positioning";
  e.date = *Date::ParseIso("2026-11-21");
  e.recorded = "2026-11-21T10:15:02.481Z";
  e.actor = "lea.moreau";
  e.fields = Json{{"mode", "phone"}, {"minutes", 30}};
  return e;
}

// range(0): 0 JSON text (format 1), 1 binary.
void BM_CodecRecordValues(benchmark::State& st) {
  const bool binary = st.range(0) == 1;
  const PathwayState state = SampleState();
  const Event event = SampleEvent();
  const std::string stored = binary ? codec::EncodeState(state) : state.ToJson().dump();
  std::size_t state_bytes = 0, event_bytes = 0;
  for (auto _ : st) {
    auto decoded = codec::DecodeState(stored);
    if (!decoded.ok()) {
      st.SkipWithError(decoded.status().message().c_str());
      break;
    }
    decoded->last_seq += 1;
    const std::string s = binary ? codec::EncodeState(*decoded) : decoded->ToJson().dump();
    const std::string e = binary ? codec::EncodeEvent(event) : event.ToJson().dump();
    state_bytes = s.size();
    event_bytes = e.size();
    benchmark::DoNotOptimize(s.data());
    benchmark::DoNotOptimize(e.data());
  }
  st.SetLabel(binary ? "binary" : "json (format 1)");
  st.counters["state_bytes"] = static_cast<double>(state_bytes);
  st.counters["event_bytes"] = static_cast<double>(event_bytes);
}
BENCHMARK(BM_CodecRecordValues)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace parcours
