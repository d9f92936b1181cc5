// Conditions: lexer, recursive-descent parser and tree-walking evaluator.
//
// The source is tokenised up front; a lexical problem becomes an error token
// the parser reports when it reaches it, so the first error in the text is the
// one reported. The tree is immutable after parsing and evaluation keeps all
// its state on the stack, which makes concurrent evaluation safe. Parser
// recursion is bounded by kMaxConditionDepth and `and`/`or`/`+`/`-` chains are
// n-ary nodes, so the tree's height (and the evaluator's recursion) stays
// bounded too.
#include "parcours/expression.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

namespace parcours::rules {

// ---------------------------------------------------------------------------
// Value

namespace {

constexpr int kMaxJsonDepth = kMaxConditionDepth;

// Days since 1970-01-01 of 0001-01-01 and 9999-12-31, the range Date::FromYmd accepts.
constexpr int64_t kMinDateDays = -719162;
constexpr int64_t kMaxDateDays = 2932896;

std::string QuoteString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

Value FromJsonLenient(const Json& json, int depth) {
  switch (json.type()) {
    case Json::value_t::boolean: return Value(json.get<bool>());
    case Json::value_t::number_integer: return Value(json.get<int64_t>());
    case Json::value_t::number_unsigned: {
      const auto u = json.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Value();
      return Value(static_cast<int64_t>(u));
    }
    case Json::value_t::number_float: {
      const double d = json.get<double>();
      if (!std::isfinite(d) || d != std::trunc(d) || d < -9.2e18 || d > 9.2e18) return Value();
      return Value(static_cast<int64_t>(d));
    }
    case Json::value_t::string: return Value(json.get<std::string>());
    case Json::value_t::array: {
      if (depth >= kMaxJsonDepth) return Value();
      Value::List items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(FromJsonLenient(item, depth + 1));
      return Value(std::move(items));
    }
    default: return Value();  // null, object, binary, discarded
  }
}

}  // namespace

const char* Value::type_name() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInteger: return "integer";
    case Type::kString: return "string";
    case Type::kDate: return "date";
    case Type::kList: return "list";
  }
  return "unknown";
}

std::string Value::ToString() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBoolean: return *get_if<bool>() ? "true" : "false";
    case Type::kInteger: return std::to_string(*get_if<int64_t>());
    case Type::kString: return QuoteString(*get_if<std::string>());
    case Type::kDate: return "date('" + get_if<Date>()->iso() + "')";
    case Type::kList: {
      std::string out = "[";
      for (const Value& item : *get_if<List>()) {
        if (out.size() > 1) out += ", ";
        out += item.ToString();
      }
      return out + "]";
    }
  }
  return "null";
}

Value Value::FromJson(const Json& json) {
  try {
    return FromJsonLenient(json, 0);
  } catch (...) {
    return Value();
  }
}

