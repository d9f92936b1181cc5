// parcours enroll: start a person's pathway in a programme.
#include "context.h"

namespace parcours::cli {
namespace {

struct EnrollOptions {
  std::string person, programme, referent;
  std::optional<std::string> date;
  std::vector<std::string> fields;
};

Status Run(Context& ctx, const EnrollOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(RawFields fields, ParseKeyValues(o.fields, "--field"));
  Json args{{"person", o.person}, {"programme", o.programme}, {"fields", fields}};
  if (o.date) args["date"] = *o.date;
  if (!o.referent.empty()) args["referent"] = o.referent;
  return RunCommand(ctx, Request("enroll", std::move(args)), [](const Json& r) {
    return PersonLabel(r) + " enrolled in \"" + Text(r, "programme_label") + "\" (v" + Text(r, "version") +
           ") as " + Text(r, "pathway") + ", " + Text(r, "enrolled") + "\n" + "Step: " + Text(r, "step_display") +
           " · referent: " + Text(r, "referent") + "\n" + NextLine(r);
  });
}

}  // namespace

void SetEnrollCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("enroll", "Enrol a person in a programme: starts a pathway");
  auto o = std::make_shared<EnrollOptions>();
  cmd->add_option("PERSON", o->person, "Person id, e.g. P-7K2M9")->required();
  cmd->add_option("PROGRAMME", o->programme, "Programme id, e.g. insertion")->required();
  cmd->add_option("--date", o->date, "Date of the referral: YYYY-MM-DD, today (default) or yesterday");
  cmd->add_option("--referent", o->referent, "Counsellor in charge (default: the actor)");
  cmd->add_option("--field", o->fields, "KEY=VALUE enrolment field, repeatable");
  cmd->footer("Example: parcours enroll P-7K2M9 insertion --field prescriber=france_travail");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
