// Target descriptions: every embedded targets/*/target.txt parses, and the energy estimate is
// the datasheet current times the supply voltage per cycle.
#include <catch2/catch.hpp>

#include "compiler/driver/targets.h"
#include "compiler/ir/errors.h"

using namespace mote;

TEST_CASE("every target description parses and names its flags") {
  const std::vector<std::string> names = target_names();
  for (const char* expected : {"host", "cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", "rv32imc"})
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  for (const std::string& name : names) {
    INFO(name);
    const TargetDescription t = find_target(name);
    CHECK(!t.flags.empty());
    CHECK(!t.summary.empty());
    if (t.active_ua_per_mhz) CHECK(!t.datasheet.empty());
  }
  const TargetDescription m4 = find_target("cortex-m4");
  CHECK(m4.has_feature("dsp"));
  CHECK(m4.qemu_machine == "mps2-an386");
  CHECK(m4.qemu_harness == "mps2-an386");
  CHECK(m4.qemu_counter_mhz == 25);
  // The M33 board has its own memory map and a 20 MHz counter.
  const TargetDescription m33 = find_target("cortex-m33");
  CHECK(m33.qemu_machine == "mps2-an505");
  CHECK(m33.qemu_harness == "mps2-an505");
  CHECK(m33.qemu_counter_mhz == 20);
  CHECK_FALSE(find_target("cortex-m3").has_feature("dsp"));
}

TEST_CASE("energy per inference: volts x uA/MHz x cycles") {
  const TargetDescription m4 = find_target("cortex-m4");  // 79 uA/MHz at 3.0 V
  REQUIRE(m4.energy_uj(1000000));
  CHECK(*m4.energy_uj(1000000) == Approx(3.0 * 79.0));  // 1 M cycles: 237 uJ
  const TargetDescription m33 = find_target("cortex-m33");  // STM32L552: 62 uA/MHz at 3.0 V
  REQUIRE(m33.energy_uj(1000000));
  CHECK(*m33.energy_uj(1000000) == Approx(3.0 * 62.0));
  CHECK(m33.ram_bytes == 262144);
  CHECK_FALSE(find_target("cortex-m7").energy_uj(1000000));  // no datasheet figure
}

TEST_CASE("a malformed description is Mote's own bug, named by file and line") {
  CHECK_THROWS_AS(parse_target("x", "core: a\nflags: -O2\nvoltage: 3\n"), InternalError);
  CHECK_THROWS_WITH(parse_target("x", "core: a\nflags: -O2\nclock_mhz: fast\n"), Catch::Contains("targets/x/target.txt:3"));
  CHECK_THROWS_AS(parse_target("x", "core: a\nflags: -O2\nactive_ua_per_mhz: 5\n"), InternalError);  // no datasheet
  CHECK_THROWS_AS(find_target("nope"), UserError);
}
