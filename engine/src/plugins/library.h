// Opening a plugin library and finding its entry, without trusting it.
//
// The file is checked (elf_check.h) before dlopen, dlopen's own error text is
// kept, and the entry symbol is accepted in both documented forms: the
// Boost.DLL alias PARCOURS_PLUGIN declares (a data symbol holding the address
// of the entry function) and a plain `extern "C"` function of that name. The
// two are told apart by the symbol's type in the library's dynamic symbol
// table (STT_OBJECT or STT_FUNC), never by guessing.
//
// Plugin memory is then read through CopyFrom and ReadText, which fail cleanly
// on an address that is not readable instead of crashing the process.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "parcours/sdk/abi.h"
#include "parcours/status.h"

namespace parcours::plugins {

struct OpenedLibrary {
  void* handle = nullptr;  // never closed: the library stays loaded for the life of the process
  ParcoursEntryFn entry = nullptr;
};

// Checks, opens (RTLD_NOW | RTLD_LOCAL) and finds the entry of `file`.
// Refused, with a message that does not repeat the file's name, when the file
// is not a complete 64-bit ELF shared library for this machine, when the
// loader refuses it (an undefined symbol, a missing dependency: dlerror's
// text), or when it has no usable entry symbol.
Result<OpenedLibrary> OpenPluginLibrary(const std::string& file);

// Copies `n` bytes at `address` into `out`; false if any of them cannot be read.
bool CopyFrom(const void* address, void* out, std::size_t n);

template <typename T>
bool CopyFrom(const T* address, T& out) {
  return CopyFrom(static_cast<const void*>(address), &out, sizeof(T));
}

// The NUL-terminated text at `text`, of at most `max` bytes. Refused, naming
// it as `what`, when it is null (unless `optional`: then ""), unreadable, or
// longer than `max` (or not terminated).
Result<std::string> ReadText(const char* text, std::size_t max, const std::string& what, bool optional = false);

// Whether `code` is an address inside an executable segment of a loaded
// library or of the executable (a function pointer that is not cannot be called).
bool IsLoadedCode(const void* code);

}  // namespace parcours::plugins
