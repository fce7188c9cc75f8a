// Comparisons, totalOrder and std::hash of float_format values, checked against the decoded doubles:
// all pairs of codes of every named format of at most 8 bits, sampled pairs of the 16-bit formats.
#include <catch2/catch.hpp>

#include <lowbit/types/float_compare.hpp>
#include <lowbit/types/float_hash.hpp>
#include <lowbit/types/named_formats.hpp>

#include <algorithm>
#include <cmath>
#include <compare>
#include <cstdint>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

template <class T>
T code(std::uint32_t c)
{
    return T::from_bits(static_cast<typename T::storage_type>(c));
}

struct failures {
    std::uint64_t count = 0;
    std::string first;
    void fail(std::uint32_t a, std::uint32_t b, const char* what)
    {
        if (count++ == 0) {
            std::ostringstream s;
            s << what << " for codes 0x" << std::hex << a << ", 0x" << b;
            first = s.str();
        }
    }
};

// Comparisons of a and b against the same comparisons of the decoded doubles.
template <class T>
void compare_pair(std::uint32_t ca, std::uint32_t cb, failures& f)
{
    const T a = code<T>(ca), b = code<T>(cb);
    const double x = static_cast<double>(a), y = static_cast<double>(b);
    if ((a == b) != (x == y)) f.fail(ca, cb, "==");
    if ((a != b) != (x != y)) f.fail(ca, cb, "!=");
    if ((a < b) != (x < y)) f.fail(ca, cb, "<");
    if ((a <= b) != (x <= y)) f.fail(ca, cb, "<=");
    if ((a > b) != (x > y)) f.fail(ca, cb, ">");
    if ((a >= b) != (x >= y)) f.fail(ca, cb, ">=");
    if ((a <=> b) != (x <=> y)) f.fail(ca, cb, "<=>");
}

// IEEE totalOrder computed from the decoded doubles and the code's NaN payload, independently of
// total_order_key: true when a is before or the same as b.
template <class T>
bool expected_total_order(std::uint32_t ca, std::uint32_t cb)
{
    const double x = static_cast<double>(code<T>(ca)), y = static_cast<double>(code<T>(cb));
    const bool xn = std::isnan(x), yn = std::isnan(y);
    const bool xs = std::signbit(x), ys = std::signbit(y);
    if (xn || yn) {
        if (xn && yn) {
            if (xs != ys) return xs;
            const std::uint32_t pa = ca & T::info.magnitude_mask, pb = cb & T::info.magnitude_mask;
            return xs ? pa >= pb : pa <= pb;  // payload (with the quiet bit) grows away from zero
        }
        if (xn) return xs;   // -NaN before everything, +NaN after
        return !ys;          // y is NaN
    }
    if (x != y) return x < y;
    if (x == 0 && xs != ys) return xs;  // -0 before +0
    // The same value: one code, or zero codes of a format without subnormals, ordered by bits away from 0.
    const std::uint32_t pa = ca & T::info.magnitude_mask, pb = cb & T::info.magnitude_mask;
    return xs ? pa >= pb : pa <= pb;
}

template <class T>
void check_all_pairs()
{
    const std::uint32_t n = std::uint32_t{1} << T::info.total_bits;
    failures f, order;
    for (std::uint32_t a = 0; a < n; ++a)
        for (std::uint32_t b = 0; b < n; ++b) {
            compare_pair<T>(a, b, f);
            const bool got = lowbit::total_order(code<T>(a), code<T>(b));
            if (got != expected_total_order<T>(a, b)) order.fail(a, b, "total_order");
        }
    INFO(f.first);
    CHECK(f.count == 0);
    INFO(order.first);
    CHECK(order.count == 0);
}

template <class T>
void check_sampled_pairs()
{
    // Every pair among interesting codes, then pseudo-random pairs.
    std::vector<std::uint32_t> special;
    const std::uint32_t s = T::info.sign_mask, m = T::info.magnitude_mask;
    for (std::uint32_t c : {0u, 1u, 2u, 0x3Fu, 0x400u, 0x3C00u, 0x3F80u, T::info.max_magnitude_code, m, m - 1,
                            T::info.inf_magnitude_code, T::info.inf_magnitude_code + 1, T::info.quiet_nan_code})
        for (std::uint32_t sign : {0u, s}) special.push_back((c & m) | sign);
    failures f, order;
    for (std::uint32_t a : special)
        for (std::uint32_t b : special) {
            compare_pair<T>(a, b, f);
            if (lowbit::total_order(code<T>(a), code<T>(b)) != expected_total_order<T>(a, b))
                order.fail(a, b, "total_order");
        }
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 400000; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const auto a = static_cast<std::uint32_t>(state >> 48);
        // Half the pairs are near each other, where the ordering is most likely wrong.
        const auto b = (i & 1) ? static_cast<std::uint32_t>(state >> 16) & 0xFFFF
                               : static_cast<std::uint32_t>((a + (state & 7)) & 0xFFFF);
        compare_pair<T>(a, b, f);
        if (lowbit::total_order(code<T>(a), code<T>(b)) != expected_total_order<T>(a, b))
            order.fail(a, b, "total_order");
    }
    INFO(f.first);
    CHECK(f.count == 0);
    INFO(order.first);
    CHECK(order.count == 0);
}

