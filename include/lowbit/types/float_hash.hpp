// std::hash for every float_format: values that compare equal hash equal.
#pragma once

#include <cstddef>
#include <functional>

#include "float_compare.hpp"
#include "float_format.hpp"

// Hashes the code with every zero code (+0, -0, and the field-0 codes of formats without subnormals)
// folded onto 0, since they compare equal. Other codes, NaNs included, hash their own bits, so a NaN
// always hashes the same way (NaN != NaN, so unordered containers never find it with std::equal_to).
namespace std {
template <int E, int M, int B, lowbit::specials S, lowbit::sign_bit G, lowbit::subnormals N>
struct hash<lowbit::float_format<E, M, B, S, G, N>> {
    std::size_t operator()(const lowbit::float_format<E, M, B, S, G, N>& x) const noexcept
    {
        using T = lowbit::float_format<E, M, B, S, G, N>;
        using C = lowbit::detail::code_class<T::info>;
        const auto code = static_cast<typename T::storage_type>(C::is_zero(x.bits()) ? 0u : x.bits());
        return std::hash<typename T::storage_type>{}(code);
    }
};
}  // namespace std
