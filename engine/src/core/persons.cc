// Persons: identifying data, kept apart from the event history.
#include <algorithm>
#include <map>

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

std::map<std::string, std::string> Person::AttrsOn(Date date) const {
  std::map<std::string, std::string> out;
  for (const auto& [key, values] : attr_history) {
    for (const auto& v : values)
      if (!v.from || *v.from <= date) out[key] = v.value;
  }
  return out;
}

Json Person::ToJson() const {
  Json history = Json::object();
  for (const auto& [key, values] : attr_history) {
    Json list = Json::array();
    for (const auto& v : values) list.push_back({{"from", v.from ? Json(v.from->iso()) : Json()}, {"value", v.value}});
    history[key] = std::move(list);
  }
  Json edits = Json::array();
  for (const auto& c : changes) {
    Json what = Json::object();
    for (const auto& [k, v] : c.changes) what[k] = {{"from", v.first}, {"to", v.second}};
    edits.push_back({{"recorded", c.recorded}, {"actor", c.actor}, {"date", c.date.iso()}, {"changes", what}});
  }
  return Json{{"id", id},           {"name", name},   {"birth", birth.iso()},
              {"sex", sex},         {"attrs", attrs}, {"created", created},
              {"created_by", created_by}, {"attr_history", history}, {"changes", edits}};
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
    if (j.contains("attr_history")) {
      for (const auto& [key, list] : j.at("attr_history").items()) {
        for (const auto& v : list) {
          DatedValue dv;
          dv.value = v.at("value").get<std::string>();
          if (!v.at("from").is_null()) {
            dv.from = Date::ParseIso(v.at("from").get<std::string>());
            if (!dv.from) return Status::Corruption("person " + p.id + " has a bad attribute date");
          }
          p.attr_history[key].push_back(std::move(dv));
        }
      }
    } else {  // recorded before attributes were dated: values since registration
      for (const auto& [key, value] : p.attrs) p.attr_history[key].push_back({std::nullopt, value});
    }
    for (const auto& c : j.value("changes", Json::array())) {
      PersonChange change;
      change.recorded = c.at("recorded").get<std::string>();
      change.actor = c.at("actor").get<std::string>();
      auto date = Date::ParseIso(c.at("date").get<std::string>());
      if (!date) return Status::Corruption("person " + p.id + " has a change with a bad date");
      change.date = *date;
      for (const auto& [k, v] : c.at("changes").items())
        change.changes[k] = {v.at("from").get<std::string>(), v.at("to").get<std::string>()};
      p.changes.push_back(std::move(change));
    }
    return p;
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("person does not decode: ") + ex.what());
  }
}

namespace {

Result<Date> ValidBirth(std::string_view raw, Date today) {
  auto birth = Date::ParseIso(raw);
  if (!birth) {
    return Status::Refused("birth date " + Quoted(raw) + " is not valid", "Use YYYY-MM-DD, e.g. 1991-04-02.");
  }
  const int age = age_on(*birth, today);
  if (age < kMinAge || age > kMaxAge) {
    return Status::Refused("birth date " + birth->iso() + " gives an age of " + std::to_string(age),
                           "Persons are " + std::to_string(kMinAge) + " to " + std::to_string(kMaxAge) +
                               " years old.");
  }
  return *birth;
}

Status ValidSex(std::string_view sex) {
  if (sex == "F" || sex == "M" || sex == "X") return Status::Ok();
  return Status::Refused("sex " + Quoted(sex) + " is not valid", "Use F, M or X (not stated / other).");
}

Status ValidAttribute(const std::string& key, const std::string& value) {
  const auto& known = KnownPersonAttributes();
  auto it = known.find(key);
  if (it == known.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : known) names.push_back(k);
    return Status::Refused("unknown attribute " + Quoted(key), "Known attributes: " + JoinWords(names) + ".");
  }
  if (std::find(it->second.begin(), it->second.end(), value) == it->second.end()) {
    const std::string allowed = key == "education" ? "an ISCED level from 0 to 8" : "one of " + JoinWords(it->second);
    return Status::Refused("attribute " + key + ": " + Quoted(value) + " is not valid", "Use " + allowed + ".");
  }
  return Status::Ok();
}

// The name-index entries of a person: probable duplicates (no value) and
// search (the folded name, so that a search filters and sorts its matches
// without reading them).
IndexEntries NameIndexEntries(const Person& p) {
  const std::string folded = FoldName(p.name);
  IndexEntries out = {{keys::NameBirth(folded, p.birth.iso(), p.id), ""}};
  for (const auto& token : NameTokens(folded)) out.emplace_back(keys::NameToken(token, p.id), folded);
  return out;
}

