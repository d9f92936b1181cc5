// Bulk import (docs/import-export.md). Each row is planned by the plan step
// of the command it stands for, on a BatchReader that lays the rows planned
// before it over one snapshot; a batch of rows is committed as one mutation
// together with the file's checkpoint (how far it went), so that an import
// killed at any point resumes after its last committed row, with nothing
// written twice. A refused row goes to the rejects file, fsynced before the
// batch commits, and the checkpoint records that file's length: a resumed
// import cuts off what a batch that did not commit had added.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/batch_reader.h"
#include "core/engine_impl.h"
#include "core/import_rows.h"
#include "core/users.h"
#include "exchange/csv.h"
#include "exchange/generate.h"
#include "exchange/source.h"

namespace parcours {
namespace {

using rows::Row;

constexpr std::size_t kMaxBatchRows = 100000;

// A checkpoint: how far the import of one file (by its SHA-256) went.
struct Checkpoint {
  uint64_t offset = 0, line = 0, rows = 0, written = 0, refused = 0, rejects_bytes = 0;
  std::string started, by, finished;
  bool done = false;

  Json ToJson() const {
    return Json{{"offset", offset},   {"line", line},       {"rows", rows},     {"written", written},
                {"refused", refused}, {"rejects_bytes", rejects_bytes},     {"started", started},
                {"by", by},           {"finished", finished}, {"done", done}};
  }
  static Checkpoint FromJson(const Json& j) {
    Checkpoint c;
    c.offset = j.value("offset", 0ull);
    c.line = j.value("line", 0ull);
    c.rows = j.value("rows", 0ull);
    c.written = j.value("written", 0ull);
    c.refused = j.value("refused", 0ull);
    c.rejects_bytes = j.value("rejects_bytes", 0ull);
    c.started = j.value("started", "");
    c.by = j.value("by", "");
    c.finished = j.value("finished", "");
    c.done = j.value("done", false);
    return c;
  }
};

// The rejects file of one import file, opened on the first refusal.
class Rejects {
 public:
  Rejects(std::string path, ExchangeFormat format, std::string header, uint64_t keep)
      : path_(std::move(path)), format_(format), header_(std::move(header)), size_(keep) {}
  ~Rejects() {
    if (fd_ >= 0) ::close(fd_);
  }
  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  bool used() const { return size_ > 0; }

  // Adds a refused row (its text as read) to the pending text.
  void Add(const rows::Item& item, const std::string& reason) {
    if (format_ == ExchangeFormat::kCsv) {
      if (size_ == 0 && pending_.empty()) {
        csv::AppendField(pending_, rows::kRejectedLine);
        pending_ += ",";
        csv::AppendField(pending_, rows::kRejectedReason);
        pending_ += "," + header_ + "\n";
      }
      pending_ += std::to_string(item.line) + ",";
      csv::AppendField(pending_, reason);
      pending_ += "," + item.raw + "\n";
      return;
    }
    const std::string head = "{\"" + std::string(rows::kRejectedLine) + "\":" + std::to_string(item.line) + ",\"" +
                             std::string(rows::kRejectedReason) + "\":" + rows::JsonString(reason);
    std::string_view raw = item.raw;
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    const bool object = Json::accept(raw) && raw.front() == '{';
    if (!object) {
      pending_ += head + ",\"" + std::string(rows::kRejectedText) + "\":" + rows::JsonString(item.raw) + "}\n";
    } else {
      std::string_view rest = raw.substr(1);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      pending_ += head + (rest.front() == '}' ? "" : ",") + std::string(rest) + "\n";
    }
  }

