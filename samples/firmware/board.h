/* What a sample firmware needs from its board: print text, and count instructions where the
   board can. board_host.c runs the samples on the build machine; board_mps2.c on QEMU's MPS2
   boards (Cortex-M3/M4/M7), through Mote's bare-metal harness in targets/mps2-an386. A real
   product's board file would print to a UART and read the core's cycle counter instead. */
#ifndef SAMPLES_BOARD_H
#define SAMPLES_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* printf-style output. No floating-point conversions (newlib-nano's need a heap): print floats
   with board_decimal, which also makes the host's and the target's text identical. */
void board_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
/* `value` rounded to `decimals` (0..6) digits after the point, in one of four rotating static
   buffers: enough for the arguments of one board_printf call. */
const char* board_decimal(float value, int decimals);

typedef uint32_t board_time;
board_time board_now(void);
/* Instructions executed since `start`, or -1 on a board that cannot count them. */
long board_instructions_since(board_time start);

/* One classifier answer as a line: "<what> <index>: <predicted> (PyTorch <reference>, label
   <label>) score <score>[, <instructions> instructions]". */
void board_report_class(const char* what, int index, const char* const* names, int predicted, int reference, int label, float score,
                        long instructions);

/* The highest-scoring class: how the classifier samples read their logits. */
static inline int board_argmax(const float* scores, int count) {
  int best = 0;
  for (int i = 1; i < count; ++i)
    if (scores[i] > scores[best]) best = i;
  return best;
}

#ifdef __cplusplus
}
#endif

#endif
