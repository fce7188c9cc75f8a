// intn<N> / uintn<N>: every code against ml_dtypes' decode tables and independent arithmetic, wrapping and
// saturating conversions over a wide range of integers, float conversion in every rounding mode, limits,
// comparisons, hashing, printing and packing.
#include <catch2/catch.hpp>

#include <lowbit/types/intn.hpp>
#include <lowbit/types/intn_packing.hpp>

#include "conformance_data.hpp"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

namespace {

using lowbit::rounding;

// A 128-bit integer covers every int64_t and uint64_t input exactly (__extension__: -Wpedantic).
__extension__ typedef __int128 i128;

// Independent of the library: sign extension by shifting the code to the top of an int8 and back
// (arithmetic right shift, defined since C++20).
template <class T>
int reference_value(unsigned code)
{
    constexpr int n = T::width;
    code &= (1u << n) - 1u;
    if constexpr (T::is_signed) {
        const auto top = static_cast<std::int8_t>(static_cast<std::uint8_t>(code << (8 - n)));
        return top >> (8 - n);
    } else {
        return static_cast<int>(code);
    }
}

// x mod 2^N in [0, 2^N), then reinterpreted as two's complement for signed types; long double-free, via
// the mathematical definition on i128 so that INT64_MIN and UINT64_MAX are covered.
template <class T>
int reference_wrap(i128 x)
{
    const i128 m = i128{1} << T::width;
    i128 r = x % m;
    if (r < 0) r += m;
    if (T::is_signed && r >= m / 2) r -= m;
    return static_cast<int>(r);
}

template <class T>
int reference_saturate(i128 x)
{
    const i128 lo = T::is_signed ? -(i128{1} << (T::width - 1)) : 0;
    const i128 hi = T::is_signed ? (i128{1} << (T::width - 1)) - 1 : (i128{1} << T::width) - 1;
    return static_cast<int>(std::clamp(x, lo, hi));
}

// Rounding with <cmath>, in the default environment (std::nearbyint rounds to nearest even there).
double reference_round(double x, rounding mode)
{
    switch (mode) {
    case rounding::nearest_even: return std::nearbyint(x);
    case rounding::nearest_away: return std::round(x);
    case rounding::toward_zero: return std::trunc(x);
    case rounding::toward_positive: return std::ceil(x);
    case rounding::toward_negative: return std::floor(x);
    }
    return x;
}

constexpr rounding all_roundings[] = {rounding::nearest_even, rounding::nearest_away, rounding::toward_zero,
                                      rounding::toward_positive, rounding::toward_negative};

std::vector<i128> wide_integers()
{
    std::vector<i128> v;
    for (int x = -5000; x <= 5000; ++x) v.push_back(x);
    for (int shift = 8; shift < 64; ++shift)
        for (const i128 d : {-1, 0, 1}) {
            v.push_back((i128{1} << shift) + d);
            v.push_back(-(i128{1} << shift) + d);
        }
    v.push_back(std::numeric_limits<std::int64_t>::min());
    v.push_back(std::numeric_limits<std::int64_t>::max());
    v.push_back(std::numeric_limits<std::uint64_t>::max());
    std::mt19937_64 rng(0x1a2b3c4d);
    for (int i = 0; i < 20000; ++i) v.push_back(static_cast<std::int64_t>(rng()));
    return v;
}

template <class T>
void check_type_codes()
{
    INFO("width " << T::width << (T::is_signed ? " signed" : " unsigned"));
    std::unordered_set<int> seen;
    for (unsigned byte = 0; byte < 256; ++byte) {
        const T x = T::from_bits(static_cast<std::uint8_t>(byte));
        const unsigned low = byte & ((1u << T::width) - 1u);
        REQUIRE(x.bits() == low);  // bits above N ignored, as ml_dtypes does
        REQUIRE(x.value() == reference_value<T>(byte));
        REQUIRE(static_cast<double>(x) == reference_value<T>(byte));
        REQUIRE(static_cast<int>(x) == x.value());
        REQUIRE(x.value() >= T::min_value);
        REQUIRE(x.value() <= T::max_value);
        REQUIRE(lowbit::wrap<T>(x.value()) == x);
        REQUIRE(lowbit::saturate<T>(x.value()) == x);
        REQUIRE(lowbit::checked<T>(x.value()) == x);
        REQUIRE(T(x.value()) == x);
        REQUIRE(lowbit::saturate<T>(static_cast<double>(x.value())) == x);
        REQUIRE(T(static_cast<float>(x.value())) == x);
        if (byte == low) {
            REQUIRE(T::checked_from_bits(byte) == x);
            seen.insert(x.value());
        } else {
            REQUIRE_THROWS_AS(T::checked_from_bits(byte), std::out_of_range);
        }
    }
    REQUIRE(seen.size() == (std::size_t{1} << T::width));  // every value in range exactly once
    REQUIRE_THROWS_AS(T::checked_from_bits(std::uint64_t{1} << 40), std::out_of_range);
}

// Counts failures and keeps the first few descriptions: one REQUIRE per sweep keeps the sweeps fast.
struct mismatches {
    std::size_t count = 0;
    std::vector<std::string> first;
    template <class Describe>
    void check(bool ok, Describe&& describe)
    {
        if (ok) return;
        ++count;
        if (first.size() < 8) first.push_back(describe());
    }
    std::string report() const
    {
        std::string s = std::to_string(count) + " mismatches";
        for (const auto& f : first) s += "\n  " + f;
        return s;
    }
};

template <class T>
void check_type_integers(const std::vector<i128>& inputs)
{
    INFO("width " << T::width << (T::is_signed ? " signed" : " unsigned"));
    mismatches bad;
    for (const i128 x : inputs) {
        const auto describe = [&](const char* what) {
            return [&, what] { return std::string(what) + " at x = " + std::to_string(static_cast<long double>(x)); };
        };
        const int w = reference_wrap<T>(x);
        const int s = reference_saturate<T>(x);
        if (x >= std::numeric_limits<std::int64_t>::min() && x <= std::numeric_limits<std::int64_t>::max()) {
            const auto v = static_cast<std::int64_t>(x);
            bad.check(lowbit::wrap<T>(v).value() == w, describe("wrap(int64)"));
            bad.check(T(v).value() == w, describe("T(int64)"));
            bad.check(lowbit::saturate<T>(v).value() == s, describe("saturate(int64)"));
            if (v >= -300 && v <= 300) {  // checked() throws outside the range: keep the throws few
                bool threw = false;
                int got = 0;
                try {
                    got = lowbit::checked<T>(v).value();
                } catch (const std::out_of_range&) {
                    threw = true;
                }
                bad.check(w == s && x == w ? (!threw && got == w) : threw, describe("checked(int64)"));
            }
            if (v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max()) {
                bad.check(lowbit::wrap<T>(static_cast<int>(v)).value() == w, describe("wrap(int)"));
                bad.check(lowbit::saturate<T>(static_cast<int>(v)).value() == s, describe("saturate(int)"));
            }
            if (v >= -128 && v <= 127) {
                bad.check(lowbit::wrap<T>(static_cast<signed char>(v)).value() == w, describe("wrap(schar)"));
                bad.check(lowbit::saturate<T>(static_cast<signed char>(v)).value() == s, describe("saturate(schar)"));
            }
        }
        if (x >= 0 && x <= static_cast<i128>(std::numeric_limits<std::uint64_t>::max())) {
            const auto u = static_cast<std::uint64_t>(x);
            bad.check(lowbit::wrap<T>(u).value() == w, describe("wrap(uint64)"));
            bad.check(lowbit::saturate<T>(u).value() == s, describe("saturate(uint64)"));
            if (u <= 0xFFFF)
                bad.check(lowbit::saturate<T>(static_cast<std::uint16_t>(u)).value() == s, describe("saturate(u16)"));
        }
    }
    INFO(bad.report());
    REQUIRE(bad.count == 0);
}

template <class T>
void check_type_floats()
{
    INFO("width " << T::width << (T::is_signed ? " signed" : " unsigned"));
    REQUIRE(std::fegetround() == FE_TONEAREST);
    std::vector<double> inputs;
    for (int k = -(1 << 12); k <= (1 << 12); ++k) inputs.push_back(k / 8.0);  // every eighth, ties included
    for (const double d : {0.5, 1.0, 1.5}) {
        inputs.push_back(std::nextafter(d, 0.0));
        inputs.push_back(std::nextafter(d, 4.0));
        inputs.push_back(-std::nextafter(d, 0.0));
        inputs.push_back(-std::nextafter(d, 4.0));
        inputs.push_back(T::max_value + d);
        inputs.push_back(T::min_value - d);
        inputs.push_back(T::max_value + std::nextafter(d, 0.0));
        inputs.push_back(T::min_value - std::nextafter(d, 0.0));
    }
    for (const double big : {1e9, 4503599627370496.0, 9007199254740993.0, 1e300, std::numeric_limits<double>::max()}) {
        inputs.push_back(big);
        inputs.push_back(-big);
    }
    inputs.push_back(std::numeric_limits<double>::denorm_min());
    inputs.push_back(-0.0);
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> dist(-300.0, 300.0);
    for (int i = 0; i < 5000; ++i) inputs.push_back(dist(rng));

    mismatches bad;
    for (const rounding mode : all_roundings) {
        for (const double x : inputs) {
            const auto describe = [&](const char* what) {
                return [&, what] {
                    return std::string(what) + " at x = " + std::to_string(x) + " mode " +
                           std::to_string(static_cast<int>(mode));
                };
            };
            const double r = reference_round(x, mode);
            const int expected = static_cast<int>(std::clamp(r, double{T::min_value}, double{T::max_value}));
            bad.check(lowbit::saturate<T>(x, mode).value() == expected, describe("saturate(double)"));
            if (std::fabs(x) <= 2 * (T::max_value + 2)) {  // checked() throws outside the range: keep the throws few
                bool threw = false;
                int got = 0;
                try {
                    got = lowbit::checked<T>(x, mode).value();
                } catch (const std::out_of_range&) {
                    threw = true;
                }
                const bool in_range = r >= T::min_value && r <= T::max_value;
                bad.check(in_range ? (!threw && got == expected) : threw, describe("checked(double)"));
            }
            if (std::fabs(x) <= std::numeric_limits<float>::max()) {
                const auto f = static_cast<float>(x);
                const double rf = reference_round(static_cast<double>(f), mode);
                bad.check(lowbit::saturate<T>(f, mode).value() ==
                              static_cast<int>(std::clamp(rf, double{T::min_value}, double{T::max_value})),
                          describe("saturate(float)"));
            }
            if (mode == rounding::nearest_even) bad.check(T(x).value() == expected, describe("T(double)"));
        }
        constexpr double inf = std::numeric_limits<double>::infinity();
        REQUIRE(lowbit::saturate<T>(inf, mode).value() == T::max_value);
        REQUIRE(lowbit::saturate<T>(-inf, mode).value() == T::min_value);
        REQUIRE(lowbit::saturate<T>(std::nan(""), mode).value() == 0);
        REQUIRE(lowbit::saturate<T>(std::numeric_limits<float>::quiet_NaN(), mode).value() == 0);
        REQUIRE_THROWS_AS(lowbit::checked<T>(std::nan(""), mode), std::domain_error);
        REQUIRE_THROWS_AS(lowbit::checked<T>(inf, mode), std::out_of_range);
        REQUIRE_THROWS_AS(lowbit::checked<T>(-inf, mode), std::out_of_range);
    }
    INFO(bad.report());
    REQUIRE(bad.count == 0);
    REQUIRE(T(std::nan("")).value() == 0);
}

template <class T>
void check_type_limits()
{
    using L = std::numeric_limits<T>;
    constexpr int n = T::width;
    STATIC_REQUIRE(L::is_specialized);
    REQUIRE(L::min().value() == (T::is_signed ? -(1 << (n - 1)) : 0));
    REQUIRE(L::lowest() == L::min());
    REQUIRE(L::max().value() == (T::is_signed ? (1 << (n - 1)) - 1 : (1 << n) - 1));
    STATIC_REQUIRE(L::digits == (T::is_signed ? n - 1 : n));
    // digits10: the largest d such that every d-digit decimal fits.
    int d10 = 0;
    while (std::pow(10.0, d10 + 1) - 1 <= std::pow(2.0, L::digits) - 1) ++d10;
    REQUIRE(L::digits10 == d10);
    STATIC_REQUIRE(L::max_digits10 == 0);
    STATIC_REQUIRE(L::is_signed == T::is_signed);
    STATIC_REQUIRE(L::is_integer);
    STATIC_REQUIRE(L::is_exact);
    STATIC_REQUIRE(L::radix == 2);
    REQUIRE(L::epsilon().value() == 0);
    REQUIRE(L::round_error().value() == 0);
    STATIC_REQUIRE(L::min_exponent == 0);
    STATIC_REQUIRE(L::min_exponent10 == 0);
    STATIC_REQUIRE(L::max_exponent == 0);
    STATIC_REQUIRE(L::max_exponent10 == 0);
    STATIC_REQUIRE(!L::has_infinity);
    STATIC_REQUIRE(!L::has_quiet_NaN);
    STATIC_REQUIRE(!L::has_signaling_NaN);
    STATIC_REQUIRE(L::has_denorm == std::denorm_absent);
    STATIC_REQUIRE(!L::has_denorm_loss);
    REQUIRE(L::infinity().value() == 0);
    REQUIRE(L::quiet_NaN().value() == 0);
    REQUIRE(L::signaling_NaN().value() == 0);
    REQUIRE(L::denorm_min().value() == 0);
    STATIC_REQUIRE(!L::is_iec559);
    STATIC_REQUIRE(L::is_bounded);
    STATIC_REQUIRE(L::is_modulo == !T::is_signed);
    STATIC_REQUIRE(!L::traps);
    STATIC_REQUIRE(!L::tinyness_before);
    STATIC_REQUIRE(L::round_style == std::round_toward_zero);
    // The built-in integer with the same range agrees on the shared members.
    if constexpr (n == 8) {
        using B = std::conditional_t<T::is_signed, std::int8_t, std::uint8_t>;
        using BL = std::numeric_limits<B>;
        REQUIRE(L::min().value() == BL::min());
        REQUIRE(L::max().value() == BL::max());
        STATIC_REQUIRE(L::digits == BL::digits);
        STATIC_REQUIRE(L::digits10 == BL::digits10);
        STATIC_REQUIRE(L::is_modulo == BL::is_modulo);
    }
    // cv-qualified forms come from the standard library's forwarding specializations.
    STATIC_REQUIRE(std::numeric_limits<const T>::is_specialized);
    STATIC_REQUIRE(std::numeric_limits<volatile T>::digits == L::digits);
    REQUIRE(std::numeric_limits<const volatile T>::max() == L::max());
}

template <class T>
void check_type_ordering()
{
    const int count = 1 << T::width;
    for (int a = 0; a < count; ++a)
        for (int b = 0; b < count; ++b) {
            const T x = T::from_bits(static_cast<std::uint8_t>(a));
            const T y = T::from_bits(static_cast<std::uint8_t>(b));
            REQUIRE((x == y) == (x.value() == y.value()));
            REQUIRE((x != y) == (x.value() != y.value()));
            REQUIRE((x < y) == (x.value() < y.value()));
            REQUIRE((x <= y) == (x.value() <= y.value()));
            REQUIRE((x > y) == (x.value() > y.value()));
            REQUIRE((x >= y) == (x.value() >= y.value()));
        }
    std::unordered_set<T> set;
    for (int a = 0; a < 256; ++a) set.insert(T::from_bits(static_cast<std::uint8_t>(a)));
    REQUIRE(set.size() == static_cast<std::size_t>(count));
    for (int a = 0; a < count; ++a) {
        const T x = T::from_bits(static_cast<std::uint8_t>(a));
        REQUIRE(std::hash<T>{}(x) == std::hash<T>{}(lowbit::wrap<T>(x.value())));
        std::ostringstream s;
        s << x;
        REQUIRE(s.str() == std::to_string(x.value()));
    }
}

template <class... T>
struct type_list {};
using all_types = type_list<lowbit::int1, lowbit::int2, lowbit::int3, lowbit::int4, lowbit::int5, lowbit::int6,
                            lowbit::int7, lowbit::int8, lowbit::uint1, lowbit::uint2, lowbit::uint3, lowbit::uint4,
                            lowbit::uint5, lowbit::uint6, lowbit::uint7, lowbit::uint8>;

template <class... T, class F>
void for_each_type(type_list<T...>, F&& f)
{
    (f(T{}), ...);
}

}  // namespace

