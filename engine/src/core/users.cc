// Users, roles and tokens (docs/security.md): who may use the store, with
// which role. A token is shown once, when its user is added; the store keeps
// only its SHA-256 (meta "token\0<hash>" -> name), so that reading the store
// never yields a usable token.
#include "core/users.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <istream>
#include <memory>
#include <vector>
#include <utility>

#include "common/yaml_read.h"
#include "core/commit.h"
#include "core/engine_impl.h"

namespace parcours {
namespace {

constexpr std::string_view kTokenPrefix = "pct_";
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kNearestUsers = 5;  // names a refusal suggests

// ---- roles ----------------------------------------------------------------------

constexpr std::array kRoles = {Role::kCounsellor, Role::kProgrammeAdmin, Role::kFunder, Role::kAuditor};

using Commands = std::vector<std::string_view>;

// What each role may run, by Service command name (docs/security.md "Roles").
const Commands& PathwayWrites() {
  static const Commands k = {"person.add", "person.edit", "enroll", "advance",
                             "record",     "void",        "assign", "note"};
  return k;
}
const Commands& HistoryReads() {
  static const Commands k = {"show", "history", "person.show", "person.find", "caseload", "due"};
  return k;
}
const Commands& ProgrammeReads() {
  static const Commands k = {"programme.list", "programme.show"};
  return k;
}
const Commands& Reports() {
  static const Commands k = {"report.list", "report.run", "report.outcomes"};
  return k;
}
const Commands& Administration() {
  static const Commands k = {"programme.install", "user.add", "user.list", "user.revoke", "import", "export"};
  return k;
}

struct RoleRights {
  const char* does;  // what the role does, for refusals
  Commands commands;
};

Commands Concat(std::initializer_list<const Commands*> parts) {
  Commands out;
  for (const auto* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

const RoleRights& RightsOf(Role role) {
  static const RoleRights kCounsellor{"writes and reads pathways and persons",
                                      Concat({&PathwayWrites(), &HistoryReads(), &ProgrammeReads()})};
  static const RoleRights kAdmin{"installs workflows, manages users and reads everything",
                                 Concat({&Administration(), &HistoryReads(), &ProgrammeReads(), &Reports()})};
  static const RoleRights kFunder{"runs reports only", Concat({&Reports(), &ProgrammeReads()})};
  static const RoleRights kAuditor{"reads history and reports, and writes nothing",
                                   Concat({&HistoryReads(), &ProgrammeReads(), &Reports()})};
  switch (role) {
    case Role::kCounsellor: return kCounsellor;
    case Role::kProgrammeAdmin: return kAdmin;
    case Role::kFunder: return kFunder;
    case Role::kAuditor: return kAuditor;
  }
  return kAuditor;
}

std::string RoleList() {
  std::string out;
  for (Role r : kRoles) out += (out.empty() ? "" : ", ") + std::string(RoleName(r));
  return out;
}

// ---- tokens ---------------------------------------------------------------------

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

// A new token: 32 bytes from OpenSSL's CSPRNG, "pct_" + hex.
Result<std::string> NewToken() {
  std::array<unsigned char, kTokenBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Internal("could not draw random bytes for a token (OpenSSL RAND_bytes failed)");
  }
  std::string token = std::string(kTokenPrefix) + Hex(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

// ---- stored users ---------------------------------------------------------------

struct StoredUser {
  User user;
  std::string token_sha256;
  std::string raw;  // the stored JSON, for the commit's expectation
};

Json UserJson(const User& u, const std::string& token_sha256) {
  return Json{{"name", u.name},       {"role", RoleName(u.role)}, {"token_sha256", token_sha256},
              {"created", u.created}, {"created_by", u.created_by},
              {"revoked", u.revoked}, {"revoked_by", u.revoked_by}};
}

Result<StoredUser> DecodeUser(std::string_view raw) {
  PARCOURS_ASSIGN_OR_RETURN(Json j, ParseStoredJson(raw, "user"));
  try {
    StoredUser s;
    s.user.name = j.at("name").get<std::string>();
    const auto role = ParseRole(j.at("role").get<std::string>());
    if (!role) return Status::Corruption("user " + Quoted(s.user.name) + " has an unknown role");
    s.user.role = *role;
    s.user.created = j.value("created", "");
    s.user.created_by = j.value("created_by", "");
    s.user.revoked = j.value("revoked", "");
    s.user.revoked_by = j.value("revoked_by", "");
    s.token_sha256 = j.at("token_sha256").get<std::string>();
    s.raw = std::string(raw);
    return s;
  } catch (const Json::exception& ex) {
    return Status::Corruption(std::string("user does not decode: ") + ex.what());
  }
}

Result<std::optional<StoredUser>> LoadUser(const StoreReader& reader, const std::string& name) {
  PARCOURS_ASSIGN_OR_RETURN(auto raw, reader.Get(Domain::kMeta, keys::User(name)));
  if (!raw) return std::optional<StoredUser>();
  PARCOURS_ASSIGN_OR_RETURN(StoredUser s, DecodeUser(*raw));
  return std::optional<StoredUser>(std::move(s));
}

// Every user, by name.
Result<std::vector<StoredUser>> LoadUsers(const StoreReader& reader) {
  std::vector<StoredUser> users;
  Status decode;
  PARCOURS_RETURN_IF_ERROR(
      reader.ScanPrefix(Domain::kMeta, keys::UserPrefix(), [&](std::string_view, std::string_view v) {
        auto u = DecodeUser(v);
        if (!u.ok()) {
          decode = u.status();
          return false;
        }
        users.push_back(std::move(*u));
        return true;
      }));
  PARCOURS_RETURN_IF_ERROR(decode);
  return users;
}

// The names of active users nearest to `name` (fewest edits, then by name).
std::vector<std::string> NearestActive(const std::vector<StoredUser>& users, std::string_view name) {
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const auto& s : users) {
    if (!s.user.revoked.empty()) continue;
    const std::size_t d = name.size() > yaml_read::kMaxHintedWord ? 0 : yaml_read::EditDistance(name, s.user.name);
    ranked.emplace_back(d, s.user.name);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ranked.size() && i < kNearestUsers; ++i) out.push_back(ranked[i].second);
  return out;
}

// "Nearest users: a, b." or, with no active user, what to do.
std::string NearestAdvice(const std::vector<StoredUser>& users, std::string_view name) {
  const auto nearest = NearestActive(users, name);
  if (nearest.empty()) return "No user is active: add one first (user add).";
  return "Nearest active users: " + JoinWords(nearest) + ".";
}

// A user name as typed, checked: letters, digits, '.', '-', '_', up to 64.
Result<std::string> CleanUserName(std::string_view raw) {
  PARCOURS_ASSIGN_OR_RETURN(std::string name, CleanText(raw, "user name", kMaxUserNameChars));
  const bool ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
  if (!ok) {
    return Status::Refused("user name " + Quoted(name) + " holds a character that is not allowed",
                           "A user name holds only letters a-z and A-Z, digits, '.', '-' and '_', e.g. lea.moreau.");
  }
  return name;
}

}  // namespace

// ---- public: roles ----------------------------------------------------------------

const char* RoleName(Role role) {
  switch (role) {
    case Role::kCounsellor: return "counsellor";
    case Role::kProgrammeAdmin: return "programme_admin";
    case Role::kFunder: return "funder";
    case Role::kAuditor: return "auditor";
  }
  return "?";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (Role r : kRoles)
    if (text == RoleName(r)) return r;
  return std::nullopt;
}

Status Authorize(const User& user, std::string_view command) {
  if (!user.revoked.empty()) {
    return Status::Denied("user " + Quoted(user.name) + " was revoked on " + user.revoked,
                          "Ask a programme administrator for a new user.");
  }
  const RoleRights& rights = RightsOf(user.role);
  if (std::find(rights.commands.begin(), rights.commands.end(), command) != rights.commands.end()) {
    return Status::Ok();
  }
  std::string may;
  for (auto c : rights.commands) may += (may.empty() ? "" : ", ") + std::string(c);
  return Status::Denied("user " + Quoted(user.name) + " has the role " + RoleName(user.role) +
                            ", which may not run " + Quoted(command),
                        "A " + std::string(RoleName(user.role)) + " " + rights.does + ": " + may + ".");
}

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &n, EVP_sha256(), nullptr) != 1) return {};
  return Hex(md.data(), n);
}