// total_order_key is a bijection onto 0..2^bits-1 that sorts the codes in expected_total_order.
template <class T>
void check_key_permutation()
{
    const std::uint32_t n = std::uint32_t{1} << T::info.total_bits;
    std::vector<std::uint32_t> codes(n);
    std::iota(codes.begin(), codes.end(), 0u);
    std::vector<bool> seen(n);
    for (std::uint32_t c : codes) {
        const std::uint32_t k = lowbit::total_order_key(code<T>(c));
        REQUIRE(k < n);
        CHECK_FALSE(seen[k]);
        seen[k] = true;
    }
    std::sort(codes.begin(), codes.end(), [](std::uint32_t a, std::uint32_t b) {
        return lowbit::total_order_key(code<T>(a)) < lowbit::total_order_key(code<T>(b));
    });
    for (std::uint32_t i = 1; i < n; ++i) {
        INFO("codes 0x" << std::hex << codes[i - 1] << " then 0x" << codes[i]);
        CHECK(expected_total_order<T>(codes[i - 1], codes[i]));
        CHECK_FALSE(expected_total_order<T>(codes[i], codes[i - 1]));
    }
}

}  // namespace

TEST_CASE("comparisons and total_order agree with the decoded doubles on all pairs of 8-bit and smaller codes",
          "[logic]")
{
    using namespace lowbit;
    SECTION("float8_e4m3fn") { check_all_pairs<float8_e4m3fn>(); }
    SECTION("float8_e4m3") { check_all_pairs<float8_e4m3>(); }
    SECTION("float8_e4m3fnuz") { check_all_pairs<float8_e4m3fnuz>(); }
    SECTION("float8_e4m3b11fnuz") { check_all_pairs<float8_e4m3b11fnuz>(); }
    SECTION("float8_e3m4") { check_all_pairs<float8_e3m4>(); }
    SECTION("float8_e5m2") { check_all_pairs<float8_e5m2>(); }
    SECTION("float8_e5m2fnuz") { check_all_pairs<float8_e5m2fnuz>(); }
    SECTION("float8_e8m0fnu") { check_all_pairs<float8_e8m0fnu>(); }
    SECTION("float6_e2m3fn") { check_all_pairs<float6_e2m3fn>(); }
    SECTION("float6_e3m2fn") { check_all_pairs<float6_e3m2fn>(); }
    SECTION("float4_e2m1fn") { check_all_pairs<float4_e2m1fn>(); }
    SECTION("unsigned E4M4 with Inf") { check_all_pairs<float_format<4, 4, 7, specials::ieee, sign_bit::absent>>(); }
}

TEST_CASE("comparisons and total_order agree with the decoded doubles on sampled 16-bit pairs", "[logic]")
{
    SECTION("bfloat16") { check_sampled_pairs<lowbit::bfloat16>(); }
    SECTION("float16") { check_sampled_pairs<lowbit::float16>(); }
}

TEST_CASE("total_order_key sorts every code in IEEE totalOrder", "[logic]")
{
    using namespace lowbit;
    check_key_permutation<float8_e4m3fn>();
    check_key_permutation<float8_e4m3>();
    check_key_permutation<float8_e4m3fnuz>();
    check_key_permutation<float8_e5m2fnuz>();
    check_key_permutation<float8_e8m0fnu>();
    check_key_permutation<float6_e2m3fn>();
    check_key_permutation<float4_e2m1fn>();
    check_key_permutation<float16>();
    check_key_permutation<bfloat16>();
}

