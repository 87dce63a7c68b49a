/* The quick-start demo: runs the Mote-compiled digit classifier (plain C calling the generated
   C API) on three held-out digits and prints its logits next to PyTorch's. */
#include <math.h>
#include <stdio.h>

#include "demo_data.h"
#include "digits.h"

int main(void) {
  int failures = 0;
  for (int i = 0; i < DEMO_COUNT; ++i) {
    float logits[DIGITS_LOGITS_ELEMENTS];
    if (digits_run(demo_images[i], logits) != 0) {
      printf("digits_run failed\n");
      return 1;
    }
    int best = 0;
    float worst_error = 0.0f;
    printf("digit %d (label %d)\n  %-8s %12s %12s\n", i, demo_labels[i], "class", "mote", "pytorch");
    for (int k = 0; k < DIGITS_LOGITS_ELEMENTS; ++k) {
      float error = fabsf(logits[k] - demo_expected[i][k]);
      if (error > worst_error) worst_error = error;
      if (logits[k] > logits[best]) best = k;
      printf("  %-8d %12.6f %12.6f\n", k, logits[k], demo_expected[i][k]);
    }
    printf("  predicted %d, max |mote - pytorch| = %.2g\n\n", best, worst_error);
    if (worst_error > 1e-4f || best != demo_labels[i]) ++failures;
  }
  printf("%s\n", failures ? "MISMATCH" : "all three digits match PyTorch");
  return failures != 0;
}