std::string Sha256Hex(std::istream& in) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount())) != 1) {
      return {};
    }
  }
  if (in.bad()) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx.get(), md.data(), &n) != 1) return {};
  return Hex(md.data(), n);
}

Result<std::optional<User>> FindUser(const StoreReader& reader, const std::string& name) {
  PARCOURS_ASSIGN_OR_RETURN(auto stored, LoadUser(reader, name));
  if (!stored) return std::optional<User>();
  return std::optional<User>(std::move(stored->user));
}

Status CheckKnownReferent(const StoreReader& reader, const std::string& name) {
  PARCOURS_ASSIGN_OR_RETURN(auto users, LoadUsers(reader));
  if (users.empty()) return Status::Ok();
  auto it = std::find_if(users.begin(), users.end(), [&](const StoredUser& s) { return s.user.name == name; });
  if (it == users.end()) {
    std::vector<std::string> active;
    for (const auto& s : users)
      if (s.user.revoked.empty()) active.push_back(s.user.name);
    return Status::Refused("referent " + Quoted(name) + " is not a user" + yaml_read::DidYouMean(name, active),
                           "A referent must be an active user. " + NearestAdvice(users, name));
  }
  if (!it->user.revoked.empty()) {
    return Status::Refused("referent " + Quoted(name) + " is a revoked user (since " + it->user.revoked + ")",
                           "A referent must be an active user. " + NearestAdvice(users, name));
  }
  return Status::Ok();
}

