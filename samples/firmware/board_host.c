/* The samples on the build machine: stdout, no instruction counter. */
#include <stdarg.h>
#include <stdio.h>

#include "board.h"

void board_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
}

board_time board_now(void) { return 0; }

long board_instructions_since(board_time start) {
  (void)start;
  return -1;
}
