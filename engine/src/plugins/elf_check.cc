#include "plugins/elf_check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace parcours::plugins {
namespace {

// The machine and byte order this engine was built for: a library must match.
#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
constexpr uint16_t kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr uint16_t kHostMachine = EM_PPC64;
#elif defined(__s390x__)
constexpr uint16_t kHostMachine = EM_S390;
#else
constexpr uint16_t kHostMachine = EM_NONE;  // unknown here: the machine is not checked
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly `n` bytes at `offset`; false on a short read or an error.
bool ReadAt(int fd, uint64_t offset, void* out, std::size_t n) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

// Whether the first bytes look like text (no control characters but
// whitespace): a script, a README or an HTML error page saved as .so.
bool LooksLikeText(const unsigned char* bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = bytes[i];
    if (c == '\t' || c == '\n' || c == '\r' || c == '\f') continue;
    if (c < 0x20 || c == 0x7f) return false;
  }
  return n > 0;
}

std::string Hex(const unsigned char* bytes, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%s%02x", i ? " " : "", bytes[i]);
    out += b;
  }
  return out;
}

// a + b * c, saturated at UINT64_MAX (headers may hold any value).
uint64_t End(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t product = 0, sum = 0;
  if (__builtin_mul_overflow(b, c, &product) || __builtin_add_overflow(a, product, &sum)) return UINT64_MAX;
  return sum;
}

std::string Truncated(uint64_t described, uint64_t size) {
  return "truncated: its headers describe " + GroupedNumber(described) + " bytes, the file has " +
         GroupedNumber(size) + " (a copy that did not finish? copy the library again)";
}

}  // namespace

std::string GroupedNumber(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string MachineName(uint16_t machine) {
  switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_RISCV: return "riscv";
    case EM_PPC64: return "ppc64";
    case EM_PPC: return "ppc";
    case EM_S390: return "s390x";
    case EM_MIPS: return "mips";
    case EM_SPARCV9: return "sparc64";
    case EM_LOONGARCH: return "loongarch";
    default: return "machine " + std::to_string(machine);
  }
}

std::optional<std::string> ElfProblem(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return std::string("cannot be read: ") + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::string("cannot be read: ") + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return std::string("not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) return std::string("empty (0 bytes), not a shared library");

  unsigned char ident[EI_NIDENT] = {};
  const std::size_t head = static_cast<std::size_t>(std::min<uint64_t>(size, sizeof ident));
  if (!ReadAt(fd.get(), 0, ident, head)) return std::string("cannot be read: ") + std::strerror(errno);
  if (head < SELFMAG || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    unsigned char start[256] = {};
    const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(size, sizeof start));
    if (ReadAt(fd.get(), 0, start, n) && LooksLikeText(start, n)) {
      return std::string("a text file, not a shared library (a shared library is a compiled ELF file)");
    }
    return "not an ELF shared library: it starts with bytes " + Hex(ident, std::min<std::size_t>(head, SELFMAG)) +
           ", an ELF file with 7f 45 4c 46";
  }
  if (head < EI_NIDENT) return Truncated(sizeof(Elf64_Ehdr), size);
  if (ident[EI_CLASS] == ELFCLASS32) {
    return "a 32-bit library; this engine is 64-bit (" + MachineName(kHostMachine) +
           "): rebuild the plugin for 64-bit";
  }
  if (ident[EI_CLASS] != ELFCLASS64) return "an ELF file of unknown class " + std::to_string(ident[EI_CLASS]);
  if (ident[EI_DATA] != kHostData) {
    return std::string("an ELF file of the wrong byte order (") +
           (ident[EI_DATA] == ELFDATA2MSB ? "big-endian" : "unknown") + ") for this machine";
  }
  if (size < sizeof(Elf64_Ehdr)) return Truncated(sizeof(Elf64_Ehdr), size);

  Elf64_Ehdr eh{};
  if (!ReadAt(fd.get(), 0, &eh, sizeof eh)) return std::string("cannot be read: ") + std::strerror(errno);
  if (kHostMachine != EM_NONE && eh.e_machine != kHostMachine) {
    return "built for " + MachineName(eh.e_machine) + ", this is " + MachineName(kHostMachine) +
           ": rebuild the plugin for " + MachineName(kHostMachine);
  }
  if (eh.e_type != ET_DYN) {
    const char* what = eh.e_type == ET_EXEC ? "an executable"
                       : eh.e_type == ET_REL ? "an object file (.o)"
                       : eh.e_type == ET_CORE ? "a core dump"
                                              : "an ELF file of unknown type";
    return std::string(what) + ", not a shared library (build the plugin as a shared library)";
  }
  if (eh.e_phnum > 0 && eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return "damaged: its program headers are " + std::to_string(eh.e_phentsize) + " bytes each, not " +
           std::to_string(sizeof(Elf64_Phdr));
  }
  if (eh.e_phnum == 0) return std::string("damaged: it has no program headers, so nothing to load");

  // Everything the headers place in the file must be in it.
  uint64_t described = sizeof(Elf64_Ehdr);
  const uint64_t ph_end = End(eh.e_phoff, eh.e_phnum, eh.e_phentsize);
  described = std::max(described, ph_end);
  if (eh.e_shoff != 0) {
    uint64_t shnum = eh.e_shnum;
    if (shnum == 0 && eh.e_shoff + sizeof(Elf64_Shdr) <= size) {
      // More than 0xff00 sections: the count is in the first section header.
      Elf64_Shdr first{};
      if (ReadAt(fd.get(), eh.e_shoff, &first, sizeof first)) shnum = first.sh_size;
    }
    described = std::max(described, End(eh.e_shoff, std::max<uint64_t>(shnum, 1), eh.e_shentsize));
  }
  if (ph_end <= size) {
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    if (!ReadAt(fd.get(), eh.e_phoff, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr))) {
      return std::string("cannot be read: ") + std::strerror(errno);
    }
    for (const auto& ph : phdrs) {
      if (ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) described = std::max(described, End(ph.p_offset, ph.p_filesz, 1));
    }
  }
  if (described > size) return Truncated(described, size);
  return std::nullopt;
}

}  // namespace parcours::plugins