// ---- Engine: users ----------------------------------------------------------------

Result<AddedUser> Engine::AddUser(const AddUserRequest& request) {
  PARCOURS_RETURN_IF_ERROR(CheckActor(request.actor));
  PARCOURS_ASSIGN_OR_RETURN(std::string name, CleanUserName(request.name));
  const auto role = ParseRole(request.role);
  if (!role) {
    std::vector<std::string> names;
    for (Role r : kRoles) names.emplace_back(RoleName(r));
    return Status::Refused("role " + Quoted(request.role) + " is not a role" +
                               yaml_read::DidYouMean(request.role, names),
                           "Roles: " + RoleList() + ".");
  }
  AddedUser added;
  PARCOURS_ASSIGN_OR_RETURN(added.token, NewToken());
  added.user.name = name;
  added.user.role = *role;
  added.user.created_by = request.actor;
  const std::string hash = TokenHash(added.token);
  if (hash.empty()) return Status::Internal("could not hash a token (OpenSSL EVP_Digest failed)");

  using Planned = Impl::Planned<AddedUser>;
  const auto args = [&] {
    return Json{{"name", request.name}, {"role", request.role}};
  };
  PARCOURS_ASSIGN_OR_RETURN(added, impl_->Run<AddedUser>("user.add", request.request_id, "",
                                                         [&](const StoreReader& r) -> Result<Planned> {
    PARCOURS_ASSIGN_OR_RETURN(auto users, LoadUsers(r));
    auto same = std::find_if(users.begin(), users.end(), [&](const StoredUser& s) { return s.user.name == name; });
    if (same != users.end()) {
      const User& u = same->user;
      return Status::Refused("user " + Quoted(name) + " exists already (" + RoleName(u.role) +
                                 (u.revoked.empty() ? "" : ", revoked on " + u.revoked) + ")",
                             "A name is never given twice, even once revoked: choose another name.");
    }
    Planned p;
    p.result = added;
    p.result.user.created = clock_.now_timestamp();
    p.mutation.ExpectAbsent(Domain::kMeta, keys::User(name));
    p.mutation.ExpectAbsent(Domain::kMeta, keys::Token(hash));
    p.mutation.Put(Domain::kMeta, keys::User(name), UserJson(p.result.user, hash).dump());
    p.mutation.Put(Domain::kMeta, keys::Token(hash), name);
    return p;
  }, args));
  if (added.token.empty()) {  // a request id done again: the user as stored, never the token
    PARCOURS_ASSIGN_OR_RETURN(auto user, FindUser(store_, added.user.name));
    if (user) added.user = std::move(*user);
    return added;
  }
  if (log_) log_->info("user {} added as {} by {}", name, RoleName(*role), request.actor);
  return added;
}

Result<std::vector<User>> Engine::ListUsers() const {
  PARCOURS_ASSIGN_OR_RETURN(auto stored, LoadUsers(store_));
  std::vector<User> users;
  for (auto& s : stored) users.push_back(std::move(s.user));
  return users;
}

