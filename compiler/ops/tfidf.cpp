// TfIdfVectorizer over integer tokens; the n-gram pool becomes constant tables.
#include <algorithm>

#include "compiler/ops/kernel_types.h"
#include "compiler/ops/op_def.h"
#include "mote/text.h"

namespace mote::ops {
namespace {

enum class Weighting { TF, IDF, TFIDF };
MOTE_ENUM_NAMES(Weighting, "TF", "IDF", "TFIDF")

struct TfIdfAttrs : AttrsOf<TfIdfAttrs> {
  int64_t max_gram_length = 0, max_skip_count = 0, min_gram_length = 0;
  Weighting mode = Weighting::TF;
  std::vector<int64_t> ngram_counts, ngram_indexes, pool_int64s;
  std::vector<std::string> pool_strings;
  std::vector<float> weights;
  template <class V>
  void fields(V& v) {
    v.required("max_gram_length", max_gram_length);
    v.required("max_skip_count", max_skip_count);
    v.required("min_gram_length", min_gram_length);
    v.required("mode", mode);
    v.required("ngram_counts", ngram_counts);
    v.required("ngram_indexes", ngram_indexes);
    v("pool_int64s", pool_int64s);
    v("pool_strings", pool_strings);
    v("weights", weights);
  }
};

// Pool entries {length, token offset, output index} for the n-gram sizes in use.
template <class Context>
std::vector<int32_t> pool_entries(Context& c, const TfIdfAttrs& a) {
  std::vector<int32_t> entries;
  const int64_t total = static_cast<int64_t>(a.pool_int64s.size());
  int64_t id = 0;
  for (size_t i = 0; i < a.ngram_counts.size(); ++i) {
    const int64_t size = static_cast<int64_t>(i) + 1;
    const int64_t begin = a.ngram_counts[i], end = i + 1 < a.ngram_counts.size() ? a.ngram_counts[i + 1] : total;
    if (begin < 0 || end < begin || end > total || (end - begin) % size != 0) c.invalid("ngram_counts do not split pool_int64s into n-grams");
    for (int64_t at = begin; at < end; at += size, ++id) {
      if (id >= static_cast<int64_t>(a.ngram_indexes.size())) c.invalid("fewer ngram_indexes than n-grams in the pool");
      if (size >= a.min_gram_length && size <= a.max_gram_length)
        entries.insert(entries.end(), {static_cast<int32_t>(size), static_cast<int32_t>(at), static_cast<int32_t>(a.ngram_indexes[static_cast<size_t>(id)])});
    }
  }
  return entries;
}

int64_t output_size(const TfIdfAttrs& a) { return *std::max_element(a.ngram_indexes.begin(), a.ngram_indexes.end()) + 1; }

void infer(InferContext& c) {
  c.require_inputs(1, 1);
  const auto& a = c.attrs<TfIdfAttrs>();
  if (!a.pool_strings.empty()) c.unsupported("string pools (pool_strings) are not supported");
  c.require_dtype(0, dtype_set<IndexTypes>());
  c.require_rank(0, 1, 2);
  if (a.ngram_indexes.empty() || a.min_gram_length < 1 || a.max_gram_length < a.min_gram_length || a.max_skip_count < 0)
    c.invalid("inconsistent n-gram attributes");
  for (int64_t index : a.ngram_indexes)
    if (index < 0) c.invalid("negative ngram_indexes");
  if (!a.weights.empty() && a.weights.size() != a.ngram_indexes.size()) c.invalid("weights and ngram_indexes differ in length");
  pool_entries(c, a);
  const Shape& x = c.shape(0);
  c.set_output(0, DType::Float32, x.rank() == 1 ? Shape{output_size(a)} : Shape{x[0], output_size(a)});
}

std::vector<KernelCall> lower(LowerContext& c) {
  const auto& a = c.attrs<TfIdfAttrs>();
  const Shape& x = c.input(0).shape;
  std::vector<int32_t> entries = pool_entries(c, a);
  TfIdfParams p{};
  p.rows = static_cast<int32_t>(x.rank() == 1 ? 1 : x[0]);
  p.row_length = static_cast<int32_t>(x[x.rank() - 1]);
  p.output_size = static_cast<int32_t>(output_size(a));
  p.entries = static_cast<int32_t>(entries.size() / 3);
  p.min_gram = static_cast<int32_t>(a.min_gram_length);
  p.max_gram = static_cast<int32_t>(a.max_gram_length);
  p.max_skip = static_cast<int32_t>(a.max_skip_count);
  p.mode = a.mode == Weighting::TF ? kTf : a.mode == Weighting::IDF ? kIdf : kTfIdf;
  p.has_weights = a.weights.empty() ? 0 : 1;
  auto pool = std::make_shared<const Tensor>(Tensor::from_values<int64_t>(Shape{static_cast<int64_t>(a.pool_int64s.size())}, a.pool_int64s));
  auto table = std::make_shared<const Tensor>(Tensor::from_values<int32_t>(Shape{static_cast<int64_t>(entries.size())}, entries));
  auto weights = std::make_shared<const Tensor>(Tensor::from_values<float>(Shape{static_cast<int64_t>(a.weights.size())}, a.weights));
  return {dispatch_in<IndexTypes>(c.input(0).dtype, [&](auto tag) {
    using I = typename decltype(tag)::type;
    return bind_kernel("mote/text.h", "mote::tfidf<" + cpp_type<I>() + ">", "mote::TfIdfParams", p, &mote::tfidf<I>,
                       {KernelArg::input(0), KernelArg::constant_tensor(pool), KernelArg::constant_tensor(table),
                        a.weights.empty() ? KernelArg::none() : KernelArg::constant_tensor(weights), KernelArg::output(0)});
  })};
}

}  // namespace

extern const OpDef kTfIdfVectorizer = {"", "TfIdfVectorizer", make_attrs<TfIdfAttrs>, infer, lower, {}};

}  // namespace mote::ops
