// Reading the rules of an enrolment, transition or milestone in a workflow
// file: guards, derive and notify (docs/workflow-format.md, "Rules").
#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "parcours/text.h"
#include "parcours/expression.h"
#include "workflow/loader_support.h"

namespace parcours::loader {
namespace {

const KeyList kConditionGuardKeys = {"when", "message"};
const KeyList kPluginRefKeys = {"plugin"};
const KeyList kDeriveKeys = {"field", "rules"};
const KeyList kDeriveRuleKeys = {"when", "value"};
// Rule-context variables that take any path below them.
const KeyList kOpenContextNames = {"fields", "entry", "person", "history"};

class RulesReader : public ValueReader {
 public:
  explicit RulesReader(LoadContext& context) : ValueReader(context) {}

  // A plugin reference `<plugin>.<hook>` under `plugin`, checked with `has`.
  std::string ReadPluginRef(const YAML::Node& node, const std::string& where, const char* kind,
                            bool (PluginRegistry::*has)(const std::string&) const) {
    const auto text = ScalarText(node, "plugin", where);
    if (!text) return {};
    const auto dot = text->find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == text->size()) {
      problems_.Add(node, where + ": " + kind + " " + Quote(*text) +
                              " must be written <plugin>.<name>, e.g. iae.classify_exit");
      return {};
    }
    if (context_.check_plugins && !(context_.plugins && (context_.plugins->*has)(*text))) {
      problems_.Add(node, where + ": " + kind + " " + Quote(*text) + MissingPlugin(*text));
    }
    return *text;
  }

  // Parses a condition and checks that every variable it uses exists here.
  std::optional<rules::Expression> ReadCondition(const YAML::Node& node, const std::string& where,
                                                 const std::set<std::string>& variables, bool open) {
    const auto text = ScalarText(node, "when", where);
    if (!text) return std::nullopt;
    if (CountChars(*text) > kMaxConditionChars) {
      problems_.Add(node, where + ": condition " + Quote(*text) + " is too long; at most " +
                              std::to_string(kMaxConditionChars) + " characters");
      return std::nullopt;
    }
    auto parsed = rules::Expression::Parse(*text);
    if (!parsed.ok()) {
      problems_.Add(node, where + ": " + parsed.status().message());
      return std::nullopt;
    }
    if (!open) {
      for (const auto& path : parsed->Identifiers()) {
        const std::string head = path.substr(0, path.find('.'));
        if (variables.count(head) || IsOneOf(head, kOpenContextNames)) continue;
        std::vector<std::string> names(variables.begin(), variables.end());
        problems_.Add(node, where + ": condition " + Quote(*text) + " uses unknown variable " +
                                Quote(head) + DidYouMean(head, names) +
                                "; variables here: the fields (" + JoinComma(FieldNames(variables)) +
                                ") and the rule context (docs/workflow-format.md)");
      }
    }
    return std::move(*parsed);
  }

  static std::vector<std::string> FieldNames(const std::set<std::string>& variables) {
    std::vector<std::string> out;
    for (const auto& v : variables)
      if (!IsReservedName(v)) out.push_back(v);
    return out;
  }

  // A derived value: a scalar, stored as an integer when it is one, else text.
  static Json DerivedValue(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    int64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return number;
    return text;
  }

