// parcours record: record a milestone within the pathway's current step.
#include "context.h"

namespace parcours::cli {
namespace {

struct RecordOptions {
  std::string pathway, milestone;
  std::optional<std::string> date;
  std::vector<std::string> fields;
};

Status Run(Context& ctx, const RecordOptions& o) {
  PARCOURS_ASSIGN_OR_RETURN(RawFields fields, ParseKeyValues(o.fields, "--field"));
  Json args{{"pathway", o.pathway}, {"milestone", o.milestone}, {"fields", fields}};
  if (o.date) args["date"] = *o.date;
  return RunCommand(ctx, Request("record", std::move(args)), [](const Json& r) {
    const std::string details = FieldsInline(r.value("fields", Json::object()));
    return Text(r, "pathway") + " " + PersonLabel(r) + ": recorded " + Text(r, "milestone") +
           (details.empty() ? "" : " (" + details + ")") + ", " + Text(r, "date") + "\n" + NextLine(r);
  });
}

}  // namespace

void SetRecordCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("record", "Record a milestone (interview, training result...) in the current step");
  auto o = std::make_shared<RecordOptions>();
  cmd->add_option("PATHWAY", o->pathway, "Pathway id, e.g. W-3F8Q4")->required();
  cmd->add_option("MILESTONE", o->milestone, "Milestone id, e.g. interview, training_completed")->required();
  cmd->add_option("--date", o->date, "When it happened: YYYY-MM-DD, today (default) or yesterday");
  cmd->add_option("--field", o->fields, "KEY=VALUE milestone field, repeatable");
  cmd->footer("Example: parcours record W-3F8Q4 interview --field mode=individual --field minutes=45");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
