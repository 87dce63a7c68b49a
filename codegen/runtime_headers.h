// Access to the runtime-min headers embedded into mote at build time
// (cmake/EmbedFiles.cmake generates the definition).
#pragma once

#include <string>
#include <vector>

namespace mote {

// The text of "mote/<file>.h", or null if there is no such header.
const std::string* embedded_runtime_header(const std::string& path);
std::vector<std::string> embedded_runtime_header_names();

}  // namespace mote
