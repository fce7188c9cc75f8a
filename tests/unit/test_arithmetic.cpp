// Arithmetic of float_format (+ - * / and lowbit::add/sub/mul/div) against the exact oracle
// (tests/support/oracle.hpp): every pair of codes of the small formats, sampled pairs of the 16/19-bit ones,
// mixed operands, special values and the result types of mixed expressions.
#include <catch2/catch.hpp>

#include <lowbit/convert.hpp>
#include <lowbit/types/float_arithmetic.hpp>
#include <lowbit/types/named_formats.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>

#include "oracle.hpp"

namespace {

using namespace lowbit_test;
using lowbit::sign_bit;
using lowbit::subnormals;

// The unit tier runs every pair of codes under nearest-even (plus every mode for the 4- and 6-bit formats);
// tests/exhaustive/exhaustive_arithmetic.cpp runs every pair under every mode.
template <class T>
void all_pairs(const spec& s, const char* name)
{
    failures fails;
    const bool all_modes = s.e + s.m + (s.is_signed ? 1 : 0) <= 6;
    check_all_pairs<T>(s, name, all_modes, fails);
    INFO(name << ": " << fails.report());
    CHECK(fails.count == 0);
    CHECK(fails.checked > 1000);
}

template <class T>
void sampled(const spec& s, const char* name, std::uint64_t pairs)
{
    failures fails;
    check_sampled_pairs<T>(s, name, pairs, true, 0x5eed0000u + static_cast<std::uint64_t>(s.m), fails);
    INFO(name << ": " << fails.report());
    CHECK(fails.count == 0);
    CHECK(fails.checked > pairs);
}

template <class A, class B>
concept addable = requires(A a, B b) { a + b; };
template <class A, class B>
concept add_assignable = requires(A& a, B b) { a += b; };

template <class T>
T bits(std::uint32_t code)
{
    return T::from_bits(static_cast<typename T::storage_type>(code));
}

}  // namespace

TEST_CASE("arithmetic on every pair of codes of the 8-bit formats", "[arithmetic]")
{
    using namespace lowbit;
    all_pairs<float8_e4m3fn>({4, 3, 7, specials::fn, true, true}, "float8_e4m3fn");
    all_pairs<float8_e4m3>({4, 3, 7, specials::ieee, true, true}, "float8_e4m3");
    all_pairs<float8_e4m3fnuz>({4, 3, 8, specials::fnuz, true, true}, "float8_e4m3fnuz");
    all_pairs<float8_e4m3b11fnuz>({4, 3, 11, specials::fnuz, true, true}, "float8_e4m3b11fnuz");
    all_pairs<float8_e3m4>({3, 4, 3, specials::ieee, true, true}, "float8_e3m4");
    all_pairs<float8_e5m2>({5, 2, 15, specials::ieee, true, true}, "float8_e5m2");
    all_pairs<float8_e5m2fnuz>({5, 2, 16, specials::fnuz, true, true}, "float8_e5m2fnuz");
    all_pairs<float8_e8m0fnu>({8, 0, 127, specials::e8m0, false, false}, "float8_e8m0fnu");
}

TEST_CASE("arithmetic on every pair of codes of FP6, FP4 and research formats, every mode", "[arithmetic]")
{
    using namespace lowbit;
    all_pairs<float6_e2m3fn>({2, 3, 1, specials::finite, true, true}, "float6_e2m3fn");
    all_pairs<float6_e3m2fn>({3, 2, 3, specials::finite, true, true}, "float6_e3m2fn");
    all_pairs<float4_e2m1fn>({2, 1, 1, specials::finite, true, true}, "float4_e2m1fn");
    all_pairs<float_format<2, 2, 1, specials::finite>>({2, 2, 1, specials::finite, true, true}, "E2M2 finite");
    all_pairs<float_format<2, 2, 1, specials::ieee>>({2, 2, 1, specials::ieee, true, true}, "E2M2 ieee");
    all_pairs<float_format<3, 3, 3, specials::ieee, sign_bit::absent>>({3, 3, 3, specials::ieee, false, true},
                                                                       "unsigned E3M3 ieee");
    all_pairs<float_format<3, 3, 3, specials::fn>>({3, 3, 3, specials::fn, true, true}, "E3M3 fn");
    all_pairs<float_format<3, 3, 3, specials::fnuz>>({3, 3, 3, specials::fnuz, true, true}, "E3M3 fnuz");
    all_pairs<float_format<3, 3, 3, specials::finite, sign_bit::present, subnormals::absent>>(
        {3, 3, 3, specials::finite, true, false}, "E3M3 finite, no subnormals");
    all_pairs<float_format<3, 0, 3, specials::finite>>({3, 0, 3, specials::finite, true, true}, "E3M0 finite");
}

