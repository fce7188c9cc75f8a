// posit<N, ES>: the spec's worked examples, every code decoded against SoftPosit and universal, every
// conformance sample converted code for code, ordering, limits, hashing and printing.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_set>

#include <lowbit/types/posit.hpp>

#include "conformance_data.hpp"

namespace {

using lowbit::posit;
using lowbit::posit16;
using lowbit::posit32;
using lowbit::posit8;

template <class P>
P code(std::uint32_t c)
{
    return P::from_bits(static_cast<typename P::storage_type>(c));
}

template <class P>
std::string hex(P p)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*X", (P::nbits + 3) / 4, static_cast<unsigned>(p.bits()));
    return buf;
}

}  // namespace

TEST_CASE("posit storage, aliases and shapes", "[posit][api]")
{
    STATIC_REQUIRE(std::is_same_v<posit8::storage_type, std::uint8_t>);
    STATIC_REQUIRE(std::is_same_v<posit16::storage_type, std::uint16_t>);
    STATIC_REQUIRE(std::is_same_v<posit32::storage_type, std::uint32_t>);
    STATIC_REQUIRE(std::is_same_v<posit<9, 1>::storage_type, std::uint16_t>);
    STATIC_REQUIRE(std::is_same_v<posit<17, 0>::storage_type, std::uint32_t>);
    STATIC_REQUIRE(std::is_same_v<posit8, posit<8, 2>>);
    STATIC_REQUIRE(std::is_same_v<lowbit::softposit8, posit<8, 0>>);
    STATIC_REQUIRE(std::is_same_v<lowbit::softposit16, posit<16, 1>>);
    STATIC_REQUIRE(sizeof(posit8) == 1);
    STATIC_REQUIRE(sizeof(posit16) == 2);
    STATIC_REQUIRE(sizeof(posit32) == 4);
    STATIC_REQUIRE(std::is_trivially_copyable_v<posit16>);
    STATIC_REQUIRE(posit8::decodes_exactly_to_float);
    STATIC_REQUIRE(posit16::decodes_exactly_to_float);
    STATIC_REQUIRE_FALSE(posit32::decodes_exactly_to_float);
    STATIC_REQUIRE(std::is_constructible_v<float, posit16>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<float, posit32>);
    STATIC_REQUIRE(std::is_constructible_v<double, posit32>);
    // Bits above N are dropped by from_bits.
    CHECK(posit<6, 1>::from_bits(0xFF).bits() == 0x3F);
    CHECK(posit8::nar().bits() == 0x80);
    CHECK(posit16::nar().bits() == 0x8000);
    CHECK(posit32::nar().bits() == 0x80000000u);
    CHECK(posit<5, 0>::nar().bits() == 0x10);
    CHECK(posit8().bits() == 0);
}

