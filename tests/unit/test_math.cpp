// Classification and the <cmath>-style functions, exhaustively over every code of every named format of at
// most 16 bits (and research formats), against independent computations on the decoded doubles.
#include <catch2/catch.hpp>

#include <lowbit/types/float_limits.hpp>
#include <lowbit/types/float_math.hpp>
#include <lowbit/types/named_formats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

template <class T>
T code(std::uint32_t c)
{
    return T::from_bits(static_cast<typename T::storage_type>(c));
}

bool same(double a, double b)  // equal values with equal signs, or both NaN
{
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

struct failures {
    std::uint64_t count = 0;
    std::string first;
    void fail(std::uint32_t c, const std::string& what)
    {
        if (count++ == 0) {
            std::ostringstream s;
            s << what << " for code 0x" << std::hex << c;
            first = s.str();
        }
    }
};

// `min_normal` is the smallest positive normal value, from the spec table (not from the library).
template <class T>
void check_format(double min_normal)
{
    const std::uint32_t n = std::uint32_t{1} << T::info.total_bits;
    constexpr bool has_negative_zero = T::info.has_negative_zero;

    // All non-NaN values, sorted, with duplicates (+0/-0) removed.
    std::vector<double> values;
    for (std::uint32_t c = 0; c < n; ++c) {
        const double d = static_cast<double>(code<T>(c));
        if (!std::isnan(d)) values.push_back(d);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    const double top = values.back(), bottom = values.front();
    const double largest_finite = std::isinf(top) ? *(values.end() - 2) : top;
    const double beyond_top = static_cast<double>(std::numeric_limits<T>::infinity());  // documented choice
    double smallest_positive = 0;
    for (double v : values)
        if (v > 0) { smallest_positive = v; break; }

    failures f;
    for (std::uint32_t c = 0; c < n; ++c) {
        const T x = code<T>(c);
        const double d = static_cast<double>(x);
        const double a = std::fabs(d);
        const bool finite = std::isfinite(d);
        // Classification.
        if (lowbit::isnan(x) != std::isnan(d)) f.fail(c, "isnan");
        if (lowbit::isinf(x) != std::isinf(d)) f.fail(c, "isinf");
        if (lowbit::isfinite(x) != finite) f.fail(c, "isfinite");
        if (lowbit::signbit(x) != std::signbit(d)) f.fail(c, "signbit");
        const int expected_class = std::isnan(d) ? FP_NAN
                                   : std::isinf(d) ? FP_INFINITE
                                   : d == 0        ? FP_ZERO
                                   : a < min_normal ? FP_SUBNORMAL
                                                    : FP_NORMAL;
        if (lowbit::fpclassify(x) != expected_class) f.fail(c, "fpclassify");
        if (lowbit::isnormal(x) != (expected_class == FP_NORMAL)) f.fail(c, "isnormal");
        // Sign manipulation.
        if (!same(static_cast<double>(lowbit::abs(x)), std::fabs(d))) f.fail(c, "abs");
        for (std::uint32_t other : {0u, T::info.sign_mask | 1u, T::info.max_magnitude_code}) {
            const double y = static_cast<double>(code<T>(other));
            double expected = std::copysign(d, y);
            if (expected == 0 && !has_negative_zero) expected = 0.0;
            if (!same(static_cast<double>(lowbit::copysign(x, code<T>(other))), expected)) f.fail(c, "copysign");
        }
        // next_up / next_down against the sorted list of values.
        const double up = static_cast<double>(lowbit::next_up(x));
        const double down = static_cast<double>(lowbit::next_down(x));
        if (std::isnan(d)) {
            if (!std::isnan(up) || !std::isnan(down)) f.fail(c, "next of NaN");
            if (!lowbit::isnan(lowbit::next_up(x))) f.fail(c, "next_up of NaN");
        } else {
            const auto above = std::upper_bound(values.begin(), values.end(), d);
            double expected_up = above == values.end() ? (std::isinf(d) ? d : beyond_top) : *above;
            if (expected_up == 0) expected_up = has_negative_zero ? -0.0 : 0.0;  // nextUp(-min) = -0
            if (!same(up, expected_up)) f.fail(c, "next_up");
            const auto below = std::lower_bound(values.begin(), values.end(), d);
            double expected_down;
            if (below == values.begin()) {
                // Nothing below: -Inf stays, else -Inf/NaN/the value itself as documented.
                if (std::isinf(d)) expected_down = d;
                else if (!T::info.is_signed) expected_down = T::info.has_nan ? NAN : d;
                else expected_down = -beyond_top;
            } else {
                expected_down = *(below - 1);
            }
            if (expected_down == 0) expected_down = 0.0;  // nextDown(+min) = +0
            if (!same(down, expected_down)) f.fail(c, "next_down");
            // nextafter toward the ends and toward itself.
            if (!same(static_cast<double>(lowbit::nextafter(x, x)), d)) f.fail(c, "nextafter(x, x)");
            if (d < top && !same(static_cast<double>(lowbit::nextafter(x, code<T>(T::info.max_magnitude_code))), up) &&
                d < largest_finite)
                f.fail(c, "nextafter up");
            if (T::info.is_signed && d > bottom && d > -largest_finite &&
                !same(static_cast<double>(lowbit::nextafter(x, code<T>(T::info.sign_mask | T::info.max_magnitude_code))),
                      down))
                f.fail(c, "nextafter down");
        }
        if (!lowbit::isnan(lowbit::nextafter(x, std::numeric_limits<T>::quiet_NaN())) && T::info.has_nan)
            f.fail(c, "nextafter to NaN");
        // ulp: distance to the next magnitude away from zero; at max, max's binade spacing.
        const double u = lowbit::ulp(x);
        if (std::isnan(d)) {
            if (!std::isnan(u)) f.fail(c, "ulp NaN");
        } else if (std::isinf(d)) {
            if (u != INFINITY) f.fail(c, "ulp Inf");
        } else if (a == 0) {
            if (u != smallest_positive) f.fail(c, "ulp 0");
        } else if (a < largest_finite) {
            const double next = *std::upper_bound(values.begin(), values.end(), a);
            if (u != next - a) f.fail(c, "ulp");
        } else {
            const int e = std::ilogb(a);
            if (u != std::ldexp(1.0, e - T::info.mantissa_bits)) f.fail(c, "ulp max");
        }
        // ldexp: the exact product rounded by T(double) (nearest-even, nonsaturating).
        for (int k : {-40, -17, -9, -3, -2, -1, 0, 1, 2, 3, 5, 11, 40, 300, -300, 100000, -100000}) {
            const T got = lowbit::ldexp(x, k);
            if (std::isnan(d)) {
                if (!lowbit::isnan(got)) f.fail(c, "ldexp NaN");
                continue;
            }
            // +-900 keeps the double product exact and nonzero (0 would read as NaN in E8M0) and still overflows.
            if (got.bits() != T(std::ldexp(d, std::clamp(k, -900, 900))).bits() &&
                !(d == 0 && got.bits() == x.bits()))
                f.fail(c, "ldexp");
        }
        // frexp where the format holds every significand in [0.5, 1).
        if constexpr (lowbit::frexp_is_representable<T>) {
            int e1 = 0, e2 = 0;
            const T m = lowbit::frexp(x, &e1);
            const double expected = finite ? std::frexp(d, &e2) : d;
            if (!same(static_cast<double>(m), expected) || (finite && e1 != e2)) f.fail(c, "frexp");
        }
    }
    INFO(f.first);
    CHECK(f.count == 0);
}

}  // namespace

TEST_CASE("classification and math functions, every code of the 8-bit and smaller formats", "[logic]")
{
    using namespace lowbit;
    SECTION("float8_e4m3fn") { check_format<float8_e4m3fn>(0x1p-6); }
    SECTION("float8_e4m3") { check_format<float8_e4m3>(0x1p-6); }
    SECTION("float8_e4m3fnuz") { check_format<float8_e4m3fnuz>(0x1p-7); }
    SECTION("float8_e4m3b11fnuz") { check_format<float8_e4m3b11fnuz>(0x1p-10); }
    SECTION("float8_e3m4") { check_format<float8_e3m4>(0.25); }
    SECTION("float8_e5m2") { check_format<float8_e5m2>(0x1p-14); }
    SECTION("float8_e5m2fnuz") { check_format<float8_e5m2fnuz>(0x1p-15); }
    SECTION("float8_e8m0fnu") { check_format<float8_e8m0fnu>(0x1p-127); }
    SECTION("float6_e2m3fn") { check_format<float6_e2m3fn>(1.0); }
    SECTION("float6_e3m2fn") { check_format<float6_e3m2fn>(0.25); }
    SECTION("float4_e2m1fn") { check_format<float4_e2m1fn>(1.0); }
    SECTION("no subnormals") { check_format<float_format<4, 3, 7, specials::ieee, sign_bit::present, subnormals::absent>>(0x1p-6); }
    SECTION("unsigned with Inf") { check_format<float_format<4, 4, 7, specials::ieee, sign_bit::absent>>(0x1p-6); }
    SECTION("unsigned finite") { check_format<float_format<3, 3, 3, specials::finite, sign_bit::absent>>(0.25); }
    SECTION("E3M0 fn") { check_format<float_format<3, 0, 3, specials::fn>>(0.25); }
}

TEST_CASE("classification and math functions, every code of the 16-bit formats", "[logic]")
{
    SECTION("bfloat16") { check_format<lowbit::bfloat16>(0x1p-126); }
    SECTION("float16") { check_format<lowbit::float16>(0x1p-14); }
}

TEST_CASE("math functions: landmarks, documented choices and constexpr", "[logic][constexpr]")
{
    using namespace lowbit;
    using F = float8_e4m3fn;
    STATIC_REQUIRE(next_up(F::from_bits(0x7E)).bits() == 0x7F);   // past max: the NaN
    STATIC_REQUIRE(next_down(F::from_bits(0xFE)).bits() == 0x7F);
    STATIC_REQUIRE(next_up(F::from_bits(0x81)).bits() == 0x80);   // -min_subnormal -> -0
    STATIC_REQUIRE(next_down(F::from_bits(0x01)).bits() == 0x00); // +min_subnormal -> +0
    STATIC_REQUIRE(next_up(F::from_bits(0x80)).bits() == 0x01);
    STATIC_REQUIRE(next_down(F::from_bits(0x00)).bits() == 0x81);
    STATIC_REQUIRE(nextafter(F::from_bits(0x80), F::from_bits(0x00)).bits() == 0x00);
    using E = float8_e5m2;
    STATIC_REQUIRE(next_up(E::from_bits(0x7B)).bits() == 0x7C);   // max -> +Inf
    STATIC_REQUIRE(next_up(E::from_bits(0x7C)).bits() == 0x7C);   // +Inf stays
    STATIC_REQUIRE(next_up(E::from_bits(0xFC)).bits() == 0xFB);   // -Inf -> -max
    STATIC_REQUIRE(next_up(E::from_bits(0x7D)).bits() == 0x7F);   // a signaling NaN comes back quiet
    using Z = float8_e4m3fnuz;
    STATIC_REQUIRE(next_up(Z::from_bits(0x81)).bits() == 0x00);   // no -0
    STATIC_REQUIRE(abs(Z::from_bits(0x80)).bits() == 0x80);       // the NaN stays NaN
    STATIC_REQUIRE(copysign(Z::from_bits(0x00), Z::from_bits(0xC0)).bits() == 0x00);
    STATIC_REQUIRE_FALSE(signbit(Z::from_bits(0x80)));
    using S = float8_e8m0fnu;
    STATIC_REQUIRE(next_up(S::from_bits(0xFE)).bits() == 0xFF);
    STATIC_REQUIRE(next_down(S::from_bits(0x00)).bits() == 0xFF);
    STATIC_REQUIRE(fpclassify(S::from_bits(0x00)) == FP_NORMAL);
    int e = 0;
    CHECK(frexp(S::from_bits(0x80), &e).bits() == 0x7E);  // 2 = 0.5 * 2^2
    CHECK(e == 2);
    STATIC_REQUIRE(ulp(S::from_bits(0xFE)) == 0x1p127);
    using P = float4_e2m1fn;
    STATIC_REQUIRE(next_up(P::from_bits(0x7)).bits() == 0x7);     // no Inf, no NaN: max stays
    STATIC_REQUIRE(next_down(P::from_bits(0xF)).bits() == 0xF);
    STATIC_REQUIRE_FALSE(frexp_is_representable<P>);
    STATIC_REQUIRE_FALSE(frexp_is_representable<float6_e2m3fn>);
    STATIC_REQUIRE(frexp_is_representable<float6_e3m2fn>);
    STATIC_REQUIRE(ldexp(P::from_bits(0x2), 2).bits() == 0x6);    // 1 * 4
    STATIC_REQUIRE(ldexp(P::from_bits(0x2), 3).bits() == 0x7);    // 8 saturates: FP4 has neither Inf nor NaN
    STATIC_REQUIRE(ldexp(float16::from_bits(0x3C00), -25).bits() == 0x0000);  // tie to even: 0
    STATIC_REQUIRE(ldexp(float16::from_bits(0x3E00), -25).bits() == 0x0001);  // 1.5 * 2^-25 rounds up
    STATIC_REQUIRE(ldexp(float16::from_bits(0x3C00), 16).bits() == 0x7C00);
    STATIC_REQUIRE(ldexp(float16::from_bits(0x0001), 24).bits() == 0x3C00);
    STATIC_REQUIRE(ldexp(float16::from_bits(0x3C00), std::numeric_limits<int>::min()).bits() == 0x0000);
    STATIC_REQUIRE(ldexp(float16::from_bits(0xBC00), std::numeric_limits<int>::max()).bits() == 0xFC00);
    STATIC_REQUIRE(ulp(float16::from_bits(0x3C00)) == 0x1p-10);
    STATIC_REQUIRE(ulp(float16::from_bits(0x0000)) == 0x1p-24);
    STATIC_REQUIRE(isnan(float16::from_bits(0x7C01)));
    STATIC_REQUIRE(isinf(bfloat16::from_bits(0xFF80)));
    STATIC_REQUIRE(fpclassify(bfloat16::from_bits(0x0001)) == FP_SUBNORMAL);
    // tfloat32 (19 bits): spot checks.
    STATIC_REQUIRE(next_up(tfloat32::from_bits(0x3FBFF)).bits() == 0x3FC00);
    STATIC_REQUIRE(next_down(tfloat32::from_bits(0x00000)).bits() == 0x40001);
    STATIC_REQUIRE(ldexp(tfloat32::from_bits(0x1FC00), 1).bits() == 0x20000);  // 1 * 2 = 2
}

TEST_CASE("math functions are found by ADL next to the std overloads", "[api]")
{
    using std::isnan;
    using std::abs;
    const auto x = lowbit::float8_e5m2::from_bits(0xBC);  // -1
    CHECK_FALSE(isnan(x));
    CHECK(abs(x).bits() == 0x3C);
    CHECK(abs(-2) == 2);
    CHECK(isnan(std::nan("")));
}
