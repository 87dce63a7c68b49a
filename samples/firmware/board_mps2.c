/* The samples on QEMU's MPS2 boards (mps2-an385 M3, mps2-an386 M4, mps2-an500 M7): text through
   semihosting, instructions from the FPGAIO counter. Run with
     qemu-system-arm -M mps2-an386 -nographic -semihosting-config enable=on,target=native
                     -icount shift=6,sleep=off -kernel <firmware>
   With -icount shift=6 each instruction takes 64 ns of virtual time and the counter ticks every
   40 ns (25 MHz), so instructions = ticks x 40 / 64 (targets/mps2-an386/README.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "board.h"
#include "cycle_counter.h"
#include "semihosting.h"

void board_printf(const char* format, ...) {
  static char line[256];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  semihost_write(line);
}

/* No heap on this board. newlib-nano's vsnprintf links malloc (it never calls it for a fixed
   buffer), and malloc links _sbrk: this one refuses every request. */
void* _sbrk(int increment) {
  (void)increment;
  errno = ENOMEM;
  return (void*)-1;
}

board_time board_now(void) { return fpgaio_counter(); }

long board_instructions_since(board_time start) {
  const uint32_t ticks = fpgaio_counter() - start;
  return (long)(((uint64_t)ticks * 40u) / 64u);
}
