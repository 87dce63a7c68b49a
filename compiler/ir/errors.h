// Two kinds of failure, kept apart on purpose: a UserError means the model (or the command
// line) asks for something Mote cannot or will not do, and names what; an InternalError means
// Mote itself is wrong. They map to different exit codes (see docs/cli.md).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace mote {

enum class ErrorKind {
  InvalidModel,   // the model breaks the ONNX spec or cannot be read
  Unsupported,    // valid ONNX that Mote does not handle (op, dtype, attribute value, ...)
  NotStatic,      // a shape or shape-deciding input is not known at compile time
  Usage,          // bad command-line option or option value, unreadable input file
  Budget,         // the result does not fit the RAM/flash budget the user set
};

// One finding about one place in the model. Fields left empty do not apply.
struct Diagnostic {
  ErrorKind kind = ErrorKind::Unsupported;
  std::string node;    // node name (or "#index" when unnamed)
  std::string op;      // op type, with domain if not the default one
  int opset = 0;
  std::string tensor;  // tensor the finding is about
  std::string message;
  // For NotStatic findings: the graph inputs the missing value is computed from, which
  // --const-input can bind.
  std::vector<std::string> graph_inputs;

  std::string to_string() const;
};

// Raised with every finding at once, so a user fixes a model in one round.
class UserError : public std::runtime_error {
 public:
  explicit UserError(std::vector<Diagnostic> diagnostics, std::string model = {});
  UserError(ErrorKind kind, std::string message);

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  const std::string& model() const { return model_; }
  ErrorKind kind() const { return diagnostics_.front().kind; }
  // Exit code for the CLI: kExitUserError when any finding is the user's or the model's fault
  // (so it is fixed first), else kExitUnsupported or kExitBudget.
  int exit_code() const;

 private:
  static Diagnostic make(ErrorKind kind, std::string message);
  std::vector<Diagnostic> diagnostics_;
  std::string model_;
};

// A broken invariant inside Mote: a bug to report, never the user's fault.
class InternalError : public std::logic_error {
 public:
  explicit InternalError(const std::string& message) : std::logic_error(message) {}
};

// The CLI's exit codes (docs/cli.md).
inline constexpr int kExitUserError = 1;    // bad option or file, invalid model
inline constexpr int kExitUnsupported = 2;  // valid ONNX that Mote cannot compile (as is)
inline constexpr int kExitBudget = 3;       // the result does not fit --max-ram / --max-flash
inline constexpr int kExitInternalError = 4;

[[noreturn]] void throw_internal(const std::string& message);
#define MOTE_CHECK(cond, msg)                                                                \
  do {                                                                                       \
    if (!(cond))                                                                             \
      ::mote::throw_internal(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + \
                             (msg));                                                         \
  } while (0)

}  // namespace mote
