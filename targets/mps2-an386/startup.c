/* Reset and fault handling for mps2-an386 (Cortex-M4F) under QEMU. */
#include <stdint.h>

#include "semihosting.h"

/* Linker symbols: addresses only, hence arrays. */
extern uint32_t _data_load[], _data_start[], _data_end[], _bss_start[], _bss_end[], _stack_top[], _stack_bottom[];
int main(void);

#define STACK_PAINT 0x5AFEC0DEu

/* Bytes of stack ever used: the painted words below the deepest write. */
uint32_t stack_bytes_used(void) {
  const uint32_t* word = _stack_bottom;
  while (word < _stack_top && *word == STACK_PAINT) ++word;
  return (uint32_t)((uintptr_t)_stack_top - (uintptr_t)word);
}

static void print_hex(const char* label, uint32_t value) {
  char text[40];
  int n = 0;
  while (label[n] && n < 24) {
    text[n] = label[n];
    ++n;
  }
  text[n++] = '0';
  text[n++] = 'x';
  for (int shift = 28; shift >= 0; shift -= 4) text[n++] = "0123456789abcdef"[(value >> shift) & 0xFu];
  text[n++] = '\n';
  text[n] = 0;
  semihost_write(text);
}

__attribute__((used)) void fault_report(const uint32_t* frame) {
  print_hex("FAULT pc=", frame[6]);
  semihost_exit(1);
}

__attribute__((naked)) void fault_handler(void) {
  __asm__ volatile(
      "tst lr, #4\n"
      "ite eq\n"
      "mrseq r0, msp\n"
      "mrsne r0, psp\n"
      "b fault_report\n");
}

__attribute__((noreturn)) void reset_handler(void) {
  /* Paint the stack below this frame (the top 256 bytes hold it) to measure its peak use. */
  const uintptr_t paint_end = (uintptr_t)_stack_top - 256;
  for (volatile uint32_t* paint = _stack_bottom; (uintptr_t)paint < paint_end;) *paint++ = STACK_PAINT;
  for (uint32_t *src = _data_load, *dst = _data_start; dst < _data_end;) *dst++ = *src++;
  for (uint32_t* dst = _bss_start; dst < _bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  /* Full access to CP10 and CP11: the FPU (cores without one build without this). */
  *(volatile uint32_t*)0xE000ED88u |= (0xFu << 20);
  __asm__ volatile("dsb\nisb");
#endif
  semihost_exit(main());
}

__attribute__((section(".vectors"), used)) const void* const vector_table[16] = {
    _stack_top, (const void*)reset_handler, (const void*)fault_handler, (const void*)fault_handler,
    (const void*)fault_handler, (const void*)fault_handler, (const void*)fault_handler, 0, 0, 0, 0,
    (const void*)fault_handler, (const void*)fault_handler, 0, (const void*)fault_handler, (const void*)fault_handler};
