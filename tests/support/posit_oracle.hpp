// Test support (not part of the library): an independent exact reference for posit<n, es> rounding and
// arithmetic. It shares no code with lowbit's posit engine:
//  * codes are decoded bit by bit, following the wording of the standard (regime run, terminator,
//    exponent bits padded with zeros, fraction), into exact dyadic numbers m * 2^e;
//  * exact results are never encoded. They are only compared with the sorted list of posit values
//    (binary search over the codes, which are ordered like their values) and with the rounding boundary
//    between two neighbouring codes c and c + 1, which by the bit-string rule is the real whose bit string
//    is c followed by a single 1: the value of code 2c + 1 of posit<n + 1, es>. A tie rounds to the even
//    code; magnitudes at or below minpos give minpos, at or above maxpos give maxpos.
//  * sums are exact in a wide two's-complement fixed-point number; quotients and square roots are
//    compared through products (a / b vs c as a vs b * c; sqrt(a) vs c as a vs c * c).
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace posit_oracle {

// m * 2^e, m > 0.
struct dyadic {
    std::uint64_t m;
    int e;
};

inline int bit_length(std::uint64_t m) { return 64 - std::countl_zero(m); }

// Sign of a - b.
inline int compare(dyadic a, dyadic b)
{
    const int la = bit_length(a.m);
    const int lb = bit_length(b.m);
    if (a.e + la != b.e + lb) return a.e + la < b.e + lb ? -1 : 1;
    const std::uint64_t ma = a.m << (64 - la);
    const std::uint64_t mb = b.m << (64 - lb);
    return ma < mb ? -1 : (ma > mb ? 1 : 0);
}

inline dyadic strip(dyadic a)
{
    const int z = std::countr_zero(a.m);
    return {a.m >> z, a.e + z};
}

inline dyadic multiply(dyadic a, dyadic b)
{
    a = strip(a);
    b = strip(b);
    if (bit_length(a.m) + bit_length(b.m) > 64) throw std::logic_error("posit_oracle: product too wide");
    return {a.m * b.m, a.e + b.e};
}

struct value {
    enum class kind { zero, nar, real } cls;
    bool negative;
    dyadic magnitude;
};

// Decodes a posit<n, es> code (low n bits) literally, one bit at a time.
inline value decode(int n, int es, std::uint64_t code)
{
    const std::uint64_t mask = (std::uint64_t{1} << n) - 1;
    code &= mask;
    if (code == 0) return {value::kind::zero, false, {0, 0}};
    if (code == (std::uint64_t{1} << (n - 1))) return {value::kind::nar, false, {0, 0}};
    const bool negative = ((code >> (n - 1)) & 1) != 0;
    if (negative) code = ((std::uint64_t{1} << n) - code) & mask;
    int i = n - 2;  // next bit to read, most significant first
    const auto bit = [&](int index) { return static_cast<int>((code >> index) & 1); };
    const int first = bit(i);
    int run = 0;
    while (i >= 0 && bit(i) == first) {
        ++run;
        --i;
    }
    if (i >= 0) --i;  // the terminating bit
    const int regime = first == 1 ? run - 1 : -run;
    int exponent = 0;
    for (int j = 0; j < es; ++j) {
        exponent = 2 * exponent + (i >= 0 ? bit(i) : 0);
        if (i >= 0) --i;
    }
    std::uint64_t fraction = 0;
    int fraction_bits = 0;
    while (i >= 0) {
        fraction = 2 * fraction + static_cast<std::uint64_t>(bit(i));
        --i;
        ++fraction_bits;
    }
    const int useed_power = 1 << es;
    return {value::kind::real, negative,
            {(std::uint64_t{1} << fraction_bits) | fraction, regime * useed_power + exponent - fraction_bits}};
}

// Exact sum of signed dyadics: two's complement, last bit 2^lsb, `words` 64-bit words.
class wide {
public:
    static constexpr int lsb = -640;
    static constexpr std::size_t words = 21;  // up to 2^703

    void add(bool negative, dyadic d)
    {
        const int position = d.e - lsb;
        if (position < 0 || bit_length(d.m) + position > static_cast<int>(words) * 64 - 2)
            throw std::logic_error("posit_oracle: value outside the wide accumulator");
        // Build the addend in place, then add or subtract it word by word.
        std::array<std::uint64_t, words> addend{};
        const auto index = static_cast<std::size_t>(position / 64);
        const int shift = position % 64;
        addend[index] = d.m << shift;
        if (shift != 0 && index + 1 < words) addend[index + 1] = d.m >> (64 - shift);
        std::uint64_t carry = negative ? 1u : 0u;  // subtraction: add the complement plus one
        for (std::size_t k = 0; k < words; ++k) {
            const std::uint64_t x = w_[k];
            const std::uint64_t y = negative ? ~addend[k] : addend[k];
            const std::uint64_t s = x + y;
            const std::uint64_t r = s + carry;
            carry = (s < x ? 1u : 0u) | (r < s ? 1u : 0u);
            w_[k] = r;
        }
    }

    bool negative() const { return (w_[words - 1] >> 63) != 0; }
    bool zero() const
    {
        for (const auto x : w_)
            if (x != 0) return false;
        return true;
    }
    // |sum| as unsigned words.
    std::array<std::uint64_t, words> magnitude() const
    {
        auto m = w_;
        if (negative()) {
            unsigned carry = 1;
            for (auto& x : m) {
                x = ~x + carry;
                carry = (carry != 0 && x == 0) ? 1u : 0u;
            }
        }
        return m;
    }

private:
    std::array<std::uint64_t, words> w_{};
};

// Compares |sum| with dyadics, with the magnitude prepared once.
class wide_magnitude {
public:
    explicit wide_magnitude(const wide& w) : m_(w.magnitude())
    {
        top_ = -1;
        for (std::size_t k = wide::words; k-- > 0;)
            if (m_[k] != 0) {
                top_ = static_cast<int>(k) * 64 + bit_length(m_[k]) - 1;
                break;
            }
    }
    // Sign of |sum| - c.
    int compare(dyadic c) const
    {
        const int c_top = c.e - wide::lsb + bit_length(c.m) - 1;
        if (top_ != c_top) return top_ < c_top ? -1 : 1;
        wide w;
        w.add(false, c);
        const auto cm = w.magnitude();
        for (std::size_t k = wide::words; k-- > 0;)
            if (m_[k] != cm[k]) return m_[k] < cm[k] ? -1 : 1;
        return 0;
    }

private:
    std::array<std::uint64_t, wide::words> m_;
    int top_;
};

// The positive values of posit<n, es> (codes 1 .. 2^(n-1) - 1) and the rounding boundary above each.
// Tabulated for n <= 20, decoded on demand otherwise.
class shape {
public:
    shape(int n, int es) : n_(n), es_(es), max_code_((std::uint64_t{1} << (n - 1)) - 1)
    {
        if (n <= 20) {
            values_.resize(max_code_ + 1);
            bounds_.resize(max_code_ + 1);
            for (std::uint64_t c = 1; c <= max_code_; ++c) {
                values_[c] = decode(n, es, c).magnitude;
                bounds_[c] = decode(n + 1, es, 2 * c + 1).magnitude;
            }
        }
    }
    int n() const { return n_; }
    int es() const { return es_; }
    std::uint64_t max_code() const { return max_code_; }
    std::uint64_t nar() const { return std::uint64_t{1} << (n_ - 1); }
    std::uint64_t mask() const { return (std::uint64_t{1} << n_) - 1; }
    dyadic value_of(std::uint64_t c) const { return values_.empty() ? decode(n_, es_, c).magnitude : values_[c]; }
    dyadic bound_above(std::uint64_t c) const
    {
        return bounds_.empty() ? decode(n_ + 1, es_, 2 * c + 1).magnitude : bounds_[c];
    }

    // The code of a nonzero real of the given sign whose magnitude x is known through
    // cmp(d) = sign(x - d).
    template <class Cmp>
    std::uint64_t round(bool negative, const Cmp& cmp) const
    {
        std::uint64_t code = 0;
        if (cmp(value_of(1)) <= 0) {
            code = 1;
        } else if (cmp(value_of(max_code_)) >= 0) {
            code = max_code_;
        } else {
            std::uint64_t lo = 1;          // value(lo) < x
            std::uint64_t hi = max_code_;  // value(hi) > x
            while (hi - lo > 1) {
                const std::uint64_t mid = lo + (hi - lo) / 2;
                const int r = cmp(value_of(mid));
                if (r == 0) {
                    lo = hi = mid;
                    break;
                }
                (r > 0 ? lo : hi) = mid;
            }
            if (lo == hi) {
                code = lo;
            } else {
                const int r = cmp(bound_above(lo));
                code = r < 0 ? lo : (r > 0 ? hi : ((lo & 1) == 0 ? lo : hi));
            }
        }
        return negative ? ((std::uint64_t{1} << n_) - code) & mask() : code;
    }

    std::uint64_t round_dyadic(bool negative, dyadic x) const
    {
        return round(negative, [x](dyadic d) { return compare(x, d); });
    }

    std::uint64_t round_wide(const wide& sum) const
    {
        if (sum.zero()) return 0;
        const wide_magnitude mag(sum);
        return round(sum.negative(), [&mag](dyadic d) { return mag.compare(d); });
    }

    std::uint64_t add(std::uint64_t a, std::uint64_t b, bool subtract = false) const
    {
        const value x = decode(n_, es_, a);
        const value y = decode(n_, es_, b);
        if (x.cls == value::kind::nar || y.cls == value::kind::nar) return nar();
        wide sum;
        if (x.cls == value::kind::real) sum.add(x.negative, x.magnitude);
        if (y.cls == value::kind::real) sum.add(y.negative != subtract, y.magnitude);
        return round_wide(sum);
    }
    std::uint64_t multiply(std::uint64_t a, std::uint64_t b) const
    {
        const value x = decode(n_, es_, a);
        const value y = decode(n_, es_, b);
        if (x.cls == value::kind::nar || y.cls == value::kind::nar) return nar();
        if (x.cls == value::kind::zero || y.cls == value::kind::zero) return 0;
        return round_dyadic(x.negative != y.negative, posit_oracle::multiply(x.magnitude, y.magnitude));
    }
    std::uint64_t divide(std::uint64_t a, std::uint64_t b) const
    {
        const value x = decode(n_, es_, a);
        const value y = decode(n_, es_, b);
        if (x.cls == value::kind::nar || y.cls != value::kind::real) return nar();
        if (x.cls == value::kind::zero) return 0;
        const dyadic num = x.magnitude;
        const dyadic den = y.magnitude;
        return round(x.negative != y.negative,
                     [num, den](dyadic c) { return compare(num, posit_oracle::multiply(den, c)); });
    }
    std::uint64_t sqrt(std::uint64_t a) const
    {
        const value x = decode(n_, es_, a);
        if (x.cls == value::kind::nar || (x.cls == value::kind::real && x.negative)) return nar();
        if (x.cls == value::kind::zero) return 0;
        const dyadic r = x.magnitude;
        return round(false, [r](dyadic c) { return compare(r, posit_oracle::multiply(c, c)); });
    }
    // sum(a[i] * b[i]) rounded once.
    std::uint64_t dot(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) const
    {
        wide sum;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const value x = decode(n_, es_, a[i]);
            const value y = decode(n_, es_, b[i]);
            if (x.cls == value::kind::nar || y.cls == value::kind::nar) return nar();
            if (x.cls == value::kind::zero || y.cls == value::kind::zero) continue;
            sum.add(x.negative != y.negative, posit_oracle::multiply(x.magnitude, y.magnitude));
        }
        return round_wide(sum);
    }

private:
    int n_;
    int es_;
    std::uint64_t max_code_;
    std::vector<dyadic> values_;
    std::vector<dyadic> bounds_;
};

}  // namespace posit_oracle
