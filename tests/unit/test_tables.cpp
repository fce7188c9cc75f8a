// Compile-time tables and traits: decode_table, all_codes, code_count, format_traits.
#include <catch2/catch.hpp>

#include <lowbit/core/tables.hpp>
#include <lowbit/types/named_formats.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace {

// The table agrees bit for bit with the conversion operators on every code.
template <class T, class F>
void check_table()
{
    const auto& table = lowbit::decode_table<T, F>;
    REQUIRE(table.size() == lowbit::code_count<T>);
    std::uint64_t mismatches = 0;
    for (std::uint32_t c = 0; c < table.size(); ++c) {
        const F expected = static_cast<F>(T::from_bits(static_cast<typename T::storage_type>(c)));
        if (std::bit_cast<std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>>(table[c]) !=
            std::bit_cast<std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>>(expected))
            ++mismatches;
    }
    CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("decode_table holds every code's value at compile time", "[constexpr][api]")
{
    using namespace lowbit;
    // Literal values from formats-spec.md §1.1.
    STATIC_REQUIRE(decode_table<float8_e4m3fn>[0x7E] == 448.0);
    STATIC_REQUIRE(decode_table<float8_e4m3fn, float>[0x01] == 0x1p-9f);
    STATIC_REQUIRE(decode_table<float8_e5m2>[0xFB] == -57344.0);
    STATIC_REQUIRE(decode_table<float8_e8m0fnu>[0x00] == 0x1p-127);
    STATIC_REQUIRE(decode_table<float8_e8m0fnu>[0xFE] == 0x1p127);
    STATIC_REQUIRE(decode_table<float4_e2m1fn, float>[0x7] == 6.0f);
    STATIC_REQUIRE(decode_table<float6_e3m2fn>[0x1F] == 28.0);
    STATIC_REQUIRE(decode_table<float16>[0x7BFF] == 65504.0);
    STATIC_REQUIRE(decode_table<float16, float>[0x0001] == 0x1p-24f);
    STATIC_REQUIRE(decode_table<bfloat16, float>[0x0080] == 0x1p-126f);
    STATIC_REQUIRE(decode_table<bfloat16>[0xFF80] == -std::numeric_limits<double>::infinity());
    STATIC_REQUIRE(decode_table<float16>.size() == 65536);
    // The 8-bit tables are the ones the conversion operators read.
    STATIC_REQUIRE(&decode_table<float8_e4m3fn> == &detail::value_table<double, float8_e4m3fn::info>);

    check_table<float8_e4m3fn, float>();
    check_table<float8_e4m3fn, double>();
    check_table<float8_e4m3fnuz, double>();
    check_table<float8_e5m2, float>();
    check_table<float8_e8m0fnu, double>();
    check_table<float6_e2m3fn, float>();
    check_table<float4_e2m1fn, double>();
    check_table<float16, double>();
    check_table<float16, float>();
    check_table<bfloat16, float>();
    check_table<bfloat16, double>();
    // A 12-bit research format (one chunk) and a 10-bit one.
    check_table<float_format<5, 6, 15, specials::ieee>, double>();
    check_table<float_format<4, 5, 7, specials::fn>, float>();
}

TEST_CASE("all_codes and code_count", "[constexpr][api]")
{
    using namespace lowbit;
    STATIC_REQUIRE(code_count<float4_e2m1fn> == 16);
    STATIC_REQUIRE(code_count<float6_e2m3fn> == 64);
    STATIC_REQUIRE(code_count<float16> == 65536);
    constexpr auto fp4 = all_codes<float4_e2m1fn>();
    STATIC_REQUIRE(fp4.size() == 16);
    STATIC_REQUIRE(fp4[5].bits() == 5);
    STATIC_REQUIRE(static_cast<double>(fp4[0xF]) == -6.0);
    constexpr auto e8 = all_codes<float8_e8m0fnu>();
    STATIC_REQUIRE(e8[0x7F].bits() == 0x7F);
    const auto half = all_codes<float16>();
    for (std::uint32_t c = 0; c < half.size(); ++c) REQUIRE(half[c].bits() == c);
}

TEST_CASE("format_traits exposes the format's properties as constants", "[constexpr][api]")
{
    using namespace lowbit;
    using T4 = format_traits<float8_e4m3fn>;
    STATIC_REQUIRE(std::is_same_v<T4::storage_type, std::uint8_t>);
    STATIC_REQUIRE(T4::bits == 8);
    STATIC_REQUIRE(T4::exponent_bits == 4);
    STATIC_REQUIRE(T4::mantissa_bits == 3);
    STATIC_REQUIRE(T4::bias == 7);
    STATIC_REQUIRE(T4::specials == specials::fn);
    STATIC_REQUIRE(T4::is_signed);
    STATIC_REQUIRE(!T4::has_inf);
    STATIC_REQUIRE(T4::has_nan);
    STATIC_REQUIRE(T4::has_negative_zero);
    STATIC_REQUIRE(T4::finite_code_count == 254);
    STATIC_REQUIRE(T4::code_count == 256);
    STATIC_REQUIRE(T4::max_code == 0x7E);
    STATIC_REQUIRE(T4::max_value == 448.0);
    STATIC_REQUIRE(T4::min_normal_value == 0x1p-6);
    STATIC_REQUIRE(T4::min_positive_value == 0x1p-9);
    STATIC_REQUIRE(T4::min_normal_exponent == -6);
    STATIC_REQUIRE(T4::max_exponent == 8);

    using S = format_traits<float8_e8m0fnu>;
    STATIC_REQUIRE(!S::is_signed);
    STATIC_REQUIRE(!S::has_zero);
    STATIC_REQUIRE(S::max_value == 0x1p127);
    STATIC_REQUIRE(S::min_normal_value == 0x1p-127);
    STATIC_REQUIRE(S::min_positive_value == 0x1p-127);
    STATIC_REQUIRE(S::finite_code_count == 255);

    using B = format_traits<bfloat16>;
    STATIC_REQUIRE(std::is_same_v<B::storage_type, std::uint16_t>);
    STATIC_REQUIRE(B::max_value == 0x1.fep127);
    STATIC_REQUIRE(B::min_positive_value == 0x1p-133);
    STATIC_REQUIRE(B::finite_code_count == 65280);

    using TF = format_traits<tfloat32>;
    STATIC_REQUIRE(TF::bits == 19);
    STATIC_REQUIRE(std::is_same_v<TF::storage_type, std::uint32_t>);
    STATIC_REQUIRE(TF::finite_code_count == 522240);
    STATIC_REQUIRE(TF::min_positive_value == 0x1p-136);

    using N = format_traits<float_format<4, 3, 7, specials::ieee, sign_bit::present, subnormals::absent>>;
    STATIC_REQUIRE(N::min_positive_value == 0x1p-6);
}
