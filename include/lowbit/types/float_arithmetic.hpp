// Arithmetic for every float_format: + - * / and their compound forms, correctly rounded in the format (one
// rounding of the exact result), and lowbit::add/sub/mul/div for the other rounding and overflow options.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "../core/exact_arithmetic.hpp"
#include "../core/options.hpp"
#include "../core/real_parts.hpp"
#include "float_format.hpp"

namespace lowbit {
namespace detail {

// Integers mix with a format exactly (bool and character types are not numbers here).
template <class I>
concept exact_integer = std::integral<I> && !std::same_as<std::remove_cv_t<I>, bool> &&
                        !std::same_as<std::remove_cv_t<I>, char> && !std::same_as<std::remove_cv_t<I>, wchar_t> &&
                        !std::same_as<std::remove_cv_t<I>, char8_t> && !std::same_as<std::remove_cv_t<I>, char16_t> &&
                        !std::same_as<std::remove_cv_t<I>, char32_t>;

// A host type T op F may be computed in: double always, float when every value of T is a float.
template <class T, class F>
concept host_mixable = floating_format<T> && binary_float<F> && (std::same_as<F, double> || T::decodes_exactly_to_float);

template <floating_format T>
constexpr decoded_value operand_of(T x) noexcept
{
    return code_operand<T::info>(x.bits());
}

template <floating_format T>
constexpr T round_to(const real_parts& exact, const conversion_options& options) noexcept
{
    using storage = typename T::storage_type;
    return T::from_bits(static_cast<storage>(encoder<T::info>::encode(exact, options, {})));
}

enum class operation : std::uint8_t { add, sub, mul, div };

constexpr real_parts exact_result(operation op, const decoded_value& a, const decoded_value& b, rounding mode) noexcept
{
    switch (op) {
    case operation::add: return exact_add(a, b, false, mode);
    case operation::sub: return exact_add(a, b, true, mode);
    case operation::mul: return exact_mul(a, b);
    case operation::div: return exact_div(a, b);
    }
    return invalid_parts();
}

template <floating_format T>
constexpr T apply(operation op, const decoded_value& a, const decoded_value& b, const conversion_options& options) noexcept
{
    return round_to<T>(exact_result(op, a, b, options.rounding), options);
}

constexpr conversion_options options_for(rounding mode, overflow on_overflow) noexcept
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    return options;
}

}  // namespace detail

// Correctly rounded a + b, a - b, a * b and a / b under explicit options: the exact result is rounded once,
// with the same overflow, NaN and unsigned-format rules as a conversion (docs/arithmetic.md).
template <floating_format T>
constexpr T add(T a, T b, const conversion_options& options) noexcept
{
    return detail::apply<T>(detail::operation::add, detail::operand_of(a), detail::operand_of(b), options);
}
template <floating_format T>
constexpr T sub(T a, T b, const conversion_options& options) noexcept
{
    return detail::apply<T>(detail::operation::sub, detail::operand_of(a), detail::operand_of(b), options);
}
template <floating_format T>
constexpr T mul(T a, T b, const conversion_options& options) noexcept
{
    return detail::apply<T>(detail::operation::mul, detail::operand_of(a), detail::operand_of(b), options);
}
template <floating_format T>
constexpr T div(T a, T b, const conversion_options& options) noexcept
{
    return detail::apply<T>(detail::operation::div, detail::operand_of(a), detail::operand_of(b), options);
}

template <floating_format T>
constexpr T add(T a, T b, rounding mode = rounding::nearest_even, overflow on_overflow = overflow::nonsaturating) noexcept
{
    return add(a, b, detail::options_for(mode, on_overflow));
}
template <floating_format T>
constexpr T sub(T a, T b, rounding mode = rounding::nearest_even, overflow on_overflow = overflow::nonsaturating) noexcept
{
    return sub(a, b, detail::options_for(mode, on_overflow));
}
template <floating_format T>
constexpr T mul(T a, T b, rounding mode = rounding::nearest_even, overflow on_overflow = overflow::nonsaturating) noexcept
{
    return mul(a, b, detail::options_for(mode, on_overflow));
}
template <floating_format T>
constexpr T div(T a, T b, rounding mode = rounding::nearest_even, overflow on_overflow = overflow::nonsaturating) noexcept
{
    return div(a, b, detail::options_for(mode, on_overflow));
}

// T op T -> T: nearest-even, nonsaturating (what T(double) does with the exact result).
template <floating_format T>
constexpr T operator+(T a, T b) noexcept { return add(a, b); }
template <floating_format T>
constexpr T operator-(T a, T b) noexcept { return sub(a, b); }
template <floating_format T>
constexpr T operator*(T a, T b) noexcept { return mul(a, b); }
template <floating_format T>
constexpr T operator/(T a, T b) noexcept { return div(a, b); }