Json Value::ToJson() const {
  switch (type()) {
    case Type::kNull: return nullptr;
    case Type::kBoolean: return *get_if<bool>();
    case Type::kInteger: return *get_if<int64_t>();
    case Type::kString: return *get_if<std::string>();
    case Type::kDate: return get_if<Date>()->iso();
    case Type::kList: {
      Json out = Json::array();
      for (const Value& item : *get_if<List>()) out.push_back(item.ToJson());
      return out;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Tree

namespace {

enum class Function { kDaysBetween, kMonthsBetween, kDate, kPresent, kLower, kLen };

struct FunctionInfo {
  std::string_view name;
  Function function;
  std::size_t arity;
};

constexpr FunctionInfo kFunctions[] = {
    {"days_between", Function::kDaysBetween, 2},
    {"months_between", Function::kMonthsBetween, 2},
    {"date", Function::kDate, 1},
    {"present", Function::kPresent, 1},
    {"lower", Function::kLower, 1},
    {"len", Function::kLen, 1},
};
constexpr std::string_view kFunctionList =
    "days_between, months_between, date, present, lower, len";

enum class Op {
  kLiteral, kPath, kList, kCall,
  kNot, kNegate, kAnd, kOr, kSum,
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn,
};

}  // namespace

namespace internal {

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

}  // namespace internal

namespace {

using internal::Node;
using internal::Program;

// ---------------------------------------------------------------------------
// Messages

// The source as shown inside a message: line breaks and tabs as spaces so the
// column still lines up with what is printed.
std::string Displayed(std::string_view source) {
  std::string out(source);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

// 1-based column of byte `pos`, counting UTF-8 characters.
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

// "a string", "an integer"...
std::string WithArticle(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return "null";
    case Value::Type::kInteger: return "an integer";
    default: return std::string("a ") + v.type_name();
  }
}

// ---------------------------------------------------------------------------
// Lexer

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

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<Tok> Keyword(std::string_view word) {
  if (word == "and") return Tok::kAnd;
  if (word == "or") return Tok::kOr;
  if (word == "not") return Tok::kNot;
  if (word == "in") return Tok::kIn;
  if (word == "true") return Tok::kTrue;
  if (word == "false") return Tok::kFalse;
  if (word == "null") return Tok::kNull;
  return std::nullopt;
}

// The character starting at byte `pos` (a whole UTF-8 sequence), quoted.
std::string QuotedCharAt(std::string_view s, std::size_t pos) {
  std::size_t end = pos + 1;
  while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
  return "'" + std::string(s.substr(pos, end - pos)) + "'";
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto error = [&](std::size_t pos, std::string message) {
    out.push_back({Tok::kError, pos, std::move(message), 0});
  };
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    if (i >= s.size()) {
      out.push_back({Tok::kEnd, s.size(), {}, 0});
      return out;
    }
    const std::size_t start = i;
    const char c = s[i];
    if (IsDigit(c)) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i < s.size() && s[i] == '.' && i + 1 < s.size() && IsDigit(s[i + 1])) {
        error(start, "decimal numbers are not supported; use whole numbers");
        return out;
      }
      if (i < s.size() && IsNameChar(s[i])) {
        std::size_t end = i;
        while (end < s.size() && IsNameChar(s[end])) ++end;
        error(start, "'" + std::string(s.substr(start, end - start)) +
                         "' is neither a number nor a name (a name cannot start with a digit)");
        return out;
      }
      int64_t value = 0;
      for (std::size_t k = start; k < i; ++k) {
        if (__builtin_mul_overflow(value, int64_t{10}, &value) ||
            __builtin_add_overflow(value, int64_t{s[k] - '0'}, &value)) {
          error(start, "the number " + std::string(s.substr(start, i - start)) +
                           " is too large (the largest is 9223372036854775807)");
          return out;
        }
      }
      out.push_back({Tok::kInteger, start, {}, value});
      continue;
    }
    if (IsNameStart(c)) {
      while (true) {
        while (i < s.size() && IsNameChar(s[i])) ++i;
        if (i < s.size() && s[i] == '.') {
          if (i + 1 < s.size() && IsNameStart(s[i + 1])) {
            ++i;
            continue;
          }
          error(i + 1, "expected a name after '.'");
          return out;
        }
        break;
      }
      const std::string_view word = s.substr(start, i - start);
      const std::size_t dot = word.find('.');
      if (auto kw = Keyword(word.substr(0, dot))) {
        if (dot != std::string_view::npos) {
          error(start, "'" + std::string(word.substr(0, dot)) +
                           "' is a keyword and cannot start a variable name");
          return out;
        }
        out.push_back({*kw, start, {}, 0});
      } else {
        out.push_back({Tok::kName, start, std::string(word), 0});
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == c) {
          closed = true;
          ++i;
          break;
        }
        if (s[i] == '\\') {
          if (i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == '\'' || s[i + 1] == '"')) {
            value += s[i + 1];
            i += 2;
            continue;
          }
          error(i, i + 1 < s.size()
                       ? "unknown escape '\\" + std::string(1, s[i + 1]) +
                             "'; a string may only escape \\\\, \\' and \\\""
                       : "unterminated string (it starts at column " +
                             std::to_string(ColumnOf(s, start)) + ")");
          return out;
        }
        value += s[i++];
      }
      if (!closed) {
        error(start, "unterminated string");
        return out;
      }
      out.push_back({Tok::kString, start, std::move(value), 0});
      continue;
    }
    auto two = [&](char second) { return i + 1 < s.size() && s[i + 1] == second; };
    auto push = [&](Tok kind, std::size_t length) {
      out.push_back({kind, start, {}, 0});
      i += length;
    };
    switch (c) {
      case '=':
        if (two('=')) { push(Tok::kEq, 2); continue; }
        error(start, "unexpected '='; use '==' to compare");
        return out;
      case '!':
        if (two('=')) { push(Tok::kNe, 2); continue; }
        error(start, "unexpected '!'; use 'not'");
        return out;
      case '<':
        if (two('=')) { push(Tok::kLe, 2); continue; }
        if (two('>')) { error(start, "unexpected '<>'; use '!='"); return out; }
        push(Tok::kLt, 1);
        continue;
      case '>':
        if (two('=')) { push(Tok::kGe, 2); continue; }
        push(Tok::kGt, 1);
        continue;
      case '+': push(Tok::kPlus, 1); continue;
      case '-': push(Tok::kMinus, 1); continue;
      case '(': push(Tok::kLParen, 1); continue;
      case ')': push(Tok::kRParen, 1); continue;
      case '[': push(Tok::kLBracket, 1); continue;
      case ']': push(Tok::kRBracket, 1); continue;
      case ',': push(Tok::kComma, 1); continue;
      case '&':
        error(start, two('&') ? "unexpected '&&'; use 'and'" : "unexpected '&'");
        return out;
      case '|':
        error(start, two('|') ? "unexpected '||'; use 'or'" : "unexpected '|'");
        return out;
      default:
        error(start, "unexpected character " + QuotedCharAt(s, start));
        return out;
    }
  }
}