TEST_CASE("intn: int2/int4/uint2/uint4 decode like ml_dtypes", "[api][conversion]")
{
    const auto check = [](auto sample, const char* table_name) {
        using T = decltype(sample);
        const auto table = lowbit_test::load_decode_table(table_name);
        INFO(table_name);
        REQUIRE(table.size() == (std::size_t{1} << T::width));
        for (const auto& e : table) {
            INFO("code " << e.code);
            REQUIRE(e.cls == lowbit_test::decode_entry::kind::finite);
            const T x = T::from_bits(static_cast<std::uint8_t>(e.code));
            REQUIRE(static_cast<double>(x.value()) == e.value);
            REQUIRE(static_cast<double>(x) == e.value);
            REQUIRE(static_cast<float>(x) == static_cast<float>(e.value));
            // ml_dtypes ignores the bits above N: every byte with these low bits decodes the same.
            for (unsigned high = 1; high < (256u >> T::width); ++high)
                REQUIRE(T::from_bits(static_cast<std::uint8_t>(e.code | (high << T::width))).value() == x.value());
        }
    };
    check(lowbit::int2{}, "mldtypes_int2");
    check(lowbit::int4{}, "mldtypes_int4");
    check(lowbit::uint2{}, "mldtypes_uint2");
    check(lowbit::uint4{}, "mldtypes_uint4");
}

