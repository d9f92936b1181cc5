#include "output.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "parcours/service.h"

namespace parcours::cli {

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void Output::Emit(const Json& object, const std::string& human) const {
  if (json) {
    std::cout << DumpJson(object) << '\n';
  } else {
    std::cout << human;
    if (!human.empty() && human.back() != '\n') std::cout << '\n';
  }
  std::cout.flush();
}

void Output::Error(const Status& status) const {
  const std::string message = RenderHints(status.message());
  const std::string allowed = RenderHints(status.allowed());
  if (json) {
    Json err{{"error",
              {{"code", status.code_name()},
               {"message", message},
               {"allowed", allowed},
               {"exit", ExitCode(status)}}}};
    std::cerr << DumpJson(err) << '\n';
    return;
  }
  std::cerr << "parcours: " << status.code_name() << ": " << message;
  if (!message.empty() && message.back() != '.' && message.back() != ':') std::cerr << '.';
  std::cerr << '\n';
  if (!allowed.empty()) std::cerr << allowed << '\n';
}

int ExitCode(const Status& status) { return StatusExitCode(status); }

std::string Text(const Json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : DumpJson(*it);
}

std::string PersonLabel(const Json& result) {
  const std::string name = Text(result, "person_name");
  return name.empty() ? Text(result, "person") : name;
}

namespace {

std::vector<std::string> Words(const Json& result, const char* key) {
  std::vector<std::string> out;
  if (auto it = result.find(key); it != result.end() && it->is_array())
    for (const auto& w : *it) out.push_back(w.is_string() ? w.get<std::string>() : DumpJson(w));
  return out;
}

}  // namespace

std::string JoinWords(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

std::string NextLine(const Json& result) {
  const auto transitions = Words(result, "next_transitions");
  const auto milestones = Words(result, "next_milestones");
  std::string out = transitions.empty() ? "Pathway closed" : "Next: " + JoinWords(transitions);
  if (!milestones.empty()) out += " · milestones: " + JoinWords(milestones);
  return out;
}

std::string FieldsInline(const Json& fields) {
  std::string out;
  for (const auto& [k, v] : fields.items()) {
    if (!out.empty()) out += ' ';
    out += k + "=" + (v.is_string() ? v.get<std::string>() : DumpJson(v));
  }
  return out;
}

namespace {

// Display width of UTF-8 text: code points (good enough for Latin names).
std::size_t Width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_aligned) {
  std::vector<std::size_t> widths(header.size(), 0);
  for (std::size_t c = 0; c < header.size(); ++c) widths[c] = Width(header[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));

  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::size_t pad = c < widths.size() ? widths[c] - std::min(widths[c], Width(cells[c])) : 0;
      const bool right = c < right_aligned.size() && right_aligned[c];
      if (c > 0) text += "  ";
      if (right) text += std::string(pad, ' ') + cells[c];
      else text += cells[c] + (c + 1 < cells.size() ? std::string(pad, ' ') : "");
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + '\n';
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace parcours::cli
