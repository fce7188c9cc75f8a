// lowbit::float_format: one template for every binary floating format up to 32 bits (FP8, FP6, FP4,
// E8M0, bfloat16, IEEE half, TF32 and any ExMy), stored in the smallest unsigned integer that fits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "../core/decode.hpp"
#include "../core/encode.hpp"
#include "../core/format_info.hpp"
#include "../core/options.hpp"
#include "../core/real_parts.hpp"

namespace lowbit {
namespace detail {

template <int Bits>
using storage_for = std::conditional_t<(Bits <= 8), std::uint8_t,
                                       std::conditional_t<(Bits <= 16), std::uint16_t, std::uint32_t>>;

// Whether every value of the format (other than Inf/NaN) is a value of the host format F, so that decoding
// to F is exact: the precision, the smallest value (the smallest subnormal, or the smallest normal without
// subnormals) and the largest binade must all fit.
template <binary_float F>
constexpr bool fits_exactly(const format_info& f) noexcept
{
    using L = ieee_layout<F>;
    const int lowest_scale = f.has_subnormals ? f.min_normal_exponent - f.mantissa_bits : f.min_normal_exponent;
    return f.mantissa_bits <= L::fraction_bits && lowest_scale >= 1 - L::bias - L::fraction_bits &&
           f.max_exponent <= L::bias;
}

// Every code's value, indexed by code, for formats of 8 bits or fewer. At namespace scope because clang 14
// crashes on the same table as a constrained member variable template.
template <binary_float F, const format_info& I>
inline constexpr std::array<F, std::size_t{1} << I.total_bits> value_table = [] {
    std::array<F, std::size_t{1} << I.total_bits> table{};
    for (std::uint32_t code = 0; code < table.size(); ++code) table[code] = decode_to<F, I>(code);
    return table;
}();

}  // namespace detail

// A binary floating format with ExponentBits exponent bits, MantissaBits stored fraction bits, the given
// exponent bias and special-value policy. The value of a code with exponent field e and fraction f is
// (-1)^s * 2^(e - Bias) * (1 + f / 2^M) for e > 0 and (-1)^s * 2^(1 - Bias) * (f / 2^M) for e = 0
// (E8M0: 2^(e - Bias), no sign, no zero). Codes of formats narrower than the storage sit in the low bits.
template <int ExponentBits, int MantissaBits, int Bias, specials Specials, sign_bit Sign = sign_bit::present,
          subnormals Subnormals = subnormals::present>
class float_format {
    static_assert(ExponentBits >= 1, "float_format: at least one exponent bit is needed");
    static_assert(ExponentBits <= 11, "float_format: more than 11 exponent bits cannot be decoded to double");
    static_assert(MantissaBits >= 0, "float_format: the number of mantissa bits cannot be negative");
    static_assert(ExponentBits + MantissaBits + (Sign == sign_bit::present ? 1 : 0) <= 32,
                  "float_format: a format wider than 32 bits has no storage type");
    static_assert(ExponentBits + MantissaBits + (Sign == sign_bit::present ? 1 : 0) >= 2,
                  "float_format: a format needs at least two bits");
    static_assert(Specials != specials::ieee || MantissaBits >= 1,
                  "float_format: the ieee policy needs a mantissa bit to tell NaN from Inf");
    static_assert(Specials != specials::ieee || ExponentBits >= 2,
                  "float_format: the ieee policy with one exponent bit leaves no normal numbers");
    static_assert(Specials != specials::fn || MantissaBits >= 1 || ExponentBits >= 2,
                  "float_format: the fn policy would make every nonzero code NaN");
    static_assert(Specials != specials::fnuz || Sign == sign_bit::present,
                  "float_format: the fnuz policy needs a sign bit (its NaN is the negative-zero code)");
    static_assert(Specials != specials::e8m0 ||
                      (Sign == sign_bit::absent && MantissaBits == 0 && Subnormals == subnormals::absent),
                  "float_format: the e8m0 policy is unsigned, exponent-only and has no subnormals");

public:
    static constexpr format_info info =
        detail::make_format_info(ExponentBits, MantissaBits, Bias, Specials, Sign == sign_bit::present,
                                 Subnormals == subnormals::present);
    using storage_type = detail::storage_for<info.total_bits>;

    static_assert(detail::fits_exactly<double>(info),
                  "float_format: the bias puts values outside the range of double");

    // True when every finite value is also a float, so that conversion to float is exact.
    static constexpr bool decodes_exactly_to_float = detail::fits_exactly<float>(info);

    // Code 0: +0, or 2^-Bias for E8M0, which has no zero.
    constexpr float_format() noexcept = default;

    // Nearest-even, nonsaturating (ml_dtypes' `astype` semantics): overflow gives Inf, or NaN where the
    // format has no Inf, or ±max where it has neither. Doubles are rounded once, never through float.
    explicit constexpr float_format(float x) noexcept : code_(encode(x, conversion_options{})) {}
    explicit constexpr float_format(double x) noexcept : code_(encode(x, conversion_options{})) {}

    // The raw code. Bits above the format's width are ignored, as in ml_dtypes' sub-byte types;
    // use checked_from_bits() to reject them instead.
    static constexpr float_format from_bits(storage_type code) noexcept
    {
        float_format r;
        r.code_ = static_cast<storage_type>(code & code_mask);
        return r;
    }
    static constexpr float_format checked_from_bits(std::uint64_t code)
    {
        if (code > code_mask)
            throw std::out_of_range("lowbit::float_format::checked_from_bits: the code has bits above the format's "
                                    "width");
        return from_bits(static_cast<storage_type>(code));
    }
    constexpr storage_type bits() const noexcept { return code_; }

    // Exact: every value of the format is a float (where decodes_exactly_to_float) and a double. Formats of
    // 8 bits or fewer read a table built at compile time by the same decoder (a branch on the exponent
    // field would be mispredicted on real data).
    explicit constexpr operator float() const noexcept
        requires decodes_exactly_to_float
    {
        if constexpr (info.total_bits <= 8) return detail::value_table<float, info>[code_];
        return detail::decode_to<float, info>(code_);
    }
    explicit constexpr operator double() const noexcept
    {
        if constexpr (info.total_bits <= 8) return detail::value_table<double, info>[code_];
        return detail::decode_to<double, info>(code_);
    }

    // Used by lowbit::convert; prefer those free functions in user code.
    template <detail::binary_float F>
    static constexpr storage_type encode(F x, const conversion_options& options, detail::random_word random = {}) noexcept
    {
        using engine = detail::encoder<info>;
        if constexpr (std::is_same_v<F, float> && engine::has_float_fast_path) {
            if (!random.enabled) return static_cast<storage_type>(engine::encode_float(x, options));
        }
        return static_cast<storage_type>(engine::encode(detail::split(x), options, random));
    }

private:
    static constexpr std::uint32_t code_mask = info.sign_mask | info.magnitude_mask;
    storage_type code_ = 0;
};

// True for every instantiation of float_format.
template <class T> struct is_float_format : std::false_type {};
template <int E, int M, int B, specials S, sign_bit G, subnormals N>
struct is_float_format<float_format<E, M, B, S, G, N>> : std::true_type {};
template <class T> inline constexpr bool is_float_format_v = is_float_format<std::remove_cv_t<T>>::value;

template <class T>
concept floating_format = is_float_format_v<T>;

}  // namespace lowbit