TEST_CASE("arithmetic on sampled pairs of bfloat16, float16 and tfloat32, every mode", "[arithmetic]")
{
    using namespace lowbit;
    sampled<bfloat16>({8, 7, 127, specials::ieee, true, true}, "bfloat16", 20000);
    sampled<float16>({5, 10, 15, specials::ieee, true, true}, "float16", 20000);
    sampled<tfloat32>({8, 10, 127, specials::ieee, true, true}, "tfloat32", 20000);
}

TEST_CASE("the oracle agrees with hand-computed results", "[arithmetic]")
{
    // So that the oracle cannot be wrong in the same way as the library without a visible failure.
    const format e4m3fn = make_format({4, 3, 7, specials::fn, true, true});
    const auto ne = mode{rounding::nearest_even, overflow::nonsaturating};
    const auto value = [](double x) {
        int e = 0;
        const double f = std::frexp(std::fabs(x), &e);
        const auto m = static_cast<std::uint64_t>(std::ldexp(f, 53));
        return exact_value{kind::finite, x < 0, dyadic::scaled(x < 0, m, e - 53)};
    };
    // 448 + 16 = 464: the tie 448/480 goes to even 448 (0x7E); 448 + 17 overflows to NaN.
    CHECK(expected(e4m3fn, reference(e4m3fn, op::add, value(448), value(16)), ne).code == 0x7E);
    CHECK(expected(e4m3fn, reference(e4m3fn, op::add, value(448), value(17)), ne).nan);
    // 1 / 3 = 0.333...: between 0.3125 (0x2A) and 0.34375 (0x2B), nearer 0x2B.
    CHECK(expected(e4m3fn, reference(e4m3fn, op::div, value(1), value(3)), ne).code == 0x2B);
    CHECK(expected(e4m3fn, reference(e4m3fn, op::div, value(1), value(3)), {rounding::toward_zero, overflow::nonsaturating}).code ==
          0x2A);
    // 1 - 1 = +0, but -0 toward negative.
    const exact_result zero = reference(e4m3fn, op::sub, value(1), value(1));
    CHECK(expected(e4m3fn, zero, ne).code == 0x00);
    CHECK(expected(e4m3fn, zero, {rounding::toward_negative, overflow::nonsaturating}).code == 0x80);
    // E8M0: 2^127 + 2^-127 is above 2^127 by far less than half an ulp.
    const format e8m0 = make_format({8, 0, 127, specials::e8m0, false, false});
    const exact_value big{kind::finite, false, dyadic::scaled(false, 1, 127)};
    const exact_value tiny{kind::finite, false, dyadic::scaled(false, 1, -127)};
    CHECK(expected(e8m0, reference(e8m0, op::add, big, tiny), ne).code == 0xFE);
    CHECK(expected(e8m0, reference(e8m0, op::add, big, tiny), {rounding::toward_positive, overflow::saturate}).code == 0xFE);
    CHECK(expected(e8m0, reference(e8m0, op::add, big, tiny), {rounding::toward_positive, overflow::nonsaturating}).nan);
    CHECK(expected(e8m0, reference(e8m0, op::sub, tiny, big), ne).nan);
}

