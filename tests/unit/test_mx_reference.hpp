// Test support for the MX tests: an independent reference MX quantizer written from formats-spec.md §3 and
// §5 with double arithmetic. Element grids are enumerated from the format definitions (not lowbit's
// decoder), the nearest grid point is found by search with ties to the even code, and the packed layouts
// are read bit by bit from the spec's description.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <lowbit/mx.hpp>

namespace mx_reference {

enum class policy { ieee, fn, finite };

struct element_definition {
    int exponent_bits;
    int mantissa_bits;
    int bias;
    policy specials;
    bool is_int8;
};

template <class Elem>
constexpr element_definition definition_of()
{
    namespace mx = lowbit::mx;
    if constexpr (std::is_same_v<Elem, mx::fp8_e4m3>) return {4, 3, 7, policy::fn, false};
    else if constexpr (std::is_same_v<Elem, mx::fp8_e5m2>) return {5, 2, 15, policy::ieee, false};
    else if constexpr (std::is_same_v<Elem, mx::fp6_e3m2>) return {3, 2, 3, policy::finite, false};
    else if constexpr (std::is_same_v<Elem, mx::fp6_e2m3>) return {2, 3, 1, policy::finite, false};
    else if constexpr (std::is_same_v<Elem, mx::fp4_e2m1>) return {2, 1, 1, policy::finite, false};
    else return {0, 6, 0, policy::finite, true};
}

template <class Elem>
constexpr int bits_of()
{
    const element_definition d = definition_of<Elem>();
    return d.is_int8 ? 8 : 1 + d.exponent_bits + d.mantissa_bits;
}

struct grid_point {
    double value;
    std::uint32_t code;
};

// The non-negative finite values of a floating element format and their magnitude codes, from the
// definition: field 0 is subnormal, the top field is Inf/NaN under ieee, the all-ones magnitude is NaN
// under fn.
inline std::vector<grid_point> positive_grid(const element_definition& d)
{
    std::vector<grid_point> grid;
    const std::uint32_t magnitudes = 1u << (d.exponent_bits + d.mantissa_bits);
    const int top_field = (1 << d.exponent_bits) - 1;
    for (std::uint32_t c = 0; c < magnitudes; ++c) {
        const int field = static_cast<int>(c >> d.mantissa_bits);
        const auto fraction = static_cast<double>(c & ((1u << d.mantissa_bits) - 1u));
        if (d.specials == policy::ieee && field == top_field) continue;
        if (d.specials == policy::fn && c == magnitudes - 1) continue;
        const double scale = std::ldexp(1.0, -d.mantissa_bits);
        const double value = field == 0 ? std::ldexp(fraction * scale, 1 - d.bias)
                                        : std::ldexp(1.0 + fraction * scale, field - d.bias);
        grid.push_back({value, c});
    }
    return grid;
}

template <class Elem>
const std::vector<grid_point>& grid_of()
{
    static const std::vector<grid_point> grid = positive_grid(definition_of<Elem>());
    return grid;
}

template <class Elem>
double element_max()
{
    if constexpr (definition_of<Elem>().is_int8) return 127.0 / 64.0;
    else return grid_of<Elem>().back().value;
}

template <class Elem>
int element_emax()
{
    return std::ilogb(element_max<Elem>());
}

// Value of a code as the format defines it (NaN/Inf per policy), before any block scale.
template <class Elem>
double element_value(std::uint32_t code)
{
    constexpr element_definition d = definition_of<Elem>();
    if constexpr (d.is_int8) {
        const int q = code >= 128 ? static_cast<int>(code) - 256 : static_cast<int>(code);
        return std::ldexp(static_cast<double>(q), -6);
    } else {
        const std::uint32_t magnitude_mask = (1u << (d.exponent_bits + d.mantissa_bits)) - 1u;
        const bool negative = (code >> (d.exponent_bits + d.mantissa_bits)) != 0;
        const std::uint32_t magnitude = code & magnitude_mask;
        const int field = static_cast<int>(magnitude >> d.mantissa_bits);
        if (d.specials == policy::fn && magnitude == magnitude_mask) return std::numeric_limits<double>::quiet_NaN();
        if (d.specials == policy::ieee && field == (1 << d.exponent_bits) - 1) {
            if ((magnitude & ((1u << d.mantissa_bits) - 1u)) != 0) return std::numeric_limits<double>::quiet_NaN();
            return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        }
        for (const grid_point& p : grid_of<Elem>())
            if (p.code == magnitude) return negative ? -p.value : p.value;
        throw std::logic_error("element_value: no such code");
    }
}

// Nearest grid point to v (a real number, already divided by the block scale), ties to the even code,
// finite values beyond max saturate to ±max.
template <class Elem>
std::uint32_t nearest_code(double v)
{
    constexpr element_definition d = definition_of<Elem>();
    if constexpr (d.is_int8) {
        double q = std::nearbyint(std::ldexp(v, 6));  // default rounding mode: ties to even
        q = std::clamp(q, -127.0, 127.0);
        return static_cast<std::uint32_t>(static_cast<int>(q) & 0xFF);
    } else {
        const double magnitude = std::fabs(v);
        const std::vector<grid_point>& grid = grid_of<Elem>();
        std::uint32_t best = grid.front().code;
        double best_distance = std::numeric_limits<double>::infinity();
        for (const grid_point& p : grid) {
            const double distance = std::fabs(p.value - magnitude);
            if (distance < best_distance || (distance == best_distance && (p.code & 1u) == 0)) {
                best = p.code;
                best_distance = distance;
            }
        }
        const std::uint32_t sign = std::signbit(v) ? 1u << (d.exponent_bits + d.mantissa_bits) : 0u;
        return sign | best;
    }
}

// The scale exponent s of formats-spec.md §3.2-3.3, or nullopt-like 128 meaning "NaN scale".
inline constexpr int nan_scale = 1000;

template <class Elem>
int reference_scale_exponent(const std::vector<float>& block, lowbit::mx::scale_rule rule)
{
    double amax = 0.0;
    for (float x : block) {
        if (!std::isfinite(x)) return nan_scale;
        amax = std::max(amax, std::fabs(static_cast<double>(x)));
    }
    if (amax == 0.0) return -127;
    const int emax = element_emax<Elem>();
    const int floor_log2 = std::ilogb(amax);  // exact: every float is a normal double
    const bool power_of_two = amax == std::ldexp(1.0, floor_log2);
    int s = 0;
    switch (rule) {
    case lowbit::mx::scale_rule::floor: s = floor_log2 - emax; break;
    case lowbit::mx::scale_rule::ceil: s = floor_log2 + (power_of_two ? 0 : 1) - emax; break;
    case lowbit::mx::scale_rule::even: {
        const int fraction_bits = definition_of<Elem>().mantissa_bits;
        const double scaled = std::ldexp(amax, fraction_bits - floor_log2);  // in [2^M, 2^(M+1))
        const double rounded = std::ldexp(std::floor(scaled + 0.5), floor_log2 - fraction_bits);
        s = std::ilogb(rounded) - emax;
        break;
    }
    case lowbit::mx::scale_rule::rceil: {
        // What the NVIDIA recipe does on the FPU: one float32 multiply by the float32 reciprocal.
        const float reciprocal = 1.0f / static_cast<float>(element_max<Elem>());
        const float q = static_cast<float>(amax) * reciprocal;
        if (q == 0.0f) return -127;
        const int fl = std::ilogb(static_cast<double>(q));
        const bool exact = static_cast<double>(q) == std::ldexp(1.0, fl);
        return std::clamp(fl + (exact ? 0 : 1), -127, 127);
    }
    }
    if (s > 127) return nan_scale;
    return std::max(s, -127);
}

template <class Elem>
std::uint8_t reference_scale_code(const std::vector<float>& block, lowbit::mx::scale_rule rule)
{
    const int s = reference_scale_exponent<Elem>(block, rule);
    return s == nan_scale ? std::uint8_t{0xFF} : static_cast<std::uint8_t>(s + 127);
}

// One block: its scale code and its element codes (one per entry, unpacked).
struct reference_block {
    std::uint8_t scale;
    std::vector<std::uint32_t> codes;
};

template <class Elem>
reference_block reference_quantize_block(const std::vector<float>& block, lowbit::mx::scale_rule rule)
{
    reference_block out{reference_scale_code<Elem>(block, rule), {}};
    for (float x : block) {
        if (out.scale == 0xFF) {
            out.codes.push_back(0);
            continue;
        }
        out.codes.push_back(nearest_code<Elem>(std::ldexp(static_cast<double>(x), 127 - out.scale)));
    }
    return out;
}

// The value a code means under a scale code: NaN for scale 0xFF, else element value * 2^(scale - 127)
// rounded once to float (only overflow to Inf can happen).
template <class Elem>
float reference_dequantize(std::uint32_t code, std::uint8_t scale)
{
    if (scale == 0xFF) return std::numeric_limits<float>::quiet_NaN();
    return static_cast<float>(std::ldexp(element_value<Elem>(code), static_cast<int>(scale) - 127));
}

// Element i of a packed element stream, read as formats-spec.md §5 describes the layouts: FP4 element 2i
// in the low nibble; FP6 value i in bits [6i, 6i + 6) of the little-endian bit stream; 8-bit one per byte.
template <class Elem>
std::uint32_t read_code(const std::vector<std::uint8_t>& bytes, std::size_t i)
{
    constexpr int bits = bits_of<Elem>();
    std::uint32_t code = 0;
    for (int b = 0; b < bits; ++b) {
        const std::size_t bit = i * bits + static_cast<std::size_t>(b);
        code |= static_cast<std::uint32_t>((bytes.at(bit / 8) >> (bit % 8)) & 1u) << b;
    }
    return code;
}

template <class Elem>
std::size_t packed_size(std::size_t count)
{
    return (count * bits_of<Elem>() + 7) / 8;
}

// Both NaN, or the same float32 bits.
inline bool same_float(float a, float b)
{
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

// Random blocks that hit the decision points: random magnitudes over many binades, values exactly on
// element midpoints and grid points of a chosen scale, maxima just below/above powers of two, float32
// subnormals, ±0, mixed signs, a single huge outlier.
template <class Elem>
std::vector<float> adversarial_block(std::mt19937& rng, std::size_t n)
{
    std::uniform_int_distribution<int> kind_dist(0, 9);
    std::uniform_int_distribution<int> binade(-30, 30);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    std::uniform_int_distribution<int> coin(0, 1);
    const std::vector<grid_point>& grid = grid_of<Elem>();
    const int kind = kind_dist(rng);
    const int s = binade(rng);
    std::vector<float> block(n);
    auto random_grid_value = [&](bool midpoint) {
        if constexpr (definition_of<Elem>().is_int8) {
            std::uniform_int_distribution<int> q(-127, 127);
            return std::ldexp(q(rng) + (midpoint ? 0.5 : 0.0), -6);
        } else {
            std::uniform_int_distribution<std::size_t> pick(0, grid.size() - 2);
            const std::size_t k = pick(rng);
            const double v = midpoint ? (grid[k].value + grid[k + 1].value) / 2 : grid[k].value;
            return coin(rng) ? -v : v;
        }
    };
    for (std::size_t i = 0; i < n; ++i) {
        switch (kind) {
        case 0: block[i] = static_cast<float>(unit(rng) * std::ldexp(1.0, binade(rng))); break;
        case 1: block[i] = static_cast<float>(std::ldexp(random_grid_value(true), s)); break;
        case 2: block[i] = static_cast<float>(std::ldexp(random_grid_value(false), s)); break;
        case 3: block[i] = static_cast<float>(unit(rng) * 1e-40); break;  // float32 subnormals
        case 4: block[i] = coin(rng) ? 0.0f : -0.0f; break;
        case 5: block[i] = static_cast<float>(unit(rng) * std::ldexp(1.0, s)); break;
        case 6: block[i] = static_cast<float>(unit(rng) * 1e-3 * std::ldexp(1.0, s)); break;
        case 7: block[i] = static_cast<float>(std::ldexp(random_grid_value(coin(rng) != 0), -127 - s % 8)); break;
        case 8: block[i] = static_cast<float>(unit(rng) * std::ldexp(1.0, 100 + s % 27)); break;
        default: block[i] = static_cast<float>(unit(rng)); break;
        }
    }
    if (n > 0 && kind >= 5) {
        std::uniform_int_distribution<std::size_t> where(0, n - 1);
        const std::size_t at = where(rng);
        const double power = std::ldexp(1.0, s + element_emax<Elem>() + (coin(rng) ? 1 : 0));
        switch (kind) {
        case 5: block[at] = std::nextafter(static_cast<float>(power), 0.0f); break;            // just below 2^k
        case 6: block[at] = std::nextafter(static_cast<float>(power), 1e30f); break;           // just above 2^k
        case 7: block[at] = static_cast<float>(-power * element_max<Elem>() / 2); break;       // max-ish
        case 8: block[at] = 3e38f; break;                                                       // huge outlier
        default: block[at] = static_cast<float>(power * 1e6); break;                            // outlier
        }
    }
    return block;
}

}  // namespace mx_reference