// ---------------------------------------------------------------------------
// Parser

const char* TokSpelling(Tok kind) {
  switch (kind) {
    case Tok::kAnd: return "'and'";
    case Tok::kOr: return "'or'";
    case Tok::kNot: return "'not'";
    case Tok::kIn: return "'in'";
    case Tok::kTrue: return "'true'";
    case Tok::kFalse: return "'false'";
    case Tok::kNull: return "'null'";
    case Tok::kEq: return "'=='";
    case Tok::kNe: return "'!='";
    case Tok::kLt: return "'<'";
    case Tok::kLe: return "'<='";
    case Tok::kGt: return "'>'";
    case Tok::kGe: return "'>='";
    case Tok::kPlus: return "'+'";
    case Tok::kMinus: return "'-'";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kComma: return "','";
    default: return "";
  }
}

std::optional<Op> ComparisonOp(Tok kind) {
  switch (kind) {
    case Tok::kEq: return Op::kEq;
    case Tok::kNe: return Op::kNe;
    case Tok::kLt: return Op::kLt;
    case Tok::kLe: return Op::kLe;
    case Tok::kGt: return Op::kGt;
    case Tok::kGe: return Op::kGe;
    case Tok::kIn: return Op::kIn;
    default: return std::nullopt;
  }
}

class Parser {
 public:
  Parser(std::string_view source, std::vector<Token> tokens, std::vector<std::string>* identifiers)
      : source_(source), tokens_(std::move(tokens)), identifiers_(identifiers) {}

  Result<Node> ParseCondition() {
    PARCOURS_ASSIGN_OR_RETURN(Node root, ParseOr());
    if (tok().kind == Tok::kEnd) return root;
    if (tok().kind == Tok::kRParen) return Error("unexpected ')' without a matching '('");
    if (tok().kind == Tok::kNot) {
      return Error("expected 'in' after 'not' (or combine conditions with 'and' / 'or')");
    }
    if (ComparisonOp(tok().kind)) {
      return Error("comparisons cannot be chained; combine them with 'and'");
    }
    return Expected("an operator ('and', 'or', a comparison, '+', '-') or the end");
  }

 private:
  const Token& tok() const { return tokens_[at_]; }
  const Token& peek() const { return tokens_[std::min(at_ + 1, tokens_.size() - 1)]; }
  void Advance() {
    if (tokens_[at_].kind != Tok::kEnd && tokens_[at_].kind != Tok::kError) ++at_;
  }

  Status Error(const std::string& what) const { return ErrorAt(source_, tok().pos, what); }

  std::string Describe(const Token& t) const {
    switch (t.kind) {
      case Tok::kEnd: return "the end of the condition";
      case Tok::kInteger: return "the number " + std::to_string(t.integer);
      case Tok::kString: return "the string " + QuoteString(t.text);
      case Tok::kName: return "'" + t.text + "'";
      default: return TokSpelling(t.kind);
    }
  }

  // "expected <what>, found <current token>"; a lexical error token reports itself.
  Status Expected(const std::string& what) const {
    if (tok().kind == Tok::kError) return Error(tok().text);
    return Error("expected " + what + ", found " + Describe(tok()));
  }

  // One more level of nesting, refused past kMaxConditionDepth.
  class DepthGuard {
   public:
    explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
    ~DepthGuard() { --*depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int* depth_;
  };
  Status CheckDepth() const {
    if (depth_ <= kMaxConditionDepth) return Status::Ok();
    return Error("the condition nests deeper than " + std::to_string(kMaxConditionDepth) +
                 " levels");
  }

  Result<Node> ParseOr() { return ParseChain(Tok::kOr, Op::kOr, &Parser::ParseAnd); }
  Result<Node> ParseAnd() { return ParseChain(Tok::kAnd, Op::kAnd, &Parser::ParseNot); }

  Result<Node> ParseChain(Tok token, Op op, Result<Node> (Parser::*operand)()) {
    PARCOURS_ASSIGN_OR_RETURN(Node first, (this->*operand)());
    if (tok().kind != token) return first;
    Node chain;
    chain.op = op;
    chain.pos = tok().pos;
    chain.begin = first.begin;
    chain.children.push_back(std::move(first));
    while (tok().kind == token) {
      Advance();
      PARCOURS_ASSIGN_OR_RETURN(Node next, (this->*operand)());
      chain.children.push_back(std::move(next));
    }
    return chain;
  }

