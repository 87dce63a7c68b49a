/* Keyword-spotting firmware: classifies one-second MFCC blocks with the int8 DS-CNN Mote
   generated, as a voice-command device's main loop would after its feature extractor (here
   the blocks come from demo_data.h instead of the microphone). Each answer is checked against
   PyTorch's float model; exit status 0 when all agree. */
#include "board.h"
#include "demo_data.h"
#include "kws.h"

int main(void) {
  static const int labels[DEMO_COUNT] = DEMO_LABELS;
  static const char* const names[KWS_LOGITS_ELEMENTS] = KWS_CLASS_NAMES;
  int agree = 0;
  for (int i = 0; i < DEMO_COUNT; ++i) {
    float logits[KWS_LOGITS_ELEMENTS];
    const board_time start = board_now();
    if (kws_run(demo_mfcc[i], logits) != 0) {
      board_printf("kws_run failed\n");
      return 1;
    }
    const long instructions = board_instructions_since(start);
    const int predicted = board_argmax(logits, KWS_LOGITS_ELEMENTS);
    const int reference = board_argmax(demo_expected[i], KWS_LOGITS_ELEMENTS);
    agree += predicted == reference;
    board_report_class("utterance", i, names, predicted, reference, labels[i], logits[predicted], instructions);
  }
  board_printf("kws: %d of %d utterances classified as PyTorch does\n", agree, DEMO_COUNT);
  return agree == DEMO_COUNT ? 0 : 1;
}