// Persons registered with this name and birth date: the index keys read
// (what a plan expects unchanged at commit) and the first id other than
// `except` (empty if none).
struct Namesakes {
  ExpectPrefix read;
  std::string other;
};
Result<Namesakes> ProbableDuplicate(const StoreReader& r, const std::string& name, Date birth,
                                    const std::string& except) {
  Namesakes out{{Domain::kIndexes, keys::NameBirthPrefix(FoldName(name), birth.iso()), {}}, ""};
  const std::string& prefix = out.read.prefix;
  PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(Domain::kIndexes, prefix, [&](std::string_view k, std::string_view) {
    out.read.keys.emplace_back(k);
    std::string id(k.substr(prefix.size()));
    if (id != except && out.other.empty()) out.other = std::move(id);
    return true;
  }));
  return out;
}

}  // namespace

// ---- persons --------------------------------------------------------------------

Result<Person> Engine::AddPerson(const AddPersonRequest& req) {
  const auto args = [&] {
    return Json{{"name", req.name}, {"birth", req.birth}, {"sex", req.sex}, {"attrs", req.attrs},
                {"allow_duplicate", req.allow_duplicate}};
  };
  return impl_->Run<Person>(
      "registration", req.request_id, "",
      [&](const StoreReader& r) { return impl_->PlanAddPerson(r, req, PlanAs{clock_}); }, args);
}

Result<Engine::Impl::Planned<Person>> Engine::Impl::PlanAddPerson(const StoreReader& r, const AddPersonRequest& req,
                                                                  const PlanAs& as) {
  Planned<Person> planned;
  Person& p = planned.result;
  PARCOURS_ASSIGN_OR_RETURN(p.name, CleanName(req.name));
  if (FoldName(p.name).empty()) return Status::Refused("name " + Quoted(req.name) + " has no letters");
  PARCOURS_ASSIGN_OR_RETURN(p.birth, ValidBirth(req.birth, as.clock.today()));
  PARCOURS_RETURN_IF_ERROR(ValidSex(req.sex));
  p.sex = req.sex;
  for (const auto& [key, value] : req.attrs) {
    PARCOURS_RETURN_IF_ERROR(ValidAttribute(key, value));
    p.attrs[key] = value;
    p.attr_history[key].push_back({std::nullopt, value});
  }
  PARCOURS_RETURN_IF_ERROR(CheckActor(req.actor));
  p.created_by = req.actor;

  // With allow_duplicate, namesakes are neither looked for nor expected
  // unchanged (a thousand of them would cost a thousand reads each).
  Namesakes namesakes;
  if (!req.allow_duplicate) {
    PARCOURS_ASSIGN_OR_RETURN(namesakes, ProbableDuplicate(r, p.name, p.birth, ""));
  }
  if (!namesakes.other.empty()) {
    PARCOURS_ASSIGN_OR_RETURN(Person other, PersonAt(r, namesakes.other));
    return Status::Refused("a person named " + EscapeText(other.name) + " born " + p.birth.iso() +
                               " already exists: " + other.id,
                           "Use " + other.id + ", or add {arg:allow_duplicate} if this is another person.");
  }
  if (as.id.empty()) {
    PARCOURS_ASSIGN_OR_RETURN(p.id, UnusedId(r, kPersonPrefix, Domain::kPersons));
  } else {
    PARCOURS_ASSIGN_OR_RETURN(auto existing, r.Get(Domain::kPersons, as.id));
    if (existing) return Status::Refused("person " + as.id + " already exists", "Give another person id.");
    p.id = as.id;
  }
  p.created = as.clock.now_timestamp();
  auto& m = planned.mutation;
  m.ExpectAbsent(Domain::kPersons, p.id);
  // Two registrations of the same person at once: one of them is planned
  // again and finds the other.
  if (!req.allow_duplicate) m.expect_prefixes.push_back(std::move(namesakes.read));
  m.Put(Domain::kPersons, p.id, p.ToJson().dump());
  for (const auto& [k, v] : NameIndexEntries(p)) m.Put(Domain::kIndexes, k, v);
  m.on_durable = [this, id = p.id, actor = req.actor] {
    if (log) log->info("person {} added by {}", id, actor);
  };
  return planned;
}

Result<Person> Engine::EditPerson(const EditPersonRequest& req) {
  const auto args = [&] {
    return Json{{"person", req.person}, {"name", OrNull(req.name)}, {"birth", OrNull(req.birth)},
                {"sex", OrNull(req.sex)}, {"attrs", req.attrs}, {"date", OrNull(req.date)},
                {"allow_duplicate", req.allow_duplicate}};
  };
  return impl_->Run<Person>(
      "person edit", req.request_id, "",
      [&](const StoreReader& r) { return impl_->PlanEditPerson(r, req, PlanAs{clock_}); }, args);
}

