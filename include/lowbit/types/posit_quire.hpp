// lowbit::quire<P>: the exact fixed-point accumulator of the Posit Standard for fused dot products and
// sums, and lowbit::fused_dot, a dot product rounded once.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <ranges>
#include <span>
#include <stdexcept>
#include <type_traits>

#include "../core/posit_engine.hpp"
#include "posit.hpp"

namespace lowbit {

// A two's-complement fixed-point number whose last bit is minpos^2 and whose range covers maxpos^2 with
// at least 30 carry-guard bits; for es = 2 its width is the standard's 16 * N bits (128 for posit8, 256
// for posit16, 512 for posit32); other shapes round the width up to whole 64-bit words. Every product of
// two posits and every posit is a multiple of minpos^2, so adding them is exact. If a running sum ever
// leaves the quire's range (more than about 2^30 products of maxpos^2 magnitude, all of one sign) the
// quire becomes NaR and stays NaR until clear(); NaR operands also make it NaR.
template <posit_type P>
class quire {
    static constexpr int n = P::nbits;
    static constexpr int es = P::es;
    static constexpr int span_bits = 4 * P::max_scale + 1;  // minpos^2 .. maxpos^2
    static constexpr int min_guard_bits = 30;

public:
    using posit_type = P;
    static constexpr int width = (span_bits + 1 + min_guard_bits + 63) / 64 * 64;  // bits, sign included
    static constexpr int carry_guard_bits = width - 1 - span_bits;
    static constexpr int lsb_scale = -2 * P::max_scale;  // the last bit's weight is 2^lsb_scale = minpos^2

    constexpr quire() noexcept = default;
    explicit constexpr quire(P x) noexcept { add(x); }

    constexpr void clear() noexcept
    {
        words_ = {};
        nar_ = false;
    }
    constexpr bool is_nar() const noexcept { return nar_; }
    constexpr bool is_zero() const noexcept
    {
        if (nar_) return false;
        for (const std::uint64_t w : words_)
            if (w != 0) return false;
        return true;
    }

    // quire += a * b, quire -= a * b (exact).
    constexpr quire& add_product(P a, P b) noexcept { return accumulate(a, b, false); }
    constexpr quire& sub_product(P a, P b) noexcept { return accumulate(a, b, true); }
    // quire += a, quire -= a (exact).
    constexpr quire& add(P a) noexcept { return accumulate(a, P(1), false); }
    constexpr quire& sub(P a) noexcept { return accumulate(a, P(1), true); }
    constexpr quire& operator+=(P a) noexcept { return add(a); }
    constexpr quire& operator-=(P a) noexcept { return sub(a); }
    // Adds another quire of the same shape (exact unless the sum overflows).
    constexpr quire& operator+=(const quire& other) noexcept
    {
        if (other.nar_) nar_ = true;
        if (nar_) return *this;
        const bool was_negative = negative();
        const bool other_negative = other.negative();
        std::uint64_t carry = 0;
        for (std::size_t i = 0; i < word_count; ++i) {
            const std::uint64_t s = words_[i] + other.words_[i];
            const std::uint64_t c1 = s < words_[i] ? 1u : 0u;
            words_[i] = s + carry;
            carry = c1 | (words_[i] < s ? 1u : 0u);
        }
        if (was_negative == other_negative && negative() != was_negative) nar_ = true;
        return *this;
    }

    // The accumulated value rounded once to P (NaR if the quire is NaR).
    constexpr P to_posit() const noexcept
    {
        using storage = typename P::storage_type;
        if (nar_) return P::nar();
        std::array<std::uint64_t, word_count> mag = words_;
        const bool neg = negative();
        if (neg) {  // two's complement; the most negative value reads correctly as unsigned afterwards
            std::uint64_t carry = 1;
            for (auto& w : mag) {
                w = ~w + carry;
                carry = (carry != 0 && w == 0) ? 1u : 0u;
            }
        }
        int top_word = static_cast<int>(word_count) - 1;
        while (top_word >= 0 && mag[static_cast<std::size_t>(top_word)] == 0) --top_word;
        if (top_word < 0) return P::from_bits(0);
        const auto tw = static_cast<std::size_t>(top_word);
        const int lead = std::countl_zero(mag[tw]);
        const int top_bit = top_word * 64 + 63 - lead;  // index of the leading one
        // The 64 bits starting at the leading one, and whether anything below them is set.
        std::uint64_t significand = mag[tw] << lead;
        bool sticky = false;
        if (tw > 0) {
            if (lead > 0) significand |= mag[tw - 1] >> (64 - lead);
            sticky = lead > 0 ? (mag[tw - 1] << lead) != 0 : mag[tw - 1] != 0;
            for (std::size_t i = 0; i + 1 < tw; ++i) sticky = sticky || mag[i] != 0;
        }
        const std::uint32_t code = detail::posit_encode<n, es>(neg, top_bit + lsb_scale, significand, sticky);
        return P::from_bits(static_cast<storage>(code));
    }

