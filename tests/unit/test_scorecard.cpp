// The deployment scorecard: classification metrics against a hand-computed confusion matrix,
// and `mote report` end to end on the digits sample with its held-out labels.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/driver/scorecard.h"

using namespace mote;

namespace {

struct CliRun {
  int exit_code = -1;
  std::string text;  // stdout and stderr
};

// Runs `mote <arguments>` and returns its exit code and output.
CliRun run_mote(const std::string& arguments) {
  const std::string log = "scorecard_" + std::to_string(::getpid()) + ".txt";
  const int status = std::system((std::string(MOTE_CLI) + " " + arguments + " > " + log + " 2>&1").c_str());
  std::stringstream out;
  out << std::ifstream(log).rdbuf();
  std::remove(log.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out.str()};
}

}  // namespace

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
  // 2,211,591 instructions: mote-m4-run on the emulated Cortex-M4 (docs/targets.md).
  const CliRun run = run_mote("report " + digits + "model.onnx --name digits --target cortex-m4 --instructions 2211591 --rate 60 " +
                              "--battery-mah 220 --sleep-ua 1.5 --dataset " + digits + "digits_holdout.npz");
  const std::string& text = run.text;
  INFO(text);
  REQUIRE(run.exit_code == 0);
  CHECK(text.find("27.6 ms (2,211,591 cycles at 80 MHz)") != std::string::npos);  // 2211591 / 80 MHz
  CHECK(text.find("524.1 uJ") != std::string::npos);                              // 3 V x 79 uA/MHz x cycles
  CHECK(text.find("4.412 uA") != std::string::npos);   // 1.5 + 79e-6 x 2211591 x 60 / 3600
  CHECK(text.find("2078 days") != std::string::npos);  // 220 mAh / 4.412 uA / 24
  CHECK(text.find("40 B instead of 256 B") != std::string::npos);
  // Flash measured with arm-none-eabi-g++ (CI installs it): the weights plus some code.
  CHECK(text.find("B: 57,512 B of weights,") != std::string::npos);
  CHECK(text.find("measured: text + data of the generated sources compiled with arm-none-eabi-g++") != std::string::npos);
  CHECK(text.find("accuracy 99.56%") != std::string::npos);  // as the sample's README states
  CHECK(text.find("estimate") != std::string::npos);
}

TEST_CASE("ROC AUC counts the positive-negative pairs ranked right, ties as half") {
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 > 0.1, 0.35 < 0.4, 0.8 > both: 3 of 4.
  CHECK(roc_auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}) == Approx(0.75));
  CHECK(roc_auc({0.5, 0.5, 0.9}, {0, 1, 1}) == Approx(0.75));  // the tie counts 1/2, 0.9 > 0.5 counts 1
  CHECK(std::isnan(roc_auc({0.1, 0.2}, {1, 1})));
  CHECK(above_threshold({0.1, 0.5, 0.7}, 0.5) == std::vector<int64_t>{0, 0, 1});
}

TEST_CASE("mote report: an autoencoder's AUC and detection figures on the anomaly sample") {
  const std::string anomaly = std::string(MOTE_SOURCE_DIR) + "/samples/anomaly/";
  // The threshold and the float AUC (0.9712) are the sample's metrics.json, from PyTorch.
  const CliRun run = run_mote("report " + anomaly + "model.onnx --name anomaly --dataset " + anomaly + "holdout.npz --anomaly-threshold 1.0941");
  const std::string& text = run.text;
  INFO(text);
  REQUIRE(run.exit_code == 0);
  CHECK(text.find("| anomaly detection | AUC 0.9712; above 1.0941: accuracy") != std::string::npos);
  CHECK(text.find("1560 labelled samples (1 = anomalous)") != std::string::npos);
  CHECK(text.find("4 B instead of 2,560 B of raw input") != std::string::npos);
}

TEST_CASE("mote report --anomaly-threshold wants labels of 0 (normal) and 1 (anomalous)") {
  const std::string digits = std::string(MOTE_SOURCE_DIR) + "/samples/digits_cnn/";
  const CliRun run = run_mote("report " + digits + "model.onnx --dataset " + digits + "digits_holdout.npz --anomaly-threshold 1");
  INFO(run.text);
  CHECK(run.exit_code == 1);  // a user error
  CHECK(run.text.find("must be 0 (normal) or 1 (anomalous)") != std::string::npos);
}
