// std::numeric_limits for float_format: every member of every named format against literal values taken
// from formats-spec.md §1.1 (not computed by the library), plus generic checks derived by scanning all codes.
#include <catch2/catch.hpp>

#include <lowbit/types/float_limits.hpp>
#include <lowbit/types/named_formats.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace {

struct expected_limits {
    bool is_signed, has_infinity, has_quiet_nan, has_signaling_nan, has_denorm, is_iec559;
    int digits, digits10, max_digits10, min_exponent, min_exponent10, max_exponent, max_exponent10;
    // codes
    std::uint32_t min, max, lowest, epsilon, round_error, infinity, quiet_nan, signaling_nan, denorm_min;
    // values
    double min_value, max_value, epsilon_value, denorm_min_value;
};

template <class T>
void check_limits(const expected_limits& e)
{
    using L = std::numeric_limits<T>;
    STATIC_REQUIRE(L::is_specialized);
    STATIC_REQUIRE_FALSE(L::is_integer);
    STATIC_REQUIRE_FALSE(L::is_exact);
    STATIC_REQUIRE(L::is_bounded);
    STATIC_REQUIRE_FALSE(L::is_modulo);
    STATIC_REQUIRE(L::radix == 2);
    STATIC_REQUIRE_FALSE(L::traps);
    STATIC_REQUIRE_FALSE(L::tinyness_before);
    STATIC_REQUIRE_FALSE(L::has_denorm_loss);
    STATIC_REQUIRE(L::round_style == std::round_to_nearest);
    CHECK(L::is_signed == e.is_signed);
    CHECK(L::has_infinity == e.has_infinity);
    CHECK(L::has_quiet_NaN == e.has_quiet_nan);
    CHECK(L::has_signaling_NaN == e.has_signaling_nan);
    CHECK(L::has_denorm == (e.has_denorm ? std::denorm_present : std::denorm_absent));
    CHECK(L::is_iec559 == e.is_iec559);
    CHECK(L::digits == e.digits);
    CHECK(L::digits10 == e.digits10);
    CHECK(L::max_digits10 == e.max_digits10);
    CHECK(L::min_exponent == e.min_exponent);
    CHECK(L::min_exponent10 == e.min_exponent10);
    CHECK(L::max_exponent == e.max_exponent);
    CHECK(L::max_exponent10 == e.max_exponent10);
    CHECK(L::min().bits() == e.min);
    CHECK(L::max().bits() == e.max);
    CHECK(L::lowest().bits() == e.lowest);
    CHECK(L::epsilon().bits() == e.epsilon);
    CHECK(L::round_error().bits() == e.round_error);
    CHECK(L::infinity().bits() == e.infinity);
    CHECK(L::quiet_NaN().bits() == e.quiet_nan);
    CHECK(L::signaling_NaN().bits() == e.signaling_nan);
    CHECK(L::denorm_min().bits() == e.denorm_min);
    CHECK(static_cast<double>(L::min()) == e.min_value);
    CHECK(static_cast<double>(L::max()) == e.max_value);
    CHECK(static_cast<double>(L::lowest()) == (e.is_signed ? -e.max_value : e.min_value));
    CHECK(static_cast<double>(L::epsilon()) == e.epsilon_value);
    CHECK(static_cast<double>(L::round_error()) == 0.5);
    CHECK(static_cast<double>(L::denorm_min()) == e.denorm_min_value);
    // The standard library forwards cv-qualified T.
    STATIC_REQUIRE(std::numeric_limits<const T>::is_specialized);
    STATIC_REQUIRE(std::numeric_limits<volatile T>::digits == L::digits);
    STATIC_REQUIRE(std::numeric_limits<const volatile T>::max_exponent10 == L::max_exponent10);
    STATIC_REQUIRE(std::numeric_limits<const T>::max().bits() == L::max().bits());
    STATIC_REQUIRE(std::numeric_limits<const volatile T>::quiet_NaN().bits() == L::quiet_NaN().bits());
    // Every function is usable in constant expressions.
    STATIC_REQUIRE(L::denorm_min().bits() == L::denorm_min().bits());
    STATIC_REQUIRE(L::epsilon().bits() == L::epsilon().bits());
}

double p2(int k) { return std::ldexp(1.0, k); }

}  // namespace