TEST_CASE("intn: every code of every width", "[api][conversion]")
{
    for_each_type(all_types{}, [](auto sample) { check_type_codes<decltype(sample)>(); });
}

TEST_CASE("intn: wrap and saturate over a wide range of integers", "[conversion]")
{
    const auto inputs = wide_integers();
    for_each_type(all_types{}, [&](auto sample) { check_type_integers<decltype(sample)>(inputs); });
    // Worked examples.
    REQUIRE(lowbit::wrap<lowbit::int4>(8).value() == -8);
    REQUIRE(lowbit::wrap<lowbit::int4>(9).value() == -7);
    REQUIRE(lowbit::wrap<lowbit::int4>(-9).value() == 7);
    REQUIRE(lowbit::wrap<lowbit::uint4>(-1).value() == 15);
    REQUIRE(lowbit::wrap<lowbit::int2>(300).value() == 0);
    REQUIRE(lowbit::saturate<lowbit::int4>(100).value() == 7);
    REQUIRE(lowbit::saturate<lowbit::int4>(-100).value() == -8);
    REQUIRE(lowbit::saturate<lowbit::uint4>(-1).value() == 0);
    REQUIRE(lowbit::saturate<lowbit::uint2>(std::numeric_limits<std::uint64_t>::max()).value() == 3);
    REQUIRE(lowbit::int1(1).value() == -1);
}

