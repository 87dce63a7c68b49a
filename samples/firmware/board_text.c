/* Decimal text for floats without printf's float support (see board.h). */
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
