// Target descriptions (targets/<name>/target.txt, embedded into mote at build time): what a core
// can do, how to compile for it, the memory of a reference board and, where a datasheet gives
// it, the active current used by energy estimates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mote {

struct TargetDescription {
  std::string name;          // folder name, e.g. "cortex-m4"
  std::string summary;       // the leading comment
  std::string core, isa;
  std::vector<std::string> features;  // "dsp", "fpu-sp", "fpu-dp", "mve"
  std::string compiler, flags;
  std::string qemu_machine;  // empty: no emulated board
  // The bare-metal harness under targets/ for that board (link.ld, cycle_counter.h) and the
  // frequency of its FPGAIO counter in virtual time.
  std::string qemu_harness = "mps2-an386";
  double qemu_counter_mhz = 25;
  // Reference board: all optional.
  std::string board;
  int64_t flash_bytes = 0, ram_bytes = 0;
  double clock_mhz = 0;
  std::optional<double> active_ua_per_mhz;
  double supply_volts = 0;
  std::string datasheet;     // where the power figures come from

  bool has_feature(const std::string& feature) const;
  // Energy of `cycles` at the datasheet's active current, in microjoules; nullopt without one.
  std::optional<double> energy_uj(int64_t cycles) const;
};

// Parses a target.txt; throws InternalError naming the line for unknown keys or bad values
// (the files are Mote's own, embedded at build time).
TargetDescription parse_target(const std::string& name, const std::string& text);

// The embedded description of `name`; throws UserError(Usage) listing the known ones.
TargetDescription find_target(const std::string& name);
std::vector<std::string> target_names();

}  // namespace mote
