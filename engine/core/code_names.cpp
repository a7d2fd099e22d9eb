#include "engine/core/code_names.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

namespace likesim {
namespace {

std::string demangle(const char* symbol) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(symbol, nullptr, nullptr, &status),
                                           std::free);
  std::string name = (status == 0 && d) ? d.get() : symbol;
  if (name.rfind("likesim::", 0) == 0) name.erase(0, 9);
  return name;
}

// The mangled name of the function symbol of `path` (an ELF file) that holds `offset`.
std::string symbol_at(const char* path, std::uint64_t offset) {
  std::ifstream in(path, std::ios::binary);
  const auto read_at = [&](std::uint64_t at, void* out, std::size_t n) {
    in.seekg(static_cast<std::streamoff>(at));
    return static_cast<bool>(in.read(static_cast<char*>(out), static_cast<std::streamsize>(n)));
  };
  Elf64_Ehdr eh;
  if (!in || !read_at(0, &eh, sizeof eh)) return {};
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    return {};
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr symtab, strtab;
    if (!read_at(eh.e_shoff + i * sizeof symtab, &symtab, sizeof symtab)) return {};
    if (symtab.sh_type != SHT_SYMTAB) continue;
    if (!read_at(eh.e_shoff + symtab.sh_link * sizeof strtab, &strtab, sizeof strtab)) return {};
    std::vector<Elf64_Sym> syms(symtab.sh_size / sizeof(Elf64_Sym));
    if (!read_at(symtab.sh_offset, syms.data(), syms.size() * sizeof(Elf64_Sym))) return {};
    for (const Elf64_Sym& sym : syms) {
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC) continue;
      if (offset < sym.st_value || offset >= sym.st_value + std::max<std::uint64_t>(1, sym.st_size))
        continue;
      std::string name(4096, '\0');
      in.clear();
      in.seekg(static_cast<std::streamoff>(strtab.sh_offset + sym.st_name));
      in.read(name.data(), static_cast<std::streamsize>(name.size()));
      name.resize(strnlen(name.data(), static_cast<std::size_t>(in.gcount())));
      return name;
    }
  }
  return {};
}

}  // namespace

std::string type_name(const std::type_info& type) { return demangle(type.name()); }

std::string coroutine_name(const void* frame) {
  // GCC and Clang put the resume function's address first in a coroutine frame.
  void* resume = nullptr;
  std::memcpy(&resume, frame, sizeof resume);
  Dl_info info{};
  if (!resume || dladdr(resume, &info) == 0 || !info.dli_fname) return "a coroutine";
  if (info.dli_sname) return demangle(info.dli_sname);
  std::string path = info.dli_fname;
  if (path.empty() || path.find('/') == std::string::npos) path = "/proc/self/exe";
  // A position-independent object's symbols are relative to where it was loaded.
  std::uint64_t offset = reinterpret_cast<std::uintptr_t>(resume);
  std::ifstream probe(path, std::ios::binary);
  Elf64_Ehdr eh{};
  if (probe.read(reinterpret_cast<char*>(&eh), sizeof eh) && eh.e_type == ET_DYN) {
    offset -= reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  }
  std::string mangled = symbol_at(path.c_str(), offset);
  if (mangled.empty()) return "a coroutine";
  // GCC names a coroutine's body "<ramp>(<ramp>::Frame*) [clone .actor]": keep the ramp's name.
  std::string name = demangle(mangled.c_str());
  const std::size_t open = name.find('(');
  const std::size_t frame_arg = name.find("::_Z");
  if (open != std::string::npos && frame_arg != std::string::npos && open < frame_arg) {
    name = name.substr(open + 1, frame_arg - open - 1);
    if (name.rfind("likesim::", 0) == 0) name.erase(0, 9);
  } else if (const std::size_t clone = name.find(" [clone"); clone != std::string::npos) {
    name.erase(clone);
  }
  return name;
}

}  // namespace likesim
