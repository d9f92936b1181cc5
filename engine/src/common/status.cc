#include "parcours/status.h"

namespace parcours {

const char* Status::code_name() const {
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kUsage: return "usage";
    case Code::kRefused: return "refused";
    case Code::kNotFound: return "not found";
    case Code::kUnavailable: return "store unavailable";
    case Code::kCorruption: return "corruption";
    case Code::kInternal: return "internal error";
    case Code::kDenied: return "denied";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = message_;
  if (!allowed_.empty()) out += "\n" + allowed_;
  return out;
}

}  // namespace parcours
