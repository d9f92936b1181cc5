// Shared by the import and export tests: a second store to import into, and
// the engine's import and export called on files of a temporary directory.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parcours/engine.h"
#include "support/engine_fixture.h"

namespace parcours::testing {

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// An engine on a store of its own, beside the fixture's.
struct OtherStore {
  OtherStore(const std::string& path, const Clock& clock, boost::asio::io_context& io) {
    StoreOptions options;
    options.create = true;
    auto opened = Store::Open(path, options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    if (!opened.ok()) return;
    store = std::move(*opened);
    engine = std::make_unique<Engine>(*store, clock, io, nullptr);
  }
  ~OtherStore() {
    engine.reset();
    store.reset();
  }
  std::unique_ptr<Store> store;
  std::unique_ptr<Engine> engine;
};

inline Result<ImportSummary> ImportFiles(Engine& engine, const std::vector<std::string>& files,
                                         std::size_t batch = 2000, const std::string& rejects_dir = "") {
  ImportRequest req;
  req.files = files;
  req.batch_rows = batch;
  req.actor = "importer";
  req.rejects_dir = rejects_dir;
  return engine.Import(req);
}

inline std::string ExportText(const Engine& engine, ExchangeFormat format) {
  std::ostringstream out;
  ExportRequest req;
  req.format = format;
  req.out = &out;
  auto done = engine.Export(req);
  EXPECT_TRUE(done.ok()) << done.status().ToString();
  return out.str();
}

// The lines of `text`.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace parcours::testing
