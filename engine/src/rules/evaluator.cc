// Conditions: the tree-walking evaluator, and Expression::Evaluate / Test.
#include <algorithm>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

#include "parcours/expression.h"
#include "rules/syntax.h"

namespace parcours::rules {

namespace {

using internal::Displayed;
using internal::ErrorAt;
using internal::FromJsonLenient;
using internal::Function;
using internal::kMaxJsonDepth;
using internal::Node;
using internal::Op;
using internal::Program;
using internal::WithArticle;

// Days since 1970-01-01 of 0001-01-01 and 9999-12-31, the range Date::FromYmd accepts.
constexpr int64_t kMinDateDays = -719162;
constexpr int64_t kMaxDateDays = 2932896;

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
    const int64_t* li = l.get_if<int64_t>();
    const int64_t* ri = r.get_if<int64_t>();
    if (li && ri) {
      int64_t out = 0;
      const bool overflow = subtract ? __builtin_sub_overflow(*li, *ri, &out)
                                     : __builtin_add_overflow(*li, *ri, &out);
      if (overflow) return Error(pos, subtract ? "integer overflow in '-'" : "integer overflow in '+'");
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

}  // namespace parcours::rules
