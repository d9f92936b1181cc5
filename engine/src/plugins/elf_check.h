// Checks a file before it is handed to the dynamic loader.
//
// dlopen maps a shared library as its headers describe it: a truncated file
// (half copied, still being written) maps pages past its end, and the first
// touch of one kills the process with SIGBUS; a library for another machine
// or class fails with an unhelpful message. This check reads the headers alone
// and says what is wrong in words, so that the loader only ever sees a file it
// can map.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace parcours::plugins {

// Nullopt when `path` is a regular file holding a complete 64-bit ELF shared
// library for this machine; otherwise what is wrong, e.g. "truncated: its
// headers describe 1,234,567 bytes, the file has 100,000" or "built for
// aarch64, this is x86-64".
std::optional<std::string> ElfProblem(const std::string& path);

// "x86-64", "aarch64"... for an ELF e_machine value; "machine 1234" otherwise.
std::string MachineName(uint16_t machine);

// 1234567 as "1,234,567".
std::string GroupedNumber(uint64_t n);

}  // namespace parcours::plugins
