// The targets/*/target.txt files, embedded into mote at build time (cmake/EmbedFiles.cmake
// generates the definitions).
#pragma once

#include <string>
#include <vector>

namespace mote {

// The text of "<name>/target.txt", or null if there is no such file.
const std::string* embedded_target_file(const std::string& path);
std::vector<std::string> embedded_target_file_names();

}  // namespace mote