TEST_CASE("intn: from float and double in every rounding mode", "[conversion]")
{
    for_each_type(all_types{}, [](auto sample) { check_type_floats<decltype(sample)>(); });
    REQUIRE(lowbit::int4(2.5).value() == 2);
    REQUIRE(lowbit::int4(3.5f).value() == 4);
    REQUIRE(lowbit::int4(-7.5).value() == -8);
    REQUIRE(lowbit::int4(7.5).value() == 7);
    REQUIRE(lowbit::saturate<lowbit::int4>(2.5, rounding::nearest_away).value() == 3);
    REQUIRE(lowbit::saturate<lowbit::int4>(-2.5, rounding::toward_positive).value() == -2);
    REQUIRE(lowbit::saturate<lowbit::int4>(-2.5, rounding::toward_negative).value() == -3);
    REQUIRE(lowbit::saturate<lowbit::uint4>(-0.4).value() == 0);
}

TEST_CASE("intn: numeric_limits, all members", "[api][limits]")
{
    for_each_type(all_types{}, [](auto sample) { check_type_limits<decltype(sample)>(); });
}

TEST_CASE("intn: comparisons, hash and printing", "[api][logic]")
{
    for_each_type(all_types{}, [](auto sample) { check_type_ordering<decltype(sample)>(); });
    std::ostringstream s;
    s << lowbit::int4(-8) << ' ' << lowbit::uint8(200) << ' ' << lowbit::int8(-128);
    REQUIRE(s.str() == "-8 200 -128");
    std::wostringstream w;
    w << lowbit::int2(-2);
    REQUIRE(w.str() == L"-2");
}

