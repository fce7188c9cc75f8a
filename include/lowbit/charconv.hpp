// lowbit::to_chars, from_chars and to_string for every float_format: shortest round-trip output and one
// correct rounding of decimal or hexadecimal input under every rounding mode. Standard library only.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "convert.hpp"
#include "core/decode.hpp"
#include "core/format_info.hpp"
#include "core/options.hpp"
#include "core/real_parts.hpp"
#include "types/float_format.hpp"

namespace lowbit {
namespace detail {
namespace text {

// Just enough arbitrary-precision arithmetic to compare a decimal or hexadecimal input with a double exactly.
class big_uint {
public:
    big_uint() = default;
    explicit big_uint(std::uint64_t v)
    {
        for (; v != 0; v >>= 32) limbs_.push_back(static_cast<std::uint32_t>(v));
    }
    bool is_zero() const noexcept { return limbs_.empty(); }

    void mul_add(std::uint32_t factor, std::uint32_t addend)
    {
        std::uint64_t carry = addend;
        for (auto& limb : limbs_) {
            const std::uint64_t t = std::uint64_t{limb} * factor + carry;
            limb = static_cast<std::uint32_t>(t);
            carry = t >> 32;
        }
        if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
    }
    void mul_pow5(long long n)
    {
        for (; n >= 13; n -= 13) mul_add(1220703125u, 0);  // 5^13 is the largest power of 5 below 2^32
        std::uint32_t p = 1;
        for (; n > 0; --n) p *= 5;
        if (p != 1) mul_add(p, 0);
    }
    void shift_left(long long n)
    {
        if (limbs_.empty() || n <= 0) return;
        const auto bits = static_cast<unsigned>(n % 32);
        if (bits != 0) {
            std::uint32_t carry = 0;
            for (auto& limb : limbs_) {
                const std::uint32_t next = limb >> (32 - bits);
                limb = (limb << bits) | carry;
                carry = next;
            }
            if (carry != 0) limbs_.push_back(carry);
        }
        limbs_.insert(limbs_.begin(), static_cast<std::size_t>(n / 32), 0u);
    }
    static int compare(const big_uint& a, const big_uint& b) noexcept
    {
        if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
        for (std::size_t i = a.limbs_.size(); i-- > 0;)
            if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
        return 0;
    }

private:
    std::vector<std::uint32_t> limbs_;  // little-endian, no zero limb on top
};

// A nonnegative number read from text: digits * 10^exp10 * 2^exp2, plus "something nonzero below the last
// kept digit" when `sticky`. `lead` locates the leading digit (decimal: its power of ten; hex: roughly its
// power of two) to tell huge from tiny values.
struct exact_number {
    big_uint digits;
    long long exp10 = 0;
    long long exp2 = 0;
    bool sticky = false;
    long long lead = 0;
};

// Digits beyond these cannot change a comparison with a double (whose exact expansion has at most 767
// significant decimal digits, or 14 hexadecimal ones); they only set `sticky`.
inline constexpr int max_decimal_digits = 800;
inline constexpr int max_hex_digits = 32;
inline constexpr long long exponent_limit = 1'000'000'000'000LL;  // saturation for absurd exponents

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads "[+-]digits" of an exponent already validated by std::from_chars; saturates.
inline long long read_exponent(const char* p, const char* end) noexcept
{
    bool negative = false;
    if (p != end && (*p == '+' || *p == '-')) negative = *p++ == '-';
    long long e = 0;
    for (; p != end && is_digit(*p); ++p)
        if (e < exponent_limit) e = e * 10 + (*p - '0');
    return negative ? -e : e;
}

// [p, end) is a number std::from_chars accepted, without its sign.
inline exact_number read_decimal(const char* p, const char* end)
{
    exact_number x;
    int kept = 0;
    bool seen_nonzero = false, after_point = false;
    std::uint32_t pending = 0, pending_scale = 1;
    for (; p != end; ++p) {
        if (*p == '.') {
            after_point = true;
            continue;
        }
        if (!is_digit(*p)) break;
        const auto d = static_cast<std::uint32_t>(*p - '0');
        if (!seen_nonzero && d == 0) {
            if (after_point) --x.exp10;
            continue;
        }
        seen_nonzero = true;
        if (kept < max_decimal_digits) {
            pending = pending * 10 + d;
            pending_scale *= 10;
            if (pending_scale == 1'000'000'000u) {
                x.digits.mul_add(pending_scale, pending);
                pending = 0;
                pending_scale = 1;
            }
            ++kept;
            if (after_point) --x.exp10;
        } else {
            if (d != 0) x.sticky = true;
            if (!after_point) ++x.exp10;
        }
    }
    if (pending_scale != 1) x.digits.mul_add(pending_scale, pending);
    if (p != end && (*p == 'e' || *p == 'E')) x.exp10 += read_exponent(p + 1, end);
    x.lead = x.exp10 + kept - 1;
    return x;
}

inline exact_number read_hex(const char* p, const char* end)
{
    exact_number x;
    int kept = 0;
    bool seen_nonzero = false, after_point = false;
    for (; p != end; ++p) {
        if (*p == '.') {
            after_point = true;
            continue;
        }
        const int d = hex_value(*p);
        if (d < 0) break;
        if (!seen_nonzero && d == 0) {
            if (after_point) x.exp2 -= 4;
            continue;
        }
        seen_nonzero = true;
        if (kept < max_hex_digits) {
            x.digits.mul_add(16, static_cast<std::uint32_t>(d));
            ++kept;
            if (after_point) x.exp2 -= 4;
        } else {
            if (d != 0) x.sticky = true;
            if (!after_point) x.exp2 += 4;
        }
    }
    if (p != end && (*p == 'p' || *p == 'P')) x.exp2 += read_exponent(p + 1, end);
    x.lead = x.exp2 + 4 * static_cast<long long>(kept);
    return x;
}

// Sign of x - d for a positive finite double d, exactly.
inline int compare(const exact_number& x, double d)
{
    const auto bits = std::bit_cast<std::uint64_t>(d);
    const auto field = static_cast<int>(bits >> 52);
    const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
    const std::uint64_t m = field == 0 ? fraction : fraction | (std::uint64_t{1} << 52);
    const long long e = field == 0 ? -1074 : field - 1075;

    // x = digits * 5^exp10 * 2^(exp10 + exp2), d = m * 2^e: move the powers of 5 and 2 to one side each.
    big_uint a = x.digits;
    big_uint b(m);
    if (x.exp10 >= 0)
        a.mul_pow5(x.exp10);
    else
        b.mul_pow5(-x.exp10);
    const long long a2 = x.exp10 + x.exp2;
    if (a2 > e)
        a.shift_left(a2 - e);
    else
        b.shift_left(e - a2);
    const int c = big_uint::compare(a, b);
    return c == 0 && x.sticky ? 1 : c;
}

inline int compare_decimal(std::uint64_t digits, long long exp10, double d)
{
    exact_number x;
    x.digits = big_uint(digits);
    x.exp10 = exp10;
    return compare(x, d);
}

inline double with_sign(double d, bool negative) noexcept
{
    const auto bits = std::bit_cast<std::uint64_t>(d);
    return std::bit_cast<double>(negative ? bits | (std::uint64_t{1} << 63) : bits & ~(std::uint64_t{1} << 63));
}

// ---------------------------------------------------------------------------------------------------------
// Input. The text is turned into one double that a narrower format rounds exactly as it would round the
// text: the double rounded to odd. std::from_chars gives the nearest double d; an exact comparison of the
// text with d tells whether d is exact and, if not, on which side the text lies. An inexact d with an even
// last bit is replaced by its neighbour on that side, whose last bit is odd. A double with an odd last bit
// is never a value, or a midpoint between values, of a format with at most 51 significand bits, so it lies
// on the same side of every rounding boundary as the text, and one rounding of it is the correct rounding
// of the text in every direction. Text beyond double's range becomes ±max double or ±denorm_min, which lie
// on the same side of every boundary of a format whose smallest value is at least 2^-1072.

struct parsed_number {
    std::from_chars_result result;
    double value;  // the round-to-odd double (or NaN, Inf, ±0)
};

inline bool starts_hex_prefix(const char* p, const char* last) noexcept
{
    if (last - p < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X')) return false;
    if (hex_value(p[2]) >= 0) return true;
    return p[2] == '.' && last - p >= 4 && hex_value(p[3]) >= 0;
}

inline parsed_number parse_number(const char* first, const char* last, std::chars_format fmt)
{
    parsed_number out{{first, std::errc::invalid_argument}, 0.0};
    if (first == nullptr || first == last) return out;
    const char* p = first;
    bool negative = false;
    if (*p == '+' || *p == '-') negative = *p++ == '-';
    if (p == last || *p == '+' || *p == '-') return out;

    bool hex = fmt == std::chars_format::hex;
    const char* body = p;
    if ((hex || fmt == std::chars_format::general) && starts_hex_prefix(p, last)) {
        body = p + 2;
        hex = true;
    }
    double d = 0;
    auto r = std::from_chars(body, last, d, hex ? std::chars_format::hex : fmt);
    if (r.ec == std::errc::invalid_argument) return out;
    out.result = {r.ptr, std::errc{}};

    const auto bits = std::bit_cast<std::uint64_t>(d);
    const bool special = (bits & 0x7FF0000000000000u) == 0x7FF0000000000000u;  // a literal nan or inf
    if (special) {
        out.value = with_sign(d, negative);
        return out;
    }
    const exact_number x = hex ? read_hex(body, r.ptr) : read_decimal(body, r.ptr);
    if (x.digits.is_zero() && !x.sticky) {
        out.value = with_sign(0.0, negative);
        return out;
    }
    if (r.ec == std::errc::result_out_of_range || d == 0) {
        out.value = x.lead > 0 ? std::numeric_limits<double>::max() : std::numeric_limits<double>::denorm_min();
        out.value = with_sign(out.value, negative);
        return out;
    }
    std::uint64_t magnitude = bits & ~(std::uint64_t{1} << 63);
    const int side = compare(x, std::bit_cast<double>(magnitude));
    if (side != 0 && (magnitude & 1) == 0) magnitude = side > 0 ? magnitude + 1 : magnitude - 1;
    out.value = with_sign(std::bit_cast<double>(magnitude), negative);
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// Output. A finite nonzero code owns the interval of reals that round to it under nearest-even: halfway to
// the neighbouring codes, the grid continued past the largest and below the smallest value as if the
// exponent field had more codes (so the largest finite value prints near itself, whatever the overflow
// policy would do with larger text). The shortest decimal in that interval is printed; among several of
// that length, the nearest to the value.

struct decimal {
    std::uint64_t digits;  // value = digits * 10^exponent
    int exponent;
};

// Whether the rounding engine's kept significand of magnitude code c is odd (ties then go to its upper
// neighbour): the decoded integer significand's last bit, so the implicit 1 of a normal value with no
// fraction bits counts as odd and zero as even.
constexpr bool kept_is_odd(const format_info& f, std::uint32_t c) noexcept
{
    return (decode(f, c).significand & 1u) != 0;
}

struct rounding_interval {
    double lo, hi;
    bool lo_in, hi_in;
};

// For a finite nonzero code of magnitude c and value v > 0 (exact double arithmetic throughout: every
// quantity has at most 33 significand bits).
inline rounding_interval interval_of(const format_info& f, std::uint32_t c, double v)
{
    rounding_interval r{};
    if (c == 0) {  // E8M0's smallest value: continue the power-of-two grid downward
        r.lo = 0.75 * v;
        r.lo_in = true;
    } else {
        const double previous = decode_to<double>(f, c - 1);
        r.lo = previous + (v - previous) / 2;
        r.lo_in = kept_is_odd(f, c - 1);
    }
    // The decoded scale is the exponent of the code's last significand bit: half an ulp above v.
    r.hi = v + std::ldexp(1.0, decode(f, c).scale - 1);
    r.hi_in = !kept_is_odd(f, c);
    return r;
}

// Parses the "e+XX" tail of std::to_chars scientific output.
inline int scientific_exponent(const char* begin, const char* end) noexcept
{
    const char* e = end;
    while (e != begin && e[-1] != 'e') --e;
    int x = 0;
    const char* p = e;
    if (p != end && *p == '+') ++p;
    std::from_chars(p, end, x);
    return x;
}

inline decimal normalized(std::uint64_t digits, int exponent) noexcept
{
    while (digits != 0 && digits % 10 == 0) {
        digits /= 10;
        ++exponent;
    }
    return {digits, exponent};
}

// The shortest decimal in the interval around v > 0.
inline decimal shortest_in(double v, const rounding_interval& in)
{
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 0);
    int decade = scientific_exponent(buf, r.ptr);
    if (compare_decimal(1, decade, v) > 0) --decade;  // the one digit rounded up to the next power of ten

    for (int n = 1; n <= 17; ++n) {
        r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, n - 1);
        std::uint64_t nearest = 0;
        const char* p = buf;
        for (; p != r.ptr && *p != 'e'; ++p)
            if (is_digit(*p)) nearest = nearest * 10 + static_cast<std::uint64_t>(*p - '0');
        if (scientific_exponent(buf, r.ptr) != decade) nearest *= 10;
        const int unit = decade - n + 1;
        const int side = compare_decimal(nearest, unit, v);
        if (side == 0) return normalized(nearest, unit);
        const std::uint64_t lower = side > 0 ? nearest - 1 : nearest;
        const std::uint64_t upper = side > 0 ? nearest : nearest + 1;
        const int lo_side = compare_decimal(lower, unit, in.lo);
        const int hi_side = compare_decimal(upper, unit, in.hi);
        const bool lower_ok = lo_side > 0 || (lo_side == 0 && in.lo_in);
        const bool upper_ok = hi_side < 0 || (hi_side == 0 && in.hi_in);
        if (side > 0) {
            if (upper_ok) return normalized(upper, unit);
            if (lower_ok) return normalized(lower, unit);
        } else {
            if (lower_ok) return normalized(lower, unit);
            if (upper_ok) return normalized(upper, unit);
        }
    }
    return {0, 0};  // not reached: 17 digits always land within half an ulp of a format narrower than double
}

// What the value of a code is, and how it prints.
struct code_text {
    value_class cls;
    double exact;      // the code's value (NaN and Inf with the code's sign)
    double shortest;   // the double nearest the shortest decimal (== exact unless finite nonzero)
    decimal digits;    // the shortest decimal, for finite nonzero codes
};

inline code_text describe(const format_info& f, std::uint32_t code)
{
    const decoded_value d = decode(f, code);
    code_text t{d.cls, decode_to<double>(f, code), 0.0, {0, 0}};
    t.shortest = t.exact;
    if (d.cls != value_class::finite) return t;
    const double v = with_sign(t.exact, false);
    t.digits = shortest_in(v, interval_of(f, code & f.magnitude_mask, v));
    char buf[48];
    auto r = std::to_chars(buf, buf + 24, t.digits.digits);  // at most 20 digits
    *r.ptr = 'e';
    r = std::to_chars(r.ptr + 1, buf + sizeof buf, t.digits.exponent);
    double s = 0;
    std::from_chars(buf, r.ptr, s);  // <= 11 digits: the double's own shortest form is these digits
    t.shortest = with_sign(s, d.negative);
    return t;
}

// The power of ten of a shortest decimal's leading digit.
inline int decade_of(const decimal& d) noexcept
{
    int n = 0;
    for (std::uint64_t x = d.digits; x >= 10; x /= 10) ++n;
    return d.exponent + n;
}

enum class style : std::uint8_t { plain, scientific, fixed, general, hex };

inline std::to_chars_result copy_out(char* first, char* last, const char* begin, const char* end) noexcept
{
    const auto n = end - begin;
    if (last - first < n) return {last, std::errc::value_too_large};
    std::memcpy(first, begin, static_cast<std::size_t>(n));
    return {first + n, std::errc{}};
}

// Shortest output in the given style. Fixed notation prints a value whose shortest decimal ends in zeros
// before the point as its exact integer (448, not 450): no longer, and closest, as std::to_chars asks.
inline std::to_chars_result to_chars_shortest(char* first, char* last, const format_info& f, std::uint32_t code,
                                              style s)
{
    const code_text t = describe(f, code);
    if (s == style::hex || t.cls != value_class::finite) {
        switch (s) {
        case style::plain: return std::to_chars(first, last, t.exact);
        case style::scientific: return std::to_chars(first, last, t.exact, std::chars_format::scientific);
        case style::fixed: return std::to_chars(first, last, t.exact, std::chars_format::fixed);
        case style::general: return std::to_chars(first, last, t.exact, std::chars_format::general);
        case style::hex: return std::to_chars(first, last, t.exact, std::chars_format::hex);
        }
    }
    char sci[64], fix[400];  // fixed: at most 309 integer digits, or "0." and 340 more
    const auto sr = std::to_chars(sci, sci + sizeof sci, t.shortest, std::chars_format::scientific);
    const bool integer = t.digits.exponent >= 1;
    const auto fr = integer ? std::to_chars(fix, fix + sizeof fix, t.exact, std::chars_format::fixed, 0)
                            : std::to_chars(fix, fix + sizeof fix, t.shortest, std::chars_format::fixed);
    switch (s) {
    case style::scientific: return copy_out(first, last, sci, sr.ptr);
    case style::fixed: return copy_out(first, last, fix, fr.ptr);
    case style::plain:
        if (fr.ptr - fix <= sr.ptr - sci) return copy_out(first, last, fix, fr.ptr);
        return copy_out(first, last, sci, sr.ptr);
    case style::general:
    case style::hex: break;
    }
    char gen[64];
    const auto gr = std::to_chars(gen, gen + sizeof gen, t.shortest, std::chars_format::general);
    if (integer && std::memchr(gen, 'e', static_cast<std::size_t>(gr.ptr - gen)) == nullptr)
        return copy_out(first, last, fix, fr.ptr);
    return copy_out(first, last, gen, gr.ptr);
}

inline style style_of(std::chars_format fmt) noexcept
{
    switch (fmt) {
    case std::chars_format::scientific: return style::scientific;
    case std::chars_format::fixed: return style::fixed;
    case std::chars_format::hex: return style::hex;
    case std::chars_format::general: break;
    }
    return style::general;
}

// For formatters that print a double in its own shortest form (fmt's "{}"): the double to hand them so
// that they print the code's shortest decimal, or its exact integer where they would use fixed notation for
// a shortest decimal ending in zeros before the point (those switch to exponent notation at 10^limit).
inline double display_double(const format_info& f, std::uint32_t code, int fixed_limit)
{
    const code_text t = describe(f, code);
    if (t.cls != value_class::finite) return t.exact;
    if (t.digits.exponent >= 1 && decade_of(t.digits) < fixed_limit) return t.exact;
    return t.shortest;
}

}  // namespace text
}  // namespace detail

// Shortest round trip: the fewest characters that lowbit::from_chars (nearest-even) reads back as the same
// code, chosen between fixed and scientific notation as std::to_chars(first, last, double) does. NaN prints
// as "nan" or "-nan", infinities as "inf" or "-inf". A buffer that is too small gives
// {last, errc::value_too_large}; nothing is written past `last`.
template <floating_format T>
std::to_chars_result to_chars(char* first, char* last, T x)
{
    return detail::text::to_chars_shortest(first, last, T::info, x.bits(), detail::text::style::plain);
}

// Shortest round trip in the given notation (hex prints the exact value, which is its shortest form).
template <floating_format T>
std::to_chars_result to_chars(char* first, char* last, T x, std::chars_format fmt)
{
    return detail::text::to_chars_shortest(first, last, T::info, x.bits(), detail::text::style_of(fmt));
}

// Exactly std::to_chars of the code's exact value with this notation and precision (printf semantics).
template <floating_format T>
std::to_chars_result to_chars(char* first, char* last, T x, std::chars_format fmt, int precision)
{
    return std::to_chars(first, last, detail::decode_to<double>(T::info, x.bits()), fmt, precision);
}

// One correct rounding of the exact value of the text: decimal ("1.5", "2e-3", "inf", "nan") or, with
// chars_format::hex, hexadecimal without exponent marker requirement ("1.8p3"); a "0x"/"0X" prefix is accepted
// with hex and general. Beyond the std::from_chars syntax, a leading '+' is accepted. The result is what
// lowbit::convert gives for the exact value under `options`: values beyond the format's range follow the
// overflow option and never give result_out_of_range; "nan" and "inf" give what convert gives for NaN
// and Inf. Text that is not a number gives {first, errc::invalid_argument} and leaves `value` unchanged.
template <floating_format T>
std::from_chars_result from_chars(const char* first, const char* last, T& value, std::chars_format fmt,
                                  const conversion_options& options)
{
    const detail::text::parsed_number n = detail::text::parse_number(first, last, fmt);
    if (n.result.ec == std::errc{}) value = convert<T>(n.value, options);
    return n.result;
}

template <floating_format T>
std::from_chars_result from_chars(const char* first, const char* last, T& value,
                                  std::chars_format fmt = std::chars_format::general,
                                  rounding mode = rounding::nearest_even,
                                  overflow on_overflow = overflow::nonsaturating)
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    return from_chars(first, last, value, fmt, options);
}

template <floating_format T>
std::from_chars_result from_chars(const char* first, const char* last, T& value, const conversion_options& options)
{
    return from_chars(first, last, value, std::chars_format::general, options);
}

// The shortest round-trip text (unlike std::to_string(double), which prints "%f").
template <floating_format T>
std::string to_string(T x)
{
    char buf[512];
    const auto r = to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

}  // namespace lowbit