  // Writes the pending text durably; the file's new size goes in the batch's
  // checkpoint.
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    if (fd_ < 0) {
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
        return Status::Unavailable("cannot write the rejects file " + EchoText(path_),
                                   "Give a directory you may write to for rejects files.");
      }
    }
    std::string_view left = pending_;
    off_t at = static_cast<off_t>(size_);
    while (!left.empty()) {
      const ssize_t n = ::pwrite(fd_, left.data(), left.size(), at);
      if (n <= 0) return Status::Unavailable("cannot write the rejects file " + EchoText(path_));
      left.remove_prefix(static_cast<std::size_t>(n));
      at += n;
    }
    if (::fsync(fd_) != 0) return Status::Unavailable("cannot sync the rejects file " + EchoText(path_));
    size_ += pending_.size();
    pending_.clear();
    return Status::Ok();
  }
  // Forgets the pending text (a batch that stops the import).
  void Drop() { pending_.clear(); }
  // Cuts the file back to `size` (a batch planned again after its rejects
  // were written).
  void Rewind(uint64_t size) {
    pending_.clear();
    size_ = size;
  }

 private:
  std::string path_;
  ExchangeFormat format_;
  std::string header_;
  uint64_t size_;
  std::string pending_;
  int fd_ = -1;
};

}  // namespace

struct ImportRun {
  Engine::Impl& impl;
  const ImportRequest& req;

  std::string Say(const Status& s) const {
    std::string text = s.message();
    if (!s.allowed().empty()) text += (text.ends_with('.') ? " " : ". ") + s.allowed();
    return req.say ? req.say(text) : text;
  }

  Result<Checkpoint> LoadCheckpoint(const std::string& key, std::optional<std::string>& stored) {
    PARCOURS_ASSIGN_OR_RETURN(stored, impl.store.Get(Domain::kMeta, key));
    Checkpoint at;
    if (stored) {
      PARCOURS_ASSIGN_OR_RETURN(Json j, ParseStoredJson(*stored, "import checkpoint"));
      at = Checkpoint::FromJson(j);
    } else {
      at.started = impl.clock.now_timestamp();
      at.by = req.actor;
    }
    return at;
  }

  // The summary of a source whose checkpoint is `at`, so far.
  static ImportFileSummary Summary(std::string name, ExchangeFormat format, const Checkpoint& at, bool resumed) {
    ImportFileSummary out;
    out.file = std::move(name);
    out.format = format;
    out.rows = at.rows;
    out.written = at.written;
    out.refused = at.refused;
    out.already_imported = at.done;
    if (at.done) {
      out.imported = at.finished;
      out.imported_by = at.by;
    } else if (resumed) {
      out.resumed_at_line = at.line;
    }
    return out;
  }

  Result<ImportFileSummary> File(const std::string& path) {
    const auto format = rows::FormatOf(path);
    if (!format) {
      return Status::Refused("cannot tell the format of " + EchoText(path),
                             "Name CSV files *.csv and JSON Lines files *.jsonl or *.ndjson.");
    }
    std::string digest;
    {
      std::ifstream in(path, std::ios::binary);
      if (!in) return Status::Refused("cannot read " + EchoText(path), "Check the file's name and that you may read it.");
      digest = Sha256Hex(in);
      if (digest.empty()) return Status::Unavailable("could not read " + EchoText(path) + " to the end");
    }
    const std::string key = keys::ImportCheckpoint(digest);
    std::optional<std::string> stored;
    PARCOURS_ASSIGN_OR_RETURN(Checkpoint at, LoadCheckpoint(key, stored));
    ImportFileSummary out = Summary(path, *format, at, stored.has_value());
    if (at.done) return out;
    PARCOURS_ASSIGN_OR_RETURN(auto source, rows::FileSource::Open(path, *format, at.offset, at.line));
    const std::filesystem::path p(path);
    const std::string name = p.stem().string() + ".rejects" + p.extension().string();
    const std::string dir = req.rejects_dir.empty() ? p.parent_path().string() : req.rejects_dir;
    return Rows(*source, path, key, std::move(stored), at, (std::filesystem::path(dir) / name).string());
  }

