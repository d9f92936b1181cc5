// parcours init: create the store.
#include "context.h"

namespace parcours::cli {

void SetInitCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create the store (a no-op on an existing store)");
  cmd->footer("Example: parcours --data ~/parcours-store init");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> Status {
      PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("init"));
      PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(/*write=*/true, /*create=*/true));
      const bool created = session->store->created();
      ctx.out.Emit(Json{{"store", ctx.data_dir}, {"created", created}, {"schema_version", kSchemaVersion}},
                   created ? "Created a store in " + ctx.data_dir
                           : "The store in " + ctx.data_dir + " is ready (nothing to do).");
      return Status::Ok();
    };
  });
}

}  // namespace parcours::cli
