// lowbit::to_chars / from_chars: every code of every named format round-trips through text; the output is the
// shortest decimal (checked for the 8-bit and narrower formats against an oracle that works on exact decimal
// strings); input is rounded once from the exact text under every rounding mode (checked against the code
// order around every pair of neighbouring codes, with 800-digit inputs just off each tie); the examples of
// the issue; syntax, buffer and fuzz checks.
#include <catch2/catch.hpp>

#include <lowbit/charconv.hpp>
#include <lowbit/lowbit.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "format_list.hpp"

namespace {

using lowbit::overflow;
using lowbit::rounding;
using lowbit_test::type_tag;

constexpr rounding all_roundings[] = {rounding::nearest_even, rounding::nearest_away, rounding::toward_zero,
                                      rounding::toward_positive, rounding::toward_negative};

template <class F>
void for_each_named_format(F&& f)
{
    using namespace lowbit;
    f(type_tag<float8_e4m3fn>{}, "float8_e4m3fn");
    f(type_tag<float8_e4m3>{}, "float8_e4m3");
    f(type_tag<float8_e4m3fnuz>{}, "float8_e4m3fnuz");
    f(type_tag<float8_e4m3b11fnuz>{}, "float8_e4m3b11fnuz");
    f(type_tag<float8_e3m4>{}, "float8_e3m4");
    f(type_tag<float8_e5m2>{}, "float8_e5m2");
    f(type_tag<float8_e5m2fnuz>{}, "float8_e5m2fnuz");
    f(type_tag<float8_e8m0fnu>{}, "float8_e8m0fnu");
    f(type_tag<float6_e2m3fn>{}, "float6_e2m3fn");
    f(type_tag<float6_e3m2fn>{}, "float6_e3m2fn");
    f(type_tag<float4_e2m1fn>{}, "float4_e2m1fn");
    f(type_tag<bfloat16>{}, "bfloat16");
    f(type_tag<float16>{}, "float16");
    f(type_tag<tfloat32>{}, "tfloat32");
}

template <class T>
T code(std::uint32_t c)
{
    return T::from_bits(static_cast<typename T::storage_type>(c));
}

template <class T>
std::uint32_t bits(T x)
{
    return static_cast<std::uint32_t>(x.bits());
}

template <class T>
bool is_nan_code(std::uint32_t c)
{
    return lowbit::detail::decode(T::info, c).cls == lowbit::detail::value_class::nan;
}

template <class T>
std::string print(T x)
{
    return lowbit::to_string(x);
}

template <class T>
std::string print(T x, std::chars_format fmt)
{
    char buf[512];
    const auto r = lowbit::to_chars(buf, buf + sizeof buf, x, fmt);
    REQUIRE(r.ec == std::errc{});
    return std::string(buf, r.ptr);
}

struct parse_result {
    std::errc ec;
    std::size_t used;
    std::uint32_t code;
};

template <class T>
parse_result parse(const std::string& s, rounding r = rounding::nearest_even, overflow o = overflow::nonsaturating,
                   std::chars_format fmt = std::chars_format::general)
{
    T x = T::from_bits(1);
    const auto res = lowbit::from_chars(s.data(), s.data() + s.size(), x, fmt, r, o);
    return {res.ec, static_cast<std::size_t>(res.ptr - s.data()), bits(x)};
}

struct failures {
    std::uint64_t checked = 0;
    std::uint64_t count = 0;
    std::vector<std::string> examples;
    void fail(const std::string& what)
    {
        ++count;
        if (examples.size() < 10) examples.push_back(what);
    }
    std::string report() const
    {
        std::ostringstream s;
        s << count << " failures out of " << checked;
        for (const auto& e : examples) s << "\n  " << e;
        return s.str();
    }
};

std::string hex(std::uint32_t v)
{
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

// Every code through text and back, in every shortest notation (tfloat32: plain notation only).
template <class T>
void round_trip_all_codes(failures& f, bool all_styles)
{
    const std::uint32_t count = std::uint32_t{1} << T::info.total_bits;
    const std::chars_format styles[] = {std::chars_format::scientific, std::chars_format::fixed,
                                        std::chars_format::general, std::chars_format::hex};
    for (std::uint32_t c = 0; c < count; ++c) {
        const T x = code<T>(c);
        std::vector<std::string> texts{print(x)};
        if (all_styles)
            for (auto s : styles) texts.push_back(print(x, s));
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const std::string& s = texts[i];
            const auto fmt = i == 4 ? std::chars_format::hex : std::chars_format::general;
            const parse_result p = parse<T>(s, rounding::nearest_even, overflow::nonsaturating, fmt);
            ++f.checked;
            const bool ok = p.ec == std::errc{} && p.used == s.size() &&
                            (is_nan_code<T>(c) ? is_nan_code<T>(p.code) : p.code == c);
            if (!ok) f.fail(hex(c) + " -> \"" + s + "\" -> " + hex(p.code));
        }
    }
}

TEST_CASE("every code of every named format round-trips through its shortest text", "[io][api]")
{
    for_each_named_format([](auto tag, const char* name) {
        using T = typename decltype(tag)::type;
        failures f;
        round_trip_all_codes<T>(f, T::info.total_bits <= 16);
        INFO(name << ": " << f.report());
        CHECK(f.count == 0);
        CHECK(f.checked >= (std::uint64_t{1} << T::info.total_bits));
    });
}

// ---- Oracle for shortest output, on exact decimal strings only -----------------------------------------

// d0.d1d2... * 10^exp, digits without trailing zeros; empty digits is zero.
struct dec {
    std::string digits;
    int exp = 0;
};

dec exact_decimal(double v)
{
    char buf[1000];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 900);  // exact
    const std::string s(buf, r.ptr);
    const auto e = s.find('e');
    dec d;
    for (std::size_t i = 0; i < e; ++i)
        if (s[i] >= '0' && s[i] <= '9') d.digits.push_back(s[i]);
    d.exp = std::stoi(s.substr(e + 1));
    while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
    return d;
}

