// Reading a request's arguments (handlers.h).
#include <algorithm>

#include "common/yaml_read.h"
#include "service/handlers.h"

namespace parcours::service {
namespace {

// What a JSON value is, for messages: "a number", "an object"...
std::string KindOf(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "a list";
    case Json::value_t::string: return "a text";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    default: return "a value of another kind";
  }
}

}  // namespace

Args::Args(std::string command, const Json& args, std::vector<std::string> names)
    : command_(std::move(command)), args_(args), names_(std::move(names)) {}

Status Args::CheckKnown() const {
  for (const auto& [key, value] : args_.items()) {
    if (std::find(names_.begin(), names_.end(), key) != names_.end()) continue;
    return Status::Usage(command_ + " has no argument " + yaml_read::Quote(key) +
                             yaml_read::DidYouMean(key, names_),
                         names_.empty() ? command_ + " takes no argument."
                                        : "Arguments of " + command_ + ": " + yaml_read::JoinComma(names_) + ".");
  }
  return Status::Ok();
}

const Json* Args::Find(std::string_view name) const {
  auto it = args_.find(std::string(name));
  if (it == args_.end() || it->is_null()) return nullptr;
  return &*it;
}

Status Args::WrongType(std::string_view name, std::string_view want) const {
  return Status::Usage(command_ + ": argument \"" + std::string(name) + "\" must be " + std::string(want) +
                           ", not " + KindOf(args_.at(std::string(name))),
                       "Give \"" + std::string(name) + "\" as " + std::string(want) + ".");
}

Result<std::string> Args::Text(std::string_view name) const {
  const Json* v = Find(name);
  if (v == nullptr) {
    return Status::Usage(command_ + " needs the argument \"" + std::string(name) + "\"",
                         "Arguments of " + command_ + ": " + yaml_read::JoinComma(names_) + ".");
  }
  if (!v->is_string()) return WrongType(name, "a text");
  return v->get<std::string>();
}

Result<std::string> Args::TextOr(std::string_view name, std::string fallback) const {
  if (Find(name) == nullptr) return fallback;
  return Text(name);
}

Result<std::optional<std::string>> Args::OptText(std::string_view name) const {
  if (Find(name) == nullptr) return std::optional<std::string>();
  PARCOURS_ASSIGN_OR_RETURN(std::string text, Text(name));
  return std::optional<std::string>(std::move(text));
}

Result<bool> Args::Flag(std::string_view name) const {
  const Json* v = Find(name);
  if (v == nullptr) return false;
  if (!v->is_boolean()) return WrongType(name, "true or false");
  return v->get<bool>();
}

Result<int64_t> Args::Integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
  const Json* v = Find(name);
  if (v == nullptr) return fallback;
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!v->is_number_integer()) return WrongType(name, range);  // unsigned ones are integers too
  const bool too_big = v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max);
  const int64_t n = too_big ? max : v->get<int64_t>();
  if (too_big || n < min || n > max) {
    return Status::Usage(command_ + ": argument \"" + std::string(name) + "\" is " + v->dump() + ", out of range",
                         "Give \"" + std::string(name) + "\" as " + range + ".");
  }
  return n;
}

Result<RawFields> Args::TextMap(std::string_view name) const {
  const Json* v = Find(name);
  RawFields out;
  if (v == nullptr) return out;
  if (!v->is_object()) return WrongType(name, "an object of texts (e.g. {\"contract\": \"cdd\"})");
  for (const auto& [key, value] : v->items()) {
    if (!value.is_string()) {
      return Status::Usage(command_ + ": \"" + std::string(name) + "\" value of " + yaml_read::Quote(key) +
                               " must be a text, not " + KindOf(value),
                           "Give every value of \"" + std::string(name) + "\" as a text, e.g. \"6\".");
    }
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

}  // namespace parcours::service