  // The guards, derive and notify of an enrolment, transition or milestone.
  ActionRules ReadRules(const YAML::Node& item, const std::string& where,
                        const std::vector<FieldSpec>& fields) {
    ActionRules rules;
    std::set<std::string> variables(ReservedContextNames().begin(), ReservedContextNames().end());
    for (const auto& f : fields) variables.insert(f.id);
    bool open = false;  // after a plugin derivation, any field name may exist

    if (const auto guards = Find(item, "guards"); guards && ExpectList(*guards, "guards", where) &&
                                                  WithinRuleLimits(*guards, "guards", where)) {
      for (std::size_t i = 0; i < guards->size(); ++i) {
        const YAML::Node g = (*guards)[i];
        const std::string at = where + " guard #" + std::to_string(i + 1);
        Guard guard;
        guard.line = LineOf(g);
        if (g.IsMap() && Find(g, "plugin")) {
          CheckKeys(g, kPluginRefKeys, at);
          guard.plugin = ReadPluginRef(*Find(g, "plugin"), at, "guard", &PluginRegistry::HasGuard);
        } else if (g.IsMap() && Find(g, "when")) {
          CheckKeys(g, kConditionGuardKeys, at);
          guard.when = ReadCondition(*Find(g, "when"), at, variables, open);
          const auto message = Find(g, "message");
          const auto text = message ? ScalarText(*message, "message", at) : std::nullopt;
          if (!text || NormalizeText(*text).empty()) {
            problems_.Add(g, at + ": a condition guard needs a \"message\" shown to the counsellor "
                                  "when it refuses");
          } else if (CountChars(*text) > kMaxMessageChars) {
            problems_.Add(*message, at + ": \"message\" " + Quote(*text) + " is too long; at most " +
                                        std::to_string(kMaxMessageChars) + " characters");
          } else {
            guard.message = NormalizeText(*text);
          }
        } else {
          problems_.Add(g, at + ": must be a map with when and message, or with plugin");
          continue;
        }
        rules.guards.push_back(std::move(guard));
      }
    }

    if (const auto derive = Find(item, "derive"); derive && ExpectList(*derive, "derive", where) &&
                                                  WithinRuleLimits(*derive, "derive", where)) {
      for (std::size_t i = 0; i < derive->size(); ++i) {
        const YAML::Node d = (*derive)[i];
        const std::string at = where + " derive #" + std::to_string(i + 1);
        Derivation derivation;
        derivation.line = LineOf(d);
        if (d.IsMap() && Find(d, "plugin")) {
          CheckKeys(d, kPluginRefKeys, at);
          derivation.plugin =
              ReadPluginRef(*Find(d, "plugin"), at, "action", &PluginRegistry::HasBeforeCommit);
          open = true;
        } else if (d.IsMap() && Find(d, "field")) {
          CheckKeys(d, kDeriveKeys, at);
          derivation.field = ReadId(d, "field", at);
          if (!derivation.field.empty() && variables.count(derivation.field)) {
            problems_.Add(d, at + ": field " + Quote(derivation.field) +
                                 " already exists here (a declared field, an earlier derived field, "
                                 "or a rule-context name)");
          }
          ReadDeriveRules(d, at, variables, open, derivation);
          if (!derivation.field.empty()) variables.insert(derivation.field);
        } else {
          problems_.Add(d, at + ": must be a map with field and rules, or with plugin");
          continue;
        }
        rules.derive.push_back(std::move(derivation));
      }
    }

    if (const auto notify = Find(item, "notify"); notify && ExpectList(*notify, "notify", where) &&
                                                  WithinRuleLimits(*notify, "notify", where)) {
      for (std::size_t i = 0; i < notify->size(); ++i) {
        const std::string at = where + " notify #" + std::to_string(i + 1);
        auto name = ReadPluginRef((*notify)[i], at, "action", &PluginRegistry::HasAfterCommit);
        if (!name.empty()) rules.notify.push_back(std::move(name));
      }
    }
    return rules;
  }

  // The per-list and whole-file limits on rules (guards, derive, notify, derive rules).
  bool WithinRuleLimits(const YAML::Node& list, std::string_view key, const std::string& where) {
    return WithinLimit(list, kMaxRulesPerList, key, where) &&
           Spend(context_.rules_used, list.size(), kMaxRulesInTotal, list, "rules (guards, derive, notify)");
  }

  void ReadDeriveRules(const YAML::Node& d, const std::string& at, const std::set<std::string>& variables,
                       bool open, Derivation& derivation) {
    const auto list = Find(d, "rules");
    if (!list) {
      problems_.Add(d, at + ": missing \"rules\" (a list of when/value)");
      return;
    }
    if (!ExpectList(*list, "rules", at) || !WithinRuleLimits(*list, "rules", at)) return;
    if (list->size() == 0) problems_.Add(*list, at + ": \"rules\" is empty");
    for (std::size_t r = 0; r < list->size(); ++r) {
      const YAML::Node rule = (*list)[r];
      const std::string rat = at + " rule #" + std::to_string(r + 1);
      if (!rule.IsMap()) {
        problems_.Add(rule, rat + ": must be a map with when and value");
        continue;
      }
      CheckKeys(rule, kDeriveRuleKeys, rat);
      DeriveRule out;
      if (const auto when = Find(rule, "when")) out.when = ReadCondition(*when, rat, variables, open);
      const auto value = Find(rule, "value");
      if (!value || !value->IsScalar()) {
        problems_.Add(rule, rat + ": missing \"value\" (a text or a whole number)");
        continue;
      }
      if (CountChars(value->Scalar()) > kMaxLabelChars) {
        problems_.Add(*value, rat + ": \"value\" " + Quote(value->Scalar()) + " is too long; at most " +
                                  std::to_string(kMaxLabelChars) + " characters");
        continue;
      }
      out.value = DerivedValue(*value);
      derivation.rules.push_back(std::move(out));
    }
  }
};

}  // namespace

ActionRules ReadActionRules(LoadContext& context, const YAML::Node& item, const std::string& where,
                            const std::vector<FieldSpec>& fields) {
  return RulesReader(context).ReadRules(item, where, fields);
}

}  // namespace parcours::loader