// Parses the output of to_chars(..., scientific) (a positive one).
dec scientific_decimal(const std::string& s)
{
    dec d;
    const auto e = s.find('e');
    for (std::size_t i = 0; i < e; ++i)
        if (s[i] >= '0' && s[i] <= '9') d.digits.push_back(s[i]);
    d.exp = std::stoi(s.substr(e + 1));
    while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
    return d;
}

int compare(const dec& a, const dec& b)
{
    if (a.exp != b.exp) return a.exp < b.exp ? -1 : 1;
    const std::size_t n = std::max(a.digits.size(), b.digits.size());
    for (std::size_t i = 0; i < n; ++i) {
        const char x = i < a.digits.size() ? a.digits[i] : '0';
        const char y = i < b.digits.size() ? b.digits[i] : '0';
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

// v truncated to n significant digits, and the next n-digit number up.
dec truncated(const dec& v, std::size_t n)
{
    dec t{v.digits.substr(0, std::min(n, v.digits.size())), v.exp};
    while (!t.digits.empty() && t.digits.back() == '0') t.digits.pop_back();
    return t;
}

dec next_up(const dec& t, std::size_t n)
{
    std::string d = t.digits;
    d.resize(n, '0');
    std::size_t i = n;
    while (i > 0 && d[i - 1] == '9') d[--i] = '0';
    dec r{d, t.exp};
    if (i == 0) {
        r.digits = "1";
        ++r.exp;
    } else {
        ++r.digits[i - 1];
    }
    while (!r.digits.empty() && r.digits.back() == '0') r.digits.pop_back();
    return r;
}

template <class T>
void check_shortest(failures& f)
{
    // Positive finite nonzero codes in increasing order of value.
    std::vector<std::pair<double, std::uint32_t>> values;
    const std::uint32_t count = std::uint32_t{1} << T::info.total_bits;
    for (std::uint32_t c = 0; c < count; ++c) {
        const double v = static_cast<double>(code<T>(c));
        if (std::isfinite(v) && v > 0) values.emplace_back(v, c);
    }
    std::sort(values.begin(), values.end());
    const bool e8m0 = T::info.specials == lowbit::specials::e8m0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto [v, c] = values[i];
        double lo, hi;
        bool lo_in, hi_in;
        if (i == 0 && !T::info.has_zero) {
            lo = 0.75 * v;  // nothing below: the power-of-two grid continued
            lo_in = true;
        } else {
            const double prev = i == 0 ? 0.0 : values[i - 1].first;
            lo = (prev + v) / 2;
            lo_in = bits(lowbit::convert<T>(lo)) == c;
        }
        if (i + 1 == values.size()) {
            // The grid continued past the largest value; ties to the even neighbour.
            hi = e8m0 ? 1.5 * v : v + (v - values[i - 1].first) / 2;
            hi_in = !e8m0 && (c & 1u) == 0;
        } else {
            hi = (v + values[i + 1].first) / 2;
            hi_in = bits(lowbit::convert<T>(hi)) == c;
        }
        const dec exact = exact_decimal(v), dlo = exact_decimal(lo), dhi = exact_decimal(hi);
        const auto inside = [&](const dec& d) {
            const int a = compare(d, dlo), b = compare(d, dhi);
            return (a > 0 || (a == 0 && lo_in)) && (b < 0 || (b == 0 && hi_in));
        };
        const std::string s = print(code<T>(c), std::chars_format::scientific);
        const dec out = scientific_decimal(s);
        const std::size_t n = out.digits.size();
        ++f.checked;
        if (!inside(out)) f.fail(hex(c) + ": \"" + s + "\" is outside the rounding interval");
        const dec floor_n = truncated(exact, n);
        const bool exact_n = compare(floor_n, exact) == 0;
        const dec ceil_n = exact_n ? floor_n : next_up(floor_n, n);
        if (compare(out, floor_n) != 0 && compare(out, ceil_n) != 0)
            f.fail(hex(c) + ": \"" + s + "\" is not a neighbour of the value at its length");
        if (n >= 2) {
            const dec shorter_floor = truncated(exact, n - 1);
            const dec shorter_ceil =
                compare(shorter_floor, exact) == 0 ? shorter_floor : next_up(shorter_floor, n - 1);
            if (inside(shorter_floor) || inside(shorter_ceil))
                f.fail(hex(c) + ": \"" + s + "\" has a shorter decimal in its interval");
        }
        // The plain form is the same value or the exact integer, never longer than the scientific one.
        const std::string plain = print(code<T>(c));
        if (plain.size() > s.size()) f.fail(hex(c) + ": plain \"" + plain + "\" longer than \"" + s + "\"");
    }
}

TEST_CASE("shortest output matches an exact-decimal oracle for formats of 8 bits or fewer", "[io][api]")
{
    for_each_named_format([](auto tag, const char* name) {
        using T = typename decltype(tag)::type;
        if constexpr (T::info.total_bits <= 8) {
            failures f;
            check_shortest<T>(f);
            INFO(name << ": " << f.report());
            CHECK(f.count == 0);
            CHECK(f.checked > 0);
        }
    });
}

TEST_CASE("shortest output: hand-picked values", "[io][api]")
{
    using namespace lowbit;
    CHECK(print(code<float8_e4m3fn>(0x7E)) == "448");  // shortest digits "4.5e+02"; fixed prints the integer
    CHECK(print(code<float8_e4m3fn>(0x7E), std::chars_format::scientific) == "4.5e+02");
    CHECK(print(code<float8_e4m3fn>(0x7F)) == "nan");
    CHECK(print(code<float8_e4m3fn>(0xFF)) == "-nan");
    CHECK(print(code<float8_e4m3fn>(0x80)) == "-0");
    CHECK(print(code<float8_e4m3fn>(0x39)) == "1.1");  // 1.125: interval [1.0625, 1.1875]
    CHECK(print(code<float8_e4m3fn>(0x01)) == "0.002");  // 2^-9 = 0.001953125
    CHECK(print(code<float8_e5m2>(0x7C)) == "inf");
    CHECK(print(code<float8_e5m2>(0xFC)) == "-inf");
    CHECK(print(code<float8_e5m2>(0x7B)) == "57344");
    CHECK(print(code<float8_e5m2fnuz>(0x80)) == "nan");
    CHECK(print(code<float16>(0x7BFF)) == "65504");
    CHECK(print(code<float16>(0x0001)) == "6e-08");
    CHECK(print(code<float16>(0x3555)) == "0.3333");
    CHECK(print(code<bfloat16>(0x7F7F)) == "3.39e+38");
    CHECK(print(code<bfloat16>(0x3DCD)) == "0.1");  // 0.10009765625, half an ulp is 0.000244
    CHECK(print(code<float8_e8m0fnu>(0x7F)) == "1");
    CHECK(print(code<float8_e8m0fnu>(0x00)) == "6e-39");
    CHECK(print(code<float6_e2m3fn>(0x1F)) == "7.5");
    CHECK(print(code<float4_e2m1fn>(0x0F)) == "-6");
    CHECK(print(code<float8_e4m3fn>(0x7E), std::chars_format::hex) == "1.cp+8");
    CHECK(print(code<float8_e4m3fn>(0x7E), std::chars_format::fixed) == "448");
    CHECK(print(code<float8_e4m3fn>(0x7E), std::chars_format::general) == "448");
    CHECK(print(code<float16>(0x0001), std::chars_format::fixed) == "0.00000006");
    CHECK(print(code<float8_e4m3fn>(0x80), std::chars_format::scientific) == "-0e+00");
}

TEST_CASE("to_chars with a precision is std::to_chars of the exact value", "[io][api]")
{
    using T = lowbit::float16;
    const std::chars_format styles[] = {std::chars_format::scientific, std::chars_format::fixed,
                                        std::chars_format::general, std::chars_format::hex};
    for (std::uint32_t c = 0; c < 0x10000; c += 7) {
        const T x = code<T>(c);
        for (auto fmt : styles)
            for (int precision : {0, 1, 3, 10, 30}) {
                char a[200], b[200];
                const auto ra = lowbit::to_chars(a, a + sizeof a, x, fmt, precision);
                const auto rb = std::to_chars(b, b + sizeof b, static_cast<double>(x), fmt, precision);
                REQUIRE(std::string(a, ra.ptr) == std::string(b, rb.ptr));
            }
    }
    char buf[64];
    const auto r = lowbit::to_chars(buf, buf + sizeof buf, code<lowbit::float8_e4m3fn>(0x7E),
                                    std::chars_format::fixed, 2);
    CHECK(std::string(buf, r.ptr) == "448.00");
}

TEST_CASE("to_chars never writes past the end of a short buffer", "[io][api]")
{
    using T = lowbit::bfloat16;
    for (std::uint32_t c = 0; c < 0x10000; c += 97) {
        const T x = code<T>(c);
        for (int style = 0; style < 6; ++style) {
            char full[512];
            const auto whole = style == 0   ? lowbit::to_chars(full, full + sizeof full, x)
                               : style == 5 ? lowbit::to_chars(full, full + sizeof full, x, std::chars_format::fixed, 5)
                                            : lowbit::to_chars(full, full + sizeof full, x,
                                                               style == 1   ? std::chars_format::scientific
                                                               : style == 2 ? std::chars_format::fixed
                                                               : style == 3 ? std::chars_format::general
                                                                            : std::chars_format::hex);
            REQUIRE(whole.ec == std::errc{});
            const auto length = whole.ptr - full;
            for (std::ptrdiff_t size = 0; size < length; ++size) {
                char buf[520];
                std::memset(buf, '#', sizeof buf);
                char* last = buf + size;
                const auto r = style == 0   ? lowbit::to_chars(buf, last, x)
                               : style == 5 ? lowbit::to_chars(buf, last, x, std::chars_format::fixed, 5)
                                            : lowbit::to_chars(buf, last, x,
                                                               style == 1   ? std::chars_format::scientific
                                                               : style == 2 ? std::chars_format::fixed
                                                               : style == 3 ? std::chars_format::general
                                                                            : std::chars_format::hex);
                REQUIRE(r.ec == std::errc::value_too_large);
                REQUIRE(r.ptr == last);
                REQUIRE(std::all_of(last, buf + sizeof buf, [](char ch) { return ch == '#'; }));
            }
        }
    }
}

// ---- Correct rounding under every mode ----------------------------------------------------------------

// The exact decimal text of v, optionally with a 1 at the 800th significant digit (just above) or the last
// digit decremented and nines to the 800th (just below).
std::string exact_text(double v, int nudge = 0)
{
    dec d = exact_decimal(v);
    if (d.digits.empty()) return "0";
    if (nudge > 0) {
        d.digits.resize(799, '0');
        d.digits.push_back('1');
    } else if (nudge < 0) {
        --d.digits.back();  // the last digit is nonzero
        d.digits.resize(800, '9');
    }
    std::string s = d.digits.substr(0, 1) + "." + d.digits.substr(1) + "e" + std::to_string(d.exp);
    if (s[2] == 'e') s.erase(1, 1);  // "5.e-3" -> "5e-3"
    return s;
}

template <class T>
std::uint32_t negated(std::uint32_t c)
{
    return c ^ T::info.sign_mask;
}

template <class T>
void check_directed(failures& f, std::uint32_t stride)
{
    std::vector<std::pair<double, std::uint32_t>> values;
    const std::uint32_t count = std::uint32_t{1} << T::info.total_bits;
    for (std::uint32_t c = 0; c < count; ++c) {
        const double v = static_cast<double>(code<T>(c));
        if (std::isfinite(v) && v >= 0 && !std::signbit(v)) values.emplace_back(v, c);
    }
    std::sort(values.begin(), values.end());
    const auto expect = [&](const std::string& text, std::uint32_t want, rounding r, overflow o) {
        const parse_result p = parse<T>(text, r, o);
        ++f.checked;
        if (p.ec != std::errc{} || p.used != text.size() || p.code != want)
            f.fail(text.substr(0, 60) + (text.size() > 60 ? "..." : "") + " mode " + std::to_string(int(r)) +
                   " overflow " + std::to_string(int(o)) + ": got " + hex(p.code) + ", want " + hex(want));
    };
    for (std::size_t i = 0; i + 1 < values.size(); i += stride) {
        const auto [a, ca] = values[i];
        const auto [b, cb] = values[i + 1];
        const double mid = a + (b - a) / 2;
        // Texts strictly between a and b, below and above the midpoint, plus the exact points.
        struct probe {
            std::string text;
            int where;  // -2 exactly a, -1 in (a, mid), 0 exactly mid, 1 in (mid, b)
        };
        std::vector<probe> probes = {{exact_text(a), -2}, {exact_text(mid), 0}, {exact_text(mid, -1), -1},
                                     {exact_text(mid, +1), 1}};
        if (a == 0) {
            dec tiny = exact_decimal(b);
            probes.push_back({"1e" + std::to_string(tiny.exp - 800), -1});  // far below double's range
        } else {
            probes.push_back({exact_text(a, +1), -1});
        }
        for (const auto& pr : probes)
            for (rounding r : all_roundings) {
                for (int sign = 0; sign < (T::info.is_signed ? 2 : 1); ++sign) {
                    const bool negative = sign == 1;
                    std::uint32_t lower = ca, upper = cb;  // in magnitude
                    std::uint32_t want = 0;
                    const bool up = r == rounding::toward_positive ? !negative
                                    : r == rounding::toward_negative ? negative
                                                                      : false;
                    switch (pr.where) {
                    case -2: want = lower; break;
                    case -1:
                        want = r == rounding::nearest_even || r == rounding::nearest_away || r == rounding::toward_zero
                                   ? lower
                                   : (up ? upper : lower);
                        break;
                    case 0:
                        if (r == rounding::nearest_even)
                            want = bits(lowbit::convert<T>(mid));  // an exact double: one rounding
                        else if (r == rounding::nearest_away)
                            want = upper;
                        else
                            want = r == rounding::toward_zero ? lower : (up ? upper : lower);
                        break;
                    default:
                        want = r == rounding::nearest_even || r == rounding::nearest_away
                                   ? upper
                                   : (r == rounding::toward_zero ? lower : (up ? upper : lower));
                        break;
                    }
                    if (negative) {
                        want = negated<T>(want);
                        if (!T::info.has_negative_zero && want == T::info.sign_mask) want = 0;  // no -0 (FNUZ)
                    }
                    expect((negative ? "-" : "") + pr.text, want, r, overflow::nonsaturating);
                }
            }
    }
    // Past the largest finite value: every side of the overflow threshold, and far beyond double.
    const auto [max, cmax] = values.back();
    const double gap = T::info.specials == lowbit::specials::e8m0 ? max : max - values[values.size() - 2].first;
    const double threshold = max + gap / 2;
    struct beyond {
        std::string text;
        double representative;  // a double that every mode rounds like the text
    };
    const beyond cases[] = {{exact_text(max, +1), max + gap / 4},
                            {exact_text(threshold, -1), max + gap / 4},
                            {exact_text(threshold), threshold},
                            {exact_text(threshold, +1), threshold + gap / 4},
                            {"1e400", std::numeric_limits<double>::max()}};
    for (const auto& bc : cases)
        for (rounding r : all_roundings)
            for (overflow o : {overflow::nonsaturating, overflow::saturate_finite, overflow::saturate})
                for (int sign = 0; sign < (T::info.is_signed ? 2 : 1); ++sign) {
                    const bool negative = sign == 1;
                    expect((negative ? "-" : "") + bc.text,
                           bits(lowbit::convert<T>(negative ? -bc.representative : bc.representative, r, o)), r, o);
                }
    (void)cmax;
}

TEST_CASE("from_chars rounds the exact text once under every rounding mode", "[io][api]")
{
    for_each_named_format([](auto tag, const char* name) {
        using T = typename decltype(tag)::type;
        failures f;
        const std::uint32_t stride = T::info.total_bits <= 8 ? 1 : T::info.total_bits <= 16 ? 61 : 977;
        check_directed<T>(f, stride);
        INFO(name << ": " << f.report());
        CHECK(f.count == 0);
        CHECK(f.checked > 100);
    });
}

TEST_CASE("from_chars: the cases of the issue", "[io][api]")
{
    using namespace lowbit;
    using E4 = float8_e4m3fn;
    CHECK(is_nan_code<E4>(parse<E4>("nan").code));
    CHECK(parse<E4>("nan").used == 3);
    CHECK(parse<E4>("-nan").code == 0xFF);
    CHECK(parse<float8_e5m2>("-inf").code == 0xFC);
    CHECK(parse<float8_e5m2>("inf").code == 0x7C);
    CHECK(parse<E4>("-inf").code == 0xFF);                                            // no Inf: NaN
    CHECK(parse<E4>("-inf", rounding::nearest_even, overflow::saturate).code == 0xFE);  // -448
    CHECK(parse<E4>("0x1.8p3").code == 0x54);                                         // 12
    CHECK(parse<E4>("0x1.8p3").used == 7);
    CHECK(parse<E4>("1.8p3", rounding::nearest_even, overflow::nonsaturating, std::chars_format::hex).code == 0x54);
    CHECK(parse<E4>("0X1.8P3", rounding::nearest_even, overflow::nonsaturating, std::chars_format::hex).code == 0x54);
    // "0x" with a decimal-only format is a zero followed by other text, as std::from_chars reads it.
    const auto fixed_hex = parse<E4>("0x1.8p3", rounding::nearest_even, overflow::nonsaturating,
                                     std::chars_format::fixed);
    CHECK(fixed_hex.code == 0x00);
    CHECK(fixed_hex.used == 1);
    CHECK(parse<E4>("1e-400").code == 0x00);
    CHECK(parse<E4>("-1e-400").code == 0x80);
    CHECK(parse<E4>("1e-400", rounding::toward_positive).code == 0x01);
    CHECK(parse<E4>("-1e-400", rounding::toward_negative).code == 0x81);
    CHECK(parse<float8_e4m3fnuz>("-1e-400").code == 0x00);  // no -0
    CHECK(parse<E4>("448.00001").code == 0x7E);              // below the threshold 464: 448
    CHECK(parse<E4>("448.00001", rounding::toward_positive).code == 0x7F);  // beyond 448 upward: NaN
    CHECK(parse<E4>("448.00001", rounding::toward_positive, overflow::saturate_finite).code == 0x7E);
    CHECK(parse<E4>("464").code == 0x7E);         // the tie goes to the even 448
    CHECK(parse<E4>("464.000001").code == 0x7F);  // past the threshold: NaN
    CHECK(parse<E4>("1e400").code == 0x7F);
    CHECK(parse<E4>("1e400", rounding::nearest_even, overflow::saturate_finite).code == 0x7E);
    CHECK(parse<E4>("-1e400", rounding::toward_zero).code == 0xFE);  // IEEE: toward zero stays finite
    CHECK(parse<float16>("1e400").code == 0x7C00);
    CHECK(parse<float16>("65520").code == 0x7C00);  // tie, odd max: up to Inf
    CHECK(parse<float16>("65519.99999999999999999999").code == 0x7BFF);
    CHECK(parse<E4>("1.0625").code == 0x38);  // tie between 1 and 1.125: even
    CHECK(parse<E4>("1.0625", rounding::nearest_away).code == 0x39);
    CHECK(parse<E4>("1.1875").code == 0x3A);  // tie between 1.125 and 1.25: even is 1.25
    // The classic double-rounding trap: the text is above the tie, the nearest double is the tie itself.
    CHECK(parse<E4>("1.06250000000000000000000000000001").code == 0x39);
    CHECK(parse<E4>("1.06249999999999999999999999999999").code == 0x38);
    // 800 and 5000 digits around the tie; the 5000-digit one is past the significant-digit cap.
    const std::string tie = "1.0625";
    CHECK(parse<E4>(tie + std::string(794, '0') + "1").code == 0x39);
    CHECK(parse<E4>("1.0624" + std::string(795, '9')).code == 0x38);
    CHECK(parse<E4>(tie + std::string(4994, '0') + "1").code == 0x39);
    CHECK(parse<E4>(tie + std::string(4994, '0') + "1", rounding::toward_zero).code == 0x38);
    CHECK(parse<E4>(tie + std::string(4995, '0')).code == 0x38);
    CHECK(parse<E4>("0." + std::string(1000, '0') + "1e1001").code == 0x38);  // 1
    CHECK(parse<E4>("1" + std::string(1000, '0') + "e-1000").code == 0x38);
    CHECK(parse<E4>("0e999999999999999999999").code == 0x00);
    CHECK(parse<E4>("1e999999999999999999999").code == 0x7F);
    CHECK(parse<E4>("1e-999999999999999999999").code == 0x00);
    CHECK(parse<E4>("-0").code == 0x80);
    CHECK(parse<float8_e4m3fnuz>("-0").code == 0x00);
    CHECK(parse<float8_e4m3fnuz>("nan").code == 0x80);
    // A hex tie broken by a digit past the 32-digit cap.
    CHECK(parse<E4>("0x1.1p0").code == 0x38);
    CHECK(parse<E4>("0x1.1" + std::string(40, '0') + "1p0").code == 0x39);
    CHECK(parse<E4>("0x1p-2000", rounding::toward_positive).code == 0x01);
    CHECK(parse<E4>("0x1p+2000").code == 0x7F);
    // Formats without NaN or Inf take what convert gives NaN and Inf (FP4: +max by default; saturating Inf).
    CHECK(parse<float4_e2m1fn>("nan").code == 0x7);
    CHECK(parse<float4_e2m1fn>("-inf").code == 0xF);
    CHECK(parse<float8_e8m0fnu>("0.75").code == 0x7F);  // 0.75 = 1.5 * 2^-1, tie: up to 1
    CHECK(parse<float8_e8m0fnu>("-1").code == 0xFF);    // no negative values: NaN
}

TEST_CASE("from_chars: syntax follows std::from_chars, plus '+', a 0x prefix and infinity", "[io][api]")
{
    using E4 = lowbit::float8_e4m3fn;
    for (const char* bad : {"", "abc", ".", "-", "+", "+-1", "-+1", "e5", " 1", "++1", "--1", "-.", "x", "0x.p1"}) {
        const std::string s = bad;
        if (s == "0x.p1") continue;  // a zero followed by text, below
        E4 x = E4::from_bits(0x55);
        const auto r = lowbit::from_chars(s.data(), s.data() + s.size(), x);
        INFO("\"" << s << "\"");
        CHECK(r.ec == std::errc::invalid_argument);
        CHECK(r.ptr == s.data());
        CHECK(x.bits() == 0x55);
    }
    struct partial {
        const char* text;
        std::size_t used;
        std::uint32_t code;
    };
    for (const partial& p : {partial{"1.5xyz", 3, 0x3C}, partial{"1e", 1, 0x38}, partial{"1e+", 1, 0x38},
                             partial{"1.5e1x", 5, 0x57}, partial{"+1.5", 4, 0x3C}, partial{"-1.5", 4, 0xBC},
                             partial{"+inf", 4, 0x7F}, partial{"infinity", 8, 0x7F}, partial{"INFINITY", 8, 0x7F},
                             partial{"Inf", 3, 0x7F}, partial{"infinit", 3, 0x7F}, partial{"NaN", 3, 0x7F},
                             partial{"nan(123)", 8, 0x7F}, partial{"nan(", 3, 0x7F}, partial{"-nan", 4, 0xFF},
                             partial{".5", 2, 0x30}, partial{"5.", 2, 0x4A}, partial{"0x", 1, 0x00},
                             partial{"0xg", 1, 0x00}, partial{"0x.p1", 1, 0x00}, partial{"0x.8", 4, 0x30},
                             partial{"1,5", 1, 0x38}, partial{"00001.5000", 10, 0x3C}}) {
        const std::string s = p.text;
        const parse_result r = parse<E4>(s);
        INFO("\"" << s << "\"");
        CHECK(r.ec == std::errc{});
        CHECK(r.used == p.used);
        CHECK(r.code == p.code);
    }
    // chars_format::fixed and scientific restrict the syntax as std::from_chars does.
    CHECK(parse<E4>("1e1", rounding::nearest_even, overflow::nonsaturating, std::chars_format::fixed).used == 1);
    CHECK(parse<E4>("15", rounding::nearest_even, overflow::nonsaturating, std::chars_format::scientific).ec ==
          std::errc::invalid_argument);
    // The conversion_options overload.
    lowbit::conversion_options o;
    o.rounding = rounding::toward_positive;
    E4 x;
    const std::string s = "1.01";
    CHECK(lowbit::from_chars(s.data(), s.data() + s.size(), x, o).ec == std::errc{});
    CHECK(x.bits() == 0x39);
}

TEST_CASE("from_chars: random text never misbehaves and re-parses the same way", "[io][api]")
{
    std::mt19937 rng(20240611);
    const std::string alphabet = "0123456789.eEpPxX+-naifNAIFty()0011223344556677889.";
    failures f;
    for (int i = 0; i < 200000; ++i) {
        const auto length = static_cast<std::size_t>(rng() % 24);
        std::string s;
        for (std::size_t j = 0; j < length; ++j) {
            if (rng() % 16 == 0)
                s.push_back(static_cast<char>(rng() % 256));
            else
                s.push_back(alphabet[rng() % alphabet.size()]);
        }
        for (const auto fmt : {std::chars_format::general, std::chars_format::hex}) {
            lowbit::float16 x = lowbit::float16::from_bits(0x1234);
            const auto r = lowbit::from_chars(s.data(), s.data() + s.size(), x, fmt, rounding::toward_negative);
            ++f.checked;
            if (r.ptr < s.data() || r.ptr > s.data() + s.size()) f.fail("pointer out of range: " + s);
            if (r.ec != std::errc{}) {
                if (r.ptr != s.data() || x.bits() != 0x1234) f.fail("error but moved or changed: " + s);
                continue;
            }
            const std::string consumed(s.c_str(), r.ptr);
            lowbit::float16 y;
            const auto again =
                lowbit::from_chars(consumed.data(), consumed.data() + consumed.size(), y, fmt, rounding::toward_negative);
            if (again.ec != std::errc{} || again.ptr != consumed.data() + consumed.size() || y.bits() != x.bits())
                f.fail("re-parse differs: " + consumed);
        }
    }
    INFO(f.report());
    CHECK(f.count == 0);
}

TEST_CASE("to_string is the shortest text", "[io][api]")
{
    CHECK(lowbit::to_string(lowbit::float16(0.1)) == "0.1");
    CHECK(lowbit::to_string(lowbit::bfloat16(3.0)) == "3");
    CHECK(lowbit::to_string(lowbit::float8_e5m2(-0.0)) == "-0");
    CHECK(lowbit::to_string(lowbit::tfloat32(1.0 / 3)) == "0.3333");
}

}  // namespace