TEST_CASE("comparisons: landmarks and compile-time use", "[logic][constexpr]")
{
    using namespace lowbit;
    using F = float8_e4m3fn;
    STATIC_REQUIRE(F::from_bits(0x00) == F::from_bits(0x80));  // +0 == -0
    STATIC_REQUIRE_FALSE(F::from_bits(0x7F) == F::from_bits(0x7F));
    STATIC_REQUIRE(F::from_bits(0x7F) != F::from_bits(0x7F));
    STATIC_REQUIRE((F::from_bits(0x7F) <=> F::from_bits(0x38)) == std::partial_ordering::unordered);
    STATIC_REQUIRE((F::from_bits(0xB8) <=> F::from_bits(0x38)) == std::partial_ordering::less);
    STATIC_REQUIRE(F::from_bits(0xFE) < F::from_bits(0x7E));
    STATIC_REQUIRE(total_order(F::from_bits(0x80), F::from_bits(0x00)));
    STATIC_REQUIRE_FALSE(total_order(F::from_bits(0x00), F::from_bits(0x80)));
    STATIC_REQUIRE(total_order(F::from_bits(0xFF), F::from_bits(0xFE)));  // -NaN first
    STATIC_REQUIRE(total_order(F::from_bits(0x7E), F::from_bits(0x7F)));  // +NaN last
    // FNUZ: the single NaN (bits of -0) sorts last; 0x00 is the only zero.
    using Z = float8_e4m3fnuz;
    STATIC_REQUIRE(total_order_key(Z::from_bits(0x80)) == 0xFF);
    STATIC_REQUIRE(total_order_key(Z::from_bits(0xFF)) == 0x00);
    STATIC_REQUIRE(total_order(Z::from_bits(0x7F), Z::from_bits(0x80)));
    // E8M0: unsigned, no zero, the NaN last.
    using S = float8_e8m0fnu;
    STATIC_REQUIRE(S::from_bits(0x00) < S::from_bits(0xFE));
    STATIC_REQUIRE_FALSE(S::from_bits(0xFF) == S::from_bits(0xFF));
    STATIC_REQUIRE(total_order_key(S::from_bits(0xFF)) == 0xFF);
    // IEEE: signaling NaNs sit nearer zero than quiet ones.
    using H = float16;
    STATIC_REQUIRE(total_order(H::from_bits(0x7C01), H::from_bits(0x7E00)));
    STATIC_REQUIRE(total_order(H::from_bits(0xFE00), H::from_bits(0xFC01)));
    // Without subnormals the field-0 codes equal zero.
    using D = float_format<4, 3, 7, specials::ieee, sign_bit::present, subnormals::absent>;
    STATIC_REQUIRE(D::from_bits(0x03) == D::from_bits(0x80));
    STATIC_REQUIRE(D::from_bits(0x83) < D::from_bits(0x08));
}

TEST_CASE("comparisons of a format without subnormals treat field-0 codes as zero", "[logic]")
{
    check_all_pairs<lowbit::float_format<4, 3, 7, lowbit::specials::ieee, lowbit::sign_bit::present,
                                         lowbit::subnormals::absent>>();
}

namespace {

template <class T>
void check_hash()
{
    const std::uint32_t n = std::uint32_t{1} << T::info.total_bits;
    const std::hash<T> h;
    for (std::uint32_t a = 0; a < n; ++a) {
        CHECK(h(code<T>(a)) == h(code<T>(a)));  // deterministic, NaNs included
        for (std::uint32_t b = 0; b < n; ++b)
            if (code<T>(a) == code<T>(b) && h(code<T>(a)) != h(code<T>(b))) FAIL("equal values hash differently");
    }
}

}  // namespace

TEST_CASE("std::hash: equal values hash equal", "[api]")
{
    using namespace lowbit;
    check_hash<float8_e4m3fn>();
    check_hash<float8_e5m2>();
    check_hash<float8_e4m3fnuz>();
    check_hash<float8_e8m0fnu>();
    check_hash<float4_e2m1fn>();
    check_hash<float_format<4, 3, 7, specials::ieee, sign_bit::present, subnormals::absent>>();
    CHECK(std::hash<float16>{}(float16::from_bits(0x8000)) == std::hash<float16>{}(float16::from_bits(0)));

    // Usable as a key; -0 finds +0. Distinct values stay distinct.
    std::unordered_set<bfloat16> set;
    for (std::uint32_t c = 0x3F80; c < 0x3F90; ++c) set.insert(code<bfloat16>(c));
    set.insert(bfloat16::from_bits(0x0000));
    CHECK(set.size() == 17);
    CHECK(set.count(bfloat16::from_bits(0x8000)) == 1);
    CHECK(set.count(bfloat16::from_bits(0x3F81)) == 1);
    CHECK(set.count(bfloat16::from_bits(0x3F90)) == 0);
}
