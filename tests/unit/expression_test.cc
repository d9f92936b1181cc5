// Tests for the condition language (rules/expression.h).
#include "parcours/expression.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace parcours::rules {

void PrintTo(const Value& v, std::ostream* os) { *os << v.ToString(); }

namespace {

Date D(const char* iso) {
  auto d = Date::ParseIso(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(Date());
}

Value L(std::initializer_list<Value> items) { return Value(Value::List(items)); }

// The value of `source` against `vars`; a parse or evaluation error fails the test.
Value Eval(std::string_view source, const Json& vars = Json::object()) {
  auto e = Expression::Parse(source);
  if (!e.ok()) {
    ADD_FAILURE() << source << ": " << e.status().message();
    return Value("<parse error>");
  }
  auto v = e->Evaluate(vars);
  if (!v.ok()) {
    ADD_FAILURE() << source << ": " << v.status().message();
    return Value("<evaluation error>");
  }
  return *v;
}

// Test() of `source`; an error fails the test.
bool Holds(std::string_view source, const Json& vars = Json::object()) {
  auto e = Expression::Parse(source);
  if (!e.ok()) {
    ADD_FAILURE() << source << ": " << e.status().message();
    return false;
  }
  auto b = e->Test(vars);
  if (!b.ok()) {
    ADD_FAILURE() << source << ": " << b.status().message();
    return false;
  }
  return *b;
}

// The message of the parse error `source` must give.
std::string ParseError(std::string_view source) {
  auto e = Expression::Parse(source);
  if (e.ok()) {
    ADD_FAILURE() << source << ": parsed, expected an error";
    return "";
  }
  EXPECT_TRUE(e.status().IsRefused()) << e.status().message();
  return e.status().message();
}

// The message of the evaluation error `source` must give (it must parse).
std::string EvalError(std::string_view source, const Json& vars = Json::object()) {
  auto e = Expression::Parse(source);
  if (!e.ok()) {
    ADD_FAILURE() << source << ": " << e.status().message();
    return "";
  }
  auto v = e->Evaluate(vars);
  if (v.ok()) {
    ADD_FAILURE() << source << ": gave " << v->ToString() << ", expected an error";
    return "";
  }
  EXPECT_TRUE(v.status().IsRefused()) << v.status().message();
  return v.status().message();
}

// ---------------------------------------------------------------------------
// Literals and values

TEST(ExpressionLiteralTest, Scalars) {
  EXPECT_EQ(Eval("42"), Value(42));
  EXPECT_EQ(Eval("0"), Value(0));
  EXPECT_EQ(Eval("-7"), Value(-7));
  EXPECT_EQ(Eval("9223372036854775807"), Value(int64_t{9223372036854775807}));
  EXPECT_EQ(Eval("true"), Value(true));
  EXPECT_EQ(Eval("false"), Value(false));
  EXPECT_EQ(Eval("null"), Value());
  EXPECT_EQ(Eval("'cdi'"), Value("cdi"));
  EXPECT_EQ(Eval("\"cdi\""), Value("cdi"));
  EXPECT_EQ(Eval("''"), Value(""));
  EXPECT_EQ(Eval("'Hélène'"), Value("Hélène"));
}

TEST(ExpressionLiteralTest, StringEscapes) {
  EXPECT_EQ(Eval(R"('it\'s')"), Value("it's"));
  EXPECT_EQ(Eval(R"("say \"hi\"")"), Value("say \"hi\""));
  EXPECT_EQ(Eval(R"('back\\slash')"), Value("back\\slash"));
  EXPECT_EQ(Eval(R"("it's")"), Value("it's"));  // the other quote needs no escape
  EXPECT_EQ(Eval(R"('a "b"')"), Value("a \"b\""));
}

TEST(ExpressionLiteralTest, Lists) {
  EXPECT_EQ(Eval("[]"), L({}));
  EXPECT_EQ(Eval("[1, 'a', true, null]"), L({Value(1), Value("a"), Value(true), Value()}));
  EXPECT_EQ(Eval("[[1, 2], [3]]"), L({L({Value(1), Value(2)}), L({Value(3)})}));
  EXPECT_EQ(Eval("[1 + 1, date('2026-01-05')]"), L({Value(2), Value(D("2026-01-05"))}));
}

TEST(ExpressionLiteralTest, WhitespaceAndLineBreaks) {
  EXPECT_EQ(Eval("  1\n+\t2\r\n "), Value(3));
  EXPECT_TRUE(Holds("a == 1\n  and b == 2", {{"a", 1}, {"b", 2}}));
}

TEST(ValueTest, TypesAndAccessors) {
  EXPECT_EQ(Value().type(), Value::Type::kNull);
  EXPECT_TRUE(Value().is_null());
  EXPECT_STREQ(Value().type_name(), "null");
  EXPECT_STREQ(Value(true).type_name(), "boolean");
  EXPECT_STREQ(Value(1).type_name(), "integer");
  EXPECT_STREQ(Value("x").type_name(), "string");
  EXPECT_STREQ(Value(D("2026-01-01")).type_name(), "date");
  EXPECT_STREQ(L({}).type_name(), "list");
  ASSERT_NE(Value(5).get_if<int64_t>(), nullptr);
  EXPECT_EQ(*Value(5).get_if<int64_t>(), 5);
  EXPECT_EQ(Value(5).get_if<std::string>(), nullptr);
  // Structural equality: a date is not the string of its date.
  EXPECT_NE(Value("2026-01-05"), Value(D("2026-01-05")));
  EXPECT_NE(Value(1), Value(true));
}

TEST(ValueTest, ToStringWritesALiteralThatEvaluatesBack) {
  EXPECT_EQ(Value().ToString(), "null");
  EXPECT_EQ(Value(true).ToString(), "true");
  EXPECT_EQ(Value(-12).ToString(), "-12");
  EXPECT_EQ(Value("it's \\ ok").ToString(), R"('it\'s \\ ok')");
  EXPECT_EQ(Value(D("2026-01-05")).ToString(), "date('2026-01-05')");
  const Value list = L({Value(1), Value("a"), L({}), Value(D("2024-02-29")), Value()});
  EXPECT_EQ(list.ToString(), "[1, 'a', [], date('2024-02-29'), null]");
  for (const Value& v : {Value(), Value(false), Value(-3), Value("it's \\ \"q\""),
                         Value(D("1999-12-31")), list}) {
    EXPECT_EQ(Eval(v.ToString()), v) << v.ToString();
  }
}

TEST(ValueTest, JsonConversions) {
  const Json json = Json::parse(R"([null, true, 3, -4, "s", "2026-01-05", [1, []], 6.0])");
  const Value v = Value::FromJson(json);
  EXPECT_EQ(v, L({Value(), Value(true), Value(3), Value(-4), Value("s"), Value("2026-01-05"),
                  L({Value(1), L({})}), Value(6)}));
  // What the language has no type for becomes null.
  EXPECT_EQ(Value::FromJson(Json::parse("2.5")), Value());
  EXPECT_EQ(Value::FromJson(Json::parse(R"({"a": 1})")), Value());
  EXPECT_EQ(Value::FromJson(Json::parse("18446744073709551615")), Value());

  EXPECT_EQ(Value(D("2026-01-05")).ToJson(), Json("2026-01-05"));
  EXPECT_EQ(L({Value(1), Value(), Value("x"), Value(false)}).ToJson(),
            Json::parse(R"([1, null, "x", false])"));
  EXPECT_EQ(Value().ToJson(), Json(nullptr));
}

// ---------------------------------------------------------------------------
// Variables

TEST(ExpressionVariableTest, PathsReadNestedJson) {
  const Json vars = Json::parse(R"({
    "action": "start_training",
    "months": 7,
    "entry": {"fields": {"prescriber": "france_travail", "hours": 35},
              "attrs": {"rqth": "yes", "in": "kw"}},
    "tags": ["a", "b"],
    "when": "2026-01-05"
  })");
  EXPECT_EQ(Eval("action", vars), Value("start_training"));
  EXPECT_EQ(Eval("months", vars), Value(7));
  EXPECT_EQ(Eval("entry.fields.prescriber", vars), Value("france_travail"));
  EXPECT_EQ(Eval("entry.fields.hours + 1", vars), Value(36));
  EXPECT_EQ(Eval("entry.attrs.in", vars), Value("kw"));  // a keyword is fine after a dot
  EXPECT_EQ(Eval("tags", vars), L({Value("a"), Value("b")}));
  EXPECT_EQ(Eval("when", vars), Value("2026-01-05"));  // still a string
  EXPECT_EQ(Eval("_x1", {{"_x1", 1}}), Value(1));
  EXPECT_EQ(Eval("Upper", {{"Upper", 2}}), Value(2));  // names are case-sensitive
  EXPECT_EQ(Eval("upper", {{"Upper", 2}}), Value());
  EXPECT_EQ(Eval("And", {{"And", true}}), Value(true));  // keywords are lowercase only
}

TEST(ExpressionVariableTest, MissingPathsAreNull) {
  const Json vars = Json::parse(R"({"entry": {"fields": {"a": 1}, "s": "text"}, "n": null})");
  EXPECT_EQ(Eval("nobody", vars), Value());
  EXPECT_EQ(Eval("entry.fields.b", vars), Value());
  EXPECT_EQ(Eval("entry.nothing.deeper", vars), Value());
  EXPECT_EQ(Eval("entry.s.length", vars), Value());  // crossing a string
  EXPECT_EQ(Eval("n", vars), Value());
  EXPECT_EQ(Eval("n.x", vars), Value());
  EXPECT_EQ(Eval("x", Json::array()), Value());  // vars not an object
  EXPECT_EQ(Eval("x", Json()), Value());
}

TEST(ExpressionVariableTest, ValuesWithoutALanguageTypeAreRefused) {
  const Json vars = Json::parse(R"({"entry": {"attrs": {"rqth": "yes"}}, "ratio": 0.5,
                                   "whole": 12.0, "big": 18446744073709551615,
                                   "list": [1, {"a": 2}]})");
  EXPECT_EQ(EvalError("entry.attrs == null", vars),
            "condition \"entry.attrs == null\": column 1: 'entry.attrs' holds an object, not a "
            "value; name one of its fields (entry.attrs.<field>)");
  EXPECT_EQ(EvalError("1 + ratio", vars),
            "condition \"1 + ratio\": column 5: 'ratio' holds a decimal number; conditions use "
            "whole numbers only");
  EXPECT_EQ(Eval("whole", vars), Value(12));
  EXPECT_NE(EvalError("big", vars).find("too large"), std::string::npos);
  EXPECT_NE(EvalError("len(list)", vars).find("'list' holds an object"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Comparisons

TEST(ExpressionComparisonTest, Integers) {
  EXPECT_EQ(Eval("1 == 1"), Value(true));
  EXPECT_EQ(Eval("1 == 2"), Value(false));
  EXPECT_EQ(Eval("1 != 2"), Value(true));
  EXPECT_EQ(Eval("1 != 1"), Value(false));
  EXPECT_EQ(Eval("1 < 2"), Value(true));
  EXPECT_EQ(Eval("2 < 2"), Value(false));
  EXPECT_EQ(Eval("2 <= 2"), Value(true));
  EXPECT_EQ(Eval("3 <= 2"), Value(false));
  EXPECT_EQ(Eval("3 > 2"), Value(true));
  EXPECT_EQ(Eval("2 > 2"), Value(false));
  EXPECT_EQ(Eval("2 >= 2"), Value(true));
  EXPECT_EQ(Eval("1 >= 2"), Value(false));
  EXPECT_EQ(Eval("-5 < -4"), Value(true));
}

TEST(ExpressionComparisonTest, StringsAreBytewise) {
  EXPECT_EQ(Eval("'abc' == 'abc'"), Value(true));
  EXPECT_EQ(Eval("'abc' == 'ABC'"), Value(false));
  EXPECT_EQ(Eval("'abc' != 'abd'"), Value(true));
  EXPECT_EQ(Eval("'abc' < 'abd'"), Value(true));
  EXPECT_EQ(Eval("'B' < 'a'"), Value(true));  // bytewise: uppercase first
  EXPECT_EQ(Eval("'ab' < 'abc'"), Value(true));
  EXPECT_EQ(Eval("'b' >= 'abc'"), Value(true));
  EXPECT_EQ(Eval("'' <= ''"), Value(true));
}

TEST(ExpressionComparisonTest, Dates) {
  const Json vars = {{"enrolled", "2026-01-05"}, {"exited", "2026-03-01"}, {"name", "Dupont"}};
  EXPECT_EQ(Eval("date('2026-01-05') == date('2026-01-05')"), Value(true));
  EXPECT_EQ(Eval("date('2026-01-05') < date('2026-01-06')"), Value(true));
  EXPECT_EQ(Eval("date('2026-01-05') >= date('2026-01-06')"), Value(false));
  // A YYYY-MM-DD string meets a date as a date.
  EXPECT_EQ(Eval("enrolled == date('2026-01-05')", vars), Value(true));
  EXPECT_EQ(Eval("date('2026-01-05') == enrolled", vars), Value(true));
  EXPECT_EQ(Eval("enrolled != date('2026-01-05')", vars), Value(false));
  EXPECT_EQ(Eval("enrolled < date('2026-02-01')", vars), Value(true));
  EXPECT_EQ(Eval("date('2026-02-01') <= enrolled", vars), Value(false));
  // Two YYYY-MM-DD strings order as dates.
  EXPECT_EQ(Eval("enrolled < exited", vars), Value(true));
  EXPECT_EQ(Eval("exited > enrolled", vars), Value(true));
  // A string that is not a date: never equal to a date, and not ordered against one.
  EXPECT_EQ(Eval("name == date('2026-01-05')", vars), Value(false));
  EXPECT_EQ(Eval("'2026-1-5' == date('2026-01-05')", vars), Value(false));
  EXPECT_EQ(EvalError("name < date('2026-01-05')", vars),
            "condition \"name < date('2026-01-05')\": column 6: cannot compare a string with a "
            "date using '<' (a string counts as a date only when written YYYY-MM-DD)");
}

TEST(ExpressionComparisonTest, EqualityAcrossTypesIsFalse) {
  EXPECT_EQ(Eval("1 == '1'"), Value(false));
  EXPECT_EQ(Eval("1 != '1'"), Value(true));
  EXPECT_EQ(Eval("true == 1"), Value(false));
  EXPECT_EQ(Eval("true == true"), Value(true));
  EXPECT_EQ(Eval("false != true"), Value(true));
  EXPECT_EQ(Eval("[1] == 1"), Value(false));
  EXPECT_EQ(Eval("date('2026-01-05') == 20260105"), Value(false));
}

TEST(ExpressionComparisonTest, ListsCompareElementByElement) {
  EXPECT_EQ(Eval("[1, 'a'] == [1, 'a']"), Value(true));
  EXPECT_EQ(Eval("[1, 'a'] == [1, 'b']"), Value(false));
  EXPECT_EQ(Eval("[1] == [1, 1]"), Value(false));
  EXPECT_EQ(Eval("[] == []"), Value(true));
  EXPECT_EQ(Eval("d == [date('2026-01-05')]", {{"d", {"2026-01-05"}}}), Value(true));
  EXPECT_EQ(Eval("tags == ['a', 'b']", {{"tags", {"a", "b"}}}), Value(true));
}

TEST(ExpressionComparisonTest, NullRules) {
  EXPECT_EQ(Eval("null == null"), Value(true));
  EXPECT_EQ(Eval("null != null"), Value(false));
  EXPECT_EQ(Eval("missing == null"), Value(true));
  EXPECT_EQ(Eval("missing != null"), Value(false));
  EXPECT_EQ(Eval("1 == null"), Value(false));
  EXPECT_EQ(Eval("'' == null"), Value(false));
  EXPECT_EQ(Eval("null != 1"), Value(true));
  EXPECT_EQ(Eval("missing == 'cdi'"), Value(false));
  EXPECT_EQ(Eval("missing != 'cdi'"), Value(true));
  // Ordered comparisons with null are false, whatever the other side.
  for (const char* op : {"<", "<=", ">", ">="}) {
    const std::string a = std::string("missing ") + op + " 3";
    const std::string b = std::string("3 ") + op + " missing";
    const std::string c = std::string("null ") + op + " null";
    const std::string d = std::string("missing ") + op + " 'abc'";
    EXPECT_EQ(Eval(a), Value(false)) << a;
    EXPECT_EQ(Eval(b), Value(false)) << b;
    EXPECT_EQ(Eval(c), Value(false)) << c;
    EXPECT_EQ(Eval(d), Value(false)) << d;
  }
  EXPECT_EQ(Eval("person.age < 26", {{"person", Json::object()}}), Value(false));
  EXPECT_EQ(Eval("not (person.age < 26)", {{"person", Json::object()}}), Value(true));
}

TEST(ExpressionComparisonTest, OrderedTypeErrorsNameTheTypes) {
  EXPECT_EQ(EvalError("'abc' < 3"),
            "condition \"'abc' < 3\": column 7: cannot compare a string with an integer using "
            "'<'");
  EXPECT_EQ(EvalError("true >= false"),
            "condition \"true >= false\": column 6: cannot compare a boolean with a boolean "
            "using '>='");
  EXPECT_EQ(EvalError("[1] > [0]"),
            "condition \"[1] > [0]\": column 5: cannot compare a list with a list using '>'");
  EXPECT_EQ(EvalError("date('2026-01-01') <= 3"),
            "condition \"date('2026-01-01') <= 3\": column 20: cannot compare a date with an "
            "integer using '<='");
  EXPECT_EQ(EvalError("months > '6'", {{"months", 7}}),
            "condition \"months > '6'\": column 8: cannot compare an integer with a string using "
            "'>'");
}

TEST(ExpressionComparisonTest, ErrorsNeverQuoteVariableValues) {
  const std::string message = EvalError("name < 3", {{"name", "Dupont"}});
  EXPECT_EQ(message.find("Dupont"), std::string::npos) << message;
  EXPECT_EQ(message,
            "condition \"name < 3\": column 6: cannot compare a string with an integer using '<'");
}

TEST(ExpressionComparisonTest, In) {
  EXPECT_EQ(Eval("'cdi' in ['cdi', 'creation']"), Value(true));
  EXPECT_EQ(Eval("'cdd' in ['cdi', 'creation']"), Value(false));
  EXPECT_EQ(Eval("'cdd' not in ['cdi', 'creation']"), Value(true));
  EXPECT_EQ(Eval("'cdi' not in ['cdi', 'creation']"), Value(false));
  EXPECT_EQ(Eval("1 in []"), Value(false));
  EXPECT_EQ(Eval("1 not in []"), Value(true));
  EXPECT_EQ(Eval("2 in [1, 2, 3]"), Value(true));
  EXPECT_EQ(Eval("'2' in [1, 2, 3]"), Value(false));
  EXPECT_EQ(Eval("[1] in [[1], [2]]"), Value(true));
  EXPECT_EQ(Eval("'b' in tags", {{"tags", {"a", "b"}}}), Value(true));
  EXPECT_EQ(Eval("'c' in tags", {{"tags", {"a", "b"}}}), Value(false));
  EXPECT_EQ(Eval("date('2026-01-05') in ['2026-01-05']"), Value(true));
  EXPECT_EQ(Eval("d in [date('2026-01-05'), date('2026-01-06')]", {{"d", "2026-01-06"}}),
            Value(true));
  // null on the left is in no list, even one holding null; a missing list holds nothing.
  EXPECT_EQ(Eval("missing in ['cdi']"), Value(false));
  EXPECT_EQ(Eval("null in [null]"), Value(false));
  EXPECT_EQ(Eval("missing not in ['cdi']"), Value(true));
  EXPECT_EQ(Eval("'a' in missing"), Value(false));
  EXPECT_EQ(Eval("'a' not in missing"), Value(true));
  EXPECT_EQ(EvalError("'a' in 'abc'"),
            "condition \"'a' in 'abc'\": column 5: 'in' needs a list on its right, got a string");
  EXPECT_EQ(EvalError("1 not in 5"),
            "condition \"1 not in 5\": column 3: 'not in' needs a list on its right, got an "
            "integer");
}

// ---------------------------------------------------------------------------
// Logic

TEST(ExpressionLogicTest, TruthTables) {
  EXPECT_EQ(Eval("true and true"), Value(true));
  EXPECT_EQ(Eval("true and false"), Value(false));
  EXPECT_EQ(Eval("false and true"), Value(false));
  EXPECT_EQ(Eval("false and false"), Value(false));
  EXPECT_EQ(Eval("true or true"), Value(true));
  EXPECT_EQ(Eval("true or false"), Value(true));
  EXPECT_EQ(Eval("false or true"), Value(true));
  EXPECT_EQ(Eval("false or false"), Value(false));
  EXPECT_EQ(Eval("not true"), Value(false));
  EXPECT_EQ(Eval("not false"), Value(true));
  EXPECT_EQ(Eval("not not true"), Value(true));
  EXPECT_EQ(Eval("true and true and true and false"), Value(false));
  EXPECT_EQ(Eval("false or false or false or true"), Value(true));
}

TEST(ExpressionLogicTest, NullCountsAsFalse) {
  EXPECT_EQ(Eval("null and true"), Value(false));
  EXPECT_EQ(Eval("null or true"), Value(true));
  EXPECT_EQ(Eval("null or false"), Value(false));
  EXPECT_EQ(Eval("not null"), Value(true));
  EXPECT_EQ(Eval("not missing"), Value(true));
  EXPECT_EQ(Eval("flag", {{"flag", true}}), Value(true));
  EXPECT_EQ(Eval("flag and true", {{"flag", true}}), Value(true));
}

TEST(ExpressionLogicTest, ShortCircuitSkipsTheRest) {
  // The right side would be a type error; it is never evaluated.
  EXPECT_EQ(Eval("false and 'abc' < 3"), Value(false));
  EXPECT_EQ(Eval("true or 'abc' < 3"), Value(true));
  EXPECT_EQ(Eval("missing != null and missing.x < 3"), Value(false));
  EXPECT_NE(EvalError("true and 'abc' < 3").find("cannot compare"), std::string::npos);
}

TEST(ExpressionLogicTest, NonBooleanOperandsAreRefused) {
  EXPECT_EQ(EvalError("1 and true"),
            "condition \"1 and true\": column 1: 'and' needs true or false, got an integer");
  EXPECT_EQ(EvalError("false or 'yes'"),
            "condition \"false or 'yes'\": column 10: 'or' needs true or false, got a string");
  EXPECT_EQ(EvalError("not []"),
            "condition \"not []\": column 5: 'not' needs true or false, got a list");
  EXPECT_EQ(EvalError("true and rqth", {{"rqth", "yes"}}),
            "condition \"true and rqth\": column 10: 'and' needs true or false, got a string");
}

// ---------------------------------------------------------------------------
// Precedence

TEST(ExpressionPrecedenceTest, OrBelowAndBelowNot) {
  EXPECT_EQ(Eval("true or false and false"), Value(true));     // true or (false and false)
  EXPECT_EQ(Eval("(true or false) and false"), Value(false));
  EXPECT_EQ(Eval("false and false or true"), Value(true));     // (false and false) or true
  EXPECT_EQ(Eval("false and (false or true)"), Value(false));
  EXPECT_EQ(Eval("not true or true"), Value(true));            // (not true) or true
  EXPECT_EQ(Eval("not (true or true)"), Value(false));
  EXPECT_EQ(Eval("not false and false"), Value(false));        // (not false) and false
  EXPECT_EQ(Eval("not (false and false)"), Value(true));
}

TEST(ExpressionPrecedenceTest, NotBelowComparisons) {
  EXPECT_EQ(Eval("not 1 == 2"), Value(true));         // not (1 == 2)
  EXPECT_EQ(Eval("not 1 in [2]"), Value(true));       // not (1 in [2])
  EXPECT_EQ(Eval("not 'a' not in ['a']"), Value(true));
  EXPECT_EQ(Eval("1 == 1 and 2 == 2"), Value(true));  // comparisons bind tighter than and
  EXPECT_EQ(Eval("1 == 2 or 2 == 2"), Value(true));
}

TEST(ExpressionPrecedenceTest, ArithmeticAboveComparisons) {
  EXPECT_EQ(Eval("1 + 2 == 3"), Value(true));
  EXPECT_EQ(Eval("3 == 1 + 2"), Value(true));
  EXPECT_EQ(Eval("1 + 2 in [3]"), Value(true));
  EXPECT_EQ(Eval("10 - 2 > 7"), Value(true));
  EXPECT_EQ(Eval("1 - 2 - 3"), Value(-4));  // left to right
  EXPECT_EQ(Eval("1 - (2 - 3)"), Value(2));
  EXPECT_EQ(Eval("10 - 3 + 2"), Value(9));
}

TEST(ExpressionPrecedenceTest, UnaryMinus) {
  EXPECT_EQ(Eval("-2 + 3"), Value(1));  // (-2) + 3
  EXPECT_EQ(Eval("-(2 + 3)"), Value(-5));
  EXPECT_EQ(Eval("- -3"), Value(3));
  EXPECT_EQ(Eval("--3"), Value(3));
  EXPECT_EQ(Eval("1 - -1"), Value(2));
  EXPECT_EQ(Eval("-n", {{"n", 4}}), Value(-4));
  EXPECT_EQ(Eval("-missing"), Value());
  EXPECT_EQ(Eval("-9223372036854775807 - 1"), Value(INT64_MIN));
  EXPECT_EQ(EvalError("-'a'"), "condition \"-'a'\": column 1: cannot negate a string");
  EXPECT_EQ(EvalError("-(-9223372036854775807 - 1)"),
            "condition \"-(-9223372036854775807 - 1)\": column 1: integer overflow in '-'");
}

// ---------------------------------------------------------------------------
// Arithmetic

TEST(ExpressionArithmeticTest, Integers) {
  EXPECT_EQ(Eval("2 + 3"), Value(5));
  EXPECT_EQ(Eval("2 - 3"), Value(-1));
  EXPECT_EQ(Eval("months + 1", {{"months", 5}}), Value(6));
  EXPECT_EQ(EvalError("9223372036854775807 + 1"),
            "condition \"9223372036854775807 + 1\": column 21: integer overflow in '+'");
  EXPECT_EQ(EvalError("0 - 9223372036854775807 - 2"),
            "condition \"0 - 9223372036854775807 - 2\": column 25: integer overflow in '-'");
}

TEST(ExpressionArithmeticTest, DatesAndDays) {
  const Json vars = {{"enrolled", "2026-01-05"}, {"exited", "2026-03-01"}};
  EXPECT_EQ(Eval("date('2026-01-05') + 30"), Value(D("2026-02-04")));
  EXPECT_EQ(Eval("30 + date('2026-01-05')"), Value(D("2026-02-04")));
  EXPECT_EQ(Eval("date('2026-03-01') - 1"), Value(D("2026-02-28")));
  EXPECT_EQ(Eval("date('2024-03-01') - 1"), Value(D("2024-02-29")));
  EXPECT_EQ(Eval("date('2026-01-05') + -5"), Value(D("2025-12-31")));
  EXPECT_EQ(Eval("date('2026-03-01') - date('2026-01-05')"), Value(55));
  EXPECT_EQ(Eval("date('2026-01-05') - date('2026-03-01')"), Value(-55));
  EXPECT_EQ(Eval("date('2027-01-01') - date('2026-01-01')"), Value(365));
  EXPECT_EQ(Eval("date('2025-01-01') - date('2024-01-01')"), Value(366));
  // YYYY-MM-DD strings take part as dates.
  EXPECT_EQ(Eval("enrolled + 30", vars), Value(D("2026-02-04")));
  EXPECT_EQ(Eval("exited - enrolled", vars), Value(55));
  EXPECT_EQ(Eval("exited - date('2026-01-05')", vars), Value(55));
  EXPECT_EQ(Eval("enrolled + 30 < exited", vars), Value(true));
  EXPECT_EQ(Eval("enrolled + 60 < exited", vars), Value(false));
  // The date range is years 1 to 9999.
  EXPECT_EQ(Eval("date('9999-12-30') + 1"), Value(D("9999-12-31")));
  EXPECT_EQ(EvalError("date('9999-12-31') + 1"),
            "condition \"date('9999-12-31') + 1\": column 20: the resulting date is outside "
            "the years 1 to 9999");
  EXPECT_NE(EvalError("date('0001-01-01') - 1").find("outside the years"), std::string::npos);
  EXPECT_NE(EvalError("date('2026-01-01') + 9223372036854775807").find("outside the years"),
            std::string::npos);
  EXPECT_NE(EvalError("date('2026-01-01') - 9223372036854775807 - 1").find("outside the years"),
            std::string::npos);
}

TEST(ExpressionArithmeticTest, NullPropagates) {
  EXPECT_EQ(Eval("missing + 1"), Value());
  EXPECT_EQ(Eval("1 - missing"), Value());
  EXPECT_EQ(Eval("missing + 30 < date('2026-01-01')"), Value(false));
  EXPECT_EQ(Eval("null - null"), Value());
}

TEST(ExpressionArithmeticTest, TypeErrors) {
  EXPECT_EQ(EvalError("'a' + 1"),
            "condition \"'a' + 1\": column 5: cannot add a string and an integer (a string "
            "counts as a date only when written YYYY-MM-DD)");
  EXPECT_EQ(EvalError("'a' + 'b'"),
            "condition \"'a' + 'b'\": column 5: cannot add a string and a string (a string "
            "counts as a date only when written YYYY-MM-DD)");
  EXPECT_EQ(EvalError("1 - date('2026-01-01')"),
            "condition \"1 - date('2026-01-01')\": column 3: cannot subtract a date from an "
            "integer");
  EXPECT_EQ(EvalError("date('2026-01-01') + date('2026-01-01')"),
            "condition \"date('2026-01-01') + date('2026-01-01')\": column 20: cannot add a "
            "date and a date");
  EXPECT_EQ(EvalError("true + 1"),
            "condition \"true + 1\": column 6: cannot add a boolean and an integer");
  EXPECT_EQ(EvalError("[1] + [2]"),
            "condition \"[1] + [2]\": column 5: cannot add a list and a list");
  // The column is the failing operator's in a chain.
  EXPECT_EQ(EvalError("1 + 2 - 'x'"),
            "condition \"1 + 2 - 'x'\": column 7: cannot subtract a string from an integer (a "
            "string counts as a date only when written YYYY-MM-DD)");
}

// ---------------------------------------------------------------------------
// Functions

TEST(ExpressionFunctionTest, DaysBetween) {
  const Json vars = {{"enrolled", "2026-01-05"}, {"date", "2026-02-04"}, {"bad", "soon"}};
  EXPECT_EQ(Eval("days_between(enrolled, date)", vars), Value(30));
  EXPECT_EQ(Eval("days_between(date, enrolled)", vars), Value(-30));
  EXPECT_EQ(Eval("days_between(date('2026-01-05'), date('2026-01-05'))"), Value(0));
  EXPECT_EQ(Eval("days_between('2024-02-28', '2024-03-01')"), Value(2));
  EXPECT_EQ(Eval("days_between('2025-02-28', '2025-03-01')"), Value(1));
  EXPECT_EQ(Eval("days_between(enrolled, date('2027-01-05'))", vars), Value(365));
  EXPECT_EQ(Eval("days_between(missing, date)", vars), Value());
  EXPECT_EQ(Eval("days_between(enrolled, missing)", vars), Value());
  EXPECT_EQ(EvalError("days_between(enrolled, bad)", vars),
            "condition \"days_between(enrolled, bad)\": column 24: days_between needs dates, "
            "got a string that is not a date written YYYY-MM-DD as argument 2");
  EXPECT_EQ(EvalError("days_between(3, enrolled)", vars),
            "condition \"days_between(3, enrolled)\": column 14: days_between needs dates, got "
            "an integer as argument 1");
}

TEST(ExpressionFunctionTest, MonthsBetweenCountsWholeCalendarMonths) {
  struct Case {
    const char* from;
    const char* to;
    int64_t months;
  };
  for (const Case& c : std::vector<Case>{
           {"2026-01-31", "2026-02-28", 0},   // February has no 31st: not a whole month yet
           {"2026-01-31", "2026-03-01", 1},
           {"2026-01-31", "2026-03-30", 1},
           {"2026-01-31", "2026-03-31", 2},
           {"2026-01-15", "2026-02-14", 0},
           {"2026-01-15", "2026-02-15", 1},
           {"2026-01-15", "2026-01-15", 0},
           {"2026-01-15", "2026-01-31", 0},
           {"2025-12-15", "2026-01-14", 0},   // across a year
           {"2025-12-15", "2026-01-15", 1},
           {"2024-02-29", "2025-02-28", 11},  // leap day
           {"2024-02-29", "2025-03-01", 12},
           {"2026-01-05", "2028-07-05", 30},
           {"2026-02-28", "2026-01-31", 0},   // backwards: negative, mirrored
           {"2026-03-01", "2026-01-31", -1},
           {"2026-02-15", "2026-01-15", -1},
           {"2026-02-14", "2026-01-15", 0},
           {"2026-01-15", "2025-12-16", 0},
           {"2026-01-15", "2025-12-15", -1},
       }) {
    const std::string source =
        std::string("months_between('") + c.from + "', '" + c.to + "')";
    EXPECT_EQ(Eval(source), Value(c.months)) << source;
  }
  EXPECT_EQ(Eval("months_between(date('2026-01-05'), d)", {{"d", "2026-07-05"}}), Value(6));
  EXPECT_EQ(Eval("months_between(missing, '2026-01-01')"), Value());
  EXPECT_NE(EvalError("months_between('2026-01-01', true)").find(
                "months_between needs dates, got a boolean as argument 2"),
            std::string::npos);
}

TEST(ExpressionFunctionTest, Date) {
  EXPECT_EQ(Eval("date('2024-02-29')"), Value(D("2024-02-29")));
  EXPECT_EQ(Eval("date(\"2026-12-31\")"), Value(D("2026-12-31")));
  EXPECT_EQ(Eval("date(d)", {{"d", "2026-01-05"}}), Value(D("2026-01-05")));
  EXPECT_EQ(Eval("date(missing)"), Value());
  EXPECT_EQ(Eval("date(date('2026-01-05'))"), Value(D("2026-01-05")));
  // A literal is checked when parsing.
  EXPECT_EQ(ParseError("x < date('2026-02-30')"),
            "condition \"x < date('2026-02-30')\": column 10: '2026-02-30' is not a real date "
            "written YYYY-MM-DD");
  EXPECT_EQ(ParseError("date('05/01/2026')"),
            "condition \"date('05/01/2026')\": column 6: '05/01/2026' is not a real date "
            "written YYYY-MM-DD");
  // A variable is checked when evaluating.
  EXPECT_EQ(EvalError("date(d)", {{"d", "2026-13-01"}}),
            "condition \"date(d)\": column 6: date needs a real date written YYYY-MM-DD, got a "
            "string that is not one");
  EXPECT_EQ(EvalError("date(20260105)"),
            "condition \"date(20260105)\": column 6: date needs a string, got an integer");
}

TEST(ExpressionFunctionTest, Present) {
  const Json vars = {{"s", "x"}, {"empty", ""}, {"zero", 0}, {"no", false}, {"none", nullptr},
                     {"list", Json::array()}};
  EXPECT_EQ(Eval("present(s)", vars), Value(true));
  EXPECT_EQ(Eval("present(empty)", vars), Value(false));
  EXPECT_EQ(Eval("present(none)", vars), Value(false));
  EXPECT_EQ(Eval("present(missing)", vars), Value(false));
  EXPECT_EQ(Eval("present(zero)", vars), Value(true));
  EXPECT_EQ(Eval("present(no)", vars), Value(true));  // "no" is an answer
  EXPECT_EQ(Eval("present(list)", vars), Value(true));
  EXPECT_EQ(Eval("present(' ')", vars), Value(true));
  EXPECT_EQ(Eval("not present(missing)", vars), Value(true));
}

TEST(ExpressionFunctionTest, Lower) {
  EXPECT_EQ(Eval("lower('CDI')"), Value("cdi"));
  EXPECT_EQ(Eval("lower('Mixed_Case-42')"), Value("mixed_case-42"));
  EXPECT_EQ(Eval("lower('ÉCOLE')"), Value("École"));  // ASCII letters only
  EXPECT_EQ(Eval("lower(c) == 'cdi'", {{"c", "CDI"}}), Value(true));
  EXPECT_EQ(Eval("lower(missing)"), Value());
  EXPECT_EQ(EvalError("lower(3)"), "condition \"lower(3)\": column 7: lower needs a string, got "
                                   "an integer");
}

TEST(ExpressionFunctionTest, Len) {
  EXPECT_EQ(Eval("len('abc')"), Value(3));
  EXPECT_EQ(Eval("len('')"), Value(0));
  EXPECT_EQ(Eval("len('Hélène')"), Value(6));  // characters, not bytes
  EXPECT_EQ(Eval("len([1, 2, 3])"), Value(3));
  EXPECT_EQ(Eval("len([])"), Value(0));
  EXPECT_EQ(Eval("len(tags)", {{"tags", {"a", "b"}}}), Value(2));
  EXPECT_EQ(Eval("len(missing)"), Value());
  EXPECT_EQ(Eval("len(missing) > 0"), Value(false));
  EXPECT_EQ(EvalError("len(true)"),
            "condition \"len(true)\": column 5: len needs a string or a list, got a boolean");
}

TEST(ExpressionFunctionTest, NamesAreNotReservedAsVariables) {
  // `date` is both a function and, here, a variable.
  EXPECT_EQ(Eval("date", {{"date", "2026-01-05"}}), Value("2026-01-05"));
  EXPECT_EQ(Eval("date(date)", {{"date", "2026-01-05"}}), Value(D("2026-01-05")));
  EXPECT_EQ(Eval("len + 1", {{"len", 1}}), Value(2));
  EXPECT_EQ(Eval("date ('2026-01-05')"), Value(D("2026-01-05")));  // space before '('
}

TEST(ExpressionFunctionTest, UnknownFunctionsAndArityAreParseErrors) {
  EXPECT_EQ(ParseError("a and foo(1)"),
            "condition \"a and foo(1)\": column 7: unknown function 'foo'; the functions are "
            "days_between, months_between, date, present, lower, len");
  EXPECT_EQ(ParseError("Date('2026-01-01')").find("column 1: unknown function 'Date'"),
            std::string("condition \"Date('2026-01-01')\": ").size());
  EXPECT_NE(ParseError("entry.len(x)").find("column 1: unknown function 'entry.len'"),
            std::string::npos);
  EXPECT_EQ(ParseError("days_between(a) > 3"),
            "condition \"days_between(a) > 3\": column 1: days_between takes 2 arguments, got 1");
  EXPECT_EQ(ParseError("x or months_between(a, b, c)"),
            "condition \"x or months_between(a, b, c)\": column 6: months_between takes 2 "
            "arguments, got 3");
  EXPECT_EQ(ParseError("present()"),
            "condition \"present()\": column 1: present takes 1 argument, got 0");
  EXPECT_EQ(ParseError("len(a, b)"), "condition \"len(a, b)\": column 1: len takes 1 argument, "
                                     "got 2");
  EXPECT_EQ(ParseError("date()"), "condition \"date()\": column 1: date takes 1 argument, got 0");
  EXPECT_EQ(ParseError("lower(a b)"),
            "condition \"lower(a b)\": column 9: expected ',' or ')' in the call to lower, found "
            "'b'");
}

// ---------------------------------------------------------------------------
// Parse errors

TEST(ExpressionParseErrorTest, ColumnsPointAtTheOffendingToken) {
  struct Case {
    const char* source;
    const char* message;  // after `condition "<source>": `
  };
  for (const Case& c : std::vector<Case>{
           {"", "column 1: expected a value, found the end of the condition"},
           {"   ", "column 4: expected a value, found the end of the condition"},
           {"a ==", "column 5: expected a value, found the end of the condition"},
           {"a == == 1", "column 6: expected a value, found '=='"},
           {"a = 1", "column 3: unexpected '='; use '==' to compare"},
           {"!a", "column 1: unexpected '!'; use 'not'"},
           {"a <> 1", "column 3: unexpected '<>'; use '!='"},
           {"a && b", "column 3: unexpected '&&'; use 'and'"},
           {"a || b", "column 3: unexpected '||'; use 'or'"},
           {"a # b", "column 3: unexpected character '#'"},
           {"(a == 1", "column 8: expected ')' to close the '(' at column 1, found the end of the "
                       "condition"},
           {"a == 1)", "column 7: unexpected ')' without a matching '('"},
           {"a b", "column 3: expected an operator ('and', 'or', a comparison, '+', '-') or the "
                   "end, found 'b'"},
           {"a == 1 'x'", "column 8: expected an operator ('and', 'or', a comparison, '+', '-') "
                          "or the end, found the string 'x'"},
           {"1 < 2 < 3", "column 7: comparisons cannot be chained; combine them with 'and'"},
           {"a == 1 == true", "column 8: comparisons cannot be chained; combine them with 'and'"},
           {"a not b", "column 3: expected 'in' after 'not' (or combine conditions with 'and' / "
                       "'or')"},
           {"a == not b", "column 6: expected a value (to negate here, put the 'not ...' in "
                          "parentheses), found 'not'"},
           {"a and", "column 6: expected a value, found the end of the condition"},
           {"or a", "column 1: expected a value, found 'or'"},
           {"a in", "column 5: expected a value, found the end of the condition"},
           {"[1, 2", "column 6: expected ',' or ']' in the list opened at column 1, found the end "
                     "of the condition"},
           {"x in [1 2]", "column 9: expected ',' or ']' in the list opened at column 6, found "
                          "the number 2"},
           {"[1, ]", "column 5: expected a value, found ']'"},
           {"'abc", "column 1: unterminated string"},
           {"a == 'x\\n'", "column 8: unknown escape '\\n'; a string may only escape \\\\, \\' "
                           "and \\\""},
           {"3.5 > 1", "column 1: decimal numbers are not supported; use whole numbers"},
           {"12ab", "column 1: '12ab' is neither a number nor a name (a name cannot start with "
                    "a digit)"},
           {"x == 99999999999999999999",
            "column 6: the number 99999999999999999999 is too large (the largest is "
            "9223372036854775807)"},
           {"entry. == 1", "column 7: expected a name after '.'"},
           {"entry..x", "column 7: expected a name after '.'"},
           {"null.x", "column 1: 'null' is a keyword and cannot start a variable name"},
           {"x == 1 Or y", "column 8: expected an operator ('and', 'or', a comparison, '+', "
                           "'-') or the end, found 'Or'"},
           {"a AND b", "column 3: expected an operator ('and', 'or', a comparison, '+', '-') or "
                       "the end, found 'AND'"},
           // Columns count characters, not bytes.
           {"'é' == 1 ==", "column 10: comparisons cannot be chained; combine them with 'and'"},
           {"x == 'à' §", "column 10: unexpected character '§'"},
           // A line break counts as one character.
           {"a == 1\nand", "column 11: expected a value, found the end of the condition"},
       }) {
    const std::string expected =
        "condition \"" + [&] {
          std::string shown = c.source;
          for (char& ch : shown) {
            if (ch == '\n') ch = ' ';
          }
          return shown;
        }() + "\": " + c.message;
    EXPECT_EQ(ParseError(c.source), expected) << c.source;
  }
}

TEST(ExpressionParseErrorTest, FirstErrorInTheTextWins) {
  // The parse error at column 6 comes before the unterminated string at column 9.
  EXPECT_EQ(ParseError("a == ) 'unterminated"),
            "condition \"a == ) 'unterminated\": column 6: expected a value, found ')'");
}

TEST(ExpressionLimitsTest, NestingDepth) {
  auto nested = [](int levels) {
    return std::string(levels, '(') + "1" + std::string(levels, ')');
  };
  EXPECT_EQ(Eval(nested(kMaxConditionDepth)), Value(1));
  const std::string too_deep = nested(kMaxConditionDepth + 1);
  EXPECT_EQ(ParseError(too_deep), "condition \"" + too_deep + "\": column 66: the condition "
                                  "nests deeper than 64 levels");

  std::string nots;
  for (int i = 0; i < kMaxConditionDepth; ++i) nots += "not ";
  EXPECT_EQ(Eval(nots + "true"), Value(true));  // 64 is even
  EXPECT_NE(ParseError("not " + nots + "true").find("nests deeper than 64 levels"),
            std::string::npos);

  EXPECT_EQ(Eval(std::string(kMaxConditionDepth, '-') + "5"), Value(5));
  EXPECT_NE(ParseError(std::string(kMaxConditionDepth + 1, '-') + "5").find("nests deeper"),
            std::string::npos);
  EXPECT_NE(ParseError(std::string(kMaxConditionDepth + 1, '[') + "1" +
                       std::string(kMaxConditionDepth + 1, ']'))
                .find("nests deeper"),
            std::string::npos);
  EXPECT_NE(ParseError(std::string(1000, '(')).find("nests deeper"), std::string::npos);

  std::string calls = "1";
  for (int i = 0; i < kMaxConditionDepth + 1; ++i) calls = "len([" + calls + "])";
  EXPECT_NE(ParseError(calls).find("nests deeper"), std::string::npos);
}

TEST(ExpressionLimitsTest, LongChainsAreNotNesting) {
  // 600 terms: within the length limit and not nested, so accepted.
  std::string sum = "0";
  for (int i = 0; i < 600; ++i) sum += "+1";
  EXPECT_EQ(Eval(sum), Value(600));
  std::string ors = "false";
  for (int i = 0; i < 200; ++i) ors += " or false";
  EXPECT_EQ(Eval(ors + " or true"), Value(true));
}

TEST(ExpressionLimitsTest, SourceLength) {
  std::string longest = "'" + std::string(kMaxConditionBytes - 2, 'x') + "'";
  ASSERT_EQ(longest.size(), 2000u);
  EXPECT_EQ(Eval(longest), Value(std::string(1998, 'x')));
  const std::string too_long = longest + " ";
  EXPECT_EQ(ParseError(too_long),
            "condition \"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": 2001 bytes, longer than "
            "the limit of 2000");
  // The excerpt never cuts a character in half.
  const std::string accented = "'" + std::string(38, 'x') + "é" + std::string(2000, 'x') + "'";
  EXPECT_EQ(ParseError(accented),
            "condition \"'" + std::string(38, 'x') + "...\": 2042 bytes, longer than the limit "
            "of 2000");
}

// ---------------------------------------------------------------------------
// Expression API

TEST(ExpressionApiTest, IdentifiersInOrderOfFirstUse) {
  auto e = Expression::Parse("days_between(enrolled, date) <= 30");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->Identifiers(), (std::vector<std::string>{"enrolled", "date"}));

  e = Expression::Parse(
      "not (entry.attrs.rqth == 'yes') and person.age < 26 or entry.attrs.rqth == null and "
      "present(certification) and len(tags) > date('2026-01-01') - enrolled");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->Identifiers(), (std::vector<std::string>{"entry.attrs.rqth", "person.age",
                                                        "certification", "tags", "enrolled"}));

  e = Expression::Parse("1 + 2 == 3 and date('2026-01-01') < date('2026-02-01')");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->Identifiers().empty());
}

TEST(ExpressionApiTest, SourceAndCopies) {
  auto parsed = Expression::Parse("months >= 6");
  ASSERT_TRUE(parsed.ok());
  const Expression copy = *parsed;  // shares the compiled tree
  EXPECT_EQ(copy.source(), "months >= 6");
  EXPECT_EQ(&copy.source(), &parsed->source());
  EXPECT_TRUE(*copy.Test({{"months", 6}}));
  EXPECT_FALSE(*copy.Test({{"months", 5}}));
}

TEST(ExpressionApiTest, TestNeedsABoolean) {
  EXPECT_TRUE(Holds("true"));
  EXPECT_FALSE(Holds("false"));
  EXPECT_FALSE(Holds("null"));
  EXPECT_FALSE(Holds("flag"));  // missing
  EXPECT_TRUE(Holds("flag", {{"flag", true}}));
  auto e = Expression::Parse("months + 1");
  ASSERT_TRUE(e.ok());
  auto b = e->Test({{"months", 1}});
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(b.status().IsRefused());
  EXPECT_EQ(b.status().message(),
            "condition \"months + 1\": gives an integer where true or false is needed");
  e = Expression::Parse("rqth");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->Test({{"rqth", "yes"}}).status().message(),
            "condition \"rqth\": gives a string where true or false is needed");
  // An evaluation error passes through Test.
  e = Expression::Parse("'abc' < 3");
  ASSERT_TRUE(e.ok());
  EXPECT_NE(e->Test({}).status().message().find("cannot compare"), std::string::npos);
}

