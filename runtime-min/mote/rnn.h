// Recurrent layers: LSTM, GRU and simple RNN, forward / reverse / bidirectional, with
// per-batch sequence lengths, clipping, peepholes and every ONNX activation function.
#ifndef MOTE_RNN_H
#define MOTE_RNN_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

enum RnnActivation : int32_t {
  kActSigmoid = 0,
  kActTanh,
  kActRelu,
  kActAffine,
  kActLeakyRelu,
  kActThresholdedRelu,
  kActScaledTanh,
  kActHardSigmoid,
  kActElu,
  kActSoftsign,
  kActSoftplus,
};

struct RnnParams {
  int32_t seq_length;
  int32_t batch;
  int32_t input_size;
  int32_t hidden;
  int32_t directions;   // 1 or 2
  int32_t reverse;      // with one direction: 1 runs it backwards
  int32_t batch_major;  // layout 1: X [batch, seq, input], Y [batch, seq, dir, hidden]
  int32_t activations[6];  // f, g(, h) per direction
  float alphas[6];
  float betas[6];
  int32_t has_clip;
  float clip;
  int32_t input_forget;         // LSTM: couple the input and forget gates
  int32_t linear_before_reset;  // GRU
  template <class F>
  void each(F& f) const {
    f("seq_length", seq_length);
    f("batch", batch);
    f("input_size", input_size);
    f("hidden", hidden);
    f("directions", directions);
    f("reverse", reverse);
    f("batch_major", batch_major);
    f("activations", activations);
    f("alphas", alphas);
    f("betas", betas);
    f("has_clip", has_clip);
    f("clip", clip);
    f("input_forget", input_forget);
    f("linear_before_reset", linear_before_reset);
  }
};

template <class A>
inline A rnn_activate(int32_t kind, A x, float alpha, float beta) {
  const A a = A(alpha), b = A(beta);
  switch (kind) {
    case kActSigmoid: return x >= A(0) ? A(1) / (A(1) + math::exp(-x)) : math::exp(x) / (A(1) + math::exp(x));
    case kActTanh: return math::tanh(x);
    case kActRelu: return x > A(0) ? x : A(0);
    case kActAffine: return a * x + b;
    case kActLeakyRelu: return x < A(0) ? a * x : x;
    case kActThresholdedRelu: return x > a ? x : A(0);
    case kActScaledTanh: return a * math::tanh(b * x);
    case kActHardSigmoid: return max_of(A(0), min_of(A(1), a * x + b));
    case kActElu: return x < A(0) ? a * (math::exp(x) - A(1)) : x;
    case kActSoftsign: return x / (A(1) + math::fabs(x));
    default: return math::log1p(math::exp(x));  // Softplus
  }
}

// Where step t of batch item b of direction d lives in X / Y.
inline int64_t rnn_x_offset(const RnnParams& p, int32_t t, int32_t b) {
  return p.batch_major ? (static_cast<int64_t>(b) * p.seq_length + t) * p.input_size
                       : (static_cast<int64_t>(t) * p.batch + b) * p.input_size;
}
inline int64_t rnn_y_offset(const RnnParams& p, int32_t t, int32_t d, int32_t b) {
  return p.batch_major ? ((static_cast<int64_t>(b) * p.seq_length + t) * p.directions + d) * p.hidden
                       : ((static_cast<int64_t>(t) * p.directions + d) * p.batch + b) * p.hidden;
}
// Y_h / Y_c / initial states: [dir, batch, hidden], or [batch, dir, hidden] in layout 1.
inline int64_t rnn_state_offset(const RnnParams& p, int32_t d, int32_t b) {
  return p.batch_major ? (static_cast<int64_t>(b) * p.directions + d) * p.hidden
                       : (static_cast<int64_t>(d) * p.batch + b) * p.hidden;
}

template <class A, class T>
inline A rnn_dot(const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT v, int32_t n) {
  A acc = A(0);
  for (int32_t i = 0; i < n; ++i) acc += convert<A>(w[i]) * convert<A>(v[i]);
  return acc;
}
template <class A, class T>
inline A rnn_dot_state(const T* MOTE_RESTRICT w, const A* MOTE_RESTRICT v, int32_t n) {
  A acc = A(0);
  for (int32_t i = 0; i < n; ++i) acc += convert<A>(w[i]) * v[i];
  return acc;
}

