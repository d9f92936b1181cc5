// parcours import / export: a store's history in bulk, as CSV or JSON Lines
// (docs/import-export.md). Both run on the store here, not through a server.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "context.h"
#include "remote.h"

namespace parcours::cli {
namespace {

// "1,234,567"
std::string Count(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Refused while a server holds the store: these commands read or write it in
// bulk here, and the server's lock keeps them out.
Status RefuseServer(Context& ctx, std::string_view command) {
  auto address = FindServer(ctx);
  if (!address) return Status::Ok();
  return Status::Unavailable("`parcours " + std::string(command) + "` runs on the store itself, and the server " +
                                 *address + " holds it",
                             "Stop the server, run the " + std::string(command) + ", then start the server again.");
}

// Who runs the command: the token's user, allowed to run it; else --actor.
Result<std::string> Actor(Context& ctx, Engine& engine, std::string_view command) {
  if (ctx.token.empty()) return ctx.actor;
  PARCOURS_ASSIGN_OR_RETURN(User user, engine.Authenticate(ctx.token));
  PARCOURS_RETURN_IF_ERROR(Authorize(user, command));
  return user.name;
}

// Progress on stderr: on a terminal a bar redrawn after each batch; else
// (--progress) a line at most every few seconds.
class ProgressBar {
 public:
  ProgressBar(bool terminal, bool lines) : terminal_(terminal), lines_(lines && !terminal) {}
  ~ProgressBar() { Finish(); }
  void Show(const ImportProgress& p) {
    if (lines_) {
      const auto now = std::chrono::steady_clock::now();
      if (drawn_ && now - last_ < std::chrono::seconds(5)) return;
      last_ = now;
      drawn_ = true;
      std::fprintf(stderr, "parcours: import: %s: %s of %s bytes, %s rows, %s written, %s refused\n", p.file.c_str(),
                   Count(p.bytes_done).c_str(), Count(p.bytes_total).c_str(), Count(p.rows).c_str(),
                   Count(p.written).c_str(), Count(p.refused).c_str());
      return;
    }
    if (!terminal_) return;
    const double part = p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 1;
    const int filled = static_cast<int>(part * 30);
    std::fprintf(stderr, "\r[%s%s] %3d%%  %s rows, %s written, %s refused  %s", std::string(filled, '#').c_str(),
                 std::string(30 - filled, ' ').c_str(), static_cast<int>(part * 100), Count(p.rows).c_str(),
                 Count(p.written).c_str(), Count(p.refused).c_str(),
                 std::filesystem::path(p.file).filename().c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
  void Finish() {
    if (drawn_ && terminal_) std::fputc('\n', stderr);
    drawn_ = false;
  }

 private:
  bool terminal_;
  bool lines_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

std::string FileLine(const ImportFileSummary& f) {
  if (f.already_imported) {
    return f.file + ": imported completely on " + f.imported + " by " + f.imported_by + "; nothing to do.";
  }
  std::string line = f.file + ": " + Count(f.rows) + " rows, " + Count(f.written) + " written, " +
                     Count(f.refused) + " refused";
  if (f.resumed_at_line > 0) line += " (resumed at line " + Count(f.resumed_at_line) + ")";
  if (!f.rejects.empty()) line += "; refused rows with their reasons in " + f.rejects;
  return line + ".";
}

Json SummaryJson(const ImportSummary& s) {
  Json files = Json::array();
  for (const auto& f : s.files) {
    files.push_back({{"file", f.file},
                     {"format", f.format == ExchangeFormat::kCsv ? "csv" : "jsonl"},
                     {"rows", f.rows},
                     {"written", f.written},
                     {"refused", f.refused},
                     {"resumed_at_line", f.resumed_at_line},
                     {"already_imported", f.already_imported},
                     {"rejects", f.rejects}});
  }
  return Json{{"files", files}, {"rows", s.rows}, {"written", s.written}, {"refused", s.refused}};
}

struct ImportOptions {
  std::vector<std::string> files;
  std::string rejects_dir;
  std::size_t batch = 2000;
  bool progress = false;
};

Status Import(Context& ctx, const ImportOptions& o) {
  PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("import"));
  PARCOURS_RETURN_IF_ERROR(RefuseServer(ctx, "import"));
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(/*write=*/true));
  ImportRequest req;
  PARCOURS_ASSIGN_OR_RETURN(req.actor, Actor(ctx, *session->engine, "import"));
  req.files = o.files;
  req.rejects_dir = o.rejects_dir;
  req.batch_rows = o.batch;
  ProgressBar bar(!ctx.json && ::isatty(STDERR_FILENO), o.progress);
  req.progress = [&bar](const ImportProgress& p) { bar.Show(p); };
  req.say = [](const std::string& text) { return RenderHints(text); };
  auto summary = session->engine->Import(req);
  bar.Finish();
  ctx.RecordPassedDeadlines(*session);
  PARCOURS_RETURN_IF_ERROR(summary.status());
  std::string human;
  for (const auto& f : summary->files) human += FileLine(f) + "\n";
  if (summary->files.size() > 1) {
    human += "In all: " + Count(summary->rows) + " rows, " + Count(summary->written) + " written, " +
             Count(summary->refused) + " refused.\n";
  }
  human.pop_back();
  ctx.out.Emit(SummaryJson(*summary), human);
  // The others went in; the exit code tells a script that some did not (in
  // this run: a file imported before says so in its line).
  uint64_t refused = 0, written = 0;
  for (const auto& f : summary->files) {
    if (f.already_imported) continue;
    refused += f.refused;
    written += f.written;
  }
  if (refused == 0) return Status::Ok();
  return Status::Refused(Count(refused) + (refused == 1 ? " row was" : " rows were") + " refused, " +
                             (written == 0 ? "and none imported" : "and the others imported"),
                         "Correct the refused rows in the rejects file and import it: its rows go in as they are.");
}

// Writes OUT through `write`, beside it first and then renamed over it: never half a file.
template <typename Write>
Status WriteWhole(const std::string& out, Write&& write) {
  const std::string partial = out + ".partial";
  std::ofstream file(partial, std::ios::binary | std::ios::trunc);
  if (!file) return Status::Unavailable("cannot write " + EchoText(partial), "Give a file in a directory you may write to.");
  Status s = write(file);
  file.close();
  std::error_code ec;
  if (s.ok() && !file) s = Status::Unavailable("could not write " + EchoText(partial), "Check the disk space.");
  if (s.ok()) std::filesystem::rename(partial, out, ec);
  if (!s.ok() || ec) {
    std::filesystem::remove(partial, ec);
    return s.ok() ? Status::Unavailable("could not rename " + EchoText(partial) + " to " + EchoText(out)) : s;
  }
  return Status::Ok();
}

struct GenerateOptions {
  uint64_t persons = 0;
  uint64_t seed = 1;
  std::string programme = "insertion";
  std::string out;
  std::size_t batch = 2000;
  bool progress = false;
};

Status Generate(Context& ctx, const GenerateOptions& o) {
  PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("generate"));
  GenerateRequest req;
  req.persons = o.persons;
  req.seed = o.seed;
  req.programme = o.programme;
  if (!o.out.empty()) {
    // To a file: no store is opened.
    PARCOURS_RETURN_IF_ERROR(
        WriteWhole(o.out, [&](std::ostream& file) { return WritePopulation(req, ctx.clock->today(), file); }));
    ctx.out.Emit(Json{{"file", o.out}, {"persons", o.persons}, {"seed", o.seed}},
                 "Wrote a population of " + Count(o.persons) + " persons (seed " + std::to_string(o.seed) +
                     ") to " + o.out + ".");
    return Status::Ok();
  }
  PARCOURS_RETURN_IF_ERROR(RefuseServer(ctx, "generate"));
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(/*write=*/true));
  PARCOURS_ASSIGN_OR_RETURN(req.import.actor, Actor(ctx, *session->engine, "import"));
  req.import.batch_rows = o.batch;
  ProgressBar bar(!ctx.json && ::isatty(STDERR_FILENO), o.progress);
  req.import.progress = [&bar](const ImportProgress& p) { bar.Show(p); };
  req.import.say = [](const std::string& text) { return RenderHints(text); };
  auto done = session->engine->Generate(req);
  bar.Finish();
  ctx.RecordPassedDeadlines(*session);
  PARCOURS_RETURN_IF_ERROR(done.status());
  ImportSummary summary;
  summary.rows = done->rows;
  summary.written = done->written;
  summary.refused = done->refused;
  summary.files.push_back(*done);
  ctx.out.Emit(SummaryJson(summary), FileLine(*done));
  if (done->refused == 0 || done->already_imported) return Status::Ok();
  return Status::Refused(Count(done->refused) + " generated rows were refused", "See " + done->rejects + ".");
}

struct ExportOptions {
  std::string format;
  std::string out;
};

Status Export(Context& ctx, const ExportOptions& o) {
  PARCOURS_RETURN_IF_ERROR(ctx.RefuseRequestId("export"));
  ExchangeFormat format = ExchangeFormat::kJsonLines;
  const std::string ext = std::filesystem::path(o.out).extension().string();
  const std::string name = !o.format.empty() ? o.format : ext == ".csv" ? "csv" : "jsonl";
  if (name == "csv") format = ExchangeFormat::kCsv;
  else if (name != "jsonl") {
    return Status::Usage("--format " + EchoText(name) + " is not a format", "Use --format jsonl or --format csv.");
  }
  if (o.out.empty() && ctx.json) {
    return Status::Usage("--json with the export on standard output", "Give --out FILE to have a JSON summary.");
  }
  PARCOURS_RETURN_IF_ERROR(RefuseServer(ctx, "export"));
  PARCOURS_ASSIGN_OR_RETURN(auto session, ctx.Open(/*write=*/false));
  ExportRequest req;
  req.format = format;
  PARCOURS_RETURN_IF_ERROR(Actor(ctx, *session->engine, "export").status());
  if (o.out.empty()) {
    req.out = &std::cout;
    return session->engine->Export(req).status();
  }
  ExportSummary summary;
  PARCOURS_RETURN_IF_ERROR(WriteWhole(o.out, [&](std::ostream& file) {
    req.out = &file;
    auto done = session->engine->Export(req);
    if (done.ok()) summary = *done;
    return done.status();
  }));
  ctx.out.Emit(Json{{"file", o.out}, {"format", name}, {"rows", summary.rows}, {"persons", summary.persons},
                    {"pathways", summary.pathways}, {"events", summary.events}},
               "Exported " + Count(summary.persons) + " persons, " + Count(summary.pathways) + " pathways and " +
                   Count(summary.events) + " events (" + Count(summary.rows) + " rows) to " + o.out + ".");
  return Status::Ok();
}

}  // namespace

void SetExchangeCommands(CLI::App& app, Context& ctx) {
  auto* imp = app.add_subcommand("import", "Import persons, enrolments and events from CSV or JSON Lines files");
  auto io = std::make_shared<ImportOptions>();
  imp->add_option("files", io->files, "Files to import, in order: *.csv, *.jsonl or *.ndjson")->required();
  imp->add_option("--rejects-dir", io->rejects_dir,
                  "Where to write FILE.rejects.csv (or .jsonl) with each refused row (default: beside FILE)");
  imp->add_option("--batch", io->batch, "Rows per write batch (default 2000)")->check(CLI::Range(1, 100000));
  imp->add_flag("--progress", io->progress,
                "Report progress on stderr even when it is not a terminal (a line every 5 seconds)");
  imp->footer("Example: parcours import persons.csv events.csv\n"
              "An interrupted import resumes where it stopped when run again (docs/import-export.md).");
  imp->callback([&ctx, io] { ctx.action = [&ctx, io] { return Import(ctx, *io); }; });

  auto* gen = app.add_subcommand("generate", "Generate a synthetic population of the insertion programme");
  auto go = std::make_shared<GenerateOptions>();
  gen->add_option("--persons", go->persons, "How many persons (each with one pathway)")
      ->required()
      ->check(CLI::Range(uint64_t{1}, uint64_t{28629151}));
  gen->add_option("--seed", go->seed, "The population's seed: the same seed gives the same population (default 1)");
  gen->add_option("--programme", go->programme, "The programme enrolled in (default insertion)");
  gen->add_option("--out", go->out, "Write the rows to this JSON Lines file instead of importing them");
  gen->add_option("--batch", go->batch, "Rows per write batch (default 2000)")->check(CLI::Range(1, 100000));
  gen->add_flag("--progress", go->progress, "Report progress on stderr even when it is not a terminal");
  gen->footer("Example: parcours generate --persons 100000 --seed 7\n"
              "Rates and vocabulary: docs/import-export.md, \"Generating a population\".");
  gen->callback([&ctx, go] { ctx.action = [&ctx, go] { return Generate(ctx, *go); }; });

  auto* exp = app.add_subcommand("export", "Write the store's whole history as CSV or JSON Lines");
  auto eo = std::make_shared<ExportOptions>();
  exp->add_option("--format", eo->format, "jsonl or csv (default: by --out's extension, else jsonl)");
  exp->add_option("--out", eo->out, "Write to this file (default: standard output)");
  exp->footer("Example: parcours export --out store.jsonl");
  exp->callback([&ctx, eo] { ctx.action = [&ctx, eo] { return Export(ctx, *eo); }; });
}

}  // namespace parcours::cli
