/* The AN505 FPGAIO counter: 32 bits, 20 MHz of (virtual) time, read through the Secure alias
   of the FPGAIO block (0x50302000; the core runs Secure). */
#ifndef MOTE_CYCLE_COUNTER_H
#define MOTE_CYCLE_COUNTER_H

#include <stdint.h>

static inline uint32_t fpgaio_counter(void) { return *(volatile uint32_t*)0x50302018u; }

#endif
