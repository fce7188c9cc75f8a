// Compile-time tables and traits of a float_format: every code's value, every code, and the format's
// properties as named constants.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "../types/float_format.hpp"
#include "decode.hpp"
#include "format_info.hpp"
#include "real_parts.hpp"

namespace lowbit {
namespace detail {

// Tables of more than 8 bits are built in chunks of 4096 codes, each its own constant evaluation: clang's
// default limit of 2^20 constexpr steps per evaluation is reached after about 16,000 decodes.
inline constexpr std::size_t table_chunk = 4096;

template <binary_float F, const format_info& I, std::size_t Chunk>
inline constexpr std::array<F, table_chunk> value_chunk = [] {
    std::array<F, table_chunk> t{};
    for (std::uint32_t i = 0; i < table_chunk; ++i)
        t[i] = decode_to<F, I>(static_cast<std::uint32_t>(Chunk * table_chunk + i));
    return t;
}();

template <binary_float F, const format_info& I>
inline constexpr std::array<F, std::size_t{1} << I.total_bits> wide_value_table = [] {
    std::array<F, std::size_t{1} << I.total_bits> t{};
    if constexpr (t.size() <= table_chunk) {
        for (std::uint32_t code = 0; code < t.size(); ++code) t[code] = decode_to<F, I>(code);
    } else {
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (std::copy(value_chunk<F, I, K>.begin(), value_chunk<F, I, K>.end(),
                       t.begin() + static_cast<std::ptrdiff_t>(K * table_chunk)),
             ...);
        }(std::make_index_sequence<t.size() / table_chunk>{});
    }
    return t;
}();

template <binary_float F, const format_info& I>
constexpr const auto& value_table_for() noexcept
{
    if constexpr (I.total_bits <= 8)
        return value_table<F, I>;  // the table float_format's conversion operators read
    else
        return wide_value_table<F, I>;
}

}  // namespace detail

// Number of codes (2^bits) of T.
template <floating_format T>
inline constexpr std::size_t code_count = std::size_t{1} << T::info.total_bits;

// The value of every code of T as float or double, indexed by code, built at compile time: the table
// that `static_cast<double>(x)` and `static_cast<float>(x)` read for formats of 8 bits or fewer. For
// formats of up to 16 bits; a 16-bit table adds a few seconds of compile time per (format, F) used. NaN codes hold a quiet NaN with the code's sign (the FNUZ and E8M0 NaNs are
// positive), Inf codes +-Inf. F = float only where every value is a float (T::decodes_exactly_to_float).
template <floating_format T, detail::binary_float F = double>
    requires(T::info.total_bits <= 16 && (std::same_as<F, double> || T::decodes_exactly_to_float))
inline constexpr const std::array<F, code_count<T>>& decode_table = detail::value_table_for<F, T::info>();

// Every code of T in code order, as values of T (formats of up to 16 bits).
template <floating_format T>
    requires(T::info.total_bits <= 16)
constexpr std::array<T, code_count<T>> all_codes() noexcept
{
    std::array<T, code_count<T>> codes{};
    for (std::size_t c = 0; c < codes.size(); ++c) codes[c] = T::from_bits(static_cast<typename T::storage_type>(c));
    return codes;
}

// The parameters and properties of T as named compile-time constants (everything in T::info, plus the
// extreme values as exact doubles).
template <floating_format T>
struct format_traits {
    using type = T;
    using storage_type = typename T::storage_type;
    static constexpr const format_info& info = T::info;

    static constexpr int bits = info.total_bits;
    static constexpr int exponent_bits = info.exponent_bits;
    static constexpr int mantissa_bits = info.mantissa_bits;
    static constexpr int bias = info.bias;
    static constexpr lowbit::specials specials = info.specials;
    static constexpr bool is_signed = info.is_signed;
    static constexpr bool has_subnormals = info.has_subnormals;
    static constexpr bool has_inf = info.has_inf;
    static constexpr bool has_nan = info.has_nan;
    static constexpr bool has_zero = info.has_zero;
    static constexpr bool has_negative_zero = info.has_negative_zero;
    static constexpr std::size_t code_count = lowbit::code_count<T>;
    static constexpr std::uint64_t finite_code_count = info.finite_code_count;
    // Unbiased exponents of the smallest normal and the largest finite binade (IEEE emin, emax).
    static constexpr int min_normal_exponent = info.min_normal_exponent;
    static constexpr int max_exponent = info.max_exponent;

    static constexpr storage_type max_code = static_cast<storage_type>(info.max_magnitude_code);
    static constexpr double max_value = detail::decode_to<double, info>(info.max_magnitude_code);
    // Smallest positive normal (E8M0: 2^-127) and smallest positive value (the smallest subnormal, or
    // the smallest normal in formats without subnormals).
    static constexpr double min_normal_value = detail::compose<double>(false, 1, info.min_normal_exponent);
    static constexpr double min_positive_value =
        info.has_subnormals && info.mantissa_bits > 0
            ? detail::compose<double>(false, 1, info.min_normal_exponent - info.mantissa_bits)
            : min_normal_value;
};

}  // namespace lowbit