TEST_CASE("arithmetic: special values and signed zeros", "[arithmetic]")
{
    using namespace lowbit;
    using h = float16;
    const h inf = bits<h>(0x7C00), ninf = bits<h>(0xFC00), zero = bits<h>(0), nzero = bits<h>(0x8000);
    const h one = h(1.0), nan = bits<h>(0x7E00), nnan = bits<h>(0xFE01);
    CHECK((inf - inf).bits() == 0x7E00);  // invalid: positive quiet NaN
    CHECK((zero * inf).bits() == 0x7E00);
    CHECK((zero / zero).bits() == 0x7E00);
    CHECK((inf / ninf).bits() == 0x7E00);
    CHECK((one / zero).bits() == 0x7C00);
    CHECK((one / nzero).bits() == 0xFC00);
    CHECK((one + nnan).bits() == 0xFE00);  // a NaN operand: the format's quiet NaN with that NaN's sign
    CHECK((nnan + nan).bits() == 0xFE00);  // the first NaN operand wins
    CHECK((one - one).bits() == 0x0000);
    CHECK(sub(one, one, rounding::toward_negative).bits() == 0x8000);
    CHECK((nzero + nzero).bits() == 0x8000);
    CHECK((nzero + zero).bits() == 0x0000);
    CHECK((nzero - zero).bits() == 0x8000);
    CHECK((-zero).bits() == 0x8000);
    CHECK((-nan).bits() == 0xFE00);
    CHECK((+one).bits() == one.bits());
    conversion_options payload;
    payload.nan = nan_encoding::keep_payload;
    CHECK(add(bits<h>(0x7D23), one, payload).bits() == 0x7F23);  // quietened, payload kept

    // Division by zero in formats without Inf follows the conversion of ±Inf.
    const auto e4 = float8_e4m3fn(2.0);
    CHECK((e4 / float8_e4m3fn(0.0)).bits() == 0x7F);
    CHECK(div(e4, float8_e4m3fn(0.0), rounding::nearest_even, overflow::saturate).bits() == 0x7E);
    CHECK((float4_e2m1fn(1.0) / float4_e2m1fn(-0.0)).bits() == 0xF);  // -max
    CHECK((float4_e2m1fn(0.0) / float4_e2m1fn(0.0)).bits() == 0x7);   // NaN without a code: +max

    // FNUZ: no -0, its NaN is its own negation.
    CHECK((float8_e4m3fnuz(1.0) - float8_e4m3fnuz(1.0)).bits() == 0x00);
    CHECK(sub(float8_e4m3fnuz(1.0), float8_e4m3fnuz(1.0), rounding::toward_negative).bits() == 0x00);
    CHECK((-float8_e4m3fnuz::from_bits(0x80)).bits() == 0x80);
    CHECK((-float8_e4m3fnuz::from_bits(0x00)).bits() == 0x00);
    CHECK((-float8_e4m3fnuz(1.0)).bits() == (float8_e4m3fnuz(-1.0)).bits());

    // E8M0: no zero, no sign. 2 - 2 and 1 - 2 are invalid (NaN); saturating gives the lowest code.
    const auto two = float8_e8m0fnu(2.0), one8 = float8_e8m0fnu(1.0);
    CHECK((two - two).bits() == 0xFF);
    CHECK((one8 - two).bits() == 0xFF);
    CHECK(sub(one8, two, rounding::nearest_even, overflow::saturate_finite).bits() == 0x00);
    CHECK((two - one8).bits() == 127);
    CHECK((two * two).bits() == 129);
    CHECK((one8 / two).bits() == 126);
    CHECK((two + one8).bits() == 129);  // 3 is a tie between 2 and 4: up, as in conversion
    CHECK((-two).bits() == 0xFF);
    CHECK((float8_e8m0fnu::from_bits(254) * two).bits() == 0xFF);  // overflow: NaN
}

TEST_CASE("arithmetic with integers takes them exactly", "[arithmetic]")
{
    using namespace lowbit;
    // float16 has 11 bits; 2049 is not a float16, so rounding the integer first would lose it.
    CHECK((float16(0.5) + 2049).bits() == float16(2050.0).bits());  // 2049.5 -> 2050
    CHECK((float16(-0.5) + 2049).bits() == float16(2048.0).bits());  // 2048.5 -> 2048 (tie to even)
    CHECK((2049 - float16(0.5)).bits() == float16(2048.0).bits());
    const std::int64_t huge = std::numeric_limits<std::int64_t>::min();
    CHECK((bfloat16(1.0) * huge).bits() == bfloat16(-0x1p63).bits());
    CHECK((float16(1.0) * 65520).bits() == 0x7C00);  // overflow
    CHECK((float8_e4m3fn(1.0) / 3u).bits() == 0x2B);

    // Against the oracle: random 64-bit integers with float16 and bfloat16 under every operator.
    failures fails;
    std::mt19937_64 rng(42);
    const format f16 = make_format({5, 10, 15, specials::ieee, true, true});
    for (int i = 0; i < 20000; ++i) {
        const auto code = static_cast<std::uint32_t>(rng() & 0xFFFF);
        std::int64_t n = static_cast<std::int64_t>(rng());
        n >>= rng() % 64;  // all magnitudes
        if (i % 100 == 0) n = huge;
        const exact_value xi{n == 0 ? kind::zero : kind::finite, n < 0,
                             dyadic::scaled(n < 0, n < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(n)
                                                         : static_cast<std::uint64_t>(n),
                                            0)};
        const exact_value xc = exact_of(decode_code(f16.s, code));
        const float16 h = bits<float16>(code);
        const auto ne = mode{rounding::nearest_even, overflow::nonsaturating};
        const std::uint32_t got[] = {code_of(h + n), code_of(n - h), code_of(h * n), code_of(n / h), code_of(h / n)};
        const expectation want[] = {expected(f16, reference(f16, op::add, xc, xi), ne),
                                    expected(f16, reference(f16, op::sub, xi, xc), ne),
                                    expected(f16, reference(f16, op::mul, xc, xi), ne),
                                    expected(f16, reference(f16, op::div, xi, xc), ne),
                                    expected(f16, reference(f16, op::div, xc, xi), ne)};
        for (int k = 0; k < 5; ++k)
            fails.expect(meets(f16, want[k], got[k]), [&] {
                return "float16 " + hex(code) + " with " + std::to_string(n) + ", operation " + std::to_string(k) +
                       ": want " + show(want[k]) + ", got " + hex(got[k]);
            });
        float16 acc = h;
        acc *= n;
        fails.expect(acc.bits() == got[2], [&] { return std::string("*= disagrees with *"); });
    }
    INFO(fails.report());
    CHECK(fails.count == 0);
}

