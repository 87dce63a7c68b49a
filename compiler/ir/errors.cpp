#include "compiler/ir/errors.h"

namespace mote {
namespace {

std::string join_diagnostics(const std::vector<Diagnostic>& diagnostics, const std::string& model) {
  std::string text;
  if (!model.empty()) text += model + ": ";
  if (diagnostics.size() > 1) text += std::to_string(diagnostics.size()) + " problems:\n";
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    if (diagnostics.size() > 1) text += "  ";
    text += diagnostics[i].to_string();
    if (i + 1 < diagnostics.size()) text += "\n";
  }
  return text;
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string text;
  if (!node.empty()) {
    text += "node '" + node + "'";
    if (!op.empty()) text += " (" + op + (opset ? ", opset " + std::to_string(opset) : "") + ")";
    text += ": ";
  } else if (!op.empty()) {
    text += op + ": ";
  }
  if (!tensor.empty()) text += "tensor '" + tensor + "': ";
  text += message;
  return text;
}

UserError::UserError(std::vector<Diagnostic> diagnostics, std::string model)
    : std::runtime_error(join_diagnostics(diagnostics, model)),
      diagnostics_(std::move(diagnostics)),
      model_(std::move(model)) {
  if (diagnostics_.empty()) throw_internal("UserError raised without a diagnostic");
}

UserError::UserError(ErrorKind kind, std::string message) : UserError(std::vector<Diagnostic>{make(kind, std::move(message))}) {}

Diagnostic UserError::make(ErrorKind kind, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.message = std::move(message);
  return d;
}

int UserError::exit_code() const {
  bool unsupported = false;
  for (const Diagnostic& d : diagnostics_) {
    switch (d.kind) {
      case ErrorKind::Budget:
        return kExitBudget;
      case ErrorKind::Unsupported:
      case ErrorKind::NotStatic:
        unsupported = true;
        break;
      case ErrorKind::InvalidModel:
      case ErrorKind::Usage:
        return kExitUserError;
    }
  }
  return unsupported ? kExitUnsupported : kExitUserError;
}

void throw_internal(const std::string& message) { throw InternalError("internal error: " + message); }

}  // namespace mote
