// The rounding engine: one exact rounding of a real value (from float or double) to the code of any
// float_format, under every rounding, overflow and NaN option. Integer arithmetic only.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "format_info.hpp"
#include "options.hpp"
#include "real_parts.hpp"

namespace lowbit {
namespace detail {

// Caller-supplied randomness for stochastic rounding; `enabled == false` means deterministic rounding.
struct random_word {
    bool enabled = false;
    std::uint32_t bits = 0;
};

// Whether to add one unit in the last kept place to the truncated magnitude.
constexpr bool rounds_away_from_zero(rounding mode, bool negative, bool lsb, bool guard, bool sticky) noexcept
{
    switch (mode) {
    // Bitwise operators on purpose: the guard bit is random in real data, and a short-circuit branch on it
    // costs more than the rest of the conversion.
    case rounding::nearest_even: return guard & (sticky | lsb);
    case rounding::nearest_away: return guard;
    case rounding::toward_zero: return false;
    case rounding::toward_positive: return (!negative) & (guard | sticky);
    case rounding::toward_negative: return negative & (guard | sticky);
    }
    return false;
}

template <const format_info& F>
struct encoder {
    static constexpr int mantissa_bits = F.mantissa_bits;

    static constexpr std::uint32_t sign_of(bool negative) noexcept { return negative ? F.sign_mask : 0; }

    // The code for a NaN input.
    static constexpr std::uint32_t nan_code(const real_parts& x, const conversion_options& o) noexcept
    {
        if constexpr (!F.has_nan) {
            if (o.nan_without_code == nan_without_code::positive_max) return F.max_magnitude_code;
            return x.negative ? 0 : F.sign_mask;  // ml_dtypes: quiet_NaN() is the -0 code, sign XOR-ed in
        } else {
            switch (o.nan) {
            case nan_encoding::canonical: return F.canonical_nan_code;
            case nan_encoding::keep_payload:
                if constexpr (F.specials == specials::ieee) {
                    const auto payload = static_cast<std::uint32_t>(x.significand >> (64 - mantissa_bits));
                    return sign_of(x.negative) | F.quiet_nan_code | payload;
                }
                [[fallthrough]];
            case nan_encoding::quiet_with_sign:
                // FNUZ and E8M0 have a single unsigned NaN; sign_of() is 0 for E8M0 and ORing the sign
                // into FNUZ's NaN (the sign bit itself) changes nothing.
                return sign_of(x.negative) | F.quiet_nan_code;
            }
            return F.quiet_nan_code;
        }
    }

    // The code for a value beyond the finite range (after rounding), or an infinite input.
    static constexpr std::uint32_t beyond_max(bool negative, bool saturating) noexcept
    {
        if (saturating) return sign_of(negative) | F.max_magnitude_code;
        if constexpr (F.has_inf) return sign_of(negative) | F.inf_magnitude_code;
        if constexpr (F.has_nan) return sign_of(negative) | F.quiet_nan_code;
        return sign_of(negative) | F.max_magnitude_code;
    }

    static constexpr std::uint32_t finite_overflow(bool negative, const conversion_options& o,
                                                   bool stochastic) noexcept
    {
        if (!stochastic && o.directed_overflow == directed_overflow::ieee) {
            // IEEE 754 §7.4: a rounding direction that points toward zero delivers ±max, never Inf.
            const rounding r = o.rounding;
            const bool toward_zero = r == rounding::toward_zero || (r == rounding::toward_positive && negative) ||
                                     (r == rounding::toward_negative && !negative);
            if (toward_zero) return sign_of(negative) | F.max_magnitude_code;
        }
        return beyond_max(negative, o.overflow != overflow::nonsaturating);
    }

    // An input that an unsigned format cannot hold: a negative value, or zero where zero does not exist.
    // Saturating modes clamp it to the lowest code; -Inf is clamped only by `saturate`, since
    // `saturate_finite` leaves infinities their meaning (and an unsigned format has no -Inf).
    static constexpr std::uint32_t invalid_low(const real_parts& x, const conversion_options& o) noexcept
    {
        const bool clamps = x.cls == value_class::infinite ? o.overflow == overflow::saturate
                                                           : o.overflow != overflow::nonsaturating;
        if (!clamps && F.has_nan) return F.quiet_nan_code;
        return 0;  // the lowest code: +0, or E8M0's 2^-bias
    }

