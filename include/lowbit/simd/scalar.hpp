// The scalar bulk kernels: loops over the scalar engine, for every format and every option. The reference
// the vector kernels are tested against, and the fallback for what they do not cover.
#pragma once

#include <cstddef>

#include "../convert.hpp"
#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "abi.hpp"

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace scalar {

template <floating_format T>
void encode(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    for (std::size_t i = 0; i < n; ++i) out[i] = lowbit::convert<T>(in[i], options);
}

template <floating_format T>
    requires T::decodes_exactly_to_float
void decode(const T* in, float* out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

}  // namespace scalar
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