TEST_CASE("numeric_limits of the named FP8 formats match the spec table", "[limits]")
{
    using namespace lowbit;
    // is_signed, inf, qNaN, sNaN, denorm, iec559 | digits, digits10, max_digits10, min_exp, min_exp10, max_exp,
    // max_exp10 | codes: min, max, lowest, epsilon, round_error, infinity, quiet_NaN, signaling_NaN, denorm_min |
    // min, max, epsilon, denorm_min values
    SECTION("E4M3FN")
    {
        check_limits<float8_e4m3fn>({true, false, true, false, true, false, 4, 0, 3, -5, -1, 9, 2, 0x08, 0x7E, 0xFE,
                                     0x20, 0x30, 0x7F, 0x7F, 0x7F, 0x01, p2(-6), 448, 0.125, p2(-9)});
    }
    SECTION("E4M3")
    {
        check_limits<float8_e4m3>({true, true, true, true, true, true, 4, 0, 3, -5, -1, 8, 2, 0x08, 0x77, 0xF7, 0x20,
                                   0x30, 0x78, 0x7C, 0x79, 0x01, p2(-6), 240, 0.125, p2(-9)});
    }
    SECTION("E4M3FNUZ")
    {
        check_limits<float8_e4m3fnuz>({true, false, true, false, true, false, 4, 0, 3, -6, -2, 8, 2, 0x08, 0x7F,
                                       0xFF, 0x28, 0x38, 0x80, 0x80, 0x80, 0x01, p2(-7), 240, 0.125, p2(-10)});
    }
    SECTION("E4M3B11FNUZ")
    {
        check_limits<float8_e4m3b11fnuz>({true, false, true, false, true, false, 4, 0, 3, -9, -3, 5, 1, 0x08, 0x7F,
                                          0xFF, 0x40, 0x50, 0x80, 0x80, 0x80, 0x01, p2(-10), 30, 0.125, p2(-13)});
    }
    SECTION("E3M4")
    {
        check_limits<float8_e3m4>({true, true, true, true, true, true, 5, 1, 3, -1, 0, 4, 1, 0x10, 0x6F, 0xEF, 0x04,
                                   0x20, 0x70, 0x78, 0x71, 0x01, 0.25, 15.5, 0.0625, p2(-6)});
    }
    SECTION("E5M2")
    {
        check_limits<float8_e5m2>({true, true, true, true, true, true, 3, 0, 2, -13, -4, 16, 4, 0x04, 0x7B, 0xFB,
                                   0x34, 0x38, 0x7C, 0x7E, 0x7D, 0x01, p2(-14), 57344, 0.25, p2(-16)});
    }
    SECTION("E5M2FNUZ")
    {
        check_limits<float8_e5m2fnuz>({true, false, true, false, true, false, 3, 0, 2, -14, -4, 16, 4, 0x04, 0x7F,
                                       0xFF, 0x38, 0x3C, 0x80, 0x80, 0x80, 0x01, p2(-15), 57344, 0.25, p2(-17)});
    }
    SECTION("E8M0FNU (ml_dtypes: min_exponent -126, max_exponent 128)")
    {
        check_limits<float8_e8m0fnu>({false, false, true, false, false, false, 1, 0, 2, -126, -38, 128, 38, 0x00,
                                      0xFE, 0x00, 0x7F, 0x7E, 0xFF, 0xFF, 0xFF, 0x00, p2(-127), p2(127), 1.0,
                                      p2(-127)});
    }
}

