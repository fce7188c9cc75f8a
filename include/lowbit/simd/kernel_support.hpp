// What the per-ISA kernels share: kernel signatures, which formats have SIMD kernels, the per-call encode
// constants and the padded decode tables.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/encode.hpp"
#include "../core/format_info.hpp"
#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "abi.hpp"

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {

template <floating_format T>
using encode_kernel = void (*)(const float* in, T* out, std::size_t n, const conversion_options& options);
template <floating_format T>
using decode_kernel = void (*)(const T* in, float* out, std::size_t n);

inline constexpr std::size_t rounding_mode_count = 5;

namespace kernel_detail {

// Formats the vector encoders handle: those that take the scalar engine's branch-free float path
// (encoder::encode_float) and are signed, so that only Inf/NaN leave the arithmetic path. That is every
// named format of 16 bits or fewer except float8_e8m0fnu (no zero, unsigned).
template <floating_format T>
inline constexpr bool vector_encodable = T::info.total_bits <= 16 && T::info.is_signed &&
                                         detail::encoder<T::info>::has_float_fast_path &&
                                         sizeof(T) == sizeof(typename T::storage_type);

// The value of every code of an 8-bit-or-narrower format as float bits, indexed by the whole byte: codes
// of narrower formats repeat every 2^bits entries, so the index needs no masking.
// (Unconstrained variable templates: clang 14 crashes on some constrained ones; users check
// table_decodable first.)
template <floating_format T>
inline constexpr std::array<std::uint32_t, 256> byte_decode_table = [] {
    std::array<std::uint32_t, 256> table{};
    constexpr std::uint32_t mask = T::info.sign_mask | T::info.magnitude_mask;
    for (std::uint32_t c = 0; c < 256; ++c)
        table[c] = std::bit_cast<std::uint32_t>(detail::value_table<float, T::info>[c & mask]);
    return table;
}();

template <floating_format T>
constexpr bool table_decodable() noexcept
{
    if constexpr (T::info.total_bits <= 8 && T::decodes_exactly_to_float &&
                  sizeof(T) == sizeof(typename T::storage_type))
        return true;
    else
        return false;
}

// Whether every decoded value has zero low 16 bits (at most 8 significant bits, NaNs quiet without
// payload), so that the AVX-512 decoder can look up the high halves with byte permutes.
template <floating_format T>
constexpr bool high_half_decodable() noexcept
{
    if constexpr (table_decodable<T>()) {
        for (const std::uint32_t v : byte_decode_table<T>)
            if ((v & 0xFFFFu) != 0) return false;
        return true;
    } else {
        return false;
    }
}

// Byte `which` (2 or 3) of every table entry: the lookup tables of the AVX-512 decoder.
template <floating_format T, int Which>
inline constexpr std::array<std::uint8_t, 256> byte_plane = [] {
    std::array<std::uint8_t, 256> plane{};
    for (std::size_t c = 0; c < 256; ++c)
        plane[c] = static_cast<std::uint8_t>(byte_decode_table<T>[c] >> (8 * Which));
    return plane;
}();

template <const format_info& F>
constexpr bool is_layout(int e, int m, int bias) noexcept
{
    return F.exponent_bits == e && F.mantissa_bits == m && F.bias == bias && F.specials == specials::ieee &&
           F.is_signed && F.has_subnormals;
}
template <floating_format T>
inline constexpr bool is_bfloat16_layout = is_layout<T::info>(8, 7, 127) && sizeof(T) == 2;
template <floating_format T>
inline constexpr bool is_float16_layout = is_layout<T::info>(5, 10, 15) && sizeof(T) == 2;

// Codes the vector encoders cannot derive lane by lane from the float's bits, computed once per call by the
// scalar engine itself, so the option semantics (overflow modes, NaN encodings, IEEE directed overflow)
// have a single source. Index 0 for a positive input, 1 for a negative one.
struct encode_constants {
    std::uint32_t overflow[2];  // a finite value whose rounded code is beyond max
    std::uint32_t infinity[2];  // an infinite input
    std::uint32_t nan[2];       // a NaN input, unless nan_payload
    bool nan_payload;           // NaN -> sign | quiet NaN | the top fraction bits of the input
};

template <floating_format T>
constexpr encode_constants make_encode_constants(const conversion_options& o) noexcept
{
    using engine = detail::encoder<T::info>;
    constexpr float inf = std::numeric_limits<float>::infinity();
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();
    encode_constants c{};
    c.overflow[0] = engine::finite_overflow(false, o, false);
    c.overflow[1] = engine::finite_overflow(true, o, false);
    c.infinity[0] = T::encode(inf, o);
    c.infinity[1] = T::encode(-inf, o);
    c.nan[0] = T::encode(nan, o);
    c.nan[1] = T::encode(-nan, o);
    c.nan_payload = T::info.specials == specials::ieee && o.nan == nan_encoding::keep_payload;
    return c;
}

// The per-format constants of the vector encoders (see encoder::float_field_table, which they compute
// arithmetically instead of looking up).
template <floating_format T>
struct encode_params {
    static constexpr int m = T::info.mantissa_bits;
    static constexpr int shift = 23 - m;                                   // float fraction bits below the ulp
    static constexpr int emin_field = T::info.min_normal_exponent + 127;  // float field of the smallest normal
    static constexpr std::uint32_t max_code = T::info.max_magnitude_code;
    static constexpr std::uint32_t sign_mask = T::info.sign_mask;
    static constexpr std::uint32_t quiet_nan = T::info.has_nan ? T::info.quiet_nan_code : 0;
    static constexpr bool negative_zero = T::info.has_negative_zero;
};

}  // namespace kernel_detail
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
