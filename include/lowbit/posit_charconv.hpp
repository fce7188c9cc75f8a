// Text for posits: lowbit::to_chars (the shortest text that reads back as the same posit), lowbit::from_chars
// (one correct rounding of the exact text under the posit standard's rounding) and lowbit::to_string.
#pragma once

#include <charconv>
#include <string>
#include <system_error>

#include "charconv.hpp"
#include "types/posit.hpp"

namespace lowbit {
namespace detail::text {

// Case-insensitive match of the word "nar" at p.
inline bool starts_with_nar(const char* p, const char* last) noexcept
{
    if (last - p < 3) return false;
    const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    return lower(p[0]) == 'n' && lower(p[1]) == 'a' && lower(p[2]) == 'r';
}

}  // namespace detail::text

// One correct rounding of the text's exact value: the same syntax as the float formats' from_chars, plus
// "NaR" (any case) for NaR. "nan" and "inf" give NaR, and a nonzero value never rounds to 0 or NaR: text
// beyond maxpos or below minpos gives ±maxpos or ±minpos. The parser hands over the text rounded to odd at
// double precision; a posit keeps at most 30 significant bits, so rounding that double once is the correct
// rounding of the text (see charconv.hpp). Text that is not a number gives {first, errc::invalid_argument}
// and leaves `value` unchanged.
template <int N, int ES>
std::from_chars_result from_chars(const char* first, const char* last, posit<N, ES>& value,
                                  std::chars_format fmt = std::chars_format::general)
{
    if (first != nullptr && detail::text::starts_with_nar(first, last)) {
        value = posit<N, ES>::nar();
        return {first + 3, std::errc{}};
    }
    const detail::text::parsed_number n = detail::text::parse_number(first, last, fmt);
    if (n.result.ec == std::errc{}) value = posit<N, ES>(n.value);
    return n.result;
}

// The fewest significant digits that from_chars reads back as the same posit, laid out as std::to_chars lays
// out a double with that precision in general notation; NaR prints as "NaR". A buffer that is too small gives
// {last, errc::value_too_large}.
template <int N, int ES>
std::to_chars_result to_chars(char* first, char* last, posit<N, ES> x)
{
    static constexpr char nar[] = "NaR";
    if (x.is_nar()) return detail::text::copy_out(first, last, nar, nar + 3);
    const double v = static_cast<double>(x);
    char text[40];
    for (int digits = 1; digits <= 17; ++digits) {
        const auto printed = std::to_chars(text, text + sizeof text, v, std::chars_format::general, digits);
        posit<N, ES> back;
        from_chars(text, printed.ptr, back);
        if (back.bits() == x.bits()) return detail::text::copy_out(first, last, text, printed.ptr);
    }
    // 17 digits identify every double, and every posit value is a double: not reached.
    const auto printed = std::to_chars(text, text + sizeof text, v);
    return detail::text::copy_out(first, last, text, printed.ptr);
}

template <int N, int ES>
std::string to_string(posit<N, ES> x)
{
    char buffer[40];
    const auto result = to_chars(buffer, buffer + sizeof buffer, x);
    return std::string(buffer, result.ptr);
}

}  // namespace lowbit
