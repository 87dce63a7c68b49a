// Spatial sampling at runtime coordinates: GridSample (PyTorch's grid_sample semantics, as
// ONNX specifies) and RoiAlign (as ONNX Runtime computes it).
#ifndef MOTE_SAMPLING_H
#define MOTE_SAMPLING_H

#include "mote/base.h"
#include "mote/math.h"

namespace mote {

enum GridMode : int32_t { kGridBilinear = 0, kGridNearest = 1, kGridBicubic = 2 };
enum GridPadding : int32_t { kGridZeros = 0, kGridBorder = 1, kGridReflection = 2 };

struct GridSampleParams {
  int32_t batch, channels, in_h, in_w, out_h, out_w;
  int32_t mode, padding, align_corners;
  template <class F>
  void each(F& f) const {
    f("batch", batch);
    f("channels", channels);
    f("in_h", in_h);
    f("in_w", in_w);
    f("out_h", out_h);
    f("out_w", out_w);
    f("mode", mode);
    f("padding", padding);
    f("align_corners", align_corners);
  }
};

// Mirrors a coordinate into [low/2, high/2] (bounds given doubled, as the reference does).
template <class A>
inline A reflect_coordinate(A v, A twice_low, A twice_high) {
  if (twice_low == twice_high) return A(0);
  const A low = twice_low / A(2), span = (twice_high - twice_low) / A(2);
  v = math::fabs(v - low);
  const A extra = math::fmod(v, span);
  const int32_t flips = static_cast<int32_t>(math::floor(v / span));
  return flips % 2 == 0 ? extra + low : span - extra + low;
}

template <class A>
inline A grid_pad_coordinate(const GridSampleParams& p, A v, int32_t size) {
  if (p.padding == kGridBorder) return v < A(0) ? A(0) : (v > A(size - 1) ? A(size - 1) : v);
  if (p.padding == kGridReflection) {
    v = p.align_corners ? reflect_coordinate(v, A(0), A(2 * (size - 1))) : reflect_coordinate(v, A(-1), A(2 * size - 1));
    return v < A(0) ? A(0) : (v > A(size - 1) ? A(size - 1) : v);
  }
  return v;
}

template <class A>
inline A grid_unnormalize(A v, int32_t size, int32_t align_corners) {
  return align_corners ? (v + A(1)) / A(2) * A(size - 1) : ((v + A(1)) * A(size) - A(1)) / A(2);
}

template <class A>
inline void cubic_weights(A t, A* w) {
  const A a = A(-0.75);
  const A x0 = t + A(1), x1 = t, x2 = A(1) - t, x3 = A(2) - t;
  w[0] = ((a * x0 - A(5) * a) * x0 + A(8) * a) * x0 - A(4) * a;
  w[1] = ((a + A(2)) * x1 - (a + A(3))) * x1 * x1 + A(1);
  w[2] = ((a + A(2)) * x2 - (a + A(3))) * x2 * x2 + A(1);
  w[3] = ((a * x3 - A(5) * a) * x3 + A(8) * a) * x3 - A(4) * a;
}

template <class T>
void grid_sample(const GridSampleParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT grid, T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  const int32_t plane = p.in_h * p.in_w;
  for (int32_t n = 0; n < p.batch; ++n)
    for (int32_t oh = 0; oh < p.out_h; ++oh)
      for (int32_t ow = 0; ow < p.out_w; ++ow) {
        const int64_t g = ((static_cast<int64_t>(n) * p.out_h + oh) * p.out_w + ow) * 2;
        A gx = grid_unnormalize(convert<A>(grid[g]), p.in_w, p.align_corners);
        A gy = grid_unnormalize(convert<A>(grid[g + 1]), p.in_h, p.align_corners);
        for (int32_t c = 0; c < p.channels; ++c) {
          const T* xc = x + (static_cast<int64_t>(n) * p.channels + c) * plane;
          // Value at an integer tap, after padding; zeros outside for zeros padding.
          auto at = [&](int32_t yy, int32_t xx) -> A {
            if (p.mode == kGridBicubic && p.padding != kGridZeros) {
              xx = static_cast<int32_t>(grid_pad_coordinate(p, A(xx), p.in_w));
              yy = static_cast<int32_t>(grid_pad_coordinate(p, A(yy), p.in_h));
            }
            if (xx < 0 || yy < 0 || xx >= p.in_w || yy >= p.in_h) return A(0);
            return convert<A>(xc[static_cast<int64_t>(yy) * p.in_w + xx]);
          };
          A v = A(0);
          if (p.mode == kGridBicubic) {
            const A fx = math::floor(gx), fy = math::floor(gy);
            A wx[4], wy[4];
            cubic_weights(gx - fx, wx);
            cubic_weights(gy - fy, wy);
            for (int32_t i = 0; i < 4; ++i)
              for (int32_t j = 0; j < 4; ++j)
                v += wy[i] * wx[j] * at(static_cast<int32_t>(fy) - 1 + i, static_cast<int32_t>(fx) - 1 + j);
          } else {
            const A px = grid_pad_coordinate(p, gx, p.in_w), py = grid_pad_coordinate(p, gy, p.in_h);
            if (p.mode == kGridNearest) {
              v = at(static_cast<int32_t>(math::rint(py)), static_cast<int32_t>(math::rint(px)));
            } else {
              const A fx = math::floor(px), fy = math::floor(py);
              const A lx = px - fx, ly = py - fy;
              const int32_t x0 = static_cast<int32_t>(fx), y0 = static_cast<int32_t>(fy);
              v = (A(1) - ly) * ((A(1) - lx) * at(y0, x0) + lx * at(y0, x0 + 1)) +
                  ly * ((A(1) - lx) * at(y0 + 1, x0) + lx * at(y0 + 1, x0 + 1));
            }
          }
          y[((static_cast<int64_t>(n) * p.channels + c) * p.out_h + oh) * p.out_w + ow] = convert<T>(v);
        }
      }
}

struct RoiAlignParams {
  int32_t rois, channels, height, width, out_h, out_w;
  int32_t sampling_ratio;
  int32_t half_pixel;  // coordinate_transformation_mode half_pixel (else output_half_pixel)
  int32_t max_mode;
  float spatial_scale;
  template <class F>
  void each(F& f) const {
    f("rois", rois);
    f("channels", channels);
    f("height", height);
    f("width", width);
    f("out_h", out_h);
    f("out_w", out_w);
    f("sampling_ratio", sampling_ratio);
    f("half_pixel", half_pixel);
    f("max_mode", max_mode);
    f("spatial_scale", spatial_scale);
  }
};

template <class T>
void roi_align(const RoiAlignParams& p, const T* MOTE_RESTRICT x, const T* MOTE_RESTRICT rois, const int64_t* MOTE_RESTRICT batch_index,
               T* MOTE_RESTRICT y) {
  using A = acc_t<T>;
  const A offset = p.half_pixel ? A(0.5) : A(0);
  for (int32_t r = 0; r < p.rois; ++r) {
    const T* roi = rois + static_cast<int64_t>(r) * 4;
    const A x0 = convert<A>(roi[0]) * A(p.spatial_scale) - offset, y0 = convert<A>(roi[1]) * A(p.spatial_scale) - offset;
    const A x1 = convert<A>(roi[2]) * A(p.spatial_scale) - offset, y1 = convert<A>(roi[3]) * A(p.spatial_scale) - offset;
    A roi_w = x1 - x0, roi_h = y1 - y0;
    if (!p.half_pixel) {
      roi_w = max_of(roi_w, A(1));
      roi_h = max_of(roi_h, A(1));
    }
    const A bin_h = roi_h / A(p.out_h), bin_w = roi_w / A(p.out_w);
    const int32_t grid_h = p.sampling_ratio > 0 ? p.sampling_ratio : static_cast<int32_t>(math::ceil(roi_h / A(p.out_h)));
    const int32_t grid_w = p.sampling_ratio > 0 ? p.sampling_ratio : static_cast<int32_t>(math::ceil(roi_w / A(p.out_w)));
    const A count = A(grid_h * grid_w > 0 ? grid_h * grid_w : 1);
    const int64_t b = batch_index[r];
    for (int32_t c = 0; c < p.channels; ++c) {
      const T* xc = x + (b * p.channels + c) * static_cast<int64_t>(p.height) * p.width;
      for (int32_t ph = 0; ph < p.out_h; ++ph)
        for (int32_t pw = 0; pw < p.out_w; ++pw) {
          A acc = A(0);
          bool first = true;
          for (int32_t iy = 0; iy < grid_h; ++iy) {
            A yy = y0 + A(ph) * bin_h + (A(iy) + A(0.5)) * bin_h / A(grid_h);
            for (int32_t ix = 0; ix < grid_w; ++ix) {
              A xx = x0 + A(pw) * bin_w + (A(ix) + A(0.5)) * bin_w / A(grid_w);
              A sample = A(0);
              if (!(yy < A(-1) || yy > A(p.height) || xx < A(-1) || xx > A(p.width))) {
                A sy = yy <= A(0) ? A(0) : yy, sx = xx <= A(0) ? A(0) : xx;
                int32_t ylo = static_cast<int32_t>(sy), xlo = static_cast<int32_t>(sx), yhi, xhi;
                if (ylo >= p.height - 1) {
                  yhi = ylo = p.height - 1;
                  sy = A(ylo);
                } else {
                  yhi = ylo + 1;
                }
                if (xlo >= p.width - 1) {
                  xhi = xlo = p.width - 1;
                  sx = A(xlo);
                } else {
                  xhi = xlo + 1;
                }
                const A ly = sy - A(ylo), lx = sx - A(xlo), hy = A(1) - ly, hx = A(1) - lx;
                const A v1 = hy * hx * convert<A>(xc[ylo * p.width + xlo]), v2 = hy * lx * convert<A>(xc[ylo * p.width + xhi]);
                const A v3 = ly * hx * convert<A>(xc[yhi * p.width + xlo]), v4 = ly * lx * convert<A>(xc[yhi * p.width + xhi]);
                sample = p.max_mode ? max_of(max_of(v1, v2), max_of(v3, v4)) : v1 + v2 + v3 + v4;
              }
              if (p.max_mode) {
                acc = first ? sample : max_of(acc, sample);
                first = false;
              } else {
                acc += sample;
              }
            }
          }
          y[((static_cast<int64_t>(r) * p.channels + c) * p.out_h + ph) * p.out_w + pw] = convert<T>(p.max_mode ? acc : A(acc / count));
        }
    }
  }
}

}  // namespace mote

#endif  // MOTE_SAMPLING_H
