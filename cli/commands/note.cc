// parcours note: a dated note in a pathway's history.
#include "context.h"

namespace parcours::cli {

void SetNoteCommand(CLI::App&, Context&) {}

}  // namespace parcours::cli
