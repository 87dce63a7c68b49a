/* Gesture firmware: classifies accelerometer windows with the int8 model Mote generated, the
   way a wearable's main loop would (here the windows come from demo_data.h instead of the
   sensor), and checks each answer against PyTorch's float model. Exit status 0 when all agree. */
#include "board.h"
#include "demo_data.h"
#include "gesture.h"

int main(void) {
  static const int labels[DEMO_COUNT] = DEMO_LABELS;
  static const char* const names[GESTURE_LOGITS_ELEMENTS] = GESTURE_NAMES;
  int agree = 0;
  for (int i = 0; i < DEMO_COUNT; ++i) {
    float logits[GESTURE_LOGITS_ELEMENTS];
    const board_time start = board_now();
    if (gesture_run(demo_windows[i], logits) != 0) {
      board_printf("gesture_run failed\n");
      return 1;
    }
    const long instructions = board_instructions_since(start);
    const int predicted = board_argmax(logits, GESTURE_LOGITS_ELEMENTS);
    const int reference = board_argmax(demo_expected[i], GESTURE_LOGITS_ELEMENTS);
    agree += predicted == reference;
    board_report_class("window", i, names, predicted, reference, labels[i], logits[predicted], instructions);
  }
  board_printf("gesture: %d of %d windows classified as PyTorch does\n", agree, DEMO_COUNT);
  return agree == DEMO_COUNT ? 0 : 1;
}