TEST_CASE("posit worked examples of spec section 6", "[posit][conversion]")
{
    STATIC_REQUIRE(posit8(1.0).bits() == 0x40);
    STATIC_REQUIRE(posit8(2.0).bits() == 0x48);
    STATIC_REQUIRE(posit8(0.5).bits() == 0x38);
    STATIC_REQUIRE(posit8(16.0).bits() == 0x60);
    STATIC_REQUIRE(posit8(-1.0).bits() == 0xC0);
    STATIC_REQUIRE(posit8::maxpos().bits() == 0x7F);
    STATIC_REQUIRE(posit8::minpos().bits() == 0x01);
    STATIC_REQUIRE(posit8(1.0625).bits() == 0x40);  // tie between 1.0 and 1.125, even code
    STATIC_REQUIRE(posit8(1.1875).bits() == 0x42);  // tie between 1.125 and 1.25, even code
    STATIC_REQUIRE(posit8(3e7).bits() == 0x7F);     // above maxpos: saturates
    STATIC_REQUIRE(posit8(1e-30).bits() == 0x01);   // below minpos: never 0
    STATIC_REQUIRE(posit8(-1e-30).bits() == 0xFF);
    STATIC_REQUIRE(posit8(4194304.0).bits() == 0x7E);  // 2^22: geometric tie between 2^20 and 2^24
    STATIC_REQUIRE(posit8(8388608.0).bits() == 0x7F);  // 2^23
    STATIC_REQUIRE(posit16(1.0).bits() == 0x4000);
    STATIC_REQUIRE(posit32(1.0).bits() == 0x40000000u);
    STATIC_REQUIRE(posit8(16777216.0f).bits() == 0x7F);  // maxpos = 2^24
    STATIC_REQUIRE(static_cast<double>(posit8::maxpos()) == 16777216.0);
    STATIC_REQUIRE(static_cast<double>(posit8::minpos()) == 1.0 / 16777216.0);
    STATIC_REQUIRE(static_cast<double>(posit16::maxpos()) == 72057594037927936.0);  // 2^56
    STATIC_REQUIRE(static_cast<double>(posit32::maxpos()) == 1329227995784915872903807060280344576.0);  // 2^120
    // SoftPosit's classic shapes: 2.0 differs, 1.0 does not.
    STATIC_REQUIRE(lowbit::softposit8(2.0).bits() == 0x60);
    STATIC_REQUIRE(lowbit::softposit8(1.0).bits() == 0x40);
    STATIC_REQUIRE(static_cast<double>(lowbit::softposit8::maxpos()) == 64.0);
    STATIC_REQUIRE(static_cast<double>(lowbit::softposit16::maxpos()) == 268435456.0);  // 2^28

    // Specials from IEEE.
    CHECK(posit8(0.0).bits() == 0);
    CHECK(posit8(-0.0).bits() == 0);
    CHECK(posit8(std::numeric_limits<double>::infinity()).is_nar());
    CHECK(posit8(-std::numeric_limits<float>::infinity()).is_nar());
    CHECK(posit16(std::numeric_limits<double>::quiet_NaN()).is_nar());
    CHECK(posit32(-std::numeric_limits<float>::quiet_NaN()).is_nar());
    CHECK(posit32(std::numeric_limits<double>::denorm_min()).bits() == 1u);
    CHECK(posit32(-std::numeric_limits<double>::max()).bits() == 0x80000001u);
    CHECK(std::isnan(static_cast<double>(posit8::nar())));
    CHECK(std::isnan(static_cast<float>(posit16::nar())));

    // Integers, other posit shapes, the convert entry point.
    CHECK(posit16(3).bits() == posit16(3.0).bits());
    CHECK(posit16(-7L).bits() == posit16(-7.0).bits());
    CHECK(posit32(std::numeric_limits<std::int64_t>::min()).bits() == posit32(-9223372036854775808.0).bits());
    CHECK(posit32(std::numeric_limits<std::uint64_t>::max()).bits() == posit32(18446744073709551616.0).bits());
    CHECK(posit8(posit16(1.0625)).bits() == 0x40);
    CHECK(posit8(posit32::nar()).is_nar());
    CHECK(posit32(posit8(3.0)).bits() == posit32(3.0).bits());
    CHECK(lowbit::convert<posit16>(1.0).bits() == 0x4000);
    CHECK(lowbit::convert<posit8>(2.0f).bits() == 0x48);
}

TEST_CASE("posit codes decode as SoftPosit and universal decode them", "[posit][conversion][conformance]")
{
    const auto check_table = [](auto tag, const char* reference, const char* format, bool nar_is_inf) {
        using P = typename decltype(tag)::type;
        const std::string name = std::string(reference) + "_" + format;
        INFO(name);
        const auto table = lowbit_test::load_decode_table(name);
        REQUIRE(table.size() == (std::size_t{1} << P::nbits));
        int mismatches = 0;
        for (const auto& e : table) {
            const P p = code<P>(e.code);
            const double d = static_cast<double>(p);
            const double f = static_cast<double>(static_cast<float>(p));
            bool ok = false;
            if (e.code == (1u << (P::nbits - 1))) {
                // NaR: universal and SoftPosit's classic types give NaN, SoftPosit's es=2 pX2 path gives +inf.
                ok = p.is_nar() && std::isnan(d) && std::isnan(f) &&
                     (nar_is_inf ? e.cls == lowbit_test::decode_entry::kind::inf && e.value > 0
                                 : e.cls == lowbit_test::decode_entry::kind::nan);
            } else {
                ok = e.cls == lowbit_test::decode_entry::kind::finite &&
                     std::bit_cast<std::uint64_t>(d) == std::bit_cast<std::uint64_t>(e.value) &&
                     std::bit_cast<std::uint64_t>(f) == std::bit_cast<std::uint64_t>(e.value);
            }
            if (!ok && ++mismatches <= 5) FAIL_CHECK("code " << hex(p) << " decodes to " << d << ", reference " << e.value);
        }
        CHECK(mismatches == 0);
    };
    struct tag8_0 { using type = posit<8, 0>; };
    struct tag8_2 { using type = posit<8, 2>; };
    struct tag16_1 { using type = posit<16, 1>; };
    struct tag16_2 { using type = posit<16, 2>; };
    for (const char* ref : {"softposit", "universal"}) {
        const bool softposit = std::string(ref) == "softposit";
        check_table(tag8_0{}, ref, "posit8_es0", false);
        check_table(tag8_2{}, ref, "posit8_es2", softposit);
        check_table(tag16_1{}, ref, "posit16_es1", false);
        check_table(tag16_2{}, ref, "posit16_es2", softposit);
    }
}