TEST_CASE("compound assignment with float and double rounds once", "[arithmetic]")
{
    using namespace lowbit;
    // 1 + (2^-11 + 2^-40): through float16(1 + x) it would be 1 + 2^-11 rounded once in double (fine), but
    // a double x that is itself a tie after float conversion shows the difference.
    float16 a(1.0);
    a += 0x1p-11 + 0x1p-40;  // just above the tie 1 + half an ulp: rounds up
    CHECK(a.bits() == 0x3C01);
    float16 b(1.0);
    b += 0x1p-11f;  // exact tie: to even, stays 1
    CHECK(b.bits() == 0x3C00);
    bfloat16 c(3.0);
    c /= 3.0;
    CHECK(c.bits() == bfloat16(1.0).bits());
    float8_e4m3fn d(448.0);
    d += 16.0f;  // 464: the tie with 480 goes to 448
    CHECK(d.bits() == 0x7E);
    d -= 1000.0;
    CHECK(d.bits() == float8_e4m3fn(-552.0).bits());  // -552 -> overflow, nonsaturating: NaN
    float16 e(1.0);
    const float16 same = e;
    e -= same;
    CHECK(e.bits() == 0);
    e += 2;
    e *= float16(3.0);
    e /= 4;
    CHECK(e.bits() == float16(1.5).bits());
}

TEST_CASE("result types of mixed expressions", "[arithmetic]")
{
    using namespace lowbit;
    using e4 = float8_e4m3fn;
    STATIC_REQUIRE(std::is_same_v<decltype(e4() + e4()), e4>);
    STATIC_REQUIRE(std::is_same_v<decltype(e4() / e4()), e4>);
    STATIC_REQUIRE(std::is_same_v<decltype(-e4()), e4>);
    STATIC_REQUIRE(std::is_same_v<decltype(+e4()), e4>);
    STATIC_REQUIRE(std::is_same_v<decltype(e4() + 1.0f), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(1.0f * e4()), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(e4() - 1.0), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(2.0 / bfloat16()), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(e4() + 1), e4>);
    STATIC_REQUIRE(std::is_same_v<decltype(3ull * float16()), float16>);
    STATIC_REQUIRE(std::is_same_v<decltype(std::declval<e4&>() += 1.0), e4&>);
    STATIC_REQUIRE(std::is_same_v<decltype(add(e4(), e4(), rounding::toward_zero)), e4>);
    // Two different formats do not mix silently, nor does a format with bool.
    STATIC_REQUIRE(!addable<e4, float8_e5m2>);
    STATIC_REQUIRE(!add_assignable<e4, float8_e5m2>);
    STATIC_REQUIRE(!addable<e4, bool>);
    STATIC_REQUIRE(addable<e4, e4>);
    STATIC_REQUIRE(addable<e4, long>);
    STATIC_REQUIRE(add_assignable<e4, double>);
    // Host arithmetic after an exact decode.
    CHECK(e4(1.5) + 0.25f == 1.75f);
    CHECK(1.0 / bfloat16(3.0) == 1.0 / 3.0);
    // Constant expressions.
    STATIC_REQUIRE((e4(1.5) * e4(3.0)).bits() == e4(4.5).bits());
    STATIC_REQUIRE((float16(1.0) / float16(3.0)).bits() == 0x3555);
}
