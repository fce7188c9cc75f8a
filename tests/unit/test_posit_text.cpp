// Posit text: every posit8 and posit16 code (and sampled posit32 codes) through to_chars/from_chars, the
// parser's correct rounding at the standard's rounding boundaries, NaR, and the fmt formatter.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>

#include <fmt/format.h>
#include <lowbit/fmt.hpp>
#include <lowbit/posit_charconv.hpp>

namespace {

template <class P>
std::uint32_t reparse(P x)
{
    char buffer[64];
    const auto printed = lowbit::to_chars(buffer, buffer + sizeof buffer, x);
    REQUIRE(printed.ec == std::errc{});
    P back = P::nar();
    const auto parsed = lowbit::from_chars(buffer, printed.ptr, back);
    REQUIRE(parsed.ec == std::errc{});
    REQUIRE(parsed.ptr == printed.ptr);
    return back.bits();
}

template <class P>
void round_trip_every_code()
{
    std::size_t mismatches = 0;
    for (std::uint32_t code = 0; code < (std::uint32_t{1} << P::nbits); ++code) {
        const P x = P::from_bits(static_cast<typename P::storage_type>(code));
        if (reparse(x) != code) ++mismatches;
    }
    CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("every posit8 and posit16 code reads back from its shortest text", "[posit][io]")
{
    round_trip_every_code<lowbit::posit8>();
    round_trip_every_code<lowbit::posit<8, 0>>();
    round_trip_every_code<lowbit::posit16>();
    round_trip_every_code<lowbit::posit<16, 1>>();
}

TEST_CASE("sampled posit32 codes read back from their shortest text", "[posit][io]")
{
    std::mt19937 rng(20261122);
    std::size_t mismatches = 0;
    for (int i = 0; i < 200000; ++i) {
        const auto x = lowbit::posit32::from_bits(static_cast<std::uint32_t>(rng()));
        if (reparse(x) != x.bits()) ++mismatches;
    }
    CHECK(mismatches == 0);
}

TEST_CASE("posit text: known values, NaR, saturation and errors", "[posit][io]")
{
    using lowbit::posit8;
    CHECK(lowbit::to_string(posit8(1.0)) == "1");
    CHECK(lowbit::to_string(posit8::nar()) == "NaR");
    // maxpos 2^24: one digit suffices, since everything above the geometric tie 2^22 reads back as maxpos.
    CHECK(lowbit::to_string(posit8::from_bits(0x7F)) == "2e+07");
    CHECK(lowbit::to_string(lowbit::posit16(-0.5)) == "-0.5");

    const auto parse = [](const std::string& text) {
        posit8 x = posit8::from_bits(0x11);
        const auto r = lowbit::from_chars(text.data(), text.data() + text.size(), x);
        return std::pair{r.ec, x.bits()};
    };
    CHECK(parse("1.0625") == std::pair{std::errc{}, std::uint8_t{0x40}});  // tie 1.0 / 1.125 -> even
    CHECK(parse("1.0625000000000000000000000001") == std::pair{std::errc{}, std::uint8_t{0x41}});
    CHECK(parse("1.1875") == std::pair{std::errc{}, std::uint8_t{0x42}});
    // Geometric rounding where exponent bits are cut: 2^22 is the tie between 2^20 (0x7E) and 2^24 (0x7F).
    CHECK(parse("4194304") == std::pair{std::errc{}, std::uint8_t{0x7E}});
    CHECK(parse("4194305") == std::pair{std::errc{}, std::uint8_t{0x7F}});
    CHECK(parse("1e400") == std::pair{std::errc{}, std::uint8_t{0x7F}});    // never NaR: maxpos
    CHECK(parse("1e-400") == std::pair{std::errc{}, std::uint8_t{0x01}});   // never 0: minpos
    CHECK(parse("-1e-400") == std::pair{std::errc{}, std::uint8_t{0xFF}});  // -minpos
    CHECK(parse("NaR") == std::pair{std::errc{}, std::uint8_t{0x80}});
    CHECK(parse("nan") == std::pair{std::errc{}, std::uint8_t{0x80}});
    CHECK(parse("-inf") == std::pair{std::errc{}, std::uint8_t{0x80}});
    CHECK(parse("0") == std::pair{std::errc{}, std::uint8_t{0x00}});
    CHECK(parse("") == std::pair{std::errc::invalid_argument, std::uint8_t{0x11}});
    CHECK(parse("abc") == std::pair{std::errc::invalid_argument, std::uint8_t{0x11}});

    char small[2];
    CHECK(lowbit::to_chars(small, small + sizeof small, posit8(0.75)).ec == std::errc::value_too_large);
}

TEST_CASE("fmt formats posits and small integers", "[posit][io]")
{
    CHECK(fmt::format("{}", lowbit::posit16(3.0)) == "3");
    CHECK(fmt::format("{}", lowbit::posit16::nar()) == "NaR");
    CHECK(fmt::format("{:.3f}", lowbit::posit16(0.5)) == "0.500");
    CHECK(fmt::format("{}", lowbit::int4(-3)) == "-3");
    CHECK(fmt::format("{:>3}", lowbit::uint4(7)) == "  7");
}
