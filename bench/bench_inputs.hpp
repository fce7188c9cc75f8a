// Benchmark inputs shared by bench_scalar_conversions and bench_bulk_conversions, so both measure the same
// data: normally distributed values with a fixed seed, and the codes of a format they encode to.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace lowbit_bench {

// Normally distributed values with standard deviation `sigma` and a fixed seed: with sigma = max/4 the
// samples cover the format's binades down to the subnormals, and about 1 in 16000 overflows. The first n
// values do not depend on how many are asked for.
template <class F>
std::vector<F> normal_inputs(std::size_t n, double sigma)
{
    std::mt19937_64 rng(0x10b17u);
    std::normal_distribution<double> dist(0.0, sigma);
    std::vector<F> v(n);
    for (auto& x : v) x = static_cast<F>(dist(rng));
    return v;
}

// The format's largest finite value.
template <class T>
double max_of()
{
    return static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(T::info.max_magnitude_code)));
}

// Codes of a format as they occur in practice: the encodings (nearest-even) of normally distributed values
// with sigma = max/4.
template <class T>
std::vector<typename T::storage_type> code_inputs(std::size_t n)
{
    const auto values = normal_inputs<float>(n, max_of<T>() / 4);
    std::vector<typename T::storage_type> codes(n);
    for (std::size_t i = 0; i < n; ++i) codes[i] = T(values[i]).bits();
    return codes;
}

}  // namespace lowbit_bench