TEST_CASE("intn: constexpr", "[api][constexpr]")
{
    STATIC_REQUIRE(lowbit::int4::from_bits(0x9).value() == -7);
    STATIC_REQUIRE(lowbit::int4::from_bits(0xF9).bits() == 0x9);
    STATIC_REQUIRE(lowbit::uint4::from_bits(0x9).value() == 9);
    STATIC_REQUIRE(lowbit::wrap<lowbit::int4>(23).value() == 7);
    STATIC_REQUIRE(lowbit::saturate<lowbit::int2>(-5).value() == -2);
    STATIC_REQUIRE(lowbit::saturate<lowbit::int4>(-3.5).value() == -4);
    STATIC_REQUIRE(lowbit::saturate<lowbit::int4>(-3.5, rounding::toward_zero).value() == -3);
    STATIC_REQUIRE(lowbit::checked<lowbit::uint2>(3).value() == 3);
    STATIC_REQUIRE(lowbit::int4(-1) < lowbit::int4(0));
    STATIC_REQUIRE(lowbit::uint4(15) > lowbit::uint4(0));
    STATIC_REQUIRE(std::numeric_limits<lowbit::int4>::max().value() == 7);
    STATIC_REQUIRE(sizeof(lowbit::int4) == 1);
    STATIC_REQUIRE(std::is_trivially_copyable_v<lowbit::int4>);
    STATIC_REQUIRE(!std::is_convertible_v<int, lowbit::int4>);  // explicit only
    STATIC_REQUIRE(!std::is_convertible_v<lowbit::int4, int>);
    STATIC_REQUIRE(lowbit::packed_size<lowbit::int4>(5) == 3);
    STATIC_REQUIRE(lowbit::packed_size<lowbit::int2>(5) == 2);
    STATIC_REQUIRE(lowbit::packed_size<lowbit::uint1>(17) == 3);
    STATIC_REQUIRE(lowbit::packed_size<lowbit::int8>(3) == 3);
    STATIC_REQUIRE(!lowbit::packable_integer<lowbit::int3>);
    STATIC_REQUIRE([] {
        const lowbit::int4 in[3] = {lowbit::int4(1), lowbit::int4(-6), lowbit::int4(-1)};
        std::uint8_t out[2] = {};
        lowbit::pack_nibbles(in, out);
        return out[0] == 0xA1 && out[1] == 0x0F;
    }());
}

