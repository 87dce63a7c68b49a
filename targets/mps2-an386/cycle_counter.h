/* The MPS2 FPGAIO counter: 32 bits, 25 MHz of (virtual) time. */
#ifndef MOTE_CYCLE_COUNTER_H
#define MOTE_CYCLE_COUNTER_H

#include <stdint.h>

static inline uint32_t fpgaio_counter(void) { return *(volatile uint32_t*)0x40028018u; }

#endif
