#include "compiler/driver/targets.h"

#include <algorithm>
#include <sstream>

#include "compiler/driver/target_files.h"
#include "compiler/ir/errors.h"

namespace mote {
namespace {

std::string trimmed(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

}  // namespace

bool TargetDescription::has_feature(const std::string& feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

std::optional<double> TargetDescription::energy_uj(int64_t cycles) const {
  if (!active_ua_per_mhz || supply_volts <= 0) return std::nullopt;
  // I = k * f and t = cycles / f, so E = V * k * cycles; k in uA/MHz is 1e-12 A*s per cycle.
  return supply_volts * *active_ua_per_mhz * static_cast<double>(cycles) * 1e-6;
}

TargetDescription parse_target(const std::string& name, const std::string& text) {
  TargetDescription t;
  t.name = name;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::string where = "targets/" + name + "/target.txt:" + std::to_string(number);
    if (line.rfind('#', 0) == 0) {
      t.summary += (t.summary.empty() ? "" : " ") + trimmed(line.substr(1));
      continue;
    }
    if (trimmed(line).empty()) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) throw InternalError(where + ": expected 'key: value'");
    const std::string key = trimmed(line.substr(0, colon)), value = trimmed(line.substr(colon + 1));
    auto number_value = [&]() {
      try {
        size_t used = 0;
        const double v = std::stod(value, &used);
        if (used == value.size() && v >= 0) return v;
      } catch (const std::exception&) {
      }
      throw InternalError(where + ": '" + key + "' needs a non-negative number, not '" + value + "'");
    };
    if (key == "core") t.core = value;
    else if (key == "isa") t.isa = value;
    else if (key == "features") {
      std::istringstream items(value);
      for (std::string item; std::getline(items, item, ',');)
        if (trimmed(item) != "none" && !trimmed(item).empty()) t.features.push_back(trimmed(item));
    } else if (key == "compiler") t.compiler = value;
    else if (key == "flags") t.flags = value;
    else if (key == "qemu_machine") t.qemu_machine = value;
    else if (key == "qemu_harness") t.qemu_harness = value;
    else if (key == "qemu_counter_mhz") t.qemu_counter_mhz = number_value();
    else if (key == "board") t.board = value;
    else if (key == "flash_bytes") t.flash_bytes = static_cast<int64_t>(number_value());
    else if (key == "ram_bytes") t.ram_bytes = static_cast<int64_t>(number_value());
    else if (key == "clock_mhz") t.clock_mhz = number_value();
    else if (key == "active_ua_per_mhz") t.active_ua_per_mhz = number_value();
    else if (key == "supply_volts") t.supply_volts = number_value();
    else if (key == "datasheet") t.datasheet = value;
    else throw InternalError(where + ": unknown key '" + key + "'");
  }
  if (t.core.empty() || t.flags.empty()) throw InternalError("targets/" + name + "/target.txt: needs core and flags");
  if (t.active_ua_per_mhz && t.datasheet.empty())
    throw InternalError("targets/" + name + "/target.txt: a current figure needs the datasheet it comes from");
  return t;
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const std::string& path : embedded_target_file_names()) names.push_back(path.substr(0, path.find('/')));
  return names;
}

TargetDescription find_target(const std::string& name) {
  const std::string* text = embedded_target_file(name + "/target.txt");
  if (!text) {
    std::string known;
    for (const std::string& n : target_names()) known += (known.empty() ? "" : ", ") + n;
    throw UserError(ErrorKind::Usage, "unknown target '" + name + "'; known targets: " + known);
  }
  return parse_target(name, *text);
}

}  // namespace mote