  Result<ImportFileSummary> Generated(const GenerateRequest& g, Date today) {
    rows::GeneratorOptions options{g.persons, g.seed, today, g.programme};
    PARCOURS_RETURN_IF_ERROR(rows::Generator::Check(options));
    const std::string name = "population of " + std::to_string(g.persons) + " persons, seed " +
                             std::to_string(g.seed);
    // The same request on the same day is the same population: imported once.
    const std::string key = keys::ImportCheckpoint(Sha256Hex(std::string("generate\n") + g.programme + "\n" +
                                                             std::to_string(g.persons) + "\n" +
                                                             std::to_string(g.seed) + "\n" + today.iso()));
    std::optional<std::string> stored;
    PARCOURS_ASSIGN_OR_RETURN(Checkpoint at, LoadCheckpoint(key, stored));
    ImportFileSummary out = Summary(name, ExchangeFormat::kJsonLines, at, stored.has_value());
    if (at.done) return out;
    rows::Generator generator(options);
    if (stored) generator.SkipTo(at.offset, at.line);
    const std::string dir = req.rejects_dir.empty() ? "." : req.rejects_dir;
    return Rows(generator, name, key, std::move(stored), at,
                (std::filesystem::path(dir) / ("generate-" + std::to_string(g.seed) + ".rejects.jsonl")).string());
  }

  // Imports the rows of `source` from checkpoint `at` (stored as `stored`
  // under `key`), their refusals going to `rejects_path`.
  Result<ImportFileSummary> Rows(rows::Source& source, const std::string& name, const std::string& key,
                                 std::optional<std::string> stored, Checkpoint at, const std::string& rejects_path) {
    const uint64_t resumed_at = stored ? at.line : 0;
    // A batch that did not commit may have left rejects after the checkpoint's.
    std::error_code ec;
    if (std::filesystem::exists(rejects_path, ec)) std::filesystem::resize_file(rejects_path, at.rejects_bytes, ec);
    Rejects rejects(rejects_path, source.format(), source.header(), at.rejects_bytes);
    std::vector<rows::Item> batch;
    bool more = true;
    while (more) {
      batch.clear();
      // A batch ends where an import can resume (any row of a file; the
      // last row of a person for the generator).
      while (batch.size() < req.batch_rows || !batch.back().resumable) {
        rows::Item item;
        PARCOURS_ASSIGN_OR_RETURN(bool any, source.Next(item));
        if (!any) {
          more = false;
          break;
        }
        batch.push_back(std::move(item));
      }
      if (batch.empty()) break;
      PARCOURS_ASSIGN_OR_RETURN(at, Commit(batch, key, stored, at, rejects));
      stored = at.ToJson().dump();
      if (req.progress) req.progress({name, batch.back().end, source.size(), at.rows, at.written, at.refused});
    }
    ImportFileSummary out = Summary(name, source.format(), at, false);
    out.resumed_at_line = resumed_at;
    at.done = true;
    at.finished = impl.clock.now_timestamp();
    Mutation m;
    m.ExpectValue(Domain::kMeta, key, stored);
    m.Put(Domain::kMeta, key, at.ToJson().dump());
    const Committer::Committed c = impl.committer->Commit(std::move(m));
    if (c.outcome == Committer::Outcome::kFailed) return c.status;
    if (c.outcome == Committer::Outcome::kConflict) {
      return Status::Unavailable("another import of " + EchoText(name) + " ran at the same time",
                                 "See its summary; run this one again to check it is complete.");
    }
    if (rejects.used()) out.rejects = rejects.path();
    return out;
  }

