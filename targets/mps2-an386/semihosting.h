/* ARM semihosting: text to the host's stdout and the exit status, through BKPT 0xAB. */
#ifndef MOTE_SEMIHOSTING_H
#define MOTE_SEMIHOSTING_H

#include <stdint.h>

static inline int32_t semihost_call(int32_t op, const void* arg) {
  register int32_t r0 __asm__("r0") = op;
  register const void* r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static inline void semihost_write(const char* text) { semihost_call(0x04, text); /* SYS_WRITE0 */ }

__attribute__((noreturn)) static inline void semihost_exit(int status) {
  /* SYS_EXIT_EXTENDED: ADP_Stopped_ApplicationExit with the status. */
  const uint32_t block[2] = {0x20026u, (uint32_t)status};
  semihost_call(0x20, block);
  for (;;) {
  }
}

#endif