// Gate count per cell type: LSTM 4 (i, o, f, c), GRU 3 (z, r, h), RNN 1.
enum RnnCell { kCellLstm = 4, kCellGru = 3, kCellRnn = 1 };

// scratch holds 2 * hidden (h and c state) + gates * hidden accumulators per batch item.
template <class T, int kGates>
void recurrent(const RnnParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT w, const T* MOTE_RESTRICT r,
               const T* MOTE_RESTRICT bias, const int32_t* MOTE_RESTRICT lengths, const T* MOTE_RESTRICT initial_h,
               const T* MOTE_RESTRICT initial_c, const T* MOTE_RESTRICT peephole, T* MOTE_RESTRICT y,
               T* MOTE_RESTRICT y_h, T* MOTE_RESTRICT y_c, acc_t<T>* MOTE_RESTRICT scratch) {
  using A = acc_t<T>;
  const int32_t H = p.hidden, I = p.input_size;
  const int32_t per_item = (2 + kGates) * H;
  if (y) {
    const int64_t total = static_cast<int64_t>(p.seq_length) * p.directions * p.batch * H;
    for (int64_t i = 0; i < total; ++i) y[i] = convert<T>(A(0));
  }
  for (int32_t d = 0; d < p.directions; ++d) {
    const bool backwards = p.directions == 2 ? d == 1 : p.reverse != 0;
    const T* wd = w + static_cast<int64_t>(d) * kGates * H * I;
    const T* rd = r + static_cast<int64_t>(d) * kGates * H * H;
    const T* wb = bias ? bias + static_cast<int64_t>(d) * 2 * kGates * H : nullptr;
    const T* rb = bias ? wb + kGates * H : nullptr;
    const T* pd = peephole ? peephole + static_cast<int64_t>(d) * 3 * H : nullptr;
    const int32_t act_base = d * (kGates == kCellLstm ? 3 : kGates == kCellGru ? 2 : 1);
    auto act = [&](int32_t k, A v) {
      return rnn_activate<A>(p.activations[act_base + k], v, p.alphas[act_base + k], p.betas[act_base + k]);
    };
    auto clip = [&](A v) {
      if (!p.has_clip) return v;
      const A c = A(p.clip);
      return v > c ? c : (v < -c ? -c : v);
    };
    for (int32_t b = 0; b < p.batch; ++b) {
      A* h = scratch + static_cast<int64_t>(b) * per_item;
      A* c = h + H;
      A* g = c + H;
      const int64_t state = rnn_state_offset(p, d, b);
      for (int32_t j = 0; j < H; ++j) {
        h[j] = initial_h ? convert<A>(initial_h[state + j]) : A(0);
        c[j] = initial_c ? convert<A>(initial_c[state + j]) : A(0);
      }
      const int32_t length = lengths ? lengths[b] : p.seq_length;
      for (int32_t step = 0; step < length; ++step) {
        const int32_t t = backwards ? length - 1 - step : step;
        const T* xt = x + rnn_x_offset(p, t, b);
        // Input and bias parts of every gate.
        for (int32_t k = 0; k < kGates * H; ++k) {
          A v = rnn_dot<A>(wd + static_cast<int64_t>(k) * I, xt, I);
          if (wb) v += convert<A>(wb[k]);
          g[k] = v;
        }
        if (kGates == kCellLstm) {
          for (int32_t j = 0; j < H; ++j) {
            A gi = g[j], go = g[H + j], gf = g[2 * H + j], gc = g[3 * H + j];
            gi += rnn_dot_state<A>(rd + static_cast<int64_t>(j) * H, h, H) + (rb ? convert<A>(rb[j]) : A(0));
            go += rnn_dot_state<A>(rd + static_cast<int64_t>(H + j) * H, h, H) + (rb ? convert<A>(rb[H + j]) : A(0));
            gf += rnn_dot_state<A>(rd + static_cast<int64_t>(2 * H + j) * H, h, H) + (rb ? convert<A>(rb[2 * H + j]) : A(0));
            gc += rnn_dot_state<A>(rd + static_cast<int64_t>(3 * H + j) * H, h, H) + (rb ? convert<A>(rb[3 * H + j]) : A(0));
            g[j] = gi;
            g[H + j] = go;
            g[2 * H + j] = gf;
            g[3 * H + j] = gc;
          }
          for (int32_t j = 0; j < H; ++j) {
            const A i_gate = act(0, clip(g[j] + (pd ? convert<A>(pd[j]) * c[j] : A(0))));
            const A f_gate = p.input_forget ? A(1) - i_gate : act(0, clip(g[2 * H + j] + (pd ? convert<A>(pd[2 * H + j]) * c[j] : A(0))));
            const A c_hat = act(1, clip(g[3 * H + j]));
            c[j] = f_gate * c[j] + i_gate * c_hat;
          }
          for (int32_t j = 0; j < H; ++j) {
            const A o_gate = act(0, clip(g[H + j] + (pd ? convert<A>(pd[H + j]) * c[j] : A(0))));
            h[j] = o_gate * act(2, c[j]);
          }
        } else if (kGates == kCellGru) {
          // z and r use the previous state; the candidate uses r and the previous state.
          for (int32_t j = 0; j < H; ++j) {
            g[j] += rnn_dot_state<A>(rd + static_cast<int64_t>(j) * H, h, H) + (rb ? convert<A>(rb[j]) : A(0));
            g[H + j] += rnn_dot_state<A>(rd + static_cast<int64_t>(H + j) * H, h, H) + (rb ? convert<A>(rb[H + j]) : A(0));
          }
          for (int32_t j = 0; j < 2 * H; ++j) g[j] = act(0, clip(g[j]));
          A* reset_h = c;  // c is free in a GRU: holds r (.) h
          for (int32_t j = 0; j < H; ++j) reset_h[j] = g[H + j] * h[j];
          for (int32_t j = 0; j < H; ++j) {
            const T* rh = rd + static_cast<int64_t>(2 * H + j) * H;
            const A rbh = rb ? convert<A>(rb[2 * H + j]) : A(0);
            const A recurrent_part = p.linear_before_reset ? g[H + j] * (rnn_dot_state<A>(rh, h, H) + rbh)
                                                           : rnn_dot_state<A>(rh, reset_h, H) + rbh;
            g[2 * H + j] = act(1, clip(g[2 * H + j] + recurrent_part));
          }
          for (int32_t j = 0; j < H; ++j) h[j] = (A(1) - g[j]) * g[2 * H + j] + g[j] * h[j];
        } else {
          for (int32_t j = 0; j < H; ++j)
            g[j] += rnn_dot_state<A>(rd + static_cast<int64_t>(j) * H, h, H) + (rb ? convert<A>(rb[j]) : A(0));
          for (int32_t j = 0; j < H; ++j) h[j] = act(0, clip(g[j]));
        }
        if (y)
          for (int32_t j = 0; j < H; ++j) y[rnn_y_offset(p, t, d, b) + j] = convert<T>(h[j]);
      }
      if (y_h)
        for (int32_t j = 0; j < H; ++j) y_h[state + j] = convert<T>(h[j]);
      if (y_c)
        for (int32_t j = 0; j < H; ++j) y_c[state + j] = convert<T>(c[j]);
    }
  }
}

template <class T>
void lstm(const RnnParams& p, const T* x, const T* w, const T* r, const T* bias, const int32_t* lengths,
          const T* initial_h, const T* initial_c, const T* peephole, T* y, T* y_h, T* y_c, acc_t<T>* scratch) {
  recurrent<T, kCellLstm>(p, x, w, r, bias, lengths, initial_h, initial_c, peephole, y, y_h, y_c, scratch);
}
template <class T>
void gru(const RnnParams& p, const T* x, const T* w, const T* r, const T* bias, const int32_t* lengths,
         const T* initial_h, T* y, T* y_h, acc_t<T>* scratch) {
  recurrent<T, kCellGru>(p, x, w, r, bias, lengths, initial_h, nullptr, nullptr, y, y_h, nullptr, scratch);
}
template <class T>
void rnn(const RnnParams& p, const T* x, const T* w, const T* r, const T* bias, const int32_t* lengths,
         const T* initial_h, T* y, T* y_h, acc_t<T>* scratch) {
  recurrent<T, kCellRnn>(p, x, w, r, bias, lengths, initial_h, nullptr, nullptr, y, y_h, nullptr, scratch);
}

}  // namespace mote

#endif  // MOTE_RNN_H
