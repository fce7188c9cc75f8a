// fmt::formatter for every float_format: fmt's floating-point specs applied to the exact value, "{}" as the
// shortest round-trip text of the format, and "{:x}", "{:X}", "{:b}" for the raw code. Posits: "{}" is
// their shortest text ("NaR" for NaR), any other spec formats the exact value. intn/uintn format as int.
// Needs fmt 9 or later.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include "charconv.hpp"
#include "posit_charconv.hpp"
#include "types/float_format.hpp"
#include "types/intn.hpp"
#include "types/posit.hpp"

template <class T>
struct fmt::formatter<T, char, std::enable_if_t<lowbit::is_float_format_v<T>>> {
private:
    enum class presentation : std::uint8_t { shortest, value, hex_lower, hex_upper, binary };
    fmt::formatter<double> float_;
    presentation mode_ = presentation::shortest;
    // Code presentations: [[fill]align]['#']['0'][width]
    char fill_ = ' ';
    char align_ = '>';
    bool alternate_ = false;
    bool zero_pad_ = false;
    int width_ = 0;

    static constexpr bool is_align(char c) noexcept { return c == '<' || c == '>' || c == '^'; }

    constexpr auto parse_code_spec(const char* it, const char* type) -> const char*
    {
        if (type - it >= 2 && is_align(it[1])) {
            fill_ = it[0];
            align_ = it[1];
            it += 2;
        } else if (it != type && is_align(*it)) {
            align_ = *it++;
        }
        if (it != type && *it == '#') {
            alternate_ = true;
            ++it;
        }
        if (it != type && *it == '0') {
            zero_pad_ = true;
            ++it;
        }
        for (; it != type && *it >= '0' && *it <= '9'; ++it) width_ = width_ * 10 + (*it - '0');
        if (it != type) throw fmt::format_error("lowbit: a code presentation takes [[fill]align][#][0][width] only");
        return type + 1;
    }

public:
    constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin())
    {
        const char* begin = ctx.begin();
        const char* end = ctx.end();
        const char* spec_end = begin;
        for (int depth = 0; spec_end != end; ++spec_end) {
            if (*spec_end == '{') ++depth;
            if (*spec_end == '}' && depth-- == 0) break;
        }
        const char type = spec_end != begin ? spec_end[-1] : '\0';
        if (type == 'x' || type == 'X' || type == 'b') {
            mode_ = type == 'x' ? presentation::hex_lower : type == 'X' ? presentation::hex_upper : presentation::binary;
            return parse_code_spec(begin, spec_end - 1);
        }
        bool has_precision = false;
        const char* p = begin;
        if (spec_end - p >= 2 && is_align(p[1])) p += 2;  // a fill character may be '.'
        for (; p != spec_end; ++p) has_precision = has_precision || *p == '.';
        const bool has_type = type == 'a' || type == 'A' || type == 'e' || type == 'E' || type == 'f' ||
                              type == 'F' || type == 'g' || type == 'G';
        mode_ = has_type || has_precision ? presentation::value : presentation::shortest;
        return float_.parse(ctx);
    }

    template <class FormatContext>
    auto format(const T& x, FormatContext& ctx) const -> decltype(ctx.out())
    {
        const auto code = static_cast<std::uint32_t>(x.bits());
        switch (mode_) {
        case presentation::shortest:
            // fmt prints a double's shortest form in fixed notation below 1e16.
            return float_.format(lowbit::detail::text::display_double(T::info, code, 16), ctx);
        case presentation::value: return float_.format(static_cast<double>(x), ctx);
        case presentation::hex_lower:
        case presentation::hex_upper:
        case presentation::binary: break;
        }
        const bool binary = mode_ == presentation::binary;
        const int bits_per_digit = binary ? 1 : 4;
        const int digits = (T::info.total_bits + bits_per_digit - 1) / bits_per_digit;
        const char* alphabet = mode_ == presentation::hex_upper ? "0123456789ABCDEF" : "0123456789abcdef";
        char text[40];
        int n = 0;
        if (alternate_) {
            text[n++] = '0';
            text[n++] = binary ? 'b' : (mode_ == presentation::hex_upper ? 'X' : 'x');
        }
        const int prefix = n;
        for (int i = digits - 1; i >= 0; --i) text[n++] = alphabet[(code >> (i * bits_per_digit)) & (binary ? 1u : 15u)];
        const int pad = width_ > n ? width_ - n : 0;
        auto out = ctx.out();
        const auto put = [&out](char c, int count) {
            for (int i = 0; i < count; ++i) *out++ = c;
        };
        if (zero_pad_) {
            for (int i = 0; i < prefix; ++i) *out++ = text[i];
            put('0', pad);
            for (int i = prefix; i < n; ++i) *out++ = text[i];
            return out;
        }
        const int before = align_ == '<' ? 0 : align_ == '^' ? pad / 2 : pad;
        put(fill_, before);
        for (int i = 0; i < n; ++i) *out++ = text[i];
        put(fill_, pad - before);
        return out;
    }
};

template <int N, int ES>
struct fmt::formatter<lowbit::posit<N, ES>, char> {
private:
    fmt::formatter<double> value_;
    bool shortest_ = true;

public:
    constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin())
    {
        shortest_ = ctx.begin() == ctx.end() || *ctx.begin() == '}';
        return value_.parse(ctx);
    }

    template <class FormatContext>
    auto format(const lowbit::posit<N, ES>& x, FormatContext& ctx) const -> decltype(ctx.out())
    {
        if (!shortest_ && !x.is_nar()) return value_.format(static_cast<double>(x), ctx);
        const std::string text = lowbit::to_string(x);
        return std::copy(text.begin(), text.end(), ctx.out());
    }
};

template <class T>
struct fmt::formatter<T, char, std::enable_if_t<lowbit::is_intn_v<T>>> : fmt::formatter<int> {
    template <class FormatContext>
    auto format(const T& x, FormatContext& ctx) const -> decltype(ctx.out())
    {
        return fmt::formatter<int>::format(x.value(), ctx);
    }
};
