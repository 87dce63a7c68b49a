/* Anomaly firmware: scores log-mel feature windows with the int8 autoencoder Mote generated
   (mean squared reconstruction error) and flags a window above the threshold, as a machine
   monitor would before sending an alert (here the windows come from demo_data.h instead of the
   microphone's feature pipeline). Each decision is checked against PyTorch's float model; exit
   status 0 when all agree. */
#include "anomaly.h"
#include "board.h"
#include "demo_data.h"

static float reconstruction_error(const float* features, const float* reconstruction) {
  float sum = 0.0f;
  for (int i = 0; i < ANOMALY_FEATURES_ELEMENTS; ++i) {
    const float difference = reconstruction[i] - features[i];
    sum += difference * difference;
  }
  return sum / (float)ANOMALY_FEATURES_ELEMENTS;
}

int main(void) {
  static const int labels[DEMO_COUNT] = DEMO_LABELS;
  static float reconstruction[ANOMALY_RECONSTRUCTION_ELEMENTS];
  int agree = 0;
  board_printf("threshold %s\n", board_decimal(ANOMALY_THRESHOLD, 4));
  for (int i = 0; i < DEMO_COUNT; ++i) {
    const board_time start = board_now();
    if (anomaly_run(demo_features[i], reconstruction) != 0) {
      board_printf("anomaly_run failed\n");
      return 1;
    }
    const float score = reconstruction_error(demo_features[i], reconstruction);
    const long instructions = board_instructions_since(start);
    const int flagged = score > ANOMALY_THRESHOLD;
    const int reference = demo_expected_score[i][0] > ANOMALY_THRESHOLD;
    agree += flagged == reference;
    board_printf("window %d: score %s (PyTorch %s) -> %-9s (label %s)", i, board_decimal(score, 4),
                 board_decimal(demo_expected_score[i][0], 4), flagged ? "ANOMALOUS" : "normal",
                 labels[i] ? "anomalous" : "normal");
    if (instructions >= 0) board_printf(", %ld instructions", instructions);
    board_printf("\n");
  }
  board_printf("anomaly: %d of %d windows flagged as PyTorch flags them\n", agree, DEMO_COUNT);
  return agree == DEMO_COUNT ? 0 : 1;
}
