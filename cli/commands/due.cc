// parcours due: deadlines due or overdue, soonest first.
#include "context.h"

namespace parcours::cli {

void SetDueCommand(CLI::App&, Context&) {}

}  // namespace parcours::cli
