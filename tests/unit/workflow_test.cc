// Tests for workflow definitions (workflow.h): field types, value parsing,
// ValidateFields, lookups and display.
#include "parcours/workflow.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parcours {
namespace {

FieldSpec Field(std::string id, FieldType type) {
  FieldSpec field;
  field.label = id;
  field.id = std::move(id);
  field.type = type;
  return field;
}

FieldSpec Integer(std::string id, std::optional<int64_t> min, std::optional<int64_t> max) {
  FieldSpec field = Field(std::move(id), FieldType::kInteger);
  field.min = min;
  field.max = max;
  return field;
}

FieldSpec Enum(std::string id, const std::vector<std::string>& values) {
  FieldSpec field = Field(std::move(id), FieldType::kEnum);
  for (const auto& value : values) field.values.push_back({value, value});
  return field;
}

// The `place` transition's fields, built by hand.
std::vector<FieldSpec> PlaceFields() {
  FieldSpec contract = Enum("contract", {"cdi", "cdd", "interim", "contrat_aide", "creation"});
  contract.required = true;
  FieldSpec months = Integer("months", 1, 60);
  months.required_when = RequiredWhen{"contract", {"cdd", "interim", "contrat_aide"}};
  return {contract, months};
}

// The message of a refused parse, or "" when it parsed.
std::string Refusal(const FieldSpec& field, std::string_view raw) {
  const auto result = field.parse_value(raw);
  if (result.ok()) return "";
  EXPECT_TRUE(result.status().IsRefused()) << result.status().message();
  return result.status().message();
}

// ---------------------------------------------------------------------------
// Field types

TEST(WorkflowFieldTypeTest, NamesRoundTrip) {
  for (FieldType type : {FieldType::kText, FieldType::kInteger, FieldType::kDate, FieldType::kYesNo,
                         FieldType::kEnum}) {
    EXPECT_EQ(ParseFieldType(FieldTypeName(type)), type);
  }
  EXPECT_STREQ(FieldTypeName(FieldType::kYesNo), "yesno");
  EXPECT_STREQ(FieldTypeName(FieldType::kInteger), "integer");
  EXPECT_EQ(ParseFieldType("int"), std::nullopt);
  EXPECT_EQ(ParseFieldType("Text"), std::nullopt);
  EXPECT_EQ(ParseFieldType(""), std::nullopt);
}

TEST(WorkflowFieldTest, DescribeAllowed) {
  EXPECT_EQ(Integer("n", 1, 60).describe_allowed(), "a whole number from 1 to 60");
  EXPECT_EQ(Integer("n", 5, std::nullopt).describe_allowed(), "a whole number of at least 5");
  EXPECT_EQ(Integer("n", std::nullopt, 9).describe_allowed(), "a whole number of at most 9");
  EXPECT_EQ(Integer("n", std::nullopt, std::nullopt).describe_allowed(), "a whole number");
  EXPECT_EQ(Enum("c", {"cdi", "cdd"}).describe_allowed(), "one of cdi, cdd");
  EXPECT_EQ(Field("d", FieldType::kDate).describe_allowed(), "a date YYYY-MM-DD");
  EXPECT_EQ(Field("y", FieldType::kYesNo).describe_allowed(), "yes or no");
  EXPECT_EQ(Field("t", FieldType::kText).describe_allowed(),
            "a non-empty text of at most 200 bytes");
}

TEST(WorkflowFieldTest, FindValue) {
  const FieldSpec field = Enum("c", {"cdi", "cdd"});
  ASSERT_NE(field.find_value("cdd"), nullptr);
  EXPECT_EQ(field.find_value("cdd")->id, "cdd");
  EXPECT_EQ(field.find_value("CDD"), nullptr);
  EXPECT_EQ(field.find_value(""), nullptr);
}

// ---------------------------------------------------------------------------
// parse_value

TEST(WorkflowFieldTest, IntegerParsesToANumber) {
  const FieldSpec months = Integer("months", 1, 60);
  auto value = months.parse_value("12");
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_TRUE(value->is_number_integer());
  EXPECT_EQ(*value, Json(12));
  EXPECT_EQ(*months.parse_value("1"), Json(1));  // bounds are inclusive
  EXPECT_EQ(*months.parse_value("60"), Json(60));
  EXPECT_EQ(*months.parse_value("007"), Json(7));

  const FieldSpec any = Integer("n", std::nullopt, std::nullopt);
  EXPECT_EQ(*any.parse_value("-5"), Json(-5));
  EXPECT_EQ(*any.parse_value("9223372036854775807"), Json(INT64_MAX));
  EXPECT_EQ(*any.parse_value("-9223372036854775808"), Json(INT64_MIN));
}

TEST(WorkflowFieldTest, IntegerRefusals) {
  const FieldSpec months = Integer("months", 1, 60);
  EXPECT_EQ(Refusal(months, "abc"),
            "field \"months\": \"abc\" is not valid; expected a whole number from 1 to 60");
  EXPECT_EQ(Refusal(months, "61"),
            "field \"months\": \"61\" is out of range; expected a whole number from 1 to 60");
  EXPECT_EQ(Refusal(months, "0"),
            "field \"months\": \"0\" is out of range; expected a whole number from 1 to 60");
  for (std::string_view bad : {"", "-", "+5", " 5", "5 ", "1.5", "1e3", "0x10", "--1", "5-"}) {
    EXPECT_NE(Refusal(months, bad).find("is not valid"), std::string::npos) << bad;
  }
  const FieldSpec any = Integer("n", std::nullopt, std::nullopt);
  EXPECT_NE(Refusal(any, "9223372036854775808").find("is not valid; expected a whole number"),
            std::string::npos);
  EXPECT_NE(Refusal(any, "-9223372036854775809").find("is not valid"), std::string::npos);
}

TEST(WorkflowFieldTest, DateParsesToIsoString) {
  const FieldSpec day = Field("day", FieldType::kDate);
  EXPECT_EQ(*day.parse_value("2026-11-18"), Json("2026-11-18"));
  EXPECT_EQ(*day.parse_value("2024-02-29"), Json("2024-02-29"));
  EXPECT_EQ(Refusal(day, "2026-1-5"),
            "field \"day\": \"2026-1-5\" is not valid; expected a date YYYY-MM-DD");
  EXPECT_NE(Refusal(day, "2025-02-29"), "");
  EXPECT_NE(Refusal(day, "2026-13-01"), "");
  EXPECT_NE(Refusal(day, "today"), "");  // relative dates are the CLI's business
  EXPECT_NE(Refusal(day, ""), "");
}

TEST(WorkflowFieldTest, YesNo) {
  const FieldSpec flag = Field("certified", FieldType::kYesNo);
  EXPECT_EQ(*flag.parse_value("yes"), Json("yes"));
  EXPECT_EQ(*flag.parse_value("no"), Json("no"));
  EXPECT_EQ(*flag.parse_value("YES"), Json("yes"));
  EXPECT_EQ(*flag.parse_value("No"), Json("no"));
  EXPECT_EQ(Refusal(flag, "maybe"),
            "field \"certified\": \"maybe\" is not valid; expected yes or no");
  for (std::string_view bad : {"y", "n", "true", "oui", "1", "", " yes"}) {
    EXPECT_NE(Refusal(flag, bad), "") << bad;
  }
}

TEST(WorkflowFieldTest, EnumTakesExactIds) {
  const FieldSpec contract = PlaceFields()[0];
  EXPECT_EQ(*contract.parse_value("cdd"), Json("cdd"));
  EXPECT_EQ(*contract.parse_value("contrat_aide"), Json("contrat_aide"));
  EXPECT_EQ(Refusal(contract, "cdx"),
            "field \"contract\": \"cdx\" is not one of cdi, cdd, interim, contrat_aide, creation");
  EXPECT_NE(Refusal(contract, "CDD"), "");
  EXPECT_NE(Refusal(contract, " cdd"), "");
  EXPECT_NE(Refusal(contract, ""), "");
}

TEST(WorkflowFieldTest, TextIsTrimmedAndChecked) {
  FieldSpec provider = Field("provider", FieldType::kText);
  EXPECT_EQ(*provider.parse_value("  GRETA Nord  "), Json("GRETA Nord"));
  EXPECT_EQ(*provider.parse_value("Université SERFA"), Json("Université SERFA"));
  EXPECT_EQ(Refusal(provider, "   "),
            "field \"provider\": the text is empty; expected a non-empty text of at most 200 "
            "bytes");
  EXPECT_NE(Refusal(provider, ""), "");
  EXPECT_NE(Refusal(provider, "a\tb").find("control character"), std::string::npos);
  EXPECT_NE(Refusal(provider, "a\nb").find("control character"), std::string::npos);
  EXPECT_NE(Refusal(provider, "a\x7f").find("control character"), std::string::npos);
  EXPECT_NE(Refusal(provider, "a\xc2\x85").find("control character"), std::string::npos);  // NEL
  EXPECT_EQ(Refusal(provider, "caf\xc3"), "field \"provider\": the text is not valid UTF-8");
  EXPECT_NE(Refusal(provider, "\xc0\xaf").find("UTF-8"), std::string::npos);      // overlong
  EXPECT_NE(Refusal(provider, "\xed\xa0\x80").find("UTF-8"), std::string::npos);  // surrogate
  EXPECT_NE(Refusal(provider, "\xff").find("UTF-8"), std::string::npos);
  EXPECT_EQ(Refusal(provider, "\xf0\x9f\x98\x80 ok"), "");  // 4-byte character

  provider.max_length = 5;
  EXPECT_EQ(*provider.parse_value("abcde"), Json("abcde"));
  EXPECT_EQ(*provider.parse_value(" abcde "), Json("abcde"));  // counted after trimming
  EXPECT_EQ(Refusal(provider, "abcdef"),
            "field \"provider\": the text is 6 bytes long; expected at most 5");
  EXPECT_NE(Refusal(provider, "ééé"), "");  // 6 bytes
}

TEST(WorkflowFieldTest, LongBadValuesAreCutInMessages) {
  const FieldSpec n = Integer("n", 1, 2);
  const std::string message = Refusal(n, std::string(100, 'x'));
  EXPECT_NE(message.find("\"" + std::string(40, 'x') + "...\""), std::string::npos) << message;
  EXPECT_EQ(message.find(std::string(41, 'x')), std::string::npos);
}

// ---------------------------------------------------------------------------
// ValidateFields

TEST(WorkflowValidateFieldsTest, StoresParsedValues) {
  auto result =
      ValidateFields(PlaceFields(), {{"contract", "cdd"}, {"months", "6"}}, "transition \"place\"");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (Json{{"contract", "cdd"}, {"months", 6}}));
  EXPECT_EQ(result->dump(), R"({"contract":"cdd","months":6})");
}

