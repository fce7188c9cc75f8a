// lowbit::packed: FP4 and FP6 codes stored densely (two FP4 per byte, four FP6 per three bytes), element
// access, and bulk float32 <-> packed conversion on the runtime-dispatched SIMD kernels. Layouts and
// error behaviour: docs/packing.md.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "convert.hpp"
#include "core/options.hpp"
#include "core/span_checks.hpp"
#include "simd/abi.hpp"
#include "simd/dispatch.hpp"
#include "simd/isa.hpp"
#include "simd/packing_dispatch.hpp"
#include "simd/packing_scalar.hpp"
#include "types/float_format.hpp"

namespace lowbit::packed {

// The formats that pack: 4- or 6-bit floating formats whose codes sit one per byte.
template <class T>
concept packable_format = floating_format<T> && (T::info.total_bits == 4 || T::info.total_bits == 6) && sizeof(T) == 1;

namespace detail {

// Outside the ABI namespace: it holds no vector code, and a second `detail` inside the inline namespace
// would make `lowbit::packed::detail` ambiguous.
[[noreturn]] inline void throw_size_mismatch(const char* function, std::size_t bytes, std::size_t expected,
                                             std::size_t count)
{
    throw std::invalid_argument(std::string(function) + ": the byte span has " + std::to_string(bytes) +
                                " bytes, expected " + std::to_string(expected) + " for " + std::to_string(count) +
                                " elements");
}

[[noreturn]] inline void throw_index(const char* function, std::size_t index, std::size_t capacity)
{
    throw std::out_of_range(std::string(function) + ": element " + std::to_string(index) +
                            " is outside the byte span, which holds " + std::to_string(capacity) + " elements");
}

}  // namespace detail

inline namespace LOWBIT_SIMD_ABI {

// Bytes that hold `count` elements: ceil(count / 2) for FP4, ceil(6 * count / 8) for FP6.
template <packable_format T>
constexpr std::size_t bytes_for(std::size_t count) noexcept
{
    return simd::packed_bytes<T::info.total_bits>(count);
}

namespace layout {

// How many whole elements fit in `bytes` bytes (get/set accept indices below it): 2 per byte for FP4;
// 4 per 3 bytes for FP6, plus 1 or 2 elements in 1 or 2 further bytes.
template <packable_format T>
constexpr std::size_t capacity(std::size_t bytes) noexcept
{
    if constexpr (T::info.total_bits == 4)
        return bytes * 2;
    else
        return bytes / 3 * 4 + bytes % 3;
}

template <packable_format T>
const std::uint8_t* as_bytes(const T* codes) noexcept
{
    return reinterpret_cast<const std::uint8_t*>(codes);  // T is one byte holding the code
}
template <packable_format T>
std::uint8_t* as_bytes(T* codes) noexcept
{
    return reinterpret_cast<std::uint8_t*>(codes);
}

// Elements per chunk of the bulk conversions: the codes of one chunk sit in a stack buffer between the
// conversion and the (un)packing kernels and stay in L1. A multiple of 4, so that every chunk starts on a
// byte boundary of both layouts.
inline constexpr std::size_t chunk_elements = 512;

}  // namespace layout

// codes -> packed bytes; bytes.size() must be bytes_for<T>(codes.size()) and the spans must not overlap (else
// std::invalid_argument, and nothing is written; so for unpack and convert). Padding bits of the last byte
// are written as 0.
template <packable_format T>
void pack(std::span<const T> codes, std::span<std::uint8_t> bytes)
{
    const std::size_t expected = bytes_for<T>(codes.size());
    if (bytes.size() != expected)
        detail::throw_size_mismatch("lowbit::packed::pack", bytes.size(), expected, codes.size());
    lowbit::detail::require_disjoint("lowbit::packed::pack", codes, bytes);
    if (codes.empty()) return;
    const simd::pack_kernel pack_codes = simd::select_pack<T::info.total_bits>(simd::active_isa());
    pack_codes(layout::as_bytes(codes.data()), bytes.data(), codes.size());
}

// Accepts a span of mutable codes too (a span<T> does not deduce span<const T>'s T). The extent is deduced
// so that pack<T>(vector, bytes) does not match here and stays unambiguous.
template <packable_format T, std::size_t Extent>
void pack(std::span<T, Extent> codes, std::span<std::uint8_t> bytes)
{
    packed::pack<T>(std::span<const T>(codes), bytes);
}

// packed bytes -> codes; bytes.size() must be bytes_for<T>(codes.size()). Padding bits are ignored.
template <packable_format T>
void unpack(std::span<const std::uint8_t> bytes, std::span<T> codes)
{
    const std::size_t expected = bytes_for<T>(codes.size());
    if (bytes.size() != expected)
        detail::throw_size_mismatch("lowbit::packed::unpack", bytes.size(), expected, codes.size());
    lowbit::detail::require_disjoint("lowbit::packed::unpack", bytes, codes);
    if (codes.empty()) return;
    simd::select_unpack<T::info.total_bits>(simd::active_isa())(bytes.data(), layout::as_bytes(codes.data()),
                                                                codes.size());
}

// Element `index`; std::out_of_range unless all its bits lie within `bytes`.
template <packable_format T>
T get(std::span<const std::uint8_t> bytes, std::size_t index)
{
    const std::size_t capacity = layout::capacity<T>(bytes.size());
    if (index >= capacity) detail::throw_index("lowbit::packed::get", index, capacity);
    if constexpr (T::info.total_bits == 4) {
        return T::from_bits(static_cast<std::uint8_t>(bytes[index / 2] >> (4 * (index % 2)) & 0xFu));
    } else {
        const std::size_t bit = 6 * index;
        const std::size_t first = bit / 8;
        const unsigned shift = static_cast<unsigned>(bit % 8);
        unsigned word = bytes[first];
        if (shift > 2) word |= unsigned{bytes[first + 1]} << 8;  // the code straddles two bytes
        return T::from_bits(static_cast<std::uint8_t>(word >> shift & 0x3Fu));
    }
}

// Replaces element `index`, leaving every other bit of `bytes` unchanged; std::out_of_range as get.
template <packable_format T>
void set(std::span<std::uint8_t> bytes, std::size_t index, T value)
{
    const std::size_t capacity = layout::capacity<T>(bytes.size());
    if (index >= capacity) detail::throw_index("lowbit::packed::set", index, capacity);
    constexpr unsigned mask = (1u << T::info.total_bits) - 1u;
    const unsigned code = value.bits() & mask;
    const std::size_t bit = static_cast<std::size_t>(T::info.total_bits) * index;
    const std::size_t first = bit / 8;
    const unsigned shift = static_cast<unsigned>(bit % 8);
    bytes[first] = static_cast<std::uint8_t>((bytes[first] & ~(mask << shift)) | code << shift);
    if (shift + T::info.total_bits > 8) {  // FP6 only: the high bits go to the next byte
        const unsigned spill = 8 - shift;
        bytes[first + 1] = static_cast<std::uint8_t>((bytes[first + 1] & ~(mask >> spill)) | code >> spill);
    }
}

// float32 -> packed codes: element i of `out` is lowbit::convert<T>(in[i], options), on the active isa: in
// one pass where the isa has a fused kernel for T, else encoded chunk by chunk into a code buffer and packed.
// out.size() must be bytes_for<T>(in.size()) (else std::invalid_argument, nothing written).
template <packable_format T>
void convert(std::span<const float> in, std::span<std::uint8_t> out, const conversion_options& options)
{
    constexpr int bits = T::info.total_bits;
    const std::size_t expected = bytes_for<T>(in.size());
    if (out.size() != expected) detail::throw_size_mismatch("lowbit::packed::convert", out.size(), expected, in.size());
    lowbit::detail::require_disjoint("lowbit::packed::convert", in, out);
    const simd::isa which = simd::active_isa();
    if (const simd::packed_encode_kernel one_pass = simd::select_packed_encode<T>(which, options.rounding)) {
        if (!in.empty()) one_pass(in.data(), out.data(), in.size(), options);
        return;
    }
    const simd::encode_kernel<T> encode = simd::select_encode<T>(which, options.rounding);
    const simd::pack_kernel pack_codes = simd::select_pack<bits>(which);
    std::array<T, layout::chunk_elements> codes;
    for (std::size_t i = 0; i < in.size(); i += layout::chunk_elements) {
        const std::size_t n = std::min(layout::chunk_elements, in.size() - i);
        encode(in.data() + i, codes.data(), n, options);
        pack_codes(layout::as_bytes(codes.data()), out.data() + bytes_for<T>(i), n);
    }
}

template <packable_format T>
void convert(std::span<const float> in, std::span<std::uint8_t> out, rounding mode = rounding::nearest_even,
             overflow on_overflow = overflow::nonsaturating)
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    packed::convert<T>(in, out, options);
}

// packed codes -> float32 (exact); out.size() is the element count, in.size() must be bytes_for<T>(out.size()).
// In one pass where the isa has a one-pass decoder for T, else unpacked chunk by chunk and decoded.
template <packable_format T>
    requires T::decodes_exactly_to_float
void convert(std::span<const std::uint8_t> in, std::span<float> out)
{
    constexpr int bits = T::info.total_bits;
    const std::size_t expected = bytes_for<T>(out.size());
    if (in.size() != expected) detail::throw_size_mismatch("lowbit::packed::convert", in.size(), expected, out.size());
    lowbit::detail::require_disjoint("lowbit::packed::convert", in, out);
    const simd::isa which = simd::active_isa();
    if (const simd::packed_decode_kernel one_pass = simd::select_packed_decode<T>(which)) {
        if (!out.empty()) one_pass(in.data(), out.data(), out.size());
        return;
    }
    const simd::unpack_kernel unpack_codes = simd::select_unpack<bits>(which);
    const simd::decode_kernel<T> decode = simd::select_decode<T>(which);
    std::array<T, layout::chunk_elements> codes;
    for (std::size_t i = 0; i < out.size(); i += layout::chunk_elements) {
        const std::size_t n = std::min(layout::chunk_elements, out.size() - i);
        unpack_codes(in.data() + bytes_for<T>(i), layout::as_bytes(codes.data()), n);
        decode(codes.data(), out.data() + i, n);
    }
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::packed