Result<User> Engine::RevokeUser(const std::string& name, const std::string& actor,
                                const std::string& request_id) {
  PARCOURS_RETURN_IF_ERROR(CheckActor(actor));
  using Planned = Impl::Planned<User>;
  const auto args = [&] {
    return Json{{"name", name}};
  };
  PARCOURS_ASSIGN_OR_RETURN(User revoked, impl_->Run<User>("user.revoke", request_id, "",
                                                           [&](const StoreReader& r) -> Result<Planned> {
    PARCOURS_ASSIGN_OR_RETURN(auto users, LoadUsers(r));
    auto it = std::find_if(users.begin(), users.end(), [&](const StoredUser& s) { return s.user.name == name; });
    if (it == users.end()) {
      std::vector<std::string> names;
      for (const auto& s : users) names.push_back(s.user.name);
      return Status::NotFound("no user " + Quoted(name) + yaml_read::DidYouMean(name, names),
                              users.empty() ? "No user exists yet." : NearestAdvice(users, name));
    }
    if (!it->user.revoked.empty()) {
      return Status::Refused("user " + Quoted(name) + " was revoked already, on " + it->user.revoked + " by " +
                             it->user.revoked_by);
    }
    Planned p;
    Mutation& m = p.mutation;
    if (it->user.role == Role::kProgrammeAdmin) {
      // The last active programme admin stays: someone must be able to manage users.
      bool other_admin = false;
      for (const auto& s : users) {
        if (&s == &*it || s.user.role != Role::kProgrammeAdmin || !s.user.revoked.empty()) continue;
        other_admin = true;
        m.ExpectValue(Domain::kMeta, keys::User(s.user.name), s.raw);
      }
      if (!other_admin) {
        return Status::Refused("user " + Quoted(name) + " is the last active programme_admin",
                               "Add another programme_admin first: someone must be able to manage users.");
      }
    }
    User& revoked = p.result;
    revoked = it->user;
    revoked.revoked = clock_.now_timestamp();
    revoked.revoked_by = actor;
    m.ExpectValue(Domain::kMeta, keys::User(name), it->raw);
    m.Put(Domain::kMeta, keys::User(name), UserJson(revoked, it->token_sha256).dump());
    m.Delete(Domain::kMeta, keys::Token(it->token_sha256));
    m.on_durable = [impl = impl_.get()] { impl->ForgetTokens(); };
    return p;
  }, args));
  if (log_) log_->info("user {} revoked by {}", name, actor);
  return revoked;
}

Result<User> Engine::Authenticate(const std::string& token) const {
  const Status denied = Status::Denied("this token is not valid (unknown or revoked)",
                                       "Ask a programme administrator for a token.");
  const std::string hash = TokenHash(token);
  if (token.empty() || hash.empty()) return denied;
  uint64_t generation = 0;
  {
    std::lock_guard lock(impl_->tokens_mu);
    if (auto it = impl_->tokens.find(hash); it != impl_->tokens.end()) return it->second;
    generation = impl_->token_generation;
  }
  PARCOURS_ASSIGN_OR_RETURN(auto name, store_.Get(Domain::kMeta, keys::Token(hash)));
  if (!name) return denied;
  PARCOURS_ASSIGN_OR_RETURN(auto stored, LoadUser(store_, *name));
  if (!stored || !stored->user.revoked.empty()) return denied;
  if (stored->token_sha256.size() != hash.size() ||
      CRYPTO_memcmp(stored->token_sha256.data(), hash.data(), hash.size()) != 0) {
    return denied;
  }
  std::lock_guard lock(impl_->tokens_mu);
  if (impl_->token_generation == generation) {
    if (impl_->tokens.size() >= Impl::kMaxCachedTokens) impl_->tokens.clear();
    impl_->tokens.emplace(hash, stored->user);
  }
  return stored->user;
}

Result<bool> Engine::HasUsers() const {
  bool any = false;
  PARCOURS_RETURN_IF_ERROR(store_.ScanPrefix(Domain::kMeta, keys::UserPrefix(),
                                             [&](std::string_view, std::string_view) {
                                               any = true;
                                               return false;
                                             }));
  return any;
}

// A revocation done again by its request id: the user as stored now.
Json Engine::Impl::Stored(const User& r) { return Json{{"name", r.name}}; }

Status Engine::Impl::Restore(const StoreReader& r, const Json& j, User& out) const {
  PARCOURS_ASSIGN_OR_RETURN(auto stored, LoadUser(r, j.value("name", "")));
  if (!stored) return Status::Corruption("a request id names a user that is not stored");
  out = std::move(stored->user);
  return Status::Ok();
}

}  // namespace parcours