TEST(WorkflowValidateFieldsTest, OptionalFieldsMayBeLeftOut) {
  auto result = ValidateFields(PlaceFields(), {{"contract", "creation"}}, "transition \"place\"");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, (Json{{"contract", "creation"}}));
  // Given although not required: still stored.
  auto with = ValidateFields(PlaceFields(), {{"contract", "cdi"}, {"months", "12"}}, "x");
  ASSERT_TRUE(with.ok());
  EXPECT_EQ((*with)["months"], 12);
}

TEST(WorkflowValidateFieldsTest, NoFieldsGivesEmptyObject) {
  auto result = ValidateFields({}, {}, "transition \"position\"");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->is_object());
  EXPECT_TRUE(result->empty());
}

TEST(WorkflowValidateFieldsTest, UnknownFieldListsAcceptedFields) {
  auto result = ValidateFields(PlaceFields(), {{"contract", "cdi"}, {"duration", "3"}},
                               "transition \"place\"");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsRefused());
  EXPECT_EQ(result.status().message(), "unknown field \"duration\" for transition \"place\"");
  EXPECT_EQ(result.status().allowed(), "Accepted fields: contract, months.");
}

TEST(WorkflowValidateFieldsTest, UnknownFieldWhenNoneAreAccepted) {
  auto result = ValidateFields({}, {{"note", "x"}}, "transition \"position\"");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "unknown field \"note\" for transition \"position\"");
  EXPECT_EQ(result.status().allowed(), "It takes no fields.");
}

