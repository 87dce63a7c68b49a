// The runtime-min headers ship inside the mote binary (embedded at build time), so an
// installed mote copies exactly the headers the generated code includes.
#include <map>
#include <regex>

#include "codegen/emitters.h"
#include "codegen/runtime_headers.h"
#include "compiler/ir/errors.h"

namespace mote {

std::vector<GeneratedFile> runtime_files(const std::set<std::string>& roots) {
  std::map<std::string, std::string> found;
  std::vector<std::string> pending(roots.begin(), roots.end());
  pending.push_back("mote/base.h");
  static const std::regex include_line(R"re(#include "(mote/[A-Za-z0-9_]+\.h)")re");
  while (!pending.empty()) {
    std::string path = pending.back();
    pending.pop_back();
    if (found.count(path)) continue;
    const std::string* text = embedded_runtime_header(path);
    MOTE_CHECK(text, "runtime-min header '" + path + "' is not embedded in mote");
    found[path] = *text;
    for (std::sregex_iterator it(text->begin(), text->end(), include_line), end; it != end; ++it)
      pending.push_back((*it)[1]);
  }
  std::vector<GeneratedFile> files;
  for (const auto& [path, text] : found) files.push_back({path, text});
  return files;
}

}  // namespace mote
