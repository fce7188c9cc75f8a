// lowbit: low-precision number formats. The umbrella header; it depends on the standard library only
// (the fmt formatters are in <lowbit/fmt.hpp>, apart from this header).
#pragma once

#include "version.hpp"

// Floating formats: the template, the named types, conversions, and everything a drop-in scalar needs.
#include "convert.hpp"
#include "core/format_info.hpp"
#include "core/options.hpp"
#include "core/tables.hpp"
#include "types/float_arithmetic.hpp"
#include "types/float_compare.hpp"
#include "types/float_format.hpp"
#include "types/float_hash.hpp"
#include "types/float_limits.hpp"
#include "types/float_math.hpp"
#include "types/named_formats.hpp"

// Text: shortest round-trip output and correctly rounded parsing, iostream operators.
#include "charconv.hpp"
#include "io.hpp"
#include "posit_charconv.hpp"

// Bulk conversions over spans, dispatched at run time to AVX-512, AVX2 or scalar code.
#include "bulk.hpp"
#include "bulk_stochastic.hpp"
#include "packed.hpp"
#include "mx.hpp"

// Posits (Posit Standard 2022 and SoftPosit's shapes) and their quire.
#include "types/posit.hpp"
#include "types/posit_quire.hpp"

// Small integers, sub-byte packing and integer quantization.
#include "quant/integer_quantization.hpp"
#include "quant/matquant.hpp"
#include "types/intn.hpp"
#include "types/intn_packing.hpp"
