// parcours user add|list|revoke: who may use the store, with which role.
#include "context.h"

namespace parcours::cli {

void SetUserCommand(CLI::App&, Context&) {}

}  // namespace parcours::cli
