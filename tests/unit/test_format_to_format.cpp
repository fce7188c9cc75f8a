// lowbit::convert<To>(From) between formats: every code of every format of 8 bits or fewer into every other,
// under every rounding and overflow mode, against the exact oracle (tests/support/oracle.hpp).
#include <catch2/catch.hpp>

#include <lowbit/convert.hpp>
#include <lowbit/types/named_formats.hpp>

#include <cstdint>
#include <tuple>

#include "oracle.hpp"

namespace {

using namespace lowbit_test;
using lowbit::sign_bit;
using lowbit::subnormals;

template <class T> struct entry {
    using type = T;
    spec s;
    const char* name;
};

// The formats of 8 bits or fewer, each with its definition written out (not read from lowbit).
const auto small_formats = std::make_tuple(
    entry<lowbit::float8_e4m3fn>{{4, 3, 7, specials::fn, true, true}, "float8_e4m3fn"},
    entry<lowbit::float8_e4m3>{{4, 3, 7, specials::ieee, true, true}, "float8_e4m3"},
    entry<lowbit::float8_e4m3fnuz>{{4, 3, 8, specials::fnuz, true, true}, "float8_e4m3fnuz"},
    entry<lowbit::float8_e4m3b11fnuz>{{4, 3, 11, specials::fnuz, true, true}, "float8_e4m3b11fnuz"},
    entry<lowbit::float8_e3m4>{{3, 4, 3, specials::ieee, true, true}, "float8_e3m4"},
    entry<lowbit::float8_e5m2>{{5, 2, 15, specials::ieee, true, true}, "float8_e5m2"},
    entry<lowbit::float8_e5m2fnuz>{{5, 2, 16, specials::fnuz, true, true}, "float8_e5m2fnuz"},
    entry<lowbit::float8_e8m0fnu>{{8, 0, 127, specials::e8m0, false, false}, "float8_e8m0fnu"},
    entry<lowbit::float6_e2m3fn>{{2, 3, 1, specials::finite, true, true}, "float6_e2m3fn"},
    entry<lowbit::float6_e3m2fn>{{3, 2, 3, specials::finite, true, true}, "float6_e3m2fn"},
    entry<lowbit::float4_e2m1fn>{{2, 1, 1, specials::finite, true, true}, "float4_e2m1fn"},
    entry<lowbit::float_format<2, 2, 1, specials::finite>>{{2, 2, 1, specials::finite, true, true}, "E2M2"},
    entry<lowbit::float_format<3, 3, 3, specials::ieee>>{{3, 3, 3, specials::ieee, true, true}, "E3M3 ieee"},
    entry<lowbit::float_format<3, 3, 3, specials::fn, sign_bit::absent>>{{3, 3, 3, specials::fn, false, true},
                                                                          "unsigned E3M3 fn"},
    entry<lowbit::float_format<3, 3, 3, specials::finite, sign_bit::present, subnormals::absent>>{
        {3, 3, 3, specials::finite, true, false}, "E3M3 finite, no subnormals"});

template <class To, class From>
void check_one(const entry<To>& to, const entry<From>& from, failures& fails)
{
    const std::string name = std::string(from.name) + " -> " + to.name;
    check_conversion<To, From>(to.s, from.s, name.c_str(), fails);
}

}  // namespace

TEST_CASE("every small format converts to every other like the exact oracle", "[conversion]")
{
    failures fails;
    std::apply([&](const auto&... to) {
        std::apply([&](const auto&... from) {
            const auto row = [&](const auto& target) { (check_one(target, from, fails), ...); };
            (row(to), ...);
        }, small_formats);
    }, small_formats);
    INFO(fails.report());
    CHECK(fails.count == 0);
    CHECK(fails.checked > 500000);
}

TEST_CASE("format-to-format conversion: hand-picked cases", "[conversion]")
{
    using namespace lowbit;
    // E5M2 -> E4M3FN: 57344 overflows to NaN (nonsaturating), saturates to 448.
    const auto big = float8_e5m2::from_bits(0x7B);
    CHECK(convert<float8_e4m3fn>(big).bits() == 0x7F);
    CHECK(convert<float8_e4m3fn>(big, rounding::nearest_even, overflow::saturate_finite).bits() == 0x7E);
    // E5M2 +Inf -> E4M3FN: NaN unless `saturate`.
    const auto inf = float8_e5m2::from_bits(0x7C);
    CHECK(convert<float8_e4m3fn>(inf, rounding::nearest_even, overflow::saturate_finite).bits() == 0x7F);
    CHECK(convert<float8_e4m3fn>(inf, rounding::nearest_even, overflow::saturate).bits() == 0x7E);
    // E4M3FN 1.0625 is not in it (3 bits), but 1.125 -> E5M2 is the tie 1.0/1.25: to even 1.0 (0x3C).
    CHECK(convert<float8_e5m2>(float8_e4m3fn::from_bits(0x39)).bits() == 0x3C);
    CHECK(convert<float8_e5m2>(float8_e4m3fn::from_bits(0x39), rounding::nearest_away).bits() == 0x3D);
    // bfloat16 -> float16: 1 + 2^-7 is exact in both.
    CHECK(convert<float16>(bfloat16::from_bits(0x3F81)).bits() == 0x3C08);
    // NaN: sign kept; keep_payload passes the top payload bits (float16 0x7D23 -> bfloat16 quiet bit + top 7).
    CHECK(convert<bfloat16>(float16::from_bits(0xFE00)).bits() == 0xFFC0);
    conversion_options payload;
    payload.nan = nan_encoding::keep_payload;
    CHECK(convert<bfloat16>(float16::from_bits(0x7D23), payload).bits() == (0x7FC0 | (0x123 >> 3)));
    CHECK(convert<float8_e5m2>(float16::from_bits(0x7E00 | 0x100), payload).bits() == 0x7F);
    // FNUZ NaN is unsigned; E8M0 -> E4M3FN: 2^-127 underflows to 0, 2^8 -> NaN (nonsaturating).
    CHECK(convert<float8_e5m2>(float8_e4m3fnuz::from_bits(0x80)).bits() == 0x7E);
    CHECK(convert<float8_e4m3fn>(float8_e8m0fnu::from_bits(0x00)).bits() == 0x00);
    CHECK(convert<float8_e4m3fn>(float8_e8m0fnu::from_bits(135)).bits() == 0x78);  // 256
    CHECK(convert<float8_e4m3fn>(float8_e8m0fnu::from_bits(136)).bits() == 0x7F);  // 512
    // Stochastic: an exact value never moves, and d = 2^31 of 2^32 needs random bits >= 2^31 to round up.
    CHECK(convert_stochastic<float8_e4m3fn>(float16(1.5), 0xFFFFFFFFu).bits() == 0x3C);
    const auto tie = float16::from_bits(0x3C40);  // 1 + 2^-4 = 1.0625: half an E4M3 ulp above 1
    CHECK(convert_stochastic<float8_e4m3fn>(tie, 0x7FFFFFFFu).bits() == 0x38);
    CHECK(convert_stochastic<float8_e4m3fn>(tie, 0x80000000u).bits() == 0x39);
    // One-rounding, constexpr.
    static_assert(convert<float4_e2m1fn>(float8_e4m3fn::from_bits(0x3C)).bits() == 0x3);  // 1.5 -> 1.5
}
