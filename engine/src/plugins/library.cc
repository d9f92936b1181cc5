#include "plugins/library.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "plugins/elf_check.h"

namespace parcours::plugins {
namespace {

// dlerror's text, without the leading "FILE: " it adds when FILE is ours
// (the caller names the file already).
std::string LoaderError(const std::string& file) {
  const char* e = ::dlerror();
  std::string text = e ? e : "unknown error";
  if (text.rfind(file + ": ", 0) == 0) text = text.substr(file.size() + 2);
  return text;
}

std::string EntryName() { return PARCOURS_PLUGIN_ENTRY_NAME; }

std::string ExpectedForms() {
  return "declare it with PARCOURS_PLUGIN, BOOST_DLL_ALIAS(fn, " + EntryName() +
         "), or as extern \"C\" const ParcoursPluginDescriptor* " + EntryName() + "(void)";
}

}  // namespace

bool CopyFrom(const void* address, void* out, std::size_t n) {
  if (n == 0) return true;
  if (address == nullptr) return false;
  iovec local{out, n};
  iovec remote{const_cast<void*>(address), n};
  const ssize_t got = ::process_vm_readv(::getpid(), &local, 1, &remote, 1, 0);
  if (got == static_cast<ssize_t>(n)) return true;
  if (got < 0 && (errno == ENOSYS || errno == EPERM)) {
    // The kernel gives no safe read here: trust the address, as a direct read would.
    std::memcpy(out, address, n);
    return true;
  }
  return false;
}

Result<std::string> ReadText(const char* text, std::size_t max, const std::string& what, bool optional) {
  if (text == nullptr) {
    if (optional) return std::string();
    return Status::Refused(what + " is missing (a null pointer)");
  }
  static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::string out;
  const char* p = text;
  while (out.size() <= max) {
    // Read up to the end of the page: the next one may not be mapped.
    const auto address = reinterpret_cast<uintptr_t>(p);
    const std::size_t chunk = std::min<std::size_t>(page - address % page, max + 1 - out.size());
    std::string piece(chunk, '\0');
    if (!CopyFrom(p, piece.data(), chunk)) return Status::Refused(what + " points to memory that cannot be read");
    const auto nul = piece.find('\0');
    if (nul != std::string::npos) {
      out.append(piece, 0, nul);
      return out;
    }
    out += piece;
    p += chunk;
  }
  return Status::Refused(what + " is longer than " + GroupedNumber(max) + " bytes (or not terminated)");
}

bool IsLoadedCode(const void* code) {
  if (code == nullptr) return false;
  // Inside an executable segment of a loaded object (not merely mapped: data is not code).
  struct Search {
    uintptr_t address;
    bool found;
  } search{reinterpret_cast<uintptr_t>(code), false};
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
          const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
          if (s->address >= start && s->address - start < ph.p_memsz) s->found = true;
        }
        return s->found ? 1 : 0;
      },
      &search);
  return search.found;
}

Result<OpenedLibrary> OpenPluginLibrary(const std::string& file) {
  if (auto problem = ElfProblem(file)) return Status::Refused(*problem);

  ::dlerror();
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Status::Refused("the dynamic loader cannot load it: " + LoaderError(file));
  }
  OpenedLibrary lib;
  lib.handle = handle;  // kept open even when refused below: its code may already have run (constructors)

  ::dlerror();
  void* symbol = ::dlsym(handle, PARCOURS_PLUGIN_ENTRY_NAME);
  if (symbol == nullptr) {
    return Status::Refused("not a Parcours plugin: it has no entry symbol \"" + EntryName() + "\" (" +
                           ExpectedForms() + ")");
  }
  Dl_info info{};
  void* extra = nullptr;
  const bool found = ::dladdr1(symbol, &info, &extra, RTLD_DL_SYMENT) != 0;
  const auto* entry_symbol = static_cast<const ElfW(Sym)*>(extra);
  if (!found || entry_symbol == nullptr || info.dli_saddr != symbol) {
    return Status::Refused("its entry symbol \"" + EntryName() +
                           "\" cannot be identified as a function or a data alias (" + ExpectedForms() + ")");
  }
  link_map* map = nullptr;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && info.dli_fname != nullptr &&
      std::string(info.dli_fname) != map->l_name) {
    return Status::Refused("its entry symbol \"" + EntryName() + "\" is not its own: it comes from " +
                           info.dli_fname + " (" + ExpectedForms() + ")");
  }
  const unsigned type = ELF64_ST_TYPE(entry_symbol->st_info);
  void* code = nullptr;
  if (type == STT_FUNC || type == STT_GNU_IFUNC) {
    code = symbol;  // a plain extern "C" entry function
  } else if (type == STT_OBJECT) {
    // The Boost.DLL alias: a variable holding the entry function's address.
    if (entry_symbol->st_size < sizeof(void*) || !CopyFrom(symbol, &code, sizeof code) || code == nullptr) {
      return Status::Refused("its entry symbol \"" + EntryName() +
                             "\" is a data symbol that does not hold a function's address (" + ExpectedForms() + ")");
    }
  } else {
    return Status::Refused("its entry symbol \"" + EntryName() + "\" is neither a function nor a data alias (ELF type " +
                           std::to_string(type) + "; " + ExpectedForms() + ")");
  }
  if (!IsLoadedCode(code)) {
    return Status::Refused("its entry symbol \"" + EntryName() + "\" does not point to loaded code (" +
                           ExpectedForms() + ")");
  }
  static_assert(sizeof(lib.entry) == sizeof(code));
  std::memcpy(&lib.entry, &code, sizeof code);
  return lib;
}

}  // namespace parcours::plugins