    static constexpr std::uint32_t encode(real_parts x, const conversion_options& o, random_word rnd) noexcept
    {
        if constexpr (!F.is_signed) {
            if (x.negative && x.cls != value_class::nan) {
                if (o.unsigned_negative == unsigned_negative::magnitude || x.cls == value_class::zero) {
                    x.negative = false;
                } else {
                    // A negative value that rounds to zero is zero, as it would be in a signed format (the
                    // sign has nowhere to go); anything else cannot be represented.
                    if (F.has_zero && x.cls == value_class::finite && encode_finite(x, o, rnd) == 0) return 0;
                    return invalid_low(x, o);
                }
            }
        }
        switch (x.cls) {
        case value_class::nan: return nan_code(x, o);
        case value_class::infinite: return beyond_max(x.negative, o.overflow == overflow::saturate);
        case value_class::zero:
            if constexpr (F.has_zero) {
                return F.has_negative_zero ? sign_of(x.negative) : 0;
            } else {
                if (o.unsigned_negative == unsigned_negative::magnitude) return 0;
                return invalid_low(x, o);
            }
        case value_class::finite: break;
        }
        return encode_finite(x, o, rnd);
    }

    // Whether encode_float() may be used: formats whose field 0 holds zero and subnormals and whose normal
    // range starts inside float's normal range.
    static constexpr bool has_float_fast_path = F.has_zero && F.has_subnormals && F.mantissa_bits <= 23 &&
                                                F.min_normal_exponent >= -126 && F.min_normal_exponent <= 127;

    // What encode_float() needs to know about one float exponent field, precomputed for all 256 fields.
    struct float_field_entry {
        std::uint32_t base;      // target code where the binade starts, minus its implicit bit (0 below normal)
        std::uint32_t implicit;  // the float's implicit bit (bit 23), absent for float subnormals
        std::uint32_t half;      // half a target ulp in significand units: 2^(dropped - 1)
        std::uint32_t dropped;   // significand bits below the target's last kept bit
    };

    // Built at compile time; 4 KiB, so it stays in L1.
    static constexpr std::array<float_field_entry, 256> float_field_table = [] {
        constexpr int shift = 23 - mantissa_bits;                // float fraction bits below the target's ulp
        constexpr int emin_field = F.min_normal_exponent + 127;  // float field of the target's smallest normal
        std::array<float_field_entry, 256> table{};
        for (int field = 0; field < 256; ++field) {
            const int exponent_field = field == 0 ? 1 : field;  // float subnormals share field 1's exponent
            const int below_normal = emin_field > exponent_field ? emin_field - exponent_field : 0;
            const int binade = exponent_field > emin_field ? exponent_field - emin_field : 0;
            // Beyond 31 every significand bit (< 2^24) is dropped either way; 31 keeps the decisions exact.
            const int dropped = shift + below_normal > 31 ? 31 : shift + below_normal;
            auto& e = table[static_cast<std::size_t>(field)];
            e.base = static_cast<std::uint32_t>(binade) << mantissa_bits;
            e.implicit = field != 0 ? 0x800000u : 0u;
            e.half = dropped > 0 ? std::uint32_t{1} << (dropped - 1) : 0u;
            e.dropped = static_cast<std::uint32_t>(dropped);
        }
        return table;
    }();