  Result<Node> ParseNot() {
    if (tok().kind != Tok::kNot) return ParseComparison();
    Node node;
    node.op = Op::kNot;
    node.pos = node.begin = tok().pos;
    Advance();
    DepthGuard guard(&depth_);
    PARCOURS_RETURN_IF_ERROR(CheckDepth());
    PARCOURS_ASSIGN_OR_RETURN(Node operand, ParseNot());
    node.children.push_back(std::move(operand));
    return node;
  }

  Result<Node> ParseComparison() {
    PARCOURS_ASSIGN_OR_RETURN(Node left, ParseSum());
    std::optional<Op> op = ComparisonOp(tok().kind);
    const std::size_t pos = tok().pos;
    if (!op && tok().kind == Tok::kNot && peek().kind == Tok::kIn) {
      op = Op::kNotIn;
      Advance();
    }
    if (!op) return left;
    Advance();
    PARCOURS_ASSIGN_OR_RETURN(Node right, ParseSum());
    Node node;
    node.op = *op;
    node.pos = pos;
    node.begin = left.begin;
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  Result<Node> ParseSum() {
    PARCOURS_ASSIGN_OR_RETURN(Node first, ParseUnary());
    if (tok().kind != Tok::kPlus && tok().kind != Tok::kMinus) return first;
    Node sum;
    sum.op = Op::kSum;
    sum.pos = tok().pos;
    sum.begin = first.begin;
    sum.children.push_back(std::move(first));
    sum.subtract.push_back(false);
    sum.op_pos.push_back(0);
    while (tok().kind == Tok::kPlus || tok().kind == Tok::kMinus) {
      sum.subtract.push_back(tok().kind == Tok::kMinus);
      sum.op_pos.push_back(tok().pos);
      Advance();
      PARCOURS_ASSIGN_OR_RETURN(Node next, ParseUnary());
      sum.children.push_back(std::move(next));
    }
    return sum;
  }

  Result<Node> ParseUnary() {
    if (tok().kind != Tok::kMinus) return ParsePrimary();
    const std::size_t pos = tok().pos;
    Advance();
    DepthGuard guard(&depth_);
    PARCOURS_RETURN_IF_ERROR(CheckDepth());
    PARCOURS_ASSIGN_OR_RETURN(Node operand, ParseUnary());
    // Fold a negative integer literal.
    if (operand.op == Op::kLiteral) {
      if (const int64_t* i = operand.literal.get_if<int64_t>()) {
        operand.literal = Value(-*i);  // literals are >= 0, so this cannot overflow
        operand.pos = operand.begin = pos;
        return operand;
      }
    }
    Node node;
    node.op = Op::kNegate;
    node.pos = node.begin = pos;
    node.children.push_back(std::move(operand));
    return node;
  }

  Result<Node> Literal(Value value) {
    Node node;
    node.op = Op::kLiteral;
    node.pos = node.begin = tok().pos;
    node.literal = std::move(value);
    Advance();
    return node;
  }

  Result<Node> ParsePrimary() {
    switch (tok().kind) {
      case Tok::kInteger: return Literal(Value(tok().integer));
      case Tok::kString: return Literal(Value(tok().text));
      case Tok::kTrue: return Literal(Value(true));
      case Tok::kFalse: return Literal(Value(false));
      case Tok::kNull: return Literal(Value());
      case Tok::kLParen: {
        const std::size_t open = tok().pos;
        Advance();
        DepthGuard guard(&depth_);
        PARCOURS_RETURN_IF_ERROR(CheckDepth());
        PARCOURS_ASSIGN_OR_RETURN(Node inner, ParseOr());
        if (tok().kind != Tok::kRParen) {
          return Expected("')' to close the '(' at column " +
                          std::to_string(ColumnOf(source_, open)));
        }
        Advance();
        return inner;
      }
      case Tok::kLBracket: return ParseList();
      case Tok::kName:
        if (peek().kind == Tok::kLParen) return ParseCall();
        return ParsePath();
      case Tok::kNot:
        return Expected("a value (to negate here, put the 'not ...' in parentheses)");
      default: return Expected("a value");
    }
  }

  Result<Node> ParseList() {
    Node list;
    list.op = Op::kList;
    list.pos = list.begin = tok().pos;
    Advance();
    DepthGuard guard(&depth_);
    PARCOURS_RETURN_IF_ERROR(CheckDepth());
    if (tok().kind == Tok::kRBracket) {
      Advance();
      return list;
    }
    while (true) {
      PARCOURS_ASSIGN_OR_RETURN(Node item, ParseOr());
      list.children.push_back(std::move(item));
      if (tok().kind == Tok::kComma) {
        Advance();
        continue;
      }
      if (tok().kind == Tok::kRBracket) {
        Advance();
        return list;
      }
      return Expected("',' or ']' in the list opened at column " +
                      std::to_string(ColumnOf(source_, list.pos)));
    }
  }

  Result<Node> ParseCall() {
    Node call;
    call.op = Op::kCall;
    call.pos = call.begin = tok().pos;
    call.name = tok().text;
    const FunctionInfo* info = nullptr;
    for (const FunctionInfo& f : kFunctions) {
      if (f.name == call.name) info = &f;
    }
    if (!info) {
      return Error("unknown function '" + call.name + "'; the functions are " +
                   std::string(kFunctionList));
    }
    call.function = info->function;
    Advance();  // name
    Advance();  // (
    DepthGuard guard(&depth_);
    PARCOURS_RETURN_IF_ERROR(CheckDepth());
    if (tok().kind != Tok::kRParen) {
      while (true) {
        PARCOURS_ASSIGN_OR_RETURN(Node arg, ParseOr());
        call.children.push_back(std::move(arg));
        if (tok().kind == Tok::kComma) {
          Advance();
          continue;
        }
        if (tok().kind == Tok::kRParen) break;
        return Expected("',' or ')' in the call to " + call.name);
      }
    }
    Advance();  // )
    if (call.children.size() != info->arity) {
      return ErrorAt(source_, call.pos,
                     call.name + " takes " + std::to_string(info->arity) + " argument" +
                         (info->arity == 1 ? "" : "s") + ", got " +
                         std::to_string(call.children.size()));
    }
    // A literal date is checked now rather than on every evaluation.
    if (call.function == Function::kDate && call.children[0].op == Op::kLiteral) {
      const Node& arg = call.children[0];
      if (const std::string* s = arg.literal.get_if<std::string>()) {
        if (!Date::ParseIso(*s)) {
          return ErrorAt(source_, arg.begin,
                         QuoteString(*s) + " is not a real date written YYYY-MM-DD");
        }
      }
    }
    return call;
  }

  Result<Node> ParsePath() {
    Node node;
    node.op = Op::kPath;
    node.pos = node.begin = tok().pos;
    node.name = tok().text;
    std::size_t begin = 0;
    while (true) {
      const std::size_t dot = node.name.find('.', begin);
      node.path.push_back(node.name.substr(begin, dot - begin));
      if (dot == std::string::npos) break;
      begin = dot + 1;
    }
    if (std::find(identifiers_->begin(), identifiers_->end(), node.name) == identifiers_->end()) {
      identifiers_->push_back(node.name);
    }
    Advance();
    return node;
  }

  std::string_view source_;
  std::vector<Token> tokens_;  // ends with kEnd or kError
  std::size_t at_ = 0;
  int depth_ = 0;
  std::vector<std::string>* identifiers_;
};

// ---------------------------------------------------------------------------
// Evaluator

const char* OpSpelling(Op op) {
  switch (op) {
    case Op::kEq: return "'=='";
    case Op::kNe: return "'!='";
    case Op::kLt: return "'<'";
    case Op::kLe: return "'<='";
    case Op::kGt: return "'>'";
    case Op::kGe: return "'>='";
    case Op::kIn: return "'in'";
    case Op::kNotIn: return "'not in'";
    case Op::kAnd: return "'and'";
    case Op::kOr: return "'or'";
    case Op::kNot: return "'not'";
    default: return "";
  }
}

// A date, or a string written YYYY-MM-DD read as one.
std::optional<Date> AsDate(const Value& v) {
  if (const Date* d = v.get_if<Date>()) return *d;
  if (const std::string* s = v.get_if<std::string>()) return Date::ParseIso(*s);
  return std::nullopt;
}

bool IsDateLike(const Value& v) {
  return v.type() == Value::Type::kDate || v.type() == Value::Type::kString;
}

constexpr const char* kIsoHint = " (a string counts as a date only when written YYYY-MM-DD)";

// The language's `==`.
bool Equal(const Value& a, const Value& b) {
  if (a.type() == b.type()) {
    const Value::List* la = a.get_if<Value::List>();
    if (!la) return a == b;
    const Value::List& lb = *b.get_if<Value::List>();
    if (la->size() != lb.size()) return false;
    for (std::size_t i = 0; i < la->size(); ++i) {
      if (!Equal((*la)[i], lb[i])) return false;
    }
    return true;
  }
  const bool mixed_date = (a.type() == Value::Type::kDate && b.type() == Value::Type::kString) ||
                          (a.type() == Value::Type::kString && b.type() == Value::Type::kDate);
  if (!mixed_date) return false;
  const std::optional<Date> da = AsDate(a), db = AsDate(b);
  return da && db && *da == *db;
}

Result<Value> DateResult(int64_t days, std::string_view source, std::size_t pos) {
  if (days < kMinDateDays || days > kMaxDateDays) {
    return ErrorAt(source, pos, "the resulting date is outside the years 1 to 9999");
  }
  return Value(Date::FromDays(static_cast<int32_t>(days)));
}

// Whole calendar months from a to b: the month count, less one when b's day
// of month has not reached a's (mirrored when b is before a).
int64_t MonthsBetween(Date a, Date b) {
  int64_t months = (int64_t{b.year()} - a.year()) * 12 + (b.month() - a.month());
  if (b >= a && months > 0 && b.day() < a.day()) --months;
  if (b < a && months < 0 && b.day() > a.day()) ++months;
  return months;
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

class Evaluator {
 public:
  Evaluator(const Program& program, const Json& vars) : program_(program), vars_(vars) {}

  Result<Value> Eval(const Node& node) const {
    switch (node.op) {
      case Op::kLiteral: return node.literal;
      case Op::kPath: return ReadPath(node);
      case Op::kList: {
        Value::List items;
        items.reserve(node.children.size());
        for (const Node& child : node.children) {
          PARCOURS_ASSIGN_OR_RETURN(Value item, Eval(child));
          items.push_back(std::move(item));
        }
        return Value(std::move(items));
      }
      case Op::kCall: return Call(node);
      case Op::kNot: {
        PARCOURS_ASSIGN_OR_RETURN(bool b, Truth(node.children[0], node));
        return Value(!b);
      }
      case Op::kNegate: {
        PARCOURS_ASSIGN_OR_RETURN(Value v, Eval(node.children[0]));
        if (v.is_null()) return v;
        const int64_t* i = v.get_if<int64_t>();
        if (!i) return Error(node.pos, "cannot negate " + WithArticle(v));
        if (*i == std::numeric_limits<int64_t>::min()) {
          return Error(node.pos, "integer overflow in '-'");
        }
        return Value(-*i);
      }
      case Op::kAnd:
      case Op::kOr: {
        const bool stop_on = node.op == Op::kOr;  // or stops at true, and at false
        for (const Node& child : node.children) {
          PARCOURS_ASSIGN_OR_RETURN(bool b, Truth(child, node));
          if (b == stop_on) return Value(stop_on);
        }
        return Value(!stop_on);
      }
      case Op::kSum: {
        PARCOURS_ASSIGN_OR_RETURN(Value acc, Eval(node.children[0]));
        for (std::size_t i = 1; i < node.children.size(); ++i) {
          PARCOURS_ASSIGN_OR_RETURN(Value next, Eval(node.children[i]));
          PARCOURS_ASSIGN_OR_RETURN(acc, Arithmetic(node.subtract[i], acc, next, node.op_pos[i]));
        }
        return acc;
      }
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kIn:
      case Op::kNotIn: {
        PARCOURS_ASSIGN_OR_RETURN(Value left, Eval(node.children[0]));
        PARCOURS_ASSIGN_OR_RETURN(Value right, Eval(node.children[1]));
        PARCOURS_ASSIGN_OR_RETURN(bool b, Compare(node, left, right));
        return Value(b);
      }
    }
    return Status::Internal("condition: unknown node");
  }

 private:
  Status Error(std::size_t pos, const std::string& what) const {
    return ErrorAt(program_.source, pos, what);
  }

  // An operand of and / or / not: true or false, null counting as false.
  Result<bool> Truth(const Node& operand, const Node& op) const {
    PARCOURS_ASSIGN_OR_RETURN(Value v, Eval(operand));
    if (v.is_null()) return false;
    if (const bool* b = v.get_if<bool>()) return *b;
    return Error(operand.begin,
                 std::string(OpSpelling(op.op)) + " needs true or false, got " + WithArticle(v));
  }

  Result<Value> ReadPath(const Node& node) const {
    const Json* at = &vars_;
    for (const std::string& segment : node.path) {
      if (!at->is_object()) return Value();
      auto it = at->find(segment);
      if (it == at->end()) return Value();
      at = &*it;
    }
    return FromJsonChecked(*at, node, 0);
  }

  Result<Value> FromJsonChecked(const Json& json, const Node& node, int depth) const {
    switch (json.type()) {
      case Json::value_t::object:
        return Error(node.pos, "'" + node.name +
                                   "' holds an object, not a value; name one of its fields (" +
                                   node.name + ".<field>)");
      case Json::value_t::number_float: {
        Value v = FromJsonLenient(json, depth);
        if (v.is_null()) {
          return Error(node.pos, "'" + node.name +
                                     "' holds a decimal number; conditions use whole numbers only");
        }
        return v;
      }
      case Json::value_t::number_unsigned: {
        Value v = FromJsonLenient(json, depth);
        if (v.is_null()) return Error(node.pos, "'" + node.name + "' holds a number too large");
        return v;
      }
      case Json::value_t::binary:
        return Error(node.pos, "'" + node.name + "' holds binary data, not a value");
      case Json::value_t::array: {
        if (depth >= kMaxJsonDepth) {
          return Error(node.pos, "'" + node.name + "' holds lists nested too deeply");
        }
        Value::List items;
        items.reserve(json.size());
        for (const auto& item : json) {
          PARCOURS_ASSIGN_OR_RETURN(Value v, FromJsonChecked(item, node, depth + 1));
          items.push_back(std::move(v));
        }
        return Value(std::move(items));
      }
      default: return FromJsonLenient(json, depth);
    }
  }

  Result<bool> Compare(const Node& node, const Value& l, const Value& r) const {
    switch (node.op) {
      case Op::kEq: return Equal(l, r);
      case Op::kNe: return !Equal(l, r);
      case Op::kIn:
      case Op::kNotIn: {
        const bool negate = node.op == Op::kNotIn;
        if (r.is_null()) return negate;
        const Value::List* list = r.get_if<Value::List>();
        if (!list) {
          return Error(node.pos, std::string(OpSpelling(node.op)) +
                                     " needs a list on its right, got " + WithArticle(r));
        }
        if (l.is_null()) return negate;
        const bool found =
            std::any_of(list->begin(), list->end(), [&](const Value& v) { return Equal(l, v); });
        return found != negate;
      }
      default: break;
    }
    if (l.is_null() || r.is_null()) return false;
    int order = 0;  // <0, 0, >0
    const int64_t* li = l.get_if<int64_t>();
    const int64_t* ri = r.get_if<int64_t>();
    const std::string* ls = l.get_if<std::string>();
    const std::string* rs = r.get_if<std::string>();
    if (li && ri) {
      order = *li < *ri ? -1 : (*li > *ri ? 1 : 0);
    } else if (ls && rs) {
      // Bytewise; for two YYYY-MM-DD strings this is also date order.
      const int c = ls->compare(*rs);
      order = c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else if (IsDateLike(l) && IsDateLike(r)) {
      const std::optional<Date> ld = AsDate(l), rd = AsDate(r);
      if (!ld || !rd) {
        return Error(node.pos, "cannot compare " + WithArticle(l) + " with " + WithArticle(r) +
                                   " using " + OpSpelling(node.op) + kIsoHint);
      }
      order = *ld < *rd ? -1 : (*ld > *rd ? 1 : 0);
    } else {
      return Error(node.pos, "cannot compare " + WithArticle(l) + " with " + WithArticle(r) +
                                 " using " + OpSpelling(node.op));
    }
    switch (node.op) {
      case Op::kLt: return order < 0;
      case Op::kLe: return order <= 0;
      case Op::kGt: return order > 0;
      default: return order >= 0;  // kGe
    }
  }

  Result<Value> Arithmetic(bool subtract, const Value& l, const Value& r, std::size_t pos) const {
    if (l.is_null() || r.is_null()) return Value();
    const char* spelling = subtract ? "'-'" : "'+'";
    const int64_t* li = l.get_if<int64_t>();
    const int64_t* ri = r.get_if<int64_t>();
    if (li && ri) {
      int64_t out = 0;
      const bool overflow = subtract ? __builtin_sub_overflow(*li, *ri, &out)
                                     : __builtin_add_overflow(*li, *ri, &out);
      if (overflow) return Error(pos, std::string("integer overflow in ") + spelling);
      return Value(out);
    }
    // Strings take part as dates: they have no arithmetic of their own.
    const std::optional<Date> ld = AsDate(l), rd = AsDate(r);
    const bool hint = l.type() == Value::Type::kString || r.type() == Value::Type::kString;
    auto type_error = [&]() -> Status {
      const std::string what =
          subtract ? "cannot subtract " + WithArticle(r) + " from " + WithArticle(l)
                   : "cannot add " + WithArticle(l) + " and " + WithArticle(r);
      return Error(pos, what + (hint ? kIsoHint : ""));
    };
    // |integer| beyond the whole date range always leaves it; clamping keeps the sum exact.
    auto clamp = [](int64_t days) { return std::clamp<int64_t>(days, -10'000'000, 10'000'000); };
    if (ld && ri) {
      const int64_t days = subtract ? ld->days() - clamp(*ri) : ld->days() + clamp(*ri);
      return DateResult(days, program_.source, pos);
    }
    if (li && rd && !subtract) return DateResult(clamp(*li) + rd->days(), program_.source, pos);
    if (ld && rd && subtract) return Value(int64_t{ld->days()} - rd->days());
    return type_error();
  }

  // A date argument: a date, a YYYY-MM-DD string, or null.
  Result<std::optional<Date>> DateArg(const Node& call, std::size_t index, const Value& v) const {
    if (v.is_null()) return std::optional<Date>();
    if (std::optional<Date> d = AsDate(v)) return std::optional<Date>(d);
    const std::string got = v.type() == Value::Type::kString
                                ? "a string that is not a date written YYYY-MM-DD"
                                : WithArticle(v);
    return Error(call.children[index].begin, call.name + " needs dates, got " + got +
                                               " as argument " + std::to_string(index + 1));
  }

  Result<Value> Call(const Node& call) const {
    std::vector<Value> args;
    args.reserve(call.children.size());
    for (const Node& child : call.children) {
      PARCOURS_ASSIGN_OR_RETURN(Value v, Eval(child));
      args.push_back(std::move(v));
    }
    switch (call.function) {
      case Function::kDaysBetween:
      case Function::kMonthsBetween: {
        PARCOURS_ASSIGN_OR_RETURN(std::optional<Date> a, DateArg(call, 0, args[0]));
        PARCOURS_ASSIGN_OR_RETURN(std::optional<Date> b, DateArg(call, 1, args[1]));
        if (!a || !b) return Value();
        if (call.function == Function::kDaysBetween) return Value(int64_t{a->days_until(*b)});
        return Value(MonthsBetween(*a, *b));
      }
      case Function::kDate: {
        const Value& v = args[0];
        if (v.is_null() || v.type() == Value::Type::kDate) return v;
        const std::string* s = v.get_if<std::string>();
        if (!s) return Error(call.children[0].begin, "date needs a string, got " + WithArticle(v));
        std::optional<Date> d = Date::ParseIso(*s);
        if (!d) {
          return Error(call.children[0].begin,
                       "date needs a real date written YYYY-MM-DD, got a string that is not one");
        }
        return Value(*d);
      }
      case Function::kPresent: {
        const Value& v = args[0];
        const std::string* s = v.get_if<std::string>();
        return Value(!v.is_null() && !(s && s->empty()));
      }
      case Function::kLower: {
        const Value& v = args[0];
        if (v.is_null()) return v;
        const std::string* s = v.get_if<std::string>();
        if (!s) return Error(call.children[0].begin, "lower needs a string, got " + WithArticle(v));
        std::string out = *s;
        for (char& c : out) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return Value(std::move(out));
      }
      case Function::kLen: {
        const Value& v = args[0];
        if (v.is_null()) return v;
        if (const std::string* s = v.get_if<std::string>()) {
          return Value(static_cast<int64_t>(Utf8Length(*s)));
        }
        if (const Value::List* l = v.get_if<Value::List>()) {
          return Value(static_cast<int64_t>(l->size()));
        }
        return Error(call.children[0].begin,
                     "len needs a string or a list, got " + WithArticle(v));
      }
    }
    return Status::Internal("condition: unknown function");
  }

  const Program& program_;
  const Json& vars_;
};

}  // namespace

// ---------------------------------------------------------------------------
// Expression

Result<Expression> Expression::Parse(std::string_view source) {
  try {
    if (source.size() > kMaxConditionBytes) {
      std::size_t cut = 40;  // do not cut a character in half
      while (cut > 0 && (static_cast<unsigned char>(source[cut]) & 0xC0) == 0x80) --cut;
      const std::string start(source.substr(0, cut));
      return Status::Refused("condition \"" + Displayed(start) + "...\": " +
                             std::to_string(source.size()) + " bytes, longer than the limit of " +
                             std::to_string(kMaxConditionBytes));
    }
    auto program = std::make_shared<Program>();
    program->source = std::string(source);
    Parser parser(program->source, Tokenize(program->source), &program->identifiers);
    PARCOURS_ASSIGN_OR_RETURN(program->root, parser.ParseCondition());
    return Expression(std::move(program));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("condition: parsing failed: ") + e.what());
  } catch (...) {
    return Status::Internal("condition: parsing failed");
  }
}

Result<Value> Expression::Evaluate(const Json& vars) const {
  try {
    return Evaluator(*program_, vars).Eval(program_->root);
  } catch (const std::exception& e) {
    return Status::Internal("condition \"" + Displayed(program_->source) +
                            "\": evaluation failed: " + e.what());
  } catch (...) {
    return Status::Internal("condition \"" + Displayed(program_->source) +
                            "\": evaluation failed");
  }
}

Result<bool> Expression::Test(const Json& vars) const {
  PARCOURS_ASSIGN_OR_RETURN(Value v, Evaluate(vars));
  if (v.is_null()) return false;
  if (const bool* b = v.get_if<bool>()) return *b;
  return Status::Refused("condition \"" + Displayed(program_->source) + "\": gives " +
                         WithArticle(v) + " where true or false is needed");
}

const std::string& Expression::source() const { return program_->source; }

const std::vector<std::string>& Expression::Identifiers() const { return program_->identifiers; }

}  // namespace parcours::rules
