// parcours serve: run the store behind a server that counsellors' CLIs call.
#include "context.h"

namespace parcours::cli {

void SetServeCommand(CLI::App&, Context&) {}

}  // namespace parcours::cli
