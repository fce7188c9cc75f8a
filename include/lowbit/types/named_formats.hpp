// The named formats, spelled as in ml_dtypes so Python users find them under the names they know.
#pragma once

#include "float_format.hpp"

namespace lowbit {

// OCP FP8 E4M3: no Inf, NaN only at S.1111.111, max 448 (NVIDIA Hopper/Blackwell, safetensors F8_E4M3).
using float8_e4m3fn = float_format<4, 3, 7, specials::fn>;
// IEEE-754-like E4M3 with Inf and NaNs at exponent 15, max 240.
using float8_e4m3 = float_format<4, 3, 7, specials::ieee>;
// E4M3 with bias 8, no Inf, no -0; 0x80 is the only NaN, max 240 (AMD/Graphcore).
using float8_e4m3fnuz = float_format<4, 3, 8, specials::fnuz>;
// E4M3 with bias 11, no Inf, no -0, max 30 (XLA/TPU).
using float8_e4m3b11fnuz = float_format<4, 3, 11, specials::fnuz>;
// IEEE-754-like E3M4 (ml_dtypes' definition: Inf at 0x70, max 15.5).
using float8_e3m4 = float_format<3, 4, 3, specials::ieee>;
// OCP FP8 E5M2, IEEE-like: Inf 0x7C, max 57344.
using float8_e5m2 = float_format<5, 2, 15, specials::ieee>;
// E5M2 with bias 16, no Inf, no -0; 0x80 is the only NaN.
using float8_e5m2fnuz = float_format<5, 2, 16, specials::fnuz>;
// OCP MX scale: unsigned power of two 2^-127..2^127, no zero, 0xFF is NaN.
using float8_e8m0fnu = float_format<8, 0, 127, specials::e8m0, sign_bit::absent, subnormals::absent>;
// OCP MX FP6 and FP4 element types: every code is a number.
using float6_e2m3fn = float_format<2, 3, 1, specials::finite>;
using float6_e3m2fn = float_format<3, 2, 3, specials::finite>;
using float4_e2m1fn = float_format<2, 1, 1, specials::finite>;
// Brain float: float32's exponent with 7 fraction bits.
using bfloat16 = float_format<8, 7, 127, specials::ieee>;
// IEEE 754 binary16.
using float16 = float_format<5, 10, 15, specials::ieee>;
// NVIDIA TensorFloat-32: float32's exponent with 10 fraction bits, 19 bits in a 32-bit container.
using tfloat32 = float_format<8, 10, 127, specials::ieee>;

}  // namespace lowbit