TEST_CASE("numeric_limits of FP6, FP4 and the 16/19-bit formats match the spec table", "[limits]")
{
    using namespace lowbit;
    SECTION("E2M3FN")
    {
        check_limits<float6_e2m3fn>({true, false, false, false, true, false, 4, 0, 3, 1, 0, 3, 0, 0x08, 0x1F, 0x3F,
                                     0x01, 0x04, 0x1F, 0x1F, 0x1F, 0x01, 1.0, 7.5, 0.125, 0.125});
    }
    SECTION("E3M2FN")
    {
        check_limits<float6_e3m2fn>({true, false, false, false, true, false, 3, 0, 2, -1, 0, 5, 1, 0x04, 0x1F, 0x3F,
                                     0x04, 0x08, 0x1F, 0x1F, 0x1F, 0x01, 0.25, 28, 0.25, 0.0625});
    }
    SECTION("E2M1FN")
    {
        check_limits<float4_e2m1fn>({true, false, false, false, true, false, 2, 0, 2, 1, 0, 3, 0, 0x2, 0x7, 0xF, 0x1,
                                     0x1, 0x7, 0x7, 0x7, 0x1, 1.0, 6.0, 0.5, 0.5});
    }
    SECTION("bfloat16")
    {
        check_limits<bfloat16>({true, true, true, true, true, true, 8, 2, 4, -125, -37, 128, 38, 0x0080, 0x7F7F,
                                0xFF7F, 0x3C00, 0x3F00, 0x7F80, 0x7FC0, 0x7F81, 0x0001, p2(-126),
                                (2 - p2(-7)) * p2(127), p2(-7), p2(-133)});
    }
    SECTION("float16")
    {
        check_limits<float16>({true, true, true, true, true, true, 11, 3, 5, -13, -4, 16, 4, 0x0400, 0x7BFF, 0xFBFF,
                               0x1400, 0x3800, 0x7C00, 0x7E00, 0x7C01, 0x0001, p2(-14), 65504, p2(-10), p2(-24)});
        // The same as the standard's own IEEE half where the compiler has one would give.
        STATIC_REQUIRE(std::numeric_limits<float16>::digits10 == 3);
    }
    SECTION("tfloat32")
    {
        check_limits<tfloat32>({true, true, true, true, true, true, 11, 3, 5, -125, -37, 128, 38, 0x400, 0x3FBFF,
                                0x7FBFF, 0x1D400, 0x1F800, 0x3FC00, 0x3FE00, 0x3FC01, 0x1, p2(-126),
                                (2 - p2(-10)) * p2(127), p2(-10), p2(-136)});
    }
}

TEST_CASE("numeric_limits<float> conventions are reproduced by a float-shaped format", "[limits]")
{
    // E8M23 would not fit 32 bits with a sign; E8M22 is as close as it gets. Its exponent range and
    // decimal exponents must equal float's (the definitions are the same).
    using F = lowbit::float_format<8, 22, 127, lowbit::specials::ieee>;
    using L = std::numeric_limits<F>;
    using R = std::numeric_limits<float>;
    STATIC_REQUIRE(L::min_exponent == R::min_exponent);
    STATIC_REQUIRE(L::max_exponent == R::max_exponent);
    STATIC_REQUIRE(L::min_exponent10 == R::min_exponent10);
    STATIC_REQUIRE(L::max_exponent10 == R::max_exponent10);
    STATIC_REQUIRE(L::digits10 == 6);
    STATIC_REQUIRE(L::max_digits10 == 8);  // one digit less than float: 23 bits, not 24
    STATIC_REQUIRE(L::is_iec559);
    // Double-range format: decimal exponents as double's.
    using D = lowbit::float_format<11, 20, 1023, lowbit::specials::ieee>;
    STATIC_REQUIRE(std::numeric_limits<D>::min_exponent10 == std::numeric_limits<double>::min_exponent10);
    STATIC_REQUIRE(std::numeric_limits<D>::max_exponent10 == std::numeric_limits<double>::max_exponent10);
}

