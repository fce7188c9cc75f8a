// Test support: the named formats as a type list, and a way to call a generic lambda with the type that
// a reference's file name stands for.
#pragma once

#include <lowbit/lowbit.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>

namespace lowbit_test {

template <class T> struct type_tag { using type = T; };

// Calls f(type_tag<T>{}) for the lowbit type that conformance file names spell `format`
// (ml_dtypes spellings and CUDA's fp8_e4m3-style spellings).
template <class F>
void with_format(std::string_view format, F&& f)
{
    using namespace lowbit;
    if (format == "float8_e4m3fn" || format == "fp8_e4m3") return f(type_tag<float8_e4m3fn>{});
    if (format == "float8_e4m3") return f(type_tag<float8_e4m3>{});
    if (format == "float8_e4m3fnuz") return f(type_tag<float8_e4m3fnuz>{});
    if (format == "float8_e4m3b11fnuz") return f(type_tag<float8_e4m3b11fnuz>{});
    if (format == "float8_e3m4") return f(type_tag<float8_e3m4>{});
    if (format == "float8_e5m2" || format == "fp8_e5m2") return f(type_tag<float8_e5m2>{});
    if (format == "float8_e5m2fnuz") return f(type_tag<float8_e5m2fnuz>{});
    if (format == "float8_e8m0fnu" || format == "e8m0") return f(type_tag<float8_e8m0fnu>{});
    if (format == "float6_e2m3fn" || format == "fp6_e2m3") return f(type_tag<float6_e2m3fn>{});
    if (format == "float6_e3m2fn" || format == "fp6_e3m2") return f(type_tag<float6_e3m2fn>{});
    if (format == "float4_e2m1fn" || format == "fp4_e2m1") return f(type_tag<float4_e2m1fn>{});
    if (format == "bfloat16" || format == "bf16") return f(type_tag<bfloat16>{});
    if (format == "half" || format == "fp16") return f(type_tag<float16>{});
    throw std::invalid_argument("no lowbit type for conformance format name " + std::string(format));
}

}  // namespace lowbit_test
