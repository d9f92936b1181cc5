// Conditions: the message helpers the parser and the evaluator share, and
// the Expression accessors. The lexer is in lexer.cc, the parser in
// parser.cc, the evaluator in evaluator.cc and the values in value.cc; what
// they share is declared in syntax.h.
#include "parcours/expression.h"

#include "rules/syntax.h"

namespace parcours::rules {

namespace internal {

// ---------------------------------------------------------------------------
// Messages

std::string Displayed(std::string_view source) {
  std::string out(source);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::size_t ColumnOf(std::string_view source, std::size_t pos) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < pos && i < source.size(); ++i) {
    if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) ++column;
  }
  return column + (pos > source.size() ? pos - source.size() : 0);
}

Status ErrorAt(std::string_view source, std::size_t pos, const std::string& what) {
  return Status::Refused("condition \"" + Displayed(source) + "\": column " +
                         std::to_string(ColumnOf(source, pos)) + ": " + what);
}

std::string WithArticle(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return "null";
    case Value::Type::kInteger: return "an integer";
    default: return std::string("a ") + v.type_name();
  }
}

}  // namespace internal

const std::string& Expression::source() const { return program_->source; }

const std::vector<std::string>& Expression::Identifiers() const { return program_->identifiers; }

}  // namespace parcours::rules
