// parcours void: cancel the event a counsellor names (--seq) with a compensating event.
#include "context.h"

namespace parcours::cli {
namespace {

struct VoidOptions {
  std::string pathway, reason;
  uint32_t seq = 0;
};

Status Run(Context& ctx, const VoidOptions& o) {
  Json args{{"pathway", o.pathway}, {"reason", o.reason}};
  if (o.seq != 0) args["seq"] = o.seq;
  return RunCommand(ctx, Request("void", std::move(args)), [](const Json& r) {
    return Text(r, "pathway") + " " + PersonLabel(r) + ": voided #" + Text(r, "voided") + " (" +
           Text(r, "voided_action") + "); step is " + Text(r, "step_display") + "\n" + NextLine(r);
  });
}

}  // namespace

void SetVoidCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("void", "Cancel the pathway's latest event in effect, named by --seq (history keeps both)");
  auto o = std::make_shared<VoidOptions>();
  cmd->add_option("PATHWAY", o->pathway, "Pathway id, e.g. W-3F8Q4")->required();
  // Not required by the parser: the engine's refusal says how to find the seq.
  cmd->add_option("--seq", o->seq,
                  "The event to cancel (its #, see `parcours history PATHWAY`): the latest in effect, "
                  "or the latest void to undo it");
  cmd->add_option("--reason", o->reason, "Why the event is cancelled")->required();
  cmd->footer("Example: parcours void W-3F8Q4 --seq 4 --reason \"recorded on the wrong person\"");
  cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return Run(ctx, *o); }; });
}

}  // namespace parcours::cli