TEST(ExpressionApiTest, ConcurrentEvaluationOfOneExpression) {
  auto parsed = Expression::Parse(
      "contract in ['cdi', 'creation'] or (contract in ['cdd', 'interim'] and months >= 6)");
  ASSERT_TRUE(parsed.ok());
  const Expression e = *parsed;
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&e, &wrong, t] {
      const Expression mine = e;  // copies share the tree across threads too
      for (int i = 0; i < 2000; ++i) {
        const int months = (i + t) % 12;
        const Json vars = {{"contract", "cdd"}, {"months", months}};
        auto r = (i % 2 ? mine : e).Test(vars);
        if (!r.ok() || *r != (months >= 6)) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

// ---------------------------------------------------------------------------
// The examples of docs/conditions.md

TEST(ExpressionExampleTest, DaysSinceEnrolment) {
  const char* rule = "days_between(enrolled, date) <= 30";
  EXPECT_TRUE(Holds(rule, {{"enrolled", "2026-01-05"}, {"date", "2026-02-04"}}));   // 30 days
  EXPECT_FALSE(Holds(rule, {{"enrolled", "2026-01-05"}, {"date", "2026-02-05"}}));  // 31 days
  EXPECT_FALSE(Holds(rule, {{"date", "2026-02-05"}}));  // not enrolled: null <= 30 is false
}

TEST(ExpressionExampleTest, SustainableEmployment) {
  const char* rule =
      "contract in ['cdi', 'creation'] or (contract in ['cdd', 'interim'] and months >= 6)";
  EXPECT_TRUE(Holds(rule, {{"contract", "cdi"}}));
  EXPECT_TRUE(Holds(rule, {{"contract", "creation"}, {"months", 1}}));
  EXPECT_TRUE(Holds(rule, {{"contract", "cdd"}, {"months", 6}}));
  EXPECT_TRUE(Holds(rule, {{"contract", "interim"}, {"months", 12}}));
  EXPECT_FALSE(Holds(rule, {{"contract", "cdd"}, {"months", 5}}));
  EXPECT_FALSE(Holds(rule, {{"contract", "cdd"}}));  // months unknown
  EXPECT_FALSE(Holds(rule, {{"contract", "stage"}, {"months", 24}}));
  EXPECT_FALSE(Holds(rule, Json::object()));
}

TEST(ExpressionExampleTest, YoungWithoutRqth) {
  const char* rule = "not (entry.attrs.rqth == 'yes') and person.age < 26";
  const Json young_no_rqth = Json::parse(R"({"entry": {"attrs": {"rqth": "no"}},
                                             "person": {"age": 22}})");
  const Json young_rqth = Json::parse(R"({"entry": {"attrs": {"rqth": "yes"}},
                                          "person": {"age": 22}})");
  const Json older = Json::parse(R"({"entry": {"attrs": {}}, "person": {"age": 26}})");
  const Json young_unknown = Json::parse(R"({"person": {"age": 19}})");
  EXPECT_TRUE(Holds(rule, young_no_rqth));
  EXPECT_TRUE(Holds(rule, young_unknown));  // rqth absent: "== 'yes'" is false
  EXPECT_FALSE(Holds(rule, young_rqth));
  EXPECT_FALSE(Holds(rule, older));
  EXPECT_FALSE(Holds(rule, Json::object()));  // age unknown
}

TEST(ExpressionExampleTest, CertificationOnStart) {
  const char* rule = "present(certification) and action == 'start_training'";
  EXPECT_TRUE(Holds(rule, {{"certification", "rncp_35"}, {"action", "start_training"}}));
  EXPECT_FALSE(Holds(rule, {{"certification", ""}, {"action", "start_training"}}));
  EXPECT_FALSE(Holds(rule, {{"action", "start_training"}}));
  EXPECT_FALSE(Holds(rule, {{"certification", "rncp_35"}, {"action", "exit"}}));
}

}  // namespace
}  // namespace parcours::rules
