// Printing results: human text or one JSON object, on stdout; errors on stderr.
#pragma once

#include <string>
#include <vector>

#include "hints.h"
#include "parcours/engine.h"

namespace parcours::cli {

// `value` as one line of JSON. Never throws: text that is not valid UTF-8
// (which input checks should have refused) is written with U+FFFD in its place.
std::string DumpJson(const Json& value);

class Output {
 public:
  bool json = false;

  // Prints `human` (human mode) or `object` (JSON mode) on stdout.
  void Emit(const Json& object, const std::string& human) const;
  // Prints a failed status on stderr ("parcours: refused: ..." or a JSON error), its
  // references to commands and arguments rendered (RenderHints, hints.h).
  void Error(const Status& status) const;
};

// The process exit code of a status: 0 ok, 2 usage, 3 refused, 4 not found,
// 5 store unavailable, 6 denied, 1 anything else.
int ExitCode(const Status& status);

// Human phrases shared by several commands, from Service results.
// The result's "person_name", or its "person" id when the name was erased.
std::string PersonLabel(const Json& result);
// "Next: position, exit · milestones: interview" from the result's
// "next_transitions" and "next_milestones".
std::string NextLine(const Json& result);
// The text under `key` of `object` ("" when absent or not a text); numbers as digits.
std::string Text(const Json& object, std::string_view key);
// A table with a header row; columns are padded to their widest cell.
// Columns listed in `right_aligned` are right-aligned.
std::string Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& right_aligned = {});
std::string JoinWords(const std::vector<std::string>& words, std::string_view sep = ", ");
// Renders `fields` as "k=v k=v".
std::string FieldsInline(const Json& fields);

}  // namespace parcours::cli
