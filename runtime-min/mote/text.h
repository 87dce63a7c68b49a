// TfIdfVectorizer over integer token sequences: counts the n-grams (with skips) found in a
// compile-time pool, then weights the counts (TF, IDF or TF-IDF).
#ifndef MOTE_TEXT_H
#define MOTE_TEXT_H

#include "mote/base.h"

namespace mote {

enum TfIdfMode : int32_t { kTf = 0, kIdf = 1, kTfIdf = 2 };

struct TfIdfParams {
  int32_t rows, row_length;
  int32_t output_size;
  int32_t entries;          // n-grams in the pool
  int32_t min_gram, max_gram;
  int32_t max_skip;
  int32_t mode;
  int32_t has_weights;
  template <class F>
  void each(F& f) const {
    f("rows", rows);
    f("row_length", row_length);
    f("output_size", output_size);
    f("entries", entries);
    f("min_gram", min_gram);
    f("max_gram", max_gram);
    f("max_skip", max_skip);
    f("mode", mode);
    f("has_weights", has_weights);
  }
};

// entry_info: per pool n-gram, {length, offset of its tokens in pool, output index}.
template <class I>
inline int32_t tfidf_find(const TfIdfParams& p, const int64_t* pool, const int32_t* entry_info, const I* tokens, int32_t length,
                          int32_t distance) {
  for (int32_t e = 0; e < p.entries; ++e) {
    const int32_t* info = entry_info + 3 * e;
    if (info[0] != length) continue;
    bool match = true;
    for (int32_t t = 0; t < length && match; ++t) match = pool[info[1] + t] == static_cast<int64_t>(tokens[t * distance]);
    if (match) return info[2];
  }
  return -1;
}

template <class I>
void tfidf(const TfIdfParams& p, const I* MOTE_RESTRICT x, const int64_t* MOTE_RESTRICT pool, const int32_t* MOTE_RESTRICT entry_info,
           const float* MOTE_RESTRICT weights, float* MOTE_RESTRICT y) {
  for (int32_t i = 0; i < p.rows * p.output_size; ++i) y[i] = 0.0f;
  for (int32_t r = 0; r < p.rows; ++r) {
    const I* row = x + static_cast<int64_t>(r) * p.row_length;
    float* counts = y + static_cast<int64_t>(r) * p.output_size;
    int32_t first_size = p.min_gram;
    if (first_size == 1) {  // unigrams are counted once, whatever the skip
      for (int32_t s = 0; s < p.row_length; ++s) {
        const int32_t hit = tfidf_find(p, pool, entry_info, row + s, 1, 1);
        if (hit >= 0) counts[hit] += 1.0f;
      }
      first_size = 2;
    }
    if (first_size > p.max_gram) continue;
    for (int32_t distance = 1; distance <= p.max_skip + 1; ++distance)
      for (int32_t s = 0; s + distance * (first_size - 1) < p.row_length; ++s)
        for (int32_t size = first_size; size <= p.max_gram && s + distance * (size - 1) < p.row_length; ++size) {
          const int32_t hit = tfidf_find(p, pool, entry_info, row + s, size, distance);
          if (hit >= 0) counts[hit] += 1.0f;
        }
  }
  for (int32_t r = 0; r < p.rows; ++r)
    for (int32_t i = 0; i < p.output_size; ++i) {
      float& v = y[static_cast<int64_t>(r) * p.output_size + i];
      const float w = p.has_weights ? weights[i] : 1.0f;
      if (p.mode == kIdf) v = v > 0.0f ? w : 0.0f;
      else if (p.mode == kTfIdf) v = v * w;
    }
}

}  // namespace mote

#endif  // MOTE_TEXT_H