    // The raw two's-complement words, least significant first (for tests and serialisation).
    constexpr const auto& words() const noexcept { return words_; }

private:
    static constexpr std::size_t word_count = static_cast<std::size_t>(width / 64);

    constexpr bool negative() const noexcept { return (words_[word_count - 1] >> 63) != 0; }

    constexpr quire& accumulate(P a, P b, bool subtract) noexcept
    {
        if (nar_) return *this;
        const detail::posit_parts x = detail::posit_decode<n, es>(a.bits());
        const detail::posit_parts y = detail::posit_decode<n, es>(b.bits());
        if (x.nar || y.nar) {
            nar_ = true;
            return *this;
        }
        if (x.zero || y.zero) return *this;
        // |a * b| = A * B * 2^(scale_a + scale_b - 62) with A, B < 2^32, a multiple of 2^lsb_scale.
        std::uint64_t product = (x.significand >> 32) * (y.significand >> 32);
        int position = x.scale + y.scale - 62 - lsb_scale;
        if (position < 0) {  // the bits shifted out are zeros
            product >>= -position;
            position = 0;
        }
        const bool minus = (x.negative != y.negative) != subtract;
        add_magnitude(product, position, minus);
        return *this;
    }

    // words_ += value * 2^position (or -=), flagging two's-complement overflow.
    constexpr void add_magnitude(std::uint64_t value, int position, bool minus) noexcept
    {
        const bool was_negative = negative();
        const auto index = static_cast<std::size_t>(position / 64);
        const int shift = position % 64;
        const std::uint64_t lo = value << shift;
        const std::uint64_t hi = shift == 0 ? 0 : value >> (64 - shift);
        std::uint64_t carry = 0;
        for (std::size_t i = index; i < word_count; ++i) {
            const std::uint64_t operand = i == index ? lo : (i == index + 1 ? hi : 0);
            if (operand == 0 && carry == 0 && i > index + 1) break;
            const std::uint64_t old = words_[i];
            if (!minus) {
                const std::uint64_t s = old + operand;
                const std::uint64_t c1 = s < old ? 1u : 0u;
                words_[i] = s + carry;
                carry = c1 | (words_[i] < s ? 1u : 0u);
            } else {
                const std::uint64_t d = old - operand;
                const std::uint64_t b1 = old < operand ? 1u : 0u;
                words_[i] = d - carry;
                carry = b1 | (d < carry ? 1u : 0u);
            }
        }
        if (minus ? (was_negative && !negative()) : (!was_negative && negative())) nar_ = true;
    }

    std::array<std::uint64_t, word_count> words_{};
    bool nar_ = false;
};

// sum(a[i] * b[i]) rounded once to the posit type (through a quire). Throws std::invalid_argument if the
// lengths differ. Accepts any contiguous ranges of the same posit type (std::span, std::vector, arrays).
template <std::ranges::contiguous_range A, std::ranges::contiguous_range B>
    requires posit_type<std::ranges::range_value_t<A>> &&
             std::same_as<std::ranges::range_value_t<A>, std::ranges::range_value_t<B>>
constexpr std::ranges::range_value_t<A> fused_dot(const A& a, const B& b)
{
    using P = std::ranges::range_value_t<A>;
    const std::span<const P> x(std::ranges::data(a), std::ranges::size(a));
    const std::span<const P> y(std::ranges::data(b), std::ranges::size(b));
    if (x.size() != y.size()) throw std::invalid_argument("lowbit::fused_dot: the two ranges differ in length");
    quire<P> q;
    for (std::size_t i = 0; i < x.size(); ++i) q.add_product(x[i], y[i]);
    return q.to_posit();
}

}  // namespace lowbit