TEST(WorkflowValidateFieldsTest, MissingRequiredField) {
  FieldSpec provider = Field("provider", FieldType::kText);
  provider.required = true;
  FieldSpec hours = Integer("hours", 1, std::nullopt);
  auto result =
      ValidateFields({provider, hours}, {{"hours", "35"}}, "transition \"start_training\"");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsRefused());
  EXPECT_EQ(result.status().message(),
            "field \"provider\" is required for transition \"start_training\"");
  EXPECT_EQ(result.status().allowed(), "a non-empty text of at most 200 bytes");
}

TEST(WorkflowValidateFieldsTest, RequiredWhenConditionHolds) {
  for (const char* contract : {"cdd", "interim", "contrat_aide"}) {
    auto result = ValidateFields(PlaceFields(), {{"contract", contract}}, "transition \"place\"");
    ASSERT_FALSE(result.ok()) << contract;
    EXPECT_EQ(result.status().message(),
              "field \"months\" is required when contract is cdd, interim or contrat_aide");
    EXPECT_EQ(result.status().allowed(), "a whole number from 1 to 60");
  }
}

TEST(WorkflowValidateFieldsTest, RequiredWhenWithOneOrTwoValues) {
  FieldSpec kind = Enum("kind", {"a", "b", "c"});
  FieldSpec one = Field("one", FieldType::kText);
  one.required_when = RequiredWhen{"kind", {"a"}};
  FieldSpec two = Field("two", FieldType::kText);
  two.required_when = RequiredWhen{"kind", {"b", "c"}};
  auto a = ValidateFields({kind, one, two}, {{"kind", "a"}}, "x");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "field \"one\" is required when kind is a");
  auto c = ValidateFields({kind, one, two}, {{"kind", "c"}}, "x");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "field \"two\" is required when kind is b or c");
}