  // Plans the rows of a batch and commits them with the file's checkpoint;
  // plans them again on a newer snapshot while another command changed what
  // they read. Returns the new checkpoint.
  Result<Checkpoint> Commit(const std::vector<rows::Item>& batch, const std::string& key,
                            const std::optional<std::string>& stored, const Checkpoint& before, Rejects& rejects) {
    Checkpoint at;
    const auto plan = [&](BatchReader& reader) -> Status {
      at = before;
      for (const auto& item : batch) {
        Status s = item.status;
        if (s.ok()) {
          auto clock = ClockOf(item.row, impl.clock);
          s = clock.ok() ? PlanRow(impl, reader, req.actor, item.row, *clock) : clock.status();
        }
        ++at.rows;
        if (s.ok()) {
          ++at.written;
        } else if (IsRowRefusal(s)) {
          ++at.refused;
          rejects.Add(item, Say(s));
        } else {
          rejects.Drop();
          return s;
        }
      }
      return Status::Ok();
    };
    // The rejects are on disk before the batch that counts them commits.
    const auto seal = [&](Mutation& m) -> Status {
      PARCOURS_RETURN_IF_ERROR(rejects.Flush());
      at.offset = batch.back().end;
      at.line = batch.back().line + 1 +
                static_cast<uint64_t>(std::count(batch.back().raw.begin(), batch.back().raw.end(), '\n'));
      at.rejects_bytes = rejects.size();
      m.ExpectValue(Domain::kMeta, key, stored);
      m.Put(Domain::kMeta, key, at.ToJson().dump());
      return Status::Ok();
    };
    PARCOURS_RETURN_IF_ERROR(
        impl.RunBatch("the import", plan, seal, [&] { rejects.Rewind(before.rejects_bytes); }));
    return at;
  }
};

// What an import and a generation both need before reading a row.
static Status CheckRun(const Engine::Impl& impl, const ImportRequest& req, const std::string& what) {
  if (req.batch_rows == 0 || req.batch_rows > kMaxBatchRows) {
    return Status::Usage("a batch of " + std::to_string(req.batch_rows) + " rows is not possible",
                         "Give 1 to " + std::to_string(kMaxBatchRows) + " rows per batch.");
  }
  PARCOURS_RETURN_IF_ERROR(CheckActor(req.actor));
  PARCOURS_RETURN_IF_ERROR(impl.committer_status);
  if (!impl.committer) return Status::Internal(what + " on a store opened read-only");
  return Status::Ok();
}

Result<ImportSummary> Engine::Import(const ImportRequest& req) {
  if (req.files.empty()) return Status::Usage("no file to import", "Give one or more .csv or .jsonl files.");
  PARCOURS_RETURN_IF_ERROR(CheckRun(*impl_, req, "import"));
  ImportRun run{*impl_, req};
  ImportSummary out;
  for (const auto& file : req.files) {
    PARCOURS_ASSIGN_OR_RETURN(ImportFileSummary done, run.File(file));
    out.rows += done.rows;
    out.written += done.written;
    out.refused += done.refused;
    out.files.push_back(std::move(done));
  }
  return out;
}

Result<ImportFileSummary> Engine::Generate(const GenerateRequest& req) {
  const ImportRequest& how = req.import;
  PARCOURS_RETURN_IF_ERROR(CheckRun(*impl_, how, "generate"));
  PARCOURS_RETURN_IF_ERROR(impl_->ProgrammeInfoAt(store_, req.programme).status());
  ImportRun run{*impl_, how};
  return run.Generated(req, clock_.today());
}

Status WritePopulation(const GenerateRequest& req, const Date& today, std::ostream& out) {
  rows::GeneratorOptions options{req.persons, req.seed, today, req.programme};
  PARCOURS_RETURN_IF_ERROR(rows::Generator::Check(options));
  rows::Generator generator(options);
  rows::Item item;
  std::string buffer;
  for (;;) {
    PARCOURS_ASSIGN_OR_RETURN(bool more, generator.Next(item));
    if (more) {
      buffer += item.raw;
      buffer += '\n';
    }
    if (!more || buffer.size() >= (1 << 20)) {
      out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
      if (!out) return Status::Unavailable("could not write the population", "Check the disk space.");
    }
    if (!more) return Status::Ok();
  }
}

}  // namespace parcours
