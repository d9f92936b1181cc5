// Persons: identifying data, kept apart from the event history.
#include <algorithm>
#include <set>

#include "core/engine_impl.h"

namespace parcours {

// ---- known person attributes -------------------------------------------------

const std::map<std::string, std::vector<std::string>>& KnownPersonAttributes() {
  static const std::map<std::string, std::vector<std::string>> kAttrs = {
      {"education", {"0", "1", "2", "3", "4", "5", "6", "7", "8"}},
      {"labour_status", {"unemployed", "long_term_unemployed", "inactive", "employed"}},
      {"rsa", {"yes", "no"}},
      {"rqth", {"yes", "no"}},
      {"qpv", {"yes", "no"}},
  };
  return kAttrs;
}

Json Person::ToJson() const {
  return Json{{"id", id},           {"name", name},   {"birth", birth.iso()},
              {"sex", sex},         {"attrs", attrs}, {"created", created},
              {"created_by", created_by}};
}

Result<Person> Person::FromJson(const Json& j) {
  try {
    Person p;
    p.id = j.at("id").get<std::string>();
    p.name = j.at("name").get<std::string>();
    auto birth = Date::ParseIso(j.at("birth").get<std::string>());
    if (!birth) return Status::Corruption("person " + p.id + " has a bad birth date");
    p.birth = *birth;
    p.sex = j.at("sex").get<std::string>();
    p.attrs = j.at("attrs").get<std::map<std::string, std::string>>();
    p.created = j.value("created", "");
    p.created_by = j.value("created_by", "");
    return p;
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("person does not decode: ") + ex.what());
  }
}

// ---- persons --------------------------------------------------------------------

Result<Person> Engine::AddPerson(const AddPersonRequest& req) {
  Person p;
  PARCOURS_ASSIGN_OR_RETURN(p.name, CleanName(req.name));
  const std::string folded = FoldName(p.name);
  if (folded.empty()) return Status::Refused("name " + Quoted(req.name) + " has no letters");

  auto birth = Date::ParseIso(req.birth);
  if (!birth) {
    return Status::Refused("birth date " + Quoted(req.birth) + " is not valid",
                           "Use YYYY-MM-DD, e.g. 1991-04-02.");
  }
  const int age = age_on(*birth, clock_.today());
  if (age < kMinAge || age > kMaxAge) {
    return Status::Refused("birth date " + birth->iso() + " gives an age of " + std::to_string(age),
                           "Persons are " + std::to_string(kMinAge) + " to " +
                               std::to_string(kMaxAge) + " years old.");
  }
  p.birth = *birth;

  if (req.sex != "F" && req.sex != "M" && req.sex != "X") {
    return Status::Refused("sex " + Quoted(req.sex) + " is not valid",
                           "Use F, M or X (not stated / other).");
  }
  p.sex = req.sex;

  const auto& known = KnownPersonAttributes();
  for (const auto& [key, value] : req.attrs) {
    auto it = known.find(key);
    if (it == known.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : known) names.push_back(k);
      return Status::Refused("unknown attribute " + Quoted(key),
                             "Known attributes: " + JoinWords(names) + ".");
    }
    if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
      const std::string allowed = key == "education"
                                      ? "an ISCED level from 0 to 8"
                                      : "one of " + JoinWords(it->second);
      return Status::Refused("attribute " + key + ": " + Quoted(value) + " is not valid",
                             "Use " + allowed + ".");
    }
    p.attrs[key] = value;
  }

  std::lock_guard lock(impl_->write_mu);
  std::string existing;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kIndexes, keys::NameBirthPrefix(folded, p.birth.iso()),
      [&](std::string_view k, std::string_view) {
        existing = std::string(k.substr(keys::NameBirthPrefix(folded, p.birth.iso()).size()));
        return false;
      }));
  if (!existing.empty() && !req.allow_duplicate) {
    PARCOURS_ASSIGN_OR_RETURN(Person other, GetPerson(existing));
    return Status::Refused("a person named " + other.name + " born " + p.birth.iso() +
                               " already exists: " + existing,
                           "Use " + existing +
                               ", or add --allow-duplicate if this is another person.");
  }

  PARCOURS_ASSIGN_OR_RETURN(p.id, impl_->UnusedId(kPersonPrefix, Domain::kPersons));
  p.created = clock_.now_timestamp();
  if (!IsCleanText(req.actor)) return CleanText(req.actor, "actor", kMaxNameChars).status();
  p.created_by = req.actor;

  WriteBatch batch;
  batch.Put(Domain::kPersons, p.id, p.ToJson().dump());
  batch.Put(Domain::kIndexes, keys::NameBirth(folded, p.birth.iso(), p.id), "");
  for (const auto& token : NameTokens(folded)) batch.Put(Domain::kIndexes, keys::NameToken(token, p.id), "");
  PARCOURS_RETURN_IF_ERROR(store_.Write(batch));
  if (log_) log_->info("person {} added by {}", p.id, req.actor);
  return p;
}

Result<Person> Engine::GetPerson(const std::string& typed) const {
  auto id = NormalizeId(kPersonPrefix, typed);
  if (!id) {
    return Status::NotFound("no person " + Quoted(typed),
                            "Person ids look like P-7K2M9 (see `parcours person find NAME`).");
  }
  PARCOURS_ASSIGN_OR_RETURN(auto j, impl_->GetJson(Domain::kPersons, *id, "person"));
  if (!j) return Status::NotFound("no person " + *id, "Search by name with `parcours person find NAME`.");
  return Person::FromJson(*j);
}

Result<std::vector<Person>> Engine::FindPersons(const std::string& text) const {
  const auto query = NameTokens(FoldName(text));
  if (query.empty()) return Status::Refused("nothing to search for", "Give part of a name, e.g. `diallo`.");
  // Scan the index of the longest (most selective) word, check the others.
  const std::string& lead = *std::max_element(
      query.begin(), query.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  std::set<std::string> candidates;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kIndexes, keys::NameTokenPrefix(lead), [&](std::string_view k, std::string_view) {
        candidates.emplace(k.substr(k.rfind('\0') + 1));
        return true;
      }));
  std::vector<Person> found;
  for (const auto& id : candidates) {
    PARCOURS_ASSIGN_OR_RETURN(auto person, GetPerson(id));
    const auto words = NameTokens(FoldName(person.name));
    const bool all = std::all_of(query.begin(), query.end(), [&](const std::string& q) {
      return std::any_of(words.begin(), words.end(),
                         [&](const std::string& w) { return w.compare(0, q.size(), q) == 0; });
    });
    if (all) found.push_back(std::move(person));
  }
  std::sort(found.begin(), found.end(), [](const Person& a, const Person& b) {
    return std::pair(FoldName(a.name), a.id) < std::pair(FoldName(b.name), b.id);
  });
  return found;
}

Result<std::vector<PathwayState>> Engine::PathwaysOfPerson(const std::string& person_id) const {
  std::vector<std::string> ids;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(
      Domain::kIndexes, keys::PersonPathwayPrefix(person_id), [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(k.rfind('\0') + 1));
        return true;
      }));
  std::vector<PathwayState> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto s, impl_->LoadState(id));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace parcours
