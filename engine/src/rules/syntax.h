// Conditions: lexer, recursive-descent parser and tree-walking evaluator.
//
// The source is tokenised up front; a lexical problem becomes an error token
// the parser reports when it reaches it, so the first error in the text is the
// one reported. The tree is immutable after parsing and evaluation keeps all
// its state on the stack, which makes concurrent evaluation safe. Parser
// recursion is bounded by kMaxConditionDepth and `and`/`or`/`+`/`-` chains are
// n-ary nodes, so the tree's height (and the evaluator's recursion) stays
// bounded too.
//
// This private header holds what the lexer (lexer.cc), the parser (parser.cc)
// and the evaluator (evaluator.cc) share: the tokens, the tree, the function
// table and the message helpers (expression.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parcours/expression.h"

namespace parcours::rules::internal {

// ---------------------------------------------------------------------------
// Value (value.cc)

inline constexpr int kMaxJsonDepth = kMaxConditionDepth;

std::string QuoteString(std::string_view s);
Value FromJsonLenient(const Json& json, int depth);

// ---------------------------------------------------------------------------
// Tree

enum class Function { kDaysBetween, kMonthsBetween, kDate, kPresent, kLower, kLen };

struct FunctionInfo {
  std::string_view name;
  Function function;
  std::size_t arity;
};

inline constexpr FunctionInfo kFunctions[] = {
    {"days_between", Function::kDaysBetween, 2},
    {"months_between", Function::kMonthsBetween, 2},
    {"date", Function::kDate, 1},
    {"present", Function::kPresent, 1},
    {"lower", Function::kLower, 1},
    {"len", Function::kLen, 1},
};
inline constexpr std::string_view kFunctionList =
    "days_between, months_between, date, present, lower, len";

enum class Op {
  kLiteral, kPath, kList, kCall,
  kNot, kNegate, kAnd, kOr, kSum,
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn,
};

struct Node {
  Op op = Op::kLiteral;
  std::size_t pos = 0;              // byte offset of the token naming the node (its operator)
  std::size_t begin = 0;            // byte offset where the node's text starts
  Value literal;                    // kLiteral
  std::vector<std::string> path;    // kPath: segments
  std::string name;                 // kPath: dotted text; kCall: function name
  Function function = Function::kDate;  // kCall
  std::vector<bool> subtract;       // kSum: subtract[i] for children[i], i >= 1
  std::vector<std::size_t> op_pos;  // kSum: byte offset of the operator before children[i]
  std::vector<Node> children;
};

struct Program {
  std::string source;
  Node root;
  std::vector<std::string> identifiers;
};

// ---------------------------------------------------------------------------
// Messages (expression.cc)

// The source as shown inside a message: line breaks and tabs as spaces so the
// column still lines up with what is printed.
std::string Displayed(std::string_view source);

// 1-based column of byte `pos`, counting UTF-8 characters.
std::size_t ColumnOf(std::string_view source, std::size_t pos);

Status ErrorAt(std::string_view source, std::size_t pos, const std::string& what);

// "a string", "an integer"...
std::string WithArticle(const Value& v);

// ---------------------------------------------------------------------------
// Lexer (lexer.cc)

enum class Tok {
  kEnd, kError, kInteger, kString, kName,
  kAnd, kOr, kNot, kIn, kTrue, kFalse, kNull,
  kEq, kNe, kLt, kLe, kGt, kGe, kPlus, kMinus,
  kLParen, kRParen, kLBracket, kRBracket, kComma,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::size_t pos = 0;
  std::string text;  // kName: dotted name; kString: unescaped value; kError: message
  int64_t integer = 0;
};

std::vector<Token> Tokenize(std::string_view s);

}  // namespace parcours::rules::internal
