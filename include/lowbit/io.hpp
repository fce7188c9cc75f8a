// iostream insertion and extraction for every float_format, through lowbit::to_chars and from_chars.
#pragma once

#include <charconv>
#include <ios>
#include <istream>
#include <ostream>
#include <string>
#include <system_error>

#include "charconv.hpp"
#include "types/float_format.hpp"

namespace lowbit {
namespace detail {

inline char ascii_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Writes text (a sign, then perhaps a "0x" prefix, then the rest) padded to the stream's width.
template <class CharT, class Traits>
void put_padded(std::basic_ostream<CharT, Traits>& os, const std::string& text, std::size_t prefix_length)
{
    const auto width = os.width();
    os.width(0);
    const auto length = static_cast<std::streamsize>(text.size());
    const std::streamsize pad = width > length ? width - length : 0;
    const auto adjust = os.flags() & std::ios_base::adjustfield;
    const std::size_t split = adjust == std::ios_base::internal ? prefix_length
                              : adjust == std::ios_base::left    ? text.size()
                                                                 : 0;
    for (std::size_t i = 0; i < split; ++i) os.put(os.widen(text[i]));
    for (std::streamsize i = 0; i < pad; ++i) os.put(os.fill());
    for (std::size_t i = split; i < text.size(); ++i) os.put(os.widen(text[i]));
}

constexpr bool is_ascii_alnum(char c) noexcept
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace detail

// Without fixed or scientific: the shortest round-trip text (the stream's precision is not used). fixed and
// scientific print the exact value with the stream's precision, like a double; hexfloat prints the exact
// value as "0x1.8p+3". showpos, uppercase, width, fill and left/right/internal adjustment are honoured.
template <class CharT, class Traits, floating_format T>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, T x)
{
    const std::ios_base::fmtflags flags = os.flags();
    const auto floatfield = flags & std::ios_base::floatfield;
    const auto precision = static_cast<int>(os.precision());
    char buf[1200];
    std::to_chars_result r{};
    bool hex = false;
    if (floatfield == std::ios_base::fixed)
        r = to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, precision);
    else if (floatfield == std::ios_base::scientific)
        r = to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific, precision);
    else if (floatfield == (std::ios_base::fixed | std::ios_base::scientific)) {
        r = to_chars(buf, buf + sizeof buf, x, std::chars_format::hex);
        hex = true;
    } else
        r = to_chars(buf, buf + sizeof buf, x);
    if (r.ec != std::errc{}) {  // a precision too large for the buffer
        os.setstate(std::ios_base::failbit);
        return os;
    }
    std::string text(buf, r.ptr);
    std::size_t prefix = 0;
    if (!text.empty() && text[0] == '-')
        prefix = 1;
    else if (flags & std::ios_base::showpos) {
        text.insert(text.begin(), '+');
        prefix = 1;
    }
    const char first_digit = prefix < text.size() ? text[prefix] : '\0';
    if (hex && first_digit >= '0' && first_digit <= '9') {  // not for nan and inf
        text.insert(prefix, "0x");
        prefix += 2;
    }
    if (flags & std::ios_base::uppercase)
        for (char& c : text) c = detail::ascii_upper(c);
    detail::put_padded(os, text, prefix);
    return os;
}

// Skips leading whitespace (if skipws), reads the longest run of characters a number can contain (letters,
// digits, '.', and '+' or '-' at the start or after an exponent letter) and parses it with from_chars
// (nearest-even, nonsaturating). If the run is empty or is not entirely one number, failbit is set and x
// is left unchanged.
template <class CharT, class Traits, floating_format T>
std::basic_istream<CharT, Traits>& operator>>(std::basic_istream<CharT, Traits>& is, T& x)
{
    typename std::basic_istream<CharT, Traits>::sentry sentry(is);
    if (!sentry) return is;
    std::string token;
    std::ios_base::iostate state = std::ios_base::goodbit;
    auto* buffer = is.rdbuf();
    for (;;) {
        const auto next = buffer->sgetc();
        if (Traits::eq_int_type(next, Traits::eof())) {
            state |= std::ios_base::eofbit;
            break;
        }
        const char c = is.narrow(Traits::to_char_type(next), '\0');
        const char previous = token.empty() ? '\0' : token.back();
        const bool sign_allowed = token.empty() || previous == 'e' || previous == 'E' || previous == 'p' ||
                                  previous == 'P';
        if (!(detail::is_ascii_alnum(c) || c == '.' || ((c == '+' || c == '-') && sign_allowed))) break;
        token.push_back(c);
        buffer->sbumpc();
    }
    T value = x;
    const char* end = token.data() + token.size();
    const auto r = from_chars(token.data(), end, value);
    if (token.empty() || r.ec != std::errc{} || r.ptr != end)
        state |= std::ios_base::failbit;
    else
        x = value;
    is.setstate(state);
    return is;
}

}  // namespace lowbit
