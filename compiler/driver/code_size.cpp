#include "compiler/driver/code_size.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "compiler/driver/compile.h"
#include "compiler/driver/shell.h"
#include "compiler/ir/errors.h"

namespace mote {
namespace {

namespace fs = std::filesystem;

// Whether a shell command ran and exited 0; `output` gets what it printed.
bool run(const std::string& command, std::string& output) { return run_shell(command, output) == 0; }

bool on_path(const std::string& program) {
  std::string ignored;
  return run("command -v " + program, ignored);
}

// arm-none-eabi-g++ -> arm-none-eabi-size, g++ -> size.
std::string size_tool(const std::string& compiler) {
  const size_t dash = compiler.rfind('-');
  return dash == std::string::npos ? "size" : compiler.substr(0, dash + 1) + "size";
}

// Removes the folder when the measurement ends, however it ends.
struct TemporaryFolder {
  fs::path path;
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

std::optional<CodeSize> measure_code_size(const GeneratedCode& code, const TargetDescription& target) {
  const std::string size = size_tool(target.compiler);
  if (!on_path(target.compiler) || !on_path(size)) return std::nullopt;
  const TemporaryFolder folder{fs::temp_directory_path() / fmt::format("mote-code-size-{}", ::getpid())};
  write_generated(code, folder.path);
  const bool optimised = target.flags.find("-O") != std::string::npos;
  const std::string flags = target.flags + (optimised ? "" : " -O2") + " -std=c++17 -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti";
  std::string objects, output;
  for (const GeneratedFile& file : code.files) {
    if (fs::path(file.path).extension() != ".cpp") continue;
    const fs::path source = folder.path / file.path, object = fs::path(source).replace_extension(".o");
    if (!run(fmt::format("{} {} -I '{}' -c '{}' -o '{}'", target.compiler, flags, folder.path.string(), source.string(), object.string()), output))
      throw InternalError("the generated code does not compile with " + target.compiler + ": " + output);
    objects += " '" + object.string() + "'";
  }
  if (!run(size + " -t" + objects, output)) throw InternalError(size + " failed: " + output);
  // The last line is the total: text data bss dec hex filename.
  std::istringstream lines(output);
  std::string line, last;
  while (std::getline(lines, line))
    if (!line.empty()) last = line;
  CodeSize result;
  std::istringstream total(last);
  if (!(total >> result.text >> result.data)) throw InternalError("unexpected output from " + size + ": " + output);
  result.how = target.compiler + " " + flags;
  return result;
}

}  // namespace mote
