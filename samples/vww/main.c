/* Visual-wake-word firmware: decides whether a camera picture shows a person with the int8
   MobileNet Mote generated, as a smart doorbell's main loop would (here the pictures come from
   demo_data.h instead of the camera). The model takes and returns int8 (`--io int8`): 8-bit
   pixels become int8 inputs with the scale and zero point in vww.h, with no float buffer. Each
   answer is checked against PyTorch's float model; exit status 0 when all agree. */
#include <math.h>

#include "board.h"
#include "demo_data.h"
#include "vww.h"

/* A pixel (0..255 for 0..1) as the model's int8 input; for this model it is pixel - 128. */
static int8_t to_input(uint8_t pixel) {
  const long q = lrintf(((float)pixel / 255.0f) / VWW_IMAGE_SCALE) + VWW_IMAGE_ZERO_POINT;
  return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

int main(void) {
  static const int labels[DEMO_COUNT] = DEMO_LABELS;
  static const char* const names[VWW_LOGITS_ELEMENTS] = {"no person", "person"};
  static int8_t image[VWW_IMAGE_ELEMENTS];
  int agree = 0;
  for (int i = 0; i < DEMO_COUNT; ++i) {
    for (int k = 0; k < VWW_IMAGE_ELEMENTS; ++k) image[k] = to_input(demo_pixels[i][k]);
    int8_t logits[VWW_LOGITS_ELEMENTS];
    const board_time start = board_now();
    if (vww_run(image, logits) != 0) {
      board_printf("vww_run failed\n");
      return 1;
    }
    const long instructions = board_instructions_since(start);
    float scores[VWW_LOGITS_ELEMENTS];
    for (int k = 0; k < VWW_LOGITS_ELEMENTS; ++k) scores[k] = VWW_LOGITS_SCALE * (float)(logits[k] - VWW_LOGITS_ZERO_POINT);
    const int predicted = board_argmax(scores, VWW_LOGITS_ELEMENTS);
    const int reference = board_argmax(demo_expected[i], VWW_LOGITS_ELEMENTS);
    agree += predicted == reference;
    board_report_class("picture", i, names, predicted, reference, labels[i], scores[predicted], instructions);
  }
  board_printf("vww: %d of %d pictures classified as PyTorch does\n", agree, DEMO_COUNT);
  return agree == DEMO_COUNT ? 0 : 1;
}