TEST(WorkflowValidateFieldsTest, RequiredWhenOnYesNoComparesStoredForm) {
  FieldSpec flag = Field("employed", FieldType::kYesNo);
  FieldSpec employer = Field("employer", FieldType::kText);
  employer.required_when = RequiredWhen{"employed", {"yes"}};
  auto result = ValidateFields({flag, employer}, {{"employed", "YES"}}, "milestone \"m\"");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "field \"employer\" is required when employed is yes");
  EXPECT_TRUE(ValidateFields({flag, employer}, {{"employed", "no"}}, "m").ok());
}

TEST(WorkflowValidateFieldsTest, BadValueIsRefusedWithItsMessage) {
  auto result = ValidateFields(PlaceFields(), {{"contract", "cdd"}, {"months", "abc"}},
                               "transition \"place\"");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsRefused());
  EXPECT_EQ(result.status().message(),
            "field \"months\": \"abc\" is not valid; expected a whole number from 1 to 60");
}

TEST(WorkflowValidateFieldsTest, UnknownFieldIsReportedBeforeBadValues) {
  auto result = ValidateFields(PlaceFields(), {{"contract", "cdx"}, {"zzz", "1"}}, "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "unknown field \"zzz\" for x");
}

// ---------------------------------------------------------------------------
// Lookups and display

Workflow SmallWorkflow() {
  Workflow wf;
  wf.id = "demo";
  wf.label = "Démo";
  wf.steps = {{"referral", "Orientation", true, false, 3},
              {"positioning", "positioning", false, false, 5},
              {"exited", "Sortie", false, true, 7}};
  wf.transitions = {{"position", "position", {"referral"}, "positioning", {}, {}, 10},
                    {"exit", "Sortie", {"referral", "positioning"}, "exited", {}, {}, 12}};
  wf.milestones = {{"interview", "Entretien", {"referral", "positioning"}, {}, {}, 20},
                   {"follow_up", "follow_up", {"exited"}, {}, {}, 22}};
  return wf;
}

TEST(WorkflowLookupTest, FindById) {
  const Workflow wf = SmallWorkflow();
  ASSERT_NE(wf.find_step("positioning"), nullptr);
  EXPECT_EQ(wf.find_step("positioning")->line, 5);
  EXPECT_EQ(wf.find_step("nowhere"), nullptr);
  ASSERT_NE(wf.initial_step(), nullptr);
  EXPECT_EQ(wf.initial_step()->id, "referral");
  ASSERT_NE(wf.find_transition("exit"), nullptr);
  EXPECT_EQ(wf.find_transition("exit")->to, "exited");
  EXPECT_EQ(wf.find_transition("interview"), nullptr);
  ASSERT_NE(wf.find_milestone("follow_up"), nullptr);
  EXPECT_EQ(wf.find_milestone("exit"), nullptr);
  EXPECT_EQ(Workflow().initial_step(), nullptr);
}

TEST(WorkflowLookupTest, TransitionsAndMilestonesByStep) {
  const Workflow wf = SmallWorkflow();
  auto from_referral = wf.transitions_from("referral");
  ASSERT_EQ(from_referral.size(), 2u);
  EXPECT_EQ(from_referral[0]->id, "position");
  EXPECT_EQ(from_referral[1]->id, "exit");
  auto from_positioning = wf.transitions_from("positioning");
  ASSERT_EQ(from_positioning.size(), 1u);
  EXPECT_EQ(from_positioning[0]->id, "exit");
  EXPECT_TRUE(wf.transitions_from("exited").empty());

  auto in_exited = wf.milestones_in("exited");
  ASSERT_EQ(in_exited.size(), 1u);
  EXPECT_EQ(in_exited[0]->id, "follow_up");
  EXPECT_EQ(wf.milestones_in("positioning").size(), 1u);
  EXPECT_TRUE(wf.milestones_in("nowhere").empty());
}

TEST(WorkflowLookupTest, StepDisplay) {
  const Workflow wf = SmallWorkflow();
  EXPECT_EQ(wf.step_display("referral"), "Orientation (referral)");
  EXPECT_EQ(wf.step_display("positioning"), "positioning");  // label is the id
  EXPECT_EQ(wf.step_display("unknown"), "unknown");
}

TEST(WorkflowLookupTest, ToJsonLeavesLinesOut) {
  Workflow a = SmallWorkflow();
  Workflow b = SmallWorkflow();
  b.steps[0].line = 99;
  b.transitions[0].line = 1;
  EXPECT_EQ(a.to_json(), b.to_json());
  b.transitions[1].label = "Fin";
  EXPECT_NE(a.to_json(), b.to_json());
  EXPECT_EQ(a.to_json()["transitions"][1]["from"], Json::array({"referral", "positioning"}));
}

}  // namespace
}  // namespace parcours