TEST_CASE("posit conversion of every conformance sample matches SoftPosit and universal", "[posit][conversion][conformance]")
{
    const auto inputs32 = lowbit_test::load_inputs_f32();
    const auto inputs64 = lowbit_test::load_inputs_f64();
    const auto run = [&](auto tag, const std::string& format) {
        using P = typename decltype(tag)::type;
        const int width = P::nbits <= 8 ? 1 : (P::nbits <= 16 ? 2 : 4);
        for (const char* ref : {"softposit", "universal"}) {
            for (const char* kind : {"f32", "f64"}) {
                const std::string stem = std::string(ref) + "_" + format + "_rne_" + kind;
                INFO(stem);
                REQUIRE(lowbit_test::has_codes(stem));
                const auto codes = lowbit_test::load_codes(stem, width);
                const bool is32 = std::string(kind) == "f32";
                REQUIRE(codes.size() == (is32 ? inputs32.size() : inputs64.size()));
                int mismatches = 0;
                for (std::size_t i = 0; i < codes.size(); ++i) {
                    const P p = is32 ? P(std::bit_cast<float>(inputs32[i])) : P(std::bit_cast<double>(inputs64[i]));
                    if (p.bits() != codes[i] && ++mismatches <= 5)
                        FAIL_CHECK("input #" << i << " gives " << hex(p) << ", reference " << hex(code<P>(codes[i])));
                }
                CHECK(mismatches == 0);
            }
        }
    };
    struct tag8_0 { using type = posit<8, 0>; };
    struct tag8_2 { using type = posit<8, 2>; };
    struct tag16_1 { using type = posit<16, 1>; };
    struct tag16_2 { using type = posit<16, 2>; };
    struct tag32_2 { using type = posit<32, 2>; };
    run(tag8_0{}, "posit8_es0");
    run(tag8_2{}, "posit8_es2");
    run(tag16_1{}, "posit16_es1");
    run(tag16_2{}, "posit16_es2");
    run(tag32_2{}, "posit32_es2");
}

TEST_CASE("posits order like two's-complement integers; NaR is below every real and equal to itself", "[posit][logic]")
{
    STATIC_REQUIRE(posit8::nar() == posit8::nar());
    STATIC_REQUIRE(posit8::nar() < -posit8::maxpos());
    STATIC_REQUIRE(posit8(-1.0) < posit8(0.0));
    STATIC_REQUIRE(posit8(0.0) < posit8::minpos());
    STATIC_REQUIRE(posit8::minpos() < posit8::maxpos());
    STATIC_REQUIRE((posit32(2.0) <=> posit32(1.0)) == std::strong_ordering::greater);
    // Every code against every code for posit8 and the sorted decoded values for posit<10, 1>.
    for (std::uint32_t a = 0; a < 256; ++a) {
        const auto sa = static_cast<std::int8_t>(a);
        for (std::uint32_t b = 0; b < 256; ++b) {
            const auto sb = static_cast<std::int8_t>(b);
            const posit8 x = code<posit8>(a), y = code<posit8>(b);
            if ((x < y) != (sa < sb) || (x == y) != (a == b) || (x >= y) != (sa >= sb)) FAIL("codes " << a << " " << b);
        }
    }
    using P10 = posit<10, 1>;
    for (std::uint32_t c = 0x201; c < 0x3FF + 0x200; ++c) {  // from -maxpos up to maxpos, wrapping
        const P10 x = code<P10>(c & 0x3FF), y = code<P10>((c + 1) & 0x3FF);
        REQUIRE(x < y);
        REQUIRE(static_cast<double>(x) < static_cast<double>(y));
    }
}