    // Float input without the 64-bit detour and without data-dependent branches for finite values (a
    // normal/subnormal branch is mispredicted half the time for FP4 data): the float's 24-bit significand
    // is shifted to the target's last kept bit with a rounding increment, and field and fraction add up so
    // a carry moves into the next binade. Gives exactly what encode(split(x), o) gives (the conformance
    // tests run both paths).
    static constexpr std::uint32_t encode_float(float x, const conversion_options& o) noexcept
        requires has_float_fast_path
    {
        const auto bits = std::bit_cast<std::uint32_t>(x);
        const bool negative = (bits >> 31) != 0;
        const std::uint32_t magnitude = bits & 0x7FFFFFFFu;
        if (magnitude >= 0x7F800000u || (negative && !F.is_signed)) return encode(split(x), o, {});

        const float_field_entry& entry = float_field_table[magnitude >> 23];
        const std::uint32_t significand = (magnitude & 0x7FFFFFu) | entry.implicit;
        const std::uint32_t dropped = entry.dropped;
        std::uint32_t increment = 0;
        switch (o.rounding) {
        case rounding::nearest_even:
            // half == 0 means nothing is dropped (a format with 23 fraction bits, normal range): no increment.
            increment = entry.half != 0 ? entry.half - 1 + ((significand >> dropped) & 1u) : 0u;
            break;
        case rounding::nearest_away: increment = entry.half; break;
        case rounding::toward_zero: break;
        case rounding::toward_positive: increment = negative ? 0u : 2 * entry.half - (entry.half != 0 ? 1u : 0u); break;
        case rounding::toward_negative: increment = negative ? 2 * entry.half - (entry.half != 0 ? 1u : 0u) : 0u; break;
        }
        const std::uint32_t code = entry.base + ((significand + increment) >> dropped);

        if (code > F.max_magnitude_code) return finite_overflow(negative, o, false);
        if constexpr (!F.has_negative_zero) {
            if (code == 0) return 0;
        }
        return sign_of(negative) | code;
    }

    static constexpr std::uint32_t encode_finite(const real_parts& x, const conversion_options& o,
                                                 random_word rnd) noexcept
    {
        constexpr int emin = F.min_normal_exponent;
        const int e = x.exponent;
        if constexpr (!F.has_zero) {
            // Nothing lies below the smallest code, so every rounding mode lands on it.
            if (e < emin) return 0;
        }
        if (e > F.max_exponent + 1) return finite_overflow(x.negative, o, rnd.enabled);

        // Exponent of the last kept bit: the binade's ulp, the subnormal ulp, or (without subnormals) the
        // smallest normal itself, so that values below it round to 0 or to the smallest normal.
        int lsb_exponent = e - mantissa_bits;
        if (e < emin) lsb_exponent = F.has_subnormals ? emin - mantissa_bits : emin;
        // The significand's bit 63 has weight 2^e; `dropped` low bits fall below the last kept bit.
        const int dropped = 63 - (e - lsb_exponent);

        std::uint64_t kept = 0;
        std::uint64_t rest = 0;  // the dropped bits, left-aligned: bit 63 is the guard bit
        bool lost = false;       // nonzero bits shifted out even below `rest`
        if (dropped < 64) {
            kept = x.significand >> dropped;
            rest = x.significand << (64 - dropped);
        } else if (dropped == 64) {
            rest = x.significand;
        } else if (dropped < 128) {
            rest = x.significand >> (dropped - 64);
            lost = (x.significand << (128 - dropped)) != 0;
        } else {
            lost = true;
        }

        bool up;
        if (rnd.enabled) {
            // Stochastic: the first 32 dropped bits plus the random word; a carry out rounds up.
            up = ((rest >> 32) + rnd.bits) >> 32 != 0;
        } else {
            const bool guard = (rest >> 63) != 0;
            const bool sticky = (rest << 1) != 0 || lost || x.sticky;
            up = rounds_away_from_zero(o.rounding, x.negative, (kept & 1) != 0, guard, sticky);
        }
        kept += up ? 1 : 0;

        // Field and fraction add up, so a carry out of the fraction moves to the next binade by itself.
        std::uint64_t code;
        if (e >= emin)
            code = (static_cast<std::uint64_t>(e + F.bias) << mantissa_bits) + kept -
                   (std::uint64_t{1} << mantissa_bits);
        else if (F.has_subnormals)
            code = kept;
        else
            code = kept << mantissa_bits;

        if (code > F.max_magnitude_code) return finite_overflow(x.negative, o, rnd.enabled);
        if (code == 0 && !F.has_negative_zero) return 0;
        return sign_of(x.negative) | static_cast<std::uint32_t>(code);
    }
};

}  // namespace detail
}  // namespace lowbit
