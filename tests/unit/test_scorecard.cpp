// The deployment scorecard: classification metrics against a hand-computed confusion matrix,
// and `mote report` end to end on the digits sample with its held-out labels.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "compiler/driver/scorecard.h"

using namespace mote;

TEST_CASE("classification metrics are macro averages over the classes") {
  // labels:    0 0 0 1 1 2
  // predicted: 0 0 1 1 2 2
  // class 0: tp 2, predicted 2, actual 3 -> precision 1, recall 2/3, F1 0.8
  // class 1: tp 1, predicted 2, actual 2 -> precision 1/2, recall 1/2, F1 1/2
  // class 2: tp 1, predicted 2, actual 1 -> precision 1/2, recall 1, F1 2/3
  const ClassificationMetrics m = classification_metrics({0, 0, 1, 1, 2, 2}, {0, 0, 0, 1, 1, 2});
  CHECK(m.samples == 6);
  CHECK(m.classes == 3);
  CHECK(m.accuracy == Approx(4.0 / 6.0));
  CHECK(m.precision == Approx((1.0 + 0.5 + 0.5) / 3.0));
  CHECK(m.recall == Approx((2.0 / 3.0 + 0.5 + 1.0) / 3.0));
  CHECK(m.f1 == Approx((0.8 + 0.5 + 2.0 / 3.0) / 3.0));
}

TEST_CASE("mote report: latency, energy, battery life and accuracy of the digits sample on the Cortex-M4") {
  const std::string digits = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/";
  const std::string log = "report_" + std::to_string(::getpid()) + ".txt";
  // 6,127,918 instructions: mote-m4-run on the emulated Cortex-M4 (docs/targets.md).
  const std::string command = std::string(MOTE_CLI) + " report " + digits + "model.onnx --name digits --target cortex-m4 " +
                              "--instructions 6127918 --rate 60 --battery-mah 220 --sleep-ua 1.5 --dataset " + digits +
                              "digits_holdout.npz > " + log + " 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::stringstream out;
  out << std::ifstream(log).rdbuf();
  std::remove(log.c_str());
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("76.6 ms (6,127,918 cycles at 80 MHz)") != std::string::npos);  // 6127918 / 80 MHz
  CHECK(text.find("1452.3 uJ") != std::string::npos);                             // 3 V x 79 uA/MHz x cycles
  CHECK(text.find("9.568 uA") != std::string::npos);  // 1.5 + 79e-6 x 6127918 x 60 / 3600
  CHECK(text.find("958 days") != std::string::npos);  // 220 mAh / 9.568 uA
  CHECK(text.find("40 B of outputs instead of 256 B") != std::string::npos);
  CHECK(text.find("accuracy 99.56%") != std::string::npos);  // as the sample's README states
  CHECK(text.find("estimate") != std::string::npos);
}
