// Test support: exact dyadic rationals N * 2^-288 with N a 576-bit two's-complement integer, enough for every
// sum, difference and product of two values of any format up to 32 bits whose values lie in 2^-140..2^128
// (bfloat16, tfloat32, E8M0 included), and for integers up to 2^64 times such values. Independent of lowbit:
// plain multi-word integer arithmetic, every inexact or overflowing step throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace lowbit_test {

class dyadic {
public:
    static constexpr int limbs = 18;  // 576 bits
    static constexpr int fraction_limbs = 9;
    static constexpr int fraction_bits = 32 * fraction_limbs;  // 288

    dyadic() = default;

    // (-1)^negative * m * 2^e.
    static dyadic scaled(bool negative, std::uint64_t m, int e)
    {
        dyadic r;
        const int position = e + fraction_bits;
        if (m != 0) {
            if (position < 0) fail("value below 2^-288");
            if (position + 64 > 32 * limbs - 1) fail("value too large");
            const std::size_t limb = static_cast<std::size_t>(position / 32);
            const int offset = position % 32;
            const std::uint64_t low = m << offset;
            const std::uint64_t high = offset == 0 ? 0 : m >> (64 - offset);
            r.w_[limb] = static_cast<std::uint32_t>(low);
            r.w_[limb + 1] = static_cast<std::uint32_t>(low >> 32);
            if (limb + 2 < limbs) r.w_[limb + 2] = static_cast<std::uint32_t>(high);
        }
        return negative ? -r : r;
    }

    bool is_zero() const
    {
        for (std::uint32_t x : w_)
            if (x != 0) return false;
        return true;
    }
    bool is_negative() const { return (w_[limbs - 1] >> 31) != 0; }
    dyadic abs() const { return is_negative() ? -*this : *this; }

    friend dyadic operator+(const dyadic& a, const dyadic& b)
    {
        dyadic r;
        std::uint64_t carry = 0;
        for (std::size_t i = 0; i < limbs; ++i) {
            const std::uint64_t s = std::uint64_t{a.w_[i]} + b.w_[i] + carry;
            r.w_[i] = static_cast<std::uint32_t>(s);
            carry = s >> 32;
        }
        if (a.is_negative() == b.is_negative() && r.is_negative() != a.is_negative()) fail("overflow in +");
        return r;
    }
    friend dyadic operator-(const dyadic& a)
    {
        dyadic r;
        std::uint64_t carry = 1;
        for (std::size_t i = 0; i < limbs; ++i) {
            const std::uint64_t s = std::uint64_t{static_cast<std::uint32_t>(~a.w_[i])} + carry;
            r.w_[i] = static_cast<std::uint32_t>(s);
            carry = s >> 32;
        }
        return r;
    }
    friend dyadic operator-(const dyadic& a, const dyadic& b) { return a + (-b); }

    // Exact product: throws if it needs bits below 2^-288 or above the width.
    friend dyadic operator*(const dyadic& a, const dyadic& b)
    {
        const bool negative = a.is_negative() != b.is_negative();
        const dyadic x = a.abs();
        const dyadic y = b.abs();
        std::array<std::uint64_t, 2 * limbs + 1> acc{};
        for (std::size_t i = 0; i < limbs; ++i) {
            if (x.w_[i] == 0) continue;
            std::uint64_t carry = 0;
            for (std::size_t j = 0; j < limbs; ++j) {
                const std::uint64_t t = std::uint64_t{x.w_[i]} * y.w_[j] + (acc[i + j] & 0xFFFFFFFFu) + carry;
                acc[i + j] = t & 0xFFFFFFFFu;
                carry = t >> 32;
            }
            std::size_t k = i + limbs;
            while (carry != 0) {
                const std::uint64_t t = acc[k] + carry;
                acc[k] = t & 0xFFFFFFFFu;
                carry = t >> 32;
                ++k;
            }
        }
        for (std::size_t i = 0; i < fraction_limbs; ++i)
            if (acc[i] != 0) fail("product below 2^-288");
        for (std::size_t i = limbs + fraction_limbs; i < acc.size(); ++i)
            if (acc[i] != 0) fail("product too large");
        dyadic r;
        for (std::size_t i = 0; i < limbs; ++i) r.w_[i] = static_cast<std::uint32_t>(acc[i + fraction_limbs]);
        if (r.is_negative()) fail("product too large");
        return negative ? -r : r;
    }

    // Exact halving (for midpoints).
    dyadic half() const
    {
        if ((w_[0] & 1u) != 0) fail("inexact half");
        dyadic r;
        for (std::size_t i = 0; i < limbs; ++i) {
            const std::uint32_t next = i + 1 < limbs ? w_[i + 1] : (is_negative() ? 0xFFFFFFFFu : 0u);
            r.w_[i] = (w_[i] >> 1) | (next << 31);
        }
        return r;
    }

    friend int compare(const dyadic& a, const dyadic& b)
    {
        if (a.is_negative() != b.is_negative()) return a.is_negative() ? -1 : 1;
        for (std::size_t i = limbs; i-- > 0;) {
            if (a.w_[i] != b.w_[i]) return a.w_[i] < b.w_[i] ? -1 : 1;
        }
        return 0;
    }
    friend bool operator==(const dyadic& a, const dyadic& b) { return compare(a, b) == 0; }
    friend bool operator<(const dyadic& a, const dyadic& b) { return compare(a, b) < 0; }

    // For messages only (may lose precision): the nearest double, computed from the top limbs.
    double approx() const
    {
        const dyadic m = abs();
        double r = 0;
        for (std::size_t i = limbs; i-- > 0;) r = r * 4294967296.0 + m.w_[i];
        for (int i = 0; i < fraction_bits; ++i) r /= 2;
        return is_negative() ? -r : r;
    }

private:
    [[noreturn]] static void fail(const char* what) { throw std::logic_error(std::string("exact dyadic: ") + what); }
    std::array<std::uint32_t, limbs> w_{};
};

}  // namespace lowbit_test
