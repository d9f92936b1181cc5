#include "suite_table.h"

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench_import.h"

namespace parcours::bench {

std::string Table(const std::vector<Row>& rows) {
  std::string out =
      "| figure | Parcours | reference | ratio | target | met |\n|---|---:|---:|---:|---|---|\n";
  for (const Row& r : rows) {
    out += "| " + r.figure + " | " + r.parcours + " | " + r.reference + " | " + r.ratio + " | " + r.target +
           " | " + r.met + " |\n";
  }
  return out;
}

std::string Format(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string Thousands(double value) {
  std::string digits = Format("%.0f", value), out;
  const std::size_t first = digits[0] == '-' ? 1 : 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > first && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  return s < 60 ? std::to_string(s) + " s" : std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
}

std::string Ms(double seconds) { return Format(seconds < 0.1 ? "%.1f ms" : "%.0f ms", seconds * 1e3); }

std::string Ratio(double parcours, double reference) {
  return reference > 0 ? Format("%.2fx", parcours / reference) : "";
}

std::string Met(bool met) { return met ? "yes" : "**no**"; }

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &local);
  return buf;
}

int Processors() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
}

Marked FindMarkers(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "parcours_suite: cannot read %s (--write)\n", file.c_str());
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  Marked m{s.str()};
  // Where `marker` stands alone on a line, from `from` on.
  auto line = [&](const std::string& marker, std::size_t from) {
    for (std::size_t at = m.text.find(marker, from); at != std::string::npos;
         at = m.text.find(marker, at + 1)) {
      const bool starts = at == 0 || m.text[at - 1] == '\n';
      const std::size_t after = at + marker.size();
      if (starts && (after == m.text.size() || m.text[after] == '\n' || m.text[after] == '\r')) return at;
    }
    return std::string::npos;
  };
  const std::size_t begin = line(kBegin, 0);
  const std::size_t end = begin == std::string::npos ? begin : line(kEnd, begin);
  if (end == std::string::npos) {
    std::fprintf(stderr,
                 "parcours_suite: %s has no line %s followed by a line %s: add them where the table goes\n",
                 file.c_str(), kBegin, kEnd);
    std::exit(2);
  }
  m.from = m.text.find('\n', begin) + 1;
  m.to = end;
  return m;
}

void WriteMarked(const std::string& file, const std::string& block) {
  Marked m = FindMarkers(file);
  m.text.replace(m.from, m.to - m.from, block);
  const std::string temp = file + ".suite-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << m.text;
    if (!out.flush()) Die("cannot write " + temp);
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  if (ec) Die("cannot replace " + file + ": " + ec.message());
}

}  // namespace parcours::bench