TEST_CASE("posit numeric_limits", "[posit][limits]")
{
    using L8 = std::numeric_limits<posit8>;
    using L16 = std::numeric_limits<posit16>;
    using L32 = std::numeric_limits<posit32>;
    STATIC_REQUIRE(L8::is_specialized);
    STATIC_REQUIRE(L8::is_signed);
    STATIC_REQUIRE_FALSE(L8::is_integer);
    STATIC_REQUIRE_FALSE(L8::is_exact);
    STATIC_REQUIRE_FALSE(L8::has_infinity);
    STATIC_REQUIRE(L8::has_quiet_NaN);
    STATIC_REQUIRE_FALSE(L8::has_signaling_NaN);
    STATIC_REQUIRE(L8::has_denorm == std::denorm_absent);
    STATIC_REQUIRE_FALSE(L8::is_iec559);
    STATIC_REQUIRE(L8::is_bounded);
    STATIC_REQUIRE_FALSE(L8::is_modulo);
    STATIC_REQUIRE(L8::round_style == std::round_to_nearest);
    STATIC_REQUIRE(L8::radix == 2);
    STATIC_REQUIRE(L8::digits == 4);    // 1.0 has 3 fraction bits
    STATIC_REQUIRE(L16::digits == 12);
    STATIC_REQUIRE(L32::digits == 28);
    STATIC_REQUIRE(L16::digits10 == 3);
    STATIC_REQUIRE(L16::max_digits10 == 5);
    STATIC_REQUIRE(L32::max_digits10 == 10);
    STATIC_REQUIRE(L8::max_exponent == 25);
    STATIC_REQUIRE(L8::min_exponent == -23);
    STATIC_REQUIRE(L8::max_exponent10 == 7);
    STATIC_REQUIRE(L8::min_exponent10 == -7);
    STATIC_REQUIRE(L32::max_exponent10 == 36);
    STATIC_REQUIRE(L8::max().bits() == 0x7F);
    STATIC_REQUIRE(L8::min().bits() == 0x01);
    STATIC_REQUIRE(L8::lowest().bits() == 0x81);
    STATIC_REQUIRE(L8::denorm_min().bits() == 0x01);
    STATIC_REQUIRE(L8::quiet_NaN().is_nar());
    STATIC_REQUIRE(L8::infinity().is_nar());
    STATIC_REQUIRE(static_cast<double>(L8::epsilon()) == 0.125);
    STATIC_REQUIRE(static_cast<double>(L16::epsilon()) == 1.0 / 2048);
    STATIC_REQUIRE(static_cast<double>(L32::epsilon()) == 1.0 / 134217728);
    STATIC_REQUIRE(static_cast<double>(L8::round_error()) == 0.5);
    STATIC_REQUIRE(std::numeric_limits<const posit16>::digits == 12);
    // max_digits10 significant digits read back to the same posit for every posit16 code.
    for (std::uint32_t c = 0; c < 0x10000; ++c) {
        const posit16 p = code<posit16>(c);
        if (p.is_nar()) continue;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*g", L16::max_digits10, static_cast<double>(p));
        if (posit16(std::strtod(buf, nullptr)) != p) FAIL("code " << hex(p) << " printed as " << buf);
    }
}

TEST_CASE("posit hash and printing", "[posit][api]")
{
    std::unordered_set<posit16> seen;
    for (std::uint32_t c = 0; c < 0x10000; ++c) seen.insert(code<posit16>(c));
    CHECK(seen.size() == 0x10000);
    CHECK(std::hash<posit8>{}(posit8::nar()) == std::hash<posit8>{}(posit8::nar()));

    const auto text = [](auto p) {
        std::ostringstream os;
        os << p;
        return os.str();
    };
    CHECK(text(posit8(1.0)) == "1");
    CHECK(text(posit8(-0.5)) == "-0.5");
    CHECK(text(posit8::nar()) == "NaR");
    CHECK(text(posit8(0.0)) == "0");
    CHECK(text(posit8::minpos()) == "5.960464477539063e-08");
    CHECK(text(posit32(1.0) / posit32(3.0)) == "0.33333333395421505");
    // Printing is exact through double: the text reads back to the same posit for every posit16 code.
    for (std::uint32_t c = 0; c < 0x10000; c += 7) {
        const posit16 p = code<posit16>(c);
        if (p.is_nar()) continue;
        const std::string s = text(p);
        if (std::strtod(s.c_str(), nullptr) != static_cast<double>(p)) FAIL("code " << hex(p) << " printed as " << s);
    }
}