Result<Engine::Impl::Planned<Person>> Engine::Impl::PlanEditPerson(const StoreReader& r,
                                                                   const EditPersonRequest& req, const PlanAs& as) {
  const std::string options =
      "Give {arg:name}, {arg:birth}, {arg:sex} or {arg:attrs} KEY=VALUE (with {arg:date} for when it "
      "changed).";
  if (req.date && req.attrs.empty()) {
    return Status::Refused(
        "{arg:date} is when attributes change, and no {arg:attrs} is given",
        "Name, birth date and sex are corrections, without a date; give {arg:attrs} KEY=VALUE "
        "with {arg:date}.");
  }
  if (!req.name && !req.birth && !req.sex && req.attrs.empty()) {
    return Status::Refused("nothing to change", options);
  }
  PARCOURS_RETURN_IF_ERROR(CheckActor(req.actor));
  std::optional<std::string> name;
  if (req.name) {
    PARCOURS_ASSIGN_OR_RETURN(name, CleanName(*req.name));
  }
  std::optional<Date> birth;
  if (req.birth) {
    PARCOURS_ASSIGN_OR_RETURN(birth, ValidBirth(*req.birth, as.clock.today()));
  }
  if (req.sex) PARCOURS_RETURN_IF_ERROR(ValidSex(*req.sex));
  for (const auto& [key, value] : req.attrs) PARCOURS_RETURN_IF_ERROR(ValidAttribute(key, value));
  // An absent --date is today; a given one goes through the usual date checks
  // (an empty one is refused, not taken as today).
  PARCOURS_ASSIGN_OR_RETURN(Date date, EventDate(req.date, std::nullopt, as.clock));

  PARCOURS_ASSIGN_OR_RETURN(const Person before, PersonAt(r, req.person));
  Person p = before;
  PersonChange change;
  change.recorded = as.clock.now_timestamp();
  change.actor = req.actor;
  change.date = date;
  if (name && *name != p.name) {
    change.changes["name"] = {p.name, *name};
    p.name = *name;
  }
  if (birth && *birth != p.birth) {
    change.changes["birth"] = {p.birth.iso(), birth->iso()};
    p.birth = *birth;
  }
  if (req.sex && *req.sex != p.sex) {
    change.changes["sex"] = {p.sex, *req.sex};
    p.sex = *req.sex;
  }
  if (!req.attrs.empty() && date < p.birth) {
    return Status::Refused(
        "{arg:date} " + date.iso() + " is before " + p.id + "'s birth (" + p.birth.iso() + ")",
        "Give the date the attribute changed, on or after " + p.birth.iso() + ".");
  }
  const auto in_effect = p.AttrsOn(date);
  for (const auto& [key, value] : req.attrs) {
    auto& values = p.attr_history[key];
    auto at = std::find_if(values.begin(), values.end(), [&](const DatedValue& v) { return v.from == date; });
    const auto was = in_effect.find(key);
    const std::string old = was == in_effect.end() ? "" : was->second;
    if (at != values.end()) {
      if (at->value == value) continue;
      at->value = value;
    } else {
      if (old == value) continue;
      auto pos = std::find_if(values.begin(), values.end(), [&](const DatedValue& v) { return v.from && *v.from > date; });
      values.insert(pos, DatedValue{date, value});
    }
    change.changes["attrs." + key] = {old, value};
    p.attrs[key] = values.back().value;
  }
  if (change.changes.empty()) {
    return Status::Refused("nothing changes: " + p.id + " already has these values" +
                               (req.attrs.empty() ? "" : " on " + date.iso()),
                           "See them with {cmd:person.show " + p.id + "}.");
  }
  std::optional<ExpectPrefix> expect_namesakes;
  if (change.changes.count("name") || change.changes.count("birth")) {
    PARCOURS_ASSIGN_OR_RETURN(Namesakes namesakes, ProbableDuplicate(r, p.name, p.birth, p.id));
    const std::string& existing = namesakes.other;
    if (!req.allow_duplicate) expect_namesakes = std::move(namesakes.read);
    if (!existing.empty() && !req.allow_duplicate) {
      return Status::Refused(
          "a person named " + EscapeText(p.name) + " born " + p.birth.iso() + " already exists: " + existing,
          "Check that " + p.id + " and " + existing + " are two people, then add {arg:allow_duplicate}.");
    }
  }
  p.changes.push_back(std::move(change));

  Mutation m;
  PARCOURS_ASSIGN_OR_RETURN(auto before_raw, r.Get(Domain::kPersons, p.id));
  m.ExpectValue(Domain::kPersons, p.id, std::move(before_raw));
  if (expect_namesakes) m.expect_prefixes.push_back(std::move(*expect_namesakes));
  m.Put(Domain::kPersons, p.id, p.ToJson().dump());
  const auto old_entries = NameIndexEntries(before), new_entries = NameIndexEntries(p);
  for (const auto& [k, v] : old_entries) {
    const bool kept =
        std::any_of(new_entries.begin(), new_entries.end(), [&k = k](const auto& e) { return e.first == k; });
    if (!kept) m.Delete(Domain::kIndexes, k);
  }
  for (const auto& [k, v] : new_entries) m.Put(Domain::kIndexes, k, v);
  // Each pathway's entry holds the sex, age and attributes on its enrolment
  // date; each pathway is expected unchanged, as for its own commands.
  PARCOURS_ASSIGN_OR_RETURN(auto pathways, PathwaysOfPersonAt(r, p.id));
  for (auto& s : pathways) {
    Json entry = s.entry;
    entry["sex"] = p.sex;
    entry["age"] = age_on(p.birth, s.enrolled);
    entry["attrs"] = p.AttrsOn(s.enrolled);
    if (entry == s.entry) continue;
    PARCOURS_ASSIGN_OR_RETURN(auto state_raw, r.Get(Domain::kPathways, s.id));
    m.ExpectValue(Domain::kPathways, s.id, std::move(state_raw));
    s.entry = std::move(entry);
    m.Put(Domain::kPathways, s.id, codec::EncodeState(s));
  }
  m.on_durable = [this, id = p.id, actor = req.actor] {
    if (log) log->info("person {} edited by {}", id, actor);
  };
  return Planned<Person>{std::move(m), std::move(p)};
}