TEST_CASE("intn: nibble packing", "[api][conversion]")
{
    using lowbit::int4;
    using lowbit::uint4;
    // Element 2i in the low nibble: (1, -6) -> 0xA1, like CUDA's fp4x2 (x low, y high).
    const std::vector<int4> a = {int4(1), int4(-6), int4(7), int4(-8)};
    std::vector<std::uint8_t> packed(2);
    lowbit::pack_nibbles(a, packed);
    REQUIRE(packed == std::vector<std::uint8_t>{0xA1, 0x87});
    std::vector<int4> back(4);
    lowbit::unpack_nibbles(packed, back);
    REQUIRE(back == a);

    // Odd length: the last high nibble is 0, and ignored on unpacking.
    const std::vector<uint4> b = {uint4(3), uint4(12), uint4(15)};
    std::vector<std::uint8_t> packed_b(2);
    lowbit::pack_nibbles(b, packed_b);
    REQUIRE(packed_b == std::vector<std::uint8_t>{0xC3, 0x0F});
    packed_b[1] = 0xEF;
    std::vector<uint4> back_b(3);
    lowbit::unpack_nibbles(packed_b, back_b);
    REQUIRE(back_b == b);

    // Empty input.
    std::vector<std::uint8_t> none;
    lowbit::pack_nibbles(std::span<const int4>{}, none);

    // Wrong sizes: std::invalid_argument naming both sizes, and nothing written.
    std::vector<std::uint8_t> small(1, 0x55);
    try {
        lowbit::pack_nibbles(a, small);
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        REQUIRE(std::string(e.what()) ==
                "lowbit::pack_nibbles: the output has 1 bytes, expected 2 for 4 elements");
    }
    REQUIRE(small == std::vector<std::uint8_t>{0x55});
    std::vector<std::uint8_t> large(3, 0x55);
    REQUIRE_THROWS_AS(lowbit::pack_nibbles(a, large), std::invalid_argument);
    REQUIRE(large == std::vector<std::uint8_t>(3, 0x55));
    std::vector<int4> out5(5, int4(2));
    REQUIRE_THROWS_WITH(lowbit::unpack_nibbles(packed, out5),
                        "lowbit::unpack_nibbles: the input has 2 bytes, expected 3 for 5 elements");
    REQUIRE(out5 == std::vector<int4>(5, int4(2)));

    // Random round trips of every length 0..64 against an independent packer.
    std::mt19937 rng(7);
    for (std::size_t n = 0; n <= 64; ++n) {
        std::vector<int4> v(n);
        for (auto& x : v) x = int4::from_bits(static_cast<std::uint8_t>(rng() & 15));
        std::vector<std::uint8_t> expected((n + 1) / 2, 0);
        for (std::size_t i = 0; i < n; ++i)
            expected[i / 2] = static_cast<std::uint8_t>(expected[i / 2] | (v[i].bits() << (i % 2 == 0 ? 0 : 4)));
        std::vector<std::uint8_t> got(lowbit::packed_size<int4>(n));
        lowbit::pack_nibbles(v, got);
        REQUIRE(got == expected);
        std::vector<int4> round(n);
        lowbit::unpack_nibbles(got, round);
        REQUIRE(round == v);
    }
}

