// Checks the bulk functions make on their spans before they write anything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace lowbit::detail {

// Whether two spans share a byte. The vector kernels read a step of input before they write its output, but
// not the steps after it, and some outputs are wider than their inputs: overlapping spans would be read after
// they were written. Addresses are compared as integers, since comparing pointers into different arrays is
// unspecified.
template <class A, std::size_t ExtentA, class B, std::size_t ExtentB>
bool spans_overlap(std::span<A, ExtentA> a, std::span<B, ExtentB> b) noexcept
{
    const auto first_a = reinterpret_cast<std::uintptr_t>(a.data());
    const auto first_b = reinterpret_cast<std::uintptr_t>(b.data());
    return first_a < first_b + b.size_bytes() && first_b < first_a + a.size_bytes();
}

// std::invalid_argument naming `function` if `a` and `b` overlap; `what` names the two ("the input and
// output spans").
template <class A, std::size_t ExtentA, class B, std::size_t ExtentB>
void require_disjoint(const char* function, const char* what, std::span<A, ExtentA> a, std::span<B, ExtentB> b)
{
    if (spans_overlap(a, b))
        throw std::invalid_argument(std::string(function) + ": " + what + " overlap (" + std::to_string(a.size_bytes()) +
                                    " and " + std::to_string(b.size_bytes()) + " bytes)");
}

// The common case: one input span and one output span.
template <class In, std::size_t ExtentIn, class Out, std::size_t ExtentOut>
void require_disjoint(const char* function, std::span<In, ExtentIn> in, std::span<Out, ExtentOut> out)
{
    require_disjoint(function, "the input and output spans", in, out);
}

}  // namespace lowbit::detail
