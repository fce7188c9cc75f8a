// iostream and fmt output and input of float_format values: shortest text by default, the stream flags and
// fmt specs applied to the exact value, and the raw code through {:x} and {:b}.
#include <catch2/catch.hpp>

#include <lowbit/fmt.hpp>
#include <lowbit/io.hpp>
#include <lowbit/lowbit.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>

namespace {

using E4 = lowbit::float8_e4m3fn;
using lowbit::bfloat16;
using lowbit::float16;

template <class T>
std::string streamed(T x, std::ios_base::fmtflags flags = {}, int precision = -1, int width = 0, char fill = ' ')
{
    std::ostringstream s;
    s.flags(flags);
    if (precision >= 0) s.precision(precision);
    s.width(width);
    s.fill(fill);
    s << x;
    return s.str();
}

TEST_CASE("operator<< prints the shortest text and honours the stream's flags", "[io][api]")
{
    const E4 v448 = E4::from_bits(0x7E);
    const E4 v1_125 = E4::from_bits(0x39);
    CHECK(streamed(v448) == "448");
    CHECK(streamed(v1_125) == "1.1");
    CHECK(streamed(v1_125, {}, 2) == "1.1");  // precision does not apply to the shortest form
    CHECK(streamed(v1_125, std::ios_base::fixed, 4) == "1.1250");
    CHECK(streamed(v1_125, std::ios_base::scientific, 2) == "1.12e+00");  // the exact 1.125, ties to even
    CHECK(streamed(v448, std::ios_base::scientific | std::ios_base::uppercase, 1) == "4.5E+02");
    CHECK(streamed(v448, std::ios_base::fixed | std::ios_base::scientific) == "0x1.cp+8");
    CHECK(streamed(v448, std::ios_base::fixed | std::ios_base::scientific | std::ios_base::uppercase) == "0X1.CP+8");
    CHECK(streamed(v448, std::ios_base::showpos) == "+448");
    CHECK(streamed(E4::from_bits(0xFE), std::ios_base::showpos) == "-448");
    CHECK(streamed(E4::from_bits(0x7F)) == "nan");
    CHECK(streamed(E4::from_bits(0xFF), std::ios_base::uppercase) == "-NAN");
    CHECK(streamed(lowbit::float8_e5m2::from_bits(0xFC)) == "-inf");
    CHECK(streamed(E4::from_bits(0x80)) == "-0");
    CHECK(streamed(float16::from_bits(0x0001), std::ios_base::uppercase) == "6E-08");
    CHECK(streamed(v448, {}, -1, 6) == "   448");
    CHECK(streamed(v448, std::ios_base::left, -1, 6, '*') == "448***");
    CHECK(streamed(E4::from_bits(0xFE), std::ios_base::internal, -1, 7, '0') == "-000448");
    CHECK(streamed(v448, std::ios_base::internal | std::ios_base::fixed | std::ios_base::scientific, -1, 10, '0') ==
          "0x001.cp+8");
    // The width applies once and is reset, like for a double.
    std::ostringstream s;
    s << std::setw(5) << v448 << '|' << v448;
    CHECK(s.str() == "  448|448");
}

TEST_CASE("operator>> reads one number and sets failbit on anything else", "[io][api]")
{
    std::istringstream in("  1.5 -2.25e1\n0x1.8p3 inf +7 0.0625");
    E4 a, b, c, d, e, f;
    in >> a >> b >> c >> d >> e >> f;
    CHECK(in);
    CHECK(a.bits() == 0x3C);
    CHECK(static_cast<double>(b) == -22.0);  // -22.5 is a tie between -22 and -24: even
    CHECK(static_cast<double>(c) == 12.0);
    CHECK(d.bits() == 0x7F);  // no Inf: NaN
    CHECK(static_cast<double>(e) == 7.0);
    CHECK(static_cast<double>(f) == 0.0625);
    CHECK(in.eof());

    std::istringstream list("1.5,2.5");
    E4 x;
    list >> x;
    CHECK(list);
    CHECK(static_cast<double>(x) == 1.5);
    CHECK(list.peek() == ',');

    for (const char* bad : {"abc", "1.5xyz", "1e", "--1", ""}) {
        std::istringstream is(bad);
        E4 y = E4::from_bits(0x55);
        is >> y;
        INFO("\"" << bad << "\"");
        CHECK(is.fail());
        CHECK(y.bits() == 0x55);
    }

    // Every float16 code survives a trip through a stream.
    std::stringstream all;
    for (std::uint32_t code = 0; code < 0x10000; ++code) all << float16::from_bits(static_cast<std::uint16_t>(code)) << ' ';
    std::uint32_t mismatches = 0;
    for (std::uint32_t code = 0; code < 0x10000; ++code) {
        float16 h;
        all >> h;
        const auto original = float16::from_bits(static_cast<std::uint16_t>(code));
        const bool nan = static_cast<double>(original) != static_cast<double>(original);
        if (!all || (nan ? static_cast<double>(h) == static_cast<double>(h) : h.bits() != original.bits()))
            ++mismatches;
    }
    CHECK(mismatches == 0);
}

TEST_CASE("fmt: {} is the shortest text, float specs apply to the exact value", "[io][api]")
{
    const E4 v448 = E4::from_bits(0x7E);
    const E4 v1_125 = E4::from_bits(0x39);
    CHECK(fmt::format("{}", v448) == "448");
    CHECK(fmt::format("{}", v1_125) == "1.1");
    CHECK(fmt::format("{}", bfloat16::from_bits(0x7F7F)) == "3.39e+38");
    CHECK(fmt::format("{}", float16::from_bits(0x0001)) == "6e-08");
    CHECK(fmt::format("{}", float16::from_bits(0x7BFF)) == "65504");
    CHECK(fmt::format("{}", E4::from_bits(0x7F)) == "nan");
    CHECK(fmt::format("{}", E4::from_bits(0x80)) == "-0");
    CHECK(fmt::format("{:.3f}", v1_125) == "1.125");
    CHECK(fmt::format("{:.1f}", v1_125) == "1.1");
    CHECK(fmt::format("{:f}", v1_125) == "1.125000");
    CHECK(fmt::format("{:e}", v448) == "4.480000e+02");
    CHECK(fmt::format("{:.2e}", v448) == "4.48e+02");
    CHECK(fmt::format("{:g}", v448) == "448");
    CHECK(fmt::format("{:a}", v448) == "0x1.cp+8");
    CHECK(fmt::format("{:A}", v448) == "0X1.CP+8");
    CHECK(fmt::format("{:>8}", v1_125) == "     1.1");
    CHECK(fmt::format("{:*<8}", v1_125) == "1.1*****");
    CHECK(fmt::format("{:.^9}", v1_125) == "...1.1...");  // '.' as fill is not a precision
    CHECK(fmt::format("{:+}", v1_125) == "+1.1");
    CHECK(fmt::format("{: }", v1_125) == " 1.1");
    CHECK(fmt::format("{:08.3f}", E4::from_bits(0xB9)) == "-001.125");
    CHECK(fmt::format("{:{}.{}f}", v1_125, 7, 2) == "   1.12");  // dynamic width and precision
}

TEST_CASE("fmt: {:x}, {:X} and {:b} print the raw code padded to the format's width", "[io][api]")
{
    const E4 v448 = E4::from_bits(0x7E);
    CHECK(fmt::format("{:x}", v448) == "7e");
    CHECK(fmt::format("{:X}", v448) == "7E");
    CHECK(fmt::format("{:#x}", v448) == "0x7e");
    CHECK(fmt::format("{:b}", v448) == "01111110");
    CHECK(fmt::format("{:#b}", v448) == "0b01111110");
    CHECK(fmt::format("{:x}", E4::from_bits(0x01)) == "01");
    CHECK(fmt::format("{:x}", float16::from_bits(0x3C00)) == "3c00");
    CHECK(fmt::format("{:x}", lowbit::tfloat32::from_bits(0x1FC00)) == "1fc00");  // 19 bits: 5 digits
    CHECK(fmt::format("{:b}", lowbit::float4_e2m1fn::from_bits(0x3)) == "0011");
    CHECK(fmt::format("{:b}", lowbit::float6_e2m3fn::from_bits(0x21)) == "100001");
    CHECK(fmt::format("{:x}", lowbit::float6_e2m3fn::from_bits(0x21)) == "21");
    CHECK(fmt::format("{:>6x}", v448) == "    7e");
    CHECK(fmt::format("{:*<6x}", v448) == "7e****");
    CHECK(fmt::format("{:^6x}", v448) == "  7e  ");
    CHECK(fmt::format("{:#06x}", v448) == "0x007e");
    CHECK_THROWS_AS(fmt::format(fmt::runtime("{:.2x}"), v448), fmt::format_error);
    CHECK_THROWS_AS(fmt::format(fmt::runtime("{:z}"), v448), fmt::format_error);
}

}  // namespace