// T op integer and integer op T -> T: the integer is taken exactly (all 64 bits), the result rounded once.
#define LOWBIT_DETAIL_INTEGER_OPERATOR(SYMBOL, OP)                                                          \
    template <floating_format T, detail::exact_integer I>                                                     \
    constexpr T operator SYMBOL(T a, I b) noexcept                                                            \
    {                                                                                                         \
        return detail::apply<T>(detail::operation::OP, detail::operand_of(a), detail::integer_operand(b), {}); \
    }                                                                                                         \
    template <floating_format T, detail::exact_integer I>                                                     \
    constexpr T operator SYMBOL(I a, T b) noexcept                                                            \
    {                                                                                                         \
        return detail::apply<T>(detail::operation::OP, detail::integer_operand(a), detail::operand_of(b), {}); \
    }
LOWBIT_DETAIL_INTEGER_OPERATOR(+, add)
LOWBIT_DETAIL_INTEGER_OPERATOR(-, sub)
LOWBIT_DETAIL_INTEGER_OPERATOR(*, mul)
LOWBIT_DETAIL_INTEGER_OPERATOR(/, div)
#undef LOWBIT_DETAIL_INTEGER_OPERATOR

// T op float/double and float/double op T -> float/double: T is decoded exactly, then the host type computes
// (like Eigen's half with float). float needs every value of T to be a float; use double otherwise.
#define LOWBIT_DETAIL_HOST_OPERATOR(SYMBOL)                                      \
    template <floating_format T, detail::binary_float F>                         \
        requires detail::host_mixable<T, F>                                      \
    constexpr F operator SYMBOL(T a, F b) noexcept                               \
    {                                                                            \
        return static_cast<F>(a) SYMBOL b;                                       \
    }                                                                            \
    template <floating_format T, detail::binary_float F>                         \
        requires detail::host_mixable<T, F>                                      \
    constexpr F operator SYMBOL(F a, T b) noexcept                               \
    {                                                                            \
        return a SYMBOL static_cast<F>(b);                                       \
    }
LOWBIT_DETAIL_HOST_OPERATOR(+)
LOWBIT_DETAIL_HOST_OPERATOR(-)
LOWBIT_DETAIL_HOST_OPERATOR(*)
LOWBIT_DETAIL_HOST_OPERATOR(/)
#undef LOWBIT_DETAIL_HOST_OPERATOR

// Compound assignment stores into T, so it always rounds once to T: with an integer, float or double
// operand the exact result of the operation is rounded (a += x is not T(a + x), which would round twice).
#define LOWBIT_DETAIL_COMPOUND_OPERATOR(SYMBOL, OP)                                                            \
    template <floating_format T>                                                                                 \
    constexpr T& operator SYMBOL(T& a, T b) noexcept                                                             \
    {                                                                                                            \
        a = detail::apply<T>(detail::operation::OP, detail::operand_of(a), detail::operand_of(b), {});           \
        return a;                                                                                                \
    }                                                                                                            \
    template <floating_format T, detail::exact_integer I>                                                        \
    constexpr T& operator SYMBOL(T& a, I b) noexcept                                                             \
    {                                                                                                            \
        a = detail::apply<T>(detail::operation::OP, detail::operand_of(a), detail::integer_operand(b), {});      \
        return a;                                                                                                \
    }                                                                                                            \
    template <floating_format T, detail::binary_float F>                                                         \
    constexpr T& operator SYMBOL(T& a, F b) noexcept                                                             \
    {                                                                                                            \
        a = detail::apply<T>(detail::operation::OP, detail::operand_of(a), detail::host_operand(b), {});         \
        return a;                                                                                                \
    }
LOWBIT_DETAIL_COMPOUND_OPERATOR(+=, add)
LOWBIT_DETAIL_COMPOUND_OPERATOR(-=, sub)
LOWBIT_DETAIL_COMPOUND_OPERATOR(*=, mul)
LOWBIT_DETAIL_COMPOUND_OPERATOR(/=, div)
#undef LOWBIT_DETAIL_COMPOUND_OPERATOR

template <floating_format T>
constexpr T operator+(T a) noexcept { return a; }

// Negation is exact in a signed format: the sign bit flips (NaNs too, as in IEEE 754). FNUZ's zero and its
// single NaN are their own negation. In an unsigned format -x is the conversion of the negative value:
// NaN for x > 0 (or the lowest code where there is no NaN), zero for zero; E8M0's NaN stays NaN.
template <floating_format T>
constexpr T operator-(T a) noexcept
{
    using storage = typename T::storage_type;
    constexpr auto& info = T::info;
    if constexpr (info.is_signed) {
        if constexpr (info.specials == specials::fnuz) {
            if ((a.bits() & info.magnitude_mask) == 0) return a;
        }
        return T::from_bits(static_cast<storage>(a.bits() ^ info.sign_mask));
    } else {
        detail::decoded_value v = detail::operand_of(a);
        if (v.cls == detail::value_class::nan) return a;
        v.negative = true;
        detail::real_parts p = v.cls == detail::value_class::finite ? detail::finite_parts(v)
                                                                    : detail::real_parts{v.cls, true, 0, 0, false};
        return detail::round_to<T>(p, conversion_options{});
    }
}

}  // namespace lowbit