namespace {

// Checks derived from the decoded values alone, for any format of at most 16 bits.
template <class T>
void check_limits_by_scanning()
{
    using L = std::numeric_limits<T>;
    const std::uint32_t n = std::uint32_t{1} << T::info.total_bits;
    double largest = -INFINITY, smallest = INFINITY, smallest_positive = INFINITY;
    bool any_inf = false, any_nan = false;
    for (std::uint32_t c = 0; c < n; ++c) {
        const double d = static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(c)));
        if (std::isnan(d)) { any_nan = true; continue; }
        if (std::isinf(d)) { any_inf = true; continue; }
        largest = std::max(largest, d);
        smallest = std::min(smallest, d);
        if (d > 0) smallest_positive = std::min(smallest_positive, d);
    }
    CHECK(L::has_infinity == any_inf);
    CHECK(L::has_quiet_NaN == any_nan);
    CHECK(static_cast<double>(L::max()) == largest);
    CHECK(static_cast<double>(L::lowest()) == smallest);
    CHECK(static_cast<double>(L::denorm_min()) == smallest_positive);
    CHECK(L::max_exponent10 == static_cast<int>(std::floor(std::log10(largest))));
    const double min_normal = static_cast<double>(L::min());
    CHECK(min_normal == std::ldexp(1.0, L::min_exponent - 1));
    CHECK(L::min_exponent10 == static_cast<int>(std::ceil(std::log10(min_normal))));
    CHECK(L::max_exponent == std::ilogb(largest) + 1);
    CHECK(L::digits10 == static_cast<int>(std::floor((L::digits - 1) * std::log10(2.0))));
    CHECK(L::max_digits10 == static_cast<int>(std::ceil(1 + L::digits * std::log10(2.0))));
    // epsilon: the distance from 1 to the next value, where 1 and that value exist.
    if (static_cast<double>(T(1.0)) == 1.0 && L::digits - 1 <= -(L::min_exponent - 1) + (L::has_denorm ? L::digits - 1 : 0)) {
        double next = INFINITY;
        for (std::uint32_t c = 0; c < n; ++c) {
            const double d = static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(c)));
            if (d > 1.0 && d < next) next = d;
        }
        CHECK(static_cast<double>(L::epsilon()) == next - 1.0);
    }
    if (L::has_infinity) CHECK(std::isinf(static_cast<double>(L::infinity())));
    if (L::has_quiet_NaN) CHECK(std::isnan(static_cast<double>(L::quiet_NaN())));
    if (L::has_signaling_NaN) CHECK(std::isnan(static_cast<double>(L::signaling_NaN())));
    // infinity() and quiet_NaN() are what T gives for +Inf and NaN, in every format.
    CHECK(L::infinity().bits() == T(std::numeric_limits<double>::infinity()).bits());
    CHECK(L::quiet_NaN().bits() == T(std::numeric_limits<double>::quiet_NaN()).bits());
}

}  // namespace

TEST_CASE("numeric_limits agree with a scan of all codes, named and research formats", "[limits]")
{
    using namespace lowbit;
    check_limits_by_scanning<float8_e4m3fn>();
    check_limits_by_scanning<float8_e4m3>();
    check_limits_by_scanning<float8_e4m3fnuz>();
    check_limits_by_scanning<float8_e4m3b11fnuz>();
    check_limits_by_scanning<float8_e3m4>();
    check_limits_by_scanning<float8_e5m2>();
    check_limits_by_scanning<float8_e5m2fnuz>();
    check_limits_by_scanning<float8_e8m0fnu>();
    check_limits_by_scanning<float6_e2m3fn>();
    check_limits_by_scanning<float6_e3m2fn>();
    check_limits_by_scanning<float4_e2m1fn>();
    check_limits_by_scanning<bfloat16>();
    check_limits_by_scanning<float16>();
    // Research formats: no subnormals, unsigned with zero, no mantissa, a 12-bit IEEE-like format.
    check_limits_by_scanning<float_format<4, 3, 7, specials::ieee, sign_bit::present, subnormals::absent>>();
    check_limits_by_scanning<float_format<4, 4, 7, specials::ieee, sign_bit::absent>>();
    check_limits_by_scanning<float_format<3, 0, 3, specials::fn>>();
    check_limits_by_scanning<float_format<6, 5, 31, specials::ieee>>();
    using R = float_format<6, 5, 31, specials::ieee>;
    STATIC_REQUIRE(std::numeric_limits<R>::is_iec559);
    STATIC_REQUIRE(std::numeric_limits<R>::digits == 6);
    STATIC_REQUIRE(std::numeric_limits<R>::min_exponent == -29);
    STATIC_REQUIRE(std::numeric_limits<R>::max_exponent == 32);
    // Not IEEE: no subnormals, or a bias other than 2^(E-1)-1, or no room for a signaling NaN.
    STATIC_REQUIRE_FALSE(
        std::numeric_limits<float_format<4, 3, 7, specials::ieee, sign_bit::present, subnormals::absent>>::is_iec559);
    STATIC_REQUIRE_FALSE(std::numeric_limits<float_format<4, 3, 8, specials::ieee>>::is_iec559);
    STATIC_REQUIRE_FALSE(std::numeric_limits<float_format<5, 1, 15, specials::ieee>>::is_iec559);
    STATIC_REQUIRE_FALSE(std::numeric_limits<float_format<5, 1, 15, specials::ieee>>::has_signaling_NaN);
    STATIC_REQUIRE(std::numeric_limits<float_format<5, 1, 15, specials::ieee>>::signaling_NaN().bits() == 0x3F);
}
