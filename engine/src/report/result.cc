// Rendering a declarative report's result: JSON, CSV and a table (docs/reports.md, "Formats").
#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include "parcours/report.h"

namespace parcours {
namespace {

// `listed` first in their order, then the other `found` values in key order.
std::vector<std::string> Ordered(const std::vector<std::string>& listed, const std::set<std::string>& found) {
  std::vector<std::string> out = listed;
  for (const auto& v : found)
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  return out;
}

std::string Tenths(int64_t tenths) {
  const bool negative = tenths < 0;
  const int64_t a = negative ? -tenths : tenths;
  return (negative ? "-" : "") + std::to_string(a / 10) + "." + std::to_string(a % 10);
}

int64_t ByCount(const ReportFigures& f, const std::string& id, const std::string& value) {
  auto it = f.by.find(id);
  if (it == f.by.end()) return 0;
  auto v = it->second.find(value);
  return v == it->second.end() ? 0 : v->second;
}

std::optional<int64_t> Number(const ReportFigures& f, const std::string& id) {
  auto it = f.numbers.find(id);
  return it == f.numbers.end() ? std::nullopt : it->second;
}

Json SetJson(const ReportFigures& f, const std::vector<ReportIndicatorInfo>& indicators) {
  Json j = Json::object();
  for (const auto& ind : indicators) {
    if (ind.kind == IndicatorKind::kBy) {
      auto it = f.by.find(ind.id);
      j[ind.id] = it == f.by.end() ? Json::object() : Json(it->second);
    } else if (ind.kind == IndicatorKind::kRate) {
      const auto v = Number(f, ind.id);
      j[ind.id] = v ? Json(static_cast<double>(*v) / 10.0) : Json(nullptr);
    } else {
      j[ind.id] = Number(f, ind.id).value_or(0);
    }
  }
  return j;
}

// One cell of a figure set: how an indicator (or a `by` value) shows in CSV and tables.
struct Cell {
  std::optional<int64_t> value;  // nullopt: no value (a rate over 0)
  bool rate = false;
};

// A report's rows: one per scalar indicator, and per value of each `by` indicator.
struct Row {
  const ReportIndicatorInfo* indicator;
  std::string value;   // by: the value; empty otherwise
  bool header = false;  // by: the line naming the indicator, without figures
};

class Layout {
 public:
  explicit Layout(const ReportResult& r) : r_(r) {
    for (const auto& ind : r.indicators) {
      if (ind.kind != IndicatorKind::kBy) {
        rows_.push_back({&ind, "", false});
        continue;
      }
      std::set<std::string> found;
      auto collect = [&](const ReportFigures& f) {
        auto it = f.by.find(ind.id);
        if (it != f.by.end())
          for (const auto& [v, n] : it->second) found.insert(v);
      };
      collect(r.totals);
      if (r.compare_previous) collect(r.previous);
      for (const auto& [dimension, groups] : r.breakdowns)
        for (const auto& [value, f] : groups) collect(f);
      rows_.push_back({&ind, "", true});
      for (const auto& v : Ordered(ind.listed_values, found)) rows_.push_back({&ind, v, false});
    }
  }

  const std::vector<Row>& rows() const { return rows_; }

  // The values of `dimension` in display order.
  std::vector<std::string> Values(const std::string& dimension) const {
    std::set<std::string> found;
    auto it = r_.breakdowns.find(dimension);
    if (it != r_.breakdowns.end())
      for (const auto& [value, f] : it->second) found.insert(value);
    auto listed = r_.dimension_values.find(dimension);
    return Ordered(listed == r_.dimension_values.end() ? std::vector<std::string>{} : listed->second, found);
  }

  const ReportFigures* Group(const std::string& dimension, const std::string& value) const {
    auto it = r_.breakdowns.find(dimension);
    if (it == r_.breakdowns.end()) return nullptr;
    auto g = it->second.find(value);
    return g == it->second.end() ? nullptr : &g->second;
  }

  static Cell Of(const ReportFigures* f, const Row& row) {
    Cell c;
    c.rate = row.indicator->kind == IndicatorKind::kRate;
    if (!f) {
      if (!c.rate) c.value = 0;
      return c;
    }
    if (row.indicator->kind == IndicatorKind::kBy) {
      c.value = ByCount(*f, row.indicator->id, row.value);
    } else {
      c.value = Number(*f, row.indicator->id);
      if (!c.rate && !c.value) c.value = 0;
    }
    return c;
  }

  // current - previous; no value when either has none.
  static Cell Change(const Cell& current, const Cell& previous) {
    Cell c;
    c.rate = current.rate;
    if (current.value && previous.value) c.value = *current.value - *previous.value;
    return c;
  }

