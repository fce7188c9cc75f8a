// lowbit::mx: OCP Microscaling (MX v1.0) block formats: MXFP8 (E4M3, E5M2), MXFP6 (E3M2, E2M3), MXFP4 and
// MXINT8, with one E8M0 scale per block. See docs/mx.md.
#pragma once

#include "mx/element_traits.hpp"   // the element formats and their parameters
#include "mx/scale_rules.hpp"      // floor / ceil / even / rceil block scales
#include "mx/block_layout.hpp"     // buffer sizes, blocks of vectors and matrices
#include "mx/quantize.hpp"         // vectors over spans
#include "mx/matrix.hpp"           // row-major matrices blocked along rows or columns
#include "mx/ggml_mxfp4.hpp"      // ggml block_mxfp4, ggml-exact and OCP encodings
#include "mx/dot.hpp"              // MX . MX and MX . float dot products
#include "mx/tensor.hpp"           // owning tensor: element bytes, scales, shape
