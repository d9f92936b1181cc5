// parcours note: a dated note in a pathway's history.
#include "context.h"

namespace parcours::cli {
namespace {

struct NoteOptions {
  std::string pathway, text;
  std::optional<std::string> date;
};

Status Run(Context& ctx, const NoteOptions& o) {
  Json args{{"pathway", o.pathway}, {"text", o.text}};
  if (o.date) args["date"] = *o.date;
  return RunCommand(ctx, Request("note", std::move(args)), [](const Json& r) {
    return Text(r, "pathway") + " " + PersonLabel(r) + ": note #" + Text(r, "seq") + " of " + Text(r, "date") +
           " recorded (see `parcours history " + Text(r, "pathway") + "`)";
  });
}

}  // namespace

void SetNoteCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("note", "Add a dated note to a pathway's history (never in reports)");
  auto o = std::make_shared<NoteOptions>();
  cmd->add_option("PATHWAY", o->pathway, "Pathway id, e.g. W-3F8Q4")->required();
  cmd->add_option("TEXT", o->text, "The note: one line, at most 500 characters (quote it)")->required();
  cmd->add_option("--date", o->date, "When it happened: YYYY-MM-DD, today (default) or yesterday");
  cmd->footer("Example: parcours note W-3F8Q4 \"Called, no answer; call back Monday\" --date yesterday");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