 private:
  const ReportResult& r_;
  std::vector<Row> rows_;
};

std::string CsvText(const Cell& c) {
  if (!c.value) return "";
  return c.rate ? Tenths(*c.value) : std::to_string(*c.value);
}

std::string TableText(const Cell& c, bool signed_change) {
  if (!c.value) return "-";
  std::string text = c.rate ? Tenths(*c.value) : std::to_string(*c.value);
  if (signed_change && *c.value > 0) text = "+" + text;
  if (c.rate && !signed_change) text += "%";
  return text;
}

// Characters on screen: UTF-8 code points (labels may be French).
std::size_t Width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
std::string PadRight(const std::string& s, std::size_t width) {
  return Width(s) >= width ? s : s + std::string(width - Width(s), ' ');
}
std::string PadLeft(const std::string& s, std::size_t width) {
  return Width(s) >= width ? s : std::string(width - Width(s), ' ') + s;
}

}  // namespace

Json ReportResult::ToJson() const {
  Json breakdown_json = Json::object();
  for (const auto& dimension : dimensions) {
    Json g = Json::object();
    auto it = breakdowns.find(dimension);
    if (it != breakdowns.end())
      for (const auto& [value, set] : it->second) g[value] = SetJson(set, indicators);
    breakdown_json[dimension] = g;
  }
  Json j{{"report", report},
         {"label", label},
         {"programme", programme},
         {"from", from.iso()},
         {"to", to.iso()},
         {"indicators", SetJson(totals, indicators)},
         {"breakdowns", breakdown_json}};
  if (compare_previous) {
    j["previous"] = Json{{"from", previous_from.iso()}, {"to", previous_to.iso()},
                         {"indicators", SetJson(previous, indicators)}};
    Json change = Json::object();
    for (const auto& ind : indicators) {
      if (ind.kind == IndicatorKind::kBy) {
        std::set<std::string> values;
        for (const auto* f : {&totals, &previous}) {
          auto it = f->by.find(ind.id);
          if (it != f->by.end())
            for (const auto& [v, n] : it->second) values.insert(v);
        }
        Json by = Json::object();
        for (const auto& v : values) by[v] = ByCount(totals, ind.id, v) - ByCount(previous, ind.id, v);
        change[ind.id] = by;
      } else {
        const auto now = Number(totals, ind.id);
        const auto before = Number(previous, ind.id);
        if (ind.kind == IndicatorKind::kRate) {
          change[ind.id] = now && before ? Json(static_cast<double>(*now - *before) / 10.0) : Json(nullptr);
        } else {
          change[ind.id] = now.value_or(0) - before.value_or(0);
        }
      }
    }
    j["change"] = change;
  }
  return j;
}

std::string ReportResult::ToCsv() const {
  const Layout layout(*this);
  std::ostringstream out;
  out << "group,value";
  for (const auto& row : layout.rows()) {
    if (row.header) continue;
    out << ',' << row.indicator->id;
    if (!row.value.empty()) out << '.' << row.value;
  }
  out << '\n';
  auto line = [&](const std::string& group, const std::string& value, auto cell_of) {
    out << group << ',' << value;
    for (const auto& row : layout.rows())
      if (!row.header) out << ',' << CsvText(cell_of(row));
    out << '\n';
  };
  line("all", "all", [&](const Row& row) { return Layout::Of(&totals, row); });
  if (compare_previous) {
    line("previous", previous_from.iso() + "/" + previous_to.iso(),
         [&](const Row& row) { return Layout::Of(&previous, row); });
    line("change", "all", [&](const Row& row) {
      return Layout::Change(Layout::Of(&totals, row), Layout::Of(&previous, row));
    });
  }
  for (const auto& dimension : dimensions)
    for (const auto& value : layout.Values(dimension)) {
      const ReportFigures* f = layout.Group(dimension, value);
      line(dimension, value, [&](const Row& row) { return Layout::Of(f, row); });
    }
  return out.str();
}

std::string ReportResult::ToTable() const {
  const Layout layout(*this);
  std::ostringstream out;
  out << label << ": " << programme << ", " << from.iso() << " to " << to.iso() << "\n";
  if (compare_previous)
    out << "Compared with the previous period: " << previous_from.iso() << " to " << previous_to.iso() << "\n";

  std::vector<std::string> names;
  for (const auto& row : layout.rows())
    names.push_back(row.value.empty() ? row.indicator->label : "  " + row.value);
  std::size_t name_width = std::string("INDICATOR").size();
  for (const auto& n : names) name_width = std::max(name_width, Width(n));
  name_width += 2;

  // A section per dimension; one section without a heading when there is none.
  std::vector<std::string> sections = dimensions;
  if (sections.empty()) sections.push_back("");
  for (const auto& dimension : sections) {
    std::vector<std::string> columns = {"all"};
    std::vector<std::function<Cell(const Row&)>> cells = {[&](const Row& row) { return Layout::Of(&totals, row); }};
    std::vector<bool> signed_change = {false};
    if (compare_previous) {
      columns.push_back("previous");
      cells.push_back([&](const Row& row) { return Layout::Of(&previous, row); });
      signed_change.push_back(false);
      columns.push_back("change");
      cells.push_back([&](const Row& row) {
        return Layout::Change(Layout::Of(&totals, row), Layout::Of(&previous, row));
      });
      signed_change.push_back(true);
    }
    if (!dimension.empty()) {
      for (const auto& value : layout.Values(dimension)) {
        columns.push_back(value);
        const ReportFigures* f = layout.Group(dimension, value);
        cells.push_back([f](const Row& row) { return Layout::Of(f, row); });
        signed_change.push_back(false);
      }
    }
    // Texts first, to size the columns.
    std::vector<std::vector<std::string>> texts(layout.rows().size());
    std::vector<std::size_t> widths;
    for (const auto& c : columns) widths.push_back(std::max<std::size_t>(Width(c), 5));
    for (std::size_t r = 0; r < layout.rows().size(); ++r) {
      const Row& row = layout.rows()[r];
      for (std::size_t c = 0; c < columns.size(); ++c) {
        texts[r].push_back(row.header ? "" : TableText(cells[c](row), signed_change[c]));
        widths[c] = std::max(widths[c], Width(texts[r].back()));
      }
    }
    out << "\n";
    if (!dimension.empty()) out << "By " << dimension << "\n";
    out << PadRight("INDICATOR", name_width);
    for (std::size_t c = 0; c < columns.size(); ++c) out << PadLeft(columns[c], widths[c] + 2);
    out << '\n';
    for (std::size_t r = 0; r < layout.rows().size(); ++r) {
      std::string line = PadRight(names[r], name_width);
      for (std::size_t c = 0; c < columns.size(); ++c) line += PadLeft(texts[r][c], widths[c] + 2);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }
  return out.str();
}

}  // namespace parcours
