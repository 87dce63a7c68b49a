/* The boards' shared text helpers (board.h): decimals without printf's float support, and a
   classifier's answer as a line. */
#include <math.h>
#include <stdio.h>

#include "board.h"

const char* board_decimal(float value, int decimals) {
  static char buffers[4][24];
  static int next;
  char* text = buffers[next];
  next = (next + 1) % 4;
  if (decimals < 0) decimals = 0;
  if (decimals > 6) decimals = 6;
  unsigned long scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const double scaled = fabs((double)value) * (double)scale + 0.5;
  if (!(scaled < 4.0e9)) {
    snprintf(text, sizeof buffers[0], "%s", isnan(value) ? "nan" : value < 0 ? "-big" : "big");
    return text;
  }
  const unsigned long magnitude = (unsigned long)scaled;
  const char* sign = value < 0 && magnitude != 0 ? "-" : "";
  if (decimals == 0)
    snprintf(text, sizeof buffers[0], "%s%lu", sign, magnitude);
  else
    snprintf(text, sizeof buffers[0], "%s%lu.%0*lu", sign, magnitude / scale, decimals, magnitude % scale);
  return text;
}

void board_report_class(const char* what, int index, const char* const* names, int predicted, int reference, int label, float score,
                        long instructions) {
  board_printf("%s %d: %-9s (PyTorch %-9s, label %-9s) score %s", what, index, names[predicted], names[reference], names[label],
               board_decimal(score, 2));
  if (instructions >= 0) board_printf(", %ld instructions", instructions);
  board_printf("\n");
}
