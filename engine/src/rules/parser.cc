// Conditions: the recursive-descent parser, and Expression::Parse.
#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "parcours/expression.h"
#include "rules/syntax.h"

namespace parcours::rules {

namespace {

using internal::ColumnOf;
using internal::Displayed;
using internal::ErrorAt;
using internal::Function;
using internal::FunctionInfo;
using internal::kFunctionList;
using internal::kFunctions;
using internal::Node;
using internal::Op;
using internal::Program;
using internal::QuoteString;
using internal::Tok;
using internal::Token;
using internal::Tokenize;

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

}  // namespace parcours::rules