Result<Person> Engine::GetPerson(const std::string& typed) const { return impl_->PersonAt(store_, typed); }

Result<Person> Engine::Impl::PersonAt(const StoreReader& r, const std::string& typed) const {
  auto id = NormalizeId(kPersonPrefix, typed);
  if (!id) {
    return Status::NotFound("no person " + Quoted(typed),
                            "Person ids look like P-7K2M9 (see {cmd:person.find NAME}).");
  }
  PARCOURS_ASSIGN_OR_RETURN(auto j, GetJson(r, Domain::kPersons, *id, "person"));
  if (!j) return Status::NotFound("no person " + *id, "Search by name with {cmd:person.find NAME}.");
  return Person::FromJson(*j);
}

Result<PersonMatches> Engine::FindPersons(const std::string& text, std::size_t limit) const {
  const auto query = NameTokens(FoldName(text));
  if (query.empty()) return Status::Refused("nothing to search for", "Give part of a name, e.g. `diallo`.");
  // Scan the index of the longest (most selective) word; its values, the
  // folded names, say which candidates hold the other words and their order.
  const std::string& lead = *std::max_element(
      query.begin(), query.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  const std::unique_ptr<StoreReader> snapshot = store_.Snapshot();
  std::map<std::string, std::string> folded;  // person id -> folded name (empty: not indexed with it)
  PARCOURS_RETURN_IF_ERROR(snapshot->ScanPrefix(
      Domain::kIndexes, keys::NameTokenPrefix(lead), [&](std::string_view k, std::string_view v) {
        folded.emplace(k.substr(k.rfind('\0') + 1), v);
        return true;
      }));
  std::vector<std::pair<std::string, std::string>> matches;  // (folded name, id)
  for (auto& [id, name] : folded) {
    if (name.empty()) {
      PARCOURS_ASSIGN_OR_RETURN(auto person, impl_->PersonAt(*snapshot, id));
      name = FoldName(person.name);
    }
    const auto words = NameTokens(name);
    const bool all = std::all_of(query.begin(), query.end(), [&](const std::string& q) {
      return std::any_of(words.begin(), words.end(),
                         [&](const std::string& w) { return w.compare(0, q.size(), q) == 0; });
    });
    if (all) matches.emplace_back(std::move(name), id);
  }
  PersonMatches out;
  out.total = matches.size();
  const std::size_t shown = std::min(limit, matches.size());
  std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(shown), matches.end());
  for (std::size_t i = 0; i < shown; ++i) {
    PARCOURS_ASSIGN_OR_RETURN(auto person, impl_->PersonAt(*snapshot, matches[i].second));
    out.persons.push_back(std::move(person));
  }
  return out;
}

Result<std::vector<PathwayState>> Engine::PathwaysOfPerson(const std::string& person_id) const {
  return impl_->PathwaysOfPersonAt(*store_.Snapshot(), person_id);
}

Result<std::vector<PathwayState>> Engine::Impl::PathwaysOfPersonAt(const StoreReader& r,
                                                                   const std::string& person_id) const {
  std::vector<std::string> ids;
  PARCOURS_RETURN_IF_ERROR(r.ScanPrefix(
      Domain::kIndexes, keys::PersonPathwayPrefix(person_id), [&](std::string_view k, std::string_view) {
        ids.emplace_back(k.substr(k.rfind('\0') + 1));
        return true;
      }));
  std::vector<PathwayState> out;
  for (const auto& id : ids) {
    PARCOURS_ASSIGN_OR_RETURN(auto s, LoadState(r, id));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace parcours
