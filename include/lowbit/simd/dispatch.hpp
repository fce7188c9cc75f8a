// Kernel selection: for a format and the active isa, the vector kernel if that isa has one, else the scalar
// kernel. The per-ISA kernel tables are function pointers in inline constexpr variables.
#pragma once

#include <array>
#include <cstddef>

#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "abi.hpp"
#include "avx2.hpp"
#include "avx512.hpp"
#include "isa.hpp"
#include "kernel_support.hpp"
#include "scalar.hpp"

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {

// encode_kernels<T>[isa][rounding]: the encoder of each isa for each rounding mode; nullptr = no vector
// kernel, use scalar.
template <floating_format T>
inline constexpr std::array<std::array<encode_kernel<T>, rounding_mode_count>, isa_count> encode_kernels = [] {
    std::array<std::array<encode_kernel<T>, rounding_mode_count>, isa_count> table{};
    for (std::size_t r = 0; r < rounding_mode_count; ++r) {
        const auto mode = static_cast<rounding>(r);
        table[static_cast<std::size_t>(isa::scalar)][r] = nullptr;
#if LOWBIT_SIMD_X86
        table[static_cast<std::size_t>(isa::avx2)][r] = avx2::encode_kernel_for<T>(mode);
        table[static_cast<std::size_t>(isa::avx512)][r] = avx512::encode_kernel_for<T>(mode);
#else
        static_cast<void>(mode);
#endif
    }
    return table;
}();

template <floating_format T>
inline constexpr std::array<decode_kernel<T>, isa_count> decode_kernels = [] {
    std::array<decode_kernel<T>, isa_count> table{};
#if LOWBIT_SIMD_X86
    table[static_cast<std::size_t>(isa::avx2)] = avx2::decode_kernel_for<T>();
    table[static_cast<std::size_t>(isa::avx512)] = avx512::decode_kernel_for<T>();
#endif
    return table;
}();

// Whether `which` has a vector kernel for T (under `mode`); if not, the bulk conversion runs the scalar loop.
template <floating_format T>
constexpr bool has_encode_kernel(isa which, rounding mode = rounding::nearest_even) noexcept
{
    return encode_kernels<T>[static_cast<std::size_t>(which)][static_cast<std::size_t>(mode)] != nullptr;
}
template <floating_format T>
constexpr bool has_decode_kernel(isa which) noexcept
{
    return decode_kernels<T>[static_cast<std::size_t>(which)] != nullptr;
}

// The kernel a bulk conversion runs on `which` (a supported isa): the vector one, or explicitly scalar.
template <floating_format T>
constexpr encode_kernel<T> select_encode(isa which, rounding mode) noexcept
{
    const encode_kernel<T> k = encode_kernels<T>[static_cast<std::size_t>(which)][static_cast<std::size_t>(mode)];
    return k != nullptr ? k : &scalar::encode<T>;
}
template <floating_format T>
    requires T::decodes_exactly_to_float
constexpr decode_kernel<T> select_decode(isa which) noexcept
{
    const decode_kernel<T> k = decode_kernels<T>[static_cast<std::size_t>(which)];
    return k != nullptr ? k : &scalar::decode<T>;
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