TEST_CASE("intn: int2 and 1-bit packing", "[api][conversion]")
{
    using lowbit::int2;
    using lowbit::uint2;
    // Element 4i + k at bits 2k..2k+1.
    const std::vector<int2> a = {int2(1), int2(-2), int2(-1), int2(0), int2(-1)};
    std::vector<std::uint8_t> packed(2);
    lowbit::pack_crumbs(a, packed);
    REQUIRE(packed == std::vector<std::uint8_t>{0x39, 0x03});  // 00 11 10 01, then 11 padded with zeros
    std::vector<int2> back(5);
    lowbit::unpack_crumbs(packed, back);
    REQUIRE(back == a);
    std::vector<std::uint8_t> wrong(1);
    REQUIRE_THROWS_WITH(lowbit::pack_crumbs(a, wrong),
                        "lowbit::pack_crumbs: the output has 1 bytes, expected 2 for 5 elements");

    std::mt19937 rng(11);
    for (std::size_t n = 0; n <= 40; ++n) {
        std::vector<uint2> v(n);
        for (auto& x : v) x = uint2::from_bits(static_cast<std::uint8_t>(rng() & 3));
        std::vector<std::uint8_t> expected((n + 3) / 4, 0);
        for (std::size_t i = 0; i < n; ++i)
            expected[i / 4] = static_cast<std::uint8_t>(expected[i / 4] | (v[i].bits() << (2 * (i % 4))));
        std::vector<std::uint8_t> got(lowbit::packed_size<uint2>(n));
        lowbit::pack_crumbs(v, got);
        REQUIRE(got == expected);
        std::vector<uint2> round(n);
        lowbit::unpack_crumbs(got, round);
        REQUIRE(round == v);
    }

    // Generic form: eight 1-bit codes per byte, element i at bit i % 8.
    const std::vector<lowbit::uint1> bits = {lowbit::uint1(1), lowbit::uint1(0), lowbit::uint1(1),
                                             lowbit::uint1(1), lowbit::uint1(0), lowbit::uint1(0),
                                             lowbit::uint1(0), lowbit::uint1(1), lowbit::uint1(1)};
    std::vector<std::uint8_t> packed_bits(2);
    lowbit::pack_subbyte<lowbit::uint1>(bits, packed_bits);
    REQUIRE(packed_bits == std::vector<std::uint8_t>{0x8D, 0x01});
    std::vector<lowbit::uint1> bits_back(9);
    lowbit::unpack_subbyte<lowbit::uint1>(packed_bits, bits_back);
    REQUIRE(bits_back == bits);
}
