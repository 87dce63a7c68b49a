// The one table of operators Mote supports. Adding an op: write compiler/ops/<op>.cpp
// defining `extern const OpDef k<Op>` and list it here (docs/adding-an-operator.md).
#include "compiler/ops/op_def.h"

#define MOTE_OPS(X)                                                                             \
  /* elementwise unary (unary.cpp) */                                                           \
  X(Relu) X(LeakyRelu) X(ThresholdedRelu) X(Elu) X(Selu) X(Celu) X(HardSigmoid) X(HardSwish)    \
  X(Sigmoid) X(Tanh) X(Softplus) X(Softsign) X(Shrink) X(Exp) X(Log) X(Sqrt) X(Reciprocal)      \
  X(Floor) X(Ceil) X(Round) X(Erf) X(Sin) X(Cos) X(Tan) X(Asin) X(Acos) X(Atan) X(Sinh) X(Cosh) \
  X(Asinh) X(Acosh) X(Atanh) X(Abs) X(Neg) X(Sign) X(Not) X(IsNaN) X(IsInf)                     \
  /* elementwise binary and variadic (binary.cpp) */                                            \
  X(Add) X(Sub) X(Mul) X(Div) X(Pow) X(Mod) X(BitShift) X(PRelu) X(And) X(Or) X(Xor) X(Equal)   \
  X(Less) X(LessOrEqual) X(Greater) X(GreaterOrEqual) X(Sum) X(Mean) X(Max) X(Min)              \
  X(Where) X(Clip) X(Cast) X(CastLike)                                                          \
  /* pass-through (identity.cpp) and views (reshape.cpp) */                                     \
  X(Identity) X(Dropout) X(Reshape) X(Flatten) X(Squeeze) X(Unsqueeze)                          \
  /* data movement */                                                                           \
  X(Transpose) X(Concat) X(Split) X(Slice) X(Pad) X(Gather) X(Tile) X(Expand) X(DepthToSpace)   \
  X(SpaceToDepth)                                                                               \
  /* known at compile time (shape_ops.cpp) */                                                   \
  X(Shape) X(Size) X(ConstantOfShape) X(Range) X(EyeLike)                                       \
  /* convolution, matrix products, pooling */                                                   \
  X(Conv) X(ConvTranspose) X(Gemm) X(MatMul) X(MaxPool) X(AveragePool) X(LpPool)                \
  X(GlobalMaxPool) X(GlobalAveragePool) X(GlobalLpPool)                                         \
  /* normalisation and softmax */                                                               \
  X(BatchNormalization) X(InstanceNormalization) X(LayerNormalization) X(LRN) X(Softmax)        \
  X(LogSoftmax) X(Hardmax)                                                                      \
  /* reductions (reduce.cpp) */                                                                 \
  X(ReduceSum) X(ReduceMean) X(ReduceMax) X(ReduceMin) X(ReduceProd) X(ReduceL1) X(ReduceL2)    \
  X(ReduceLogSum) X(ReduceLogSumExp) X(ReduceSumSquare) X(ArgMax) X(ArgMin)                     \
  /* resampling and recurrent layers */                                                         \
  X(Resize) X(Upsample) X(LSTM) X(GRU) X(RNN)                                                    \
  /* indexing (gather_scatter.cpp, sequence_ops.cpp) */                                         \
  X(GatherElements) X(ScatterElements) X(Scatter) X(GatherND) X(ScatterND) X(Trilu) X(CumSum)   \
  X(OneHot) X(TopK) X(ReverseSequence)                                                          \
  /* quantization (quantize.cpp, qlinear.cpp) */                                                \
  X(QuantizeLinear) X(DequantizeLinear) X(ConvInteger) X(MatMulInteger) X(QLinearConv)          \
  X(QLinearMatMul)                                                                              \
  /* com.microsoft integer ops (qlinear*.cpp, pool.cpp, softmax.cpp) and mote.Lookup */          \
  X(QGemm) X(QLinearAdd) X(QLinearConcat) X(QLinearMul) X(QLinearAveragePool) X(QLinearGlobalAveragePool)   \
  X(QLinearSoftmax) X(QLinearSigmoid) X(QLinearLeakyRelu) X(Lookup)                             \
  /* signal processing, sampling, linear algebra, text */                                       \
  X(DFT) X(STFT) X(MelWeightMatrix) X(GridSample) X(RoiAlign) X(Det) X(Einsum) X(MaxUnpool)     \
  X(TfIdfVectorizer)

namespace mote {
namespace ops {
#define MOTE_DECLARE_OP(Name) extern const OpDef k##Name;
MOTE_OPS(MOTE_DECLARE_OP)
#undef MOTE_DECLARE_OP
}  // namespace ops

const std::vector<const OpDef*>& all_ops() {
#define MOTE_OP_ADDRESS(Name) &ops::k##Name,
  static const std::vector<const OpDef*> ops = {MOTE_OPS(MOTE_OP_ADDRESS)};
#undef MOTE_OP_ADDRESS
  return ops;
}

const OpDef* find_op(const std::string& domain, const std::string& name) {
  for (const OpDef* op : all_ops())
    if (domain == op->domain && name == op->name) return op;
  return nullptr;
}

}  // namespace mote
