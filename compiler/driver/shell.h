// Running a tool through the shell (the target compiler, size, QEMU), for the driver and the
// test tools.
#pragma once

#include <optional>
#include <string>

namespace mote {

// Runs `command` through the shell with stderr joined to stdout, sets `output` to what it
// printed, and returns its status as pclose reports it (0: success); nullopt when it cannot
// be started.
std::optional<int> run_shell(const std::string& command, std::string& output);

}  // namespace mote
