#pragma once
/// \file
/// 1D profiles as two-column text (DESIGN.md "File formats"): intensity I(Q) as `.chi` and
/// the reduced pair distribution function G(r) as `.gr`, in the layout that PDFgetX3 and
/// PDFgui read (diffpy.pdfgui PDFDataSet.readStr, diffpy.utils loadData):
///
///     # <what the file holds, with units>
///     # vitrum_version = 0.1.0
///     # command = vitrum epdf ...
///     # seed = 42
///     # parameters:
///     #   <the resolved TOML parameters, one line each>
///     #### start data
///     #L r(A) G(A^-2)
///     0.01 -0.0062
///     ...
///
/// PDFgui takes everything up to the `#### start data` line (and the `#` lines right after it)
/// as the header and every later line as "x y [dx dy]"; PDFgetX3 and loadData take the first
/// block of rows made only of numbers, so `#` header lines are skipped by all three. The
/// header is ASCII; numbers are written in the shortest form that reads back exactly.
///
/// The readers accept these files and the ones PDFgetX3 writes (a non-`#` configuration
/// header before `#### start data`), Fit2D-style `.chi` files without the marker (the data
/// start at the first line that begins with two numbers), `#` comment lines, and extra
/// columns (ignored). They throw InputError naming "file:line" for a non-numeric or
/// non-finite value, a row with fewer than two columns, or a file without data.

#include <filesystem>
#include <span>
#include <vector>

#include "vitrum/core/provenance.hpp"

namespace vitrum::core {

/// A sampled 1D function: y(x) at the points x.
struct Profile {
  std::vector<double> x, y;
};

/// Writes I(Q) as `.chi`: Q = 4π sinθ/λ in Å⁻¹ (PDFgetX3 `dataformat = QA`), I in arbitrary
/// units. InputError if the lengths differ or are zero; NumericsError if a value is not
/// finite. Written to a temporary file and renamed.
void write_chi(const std::filesystem::path& path, std::span<const double> Q_invA,
               std::span<const double> I, const Provenance& provenance);
/// Reads a `.chi` file: x = Q (Å⁻¹, as written by write_chi), y = I.
Profile read_chi(const std::filesystem::path& path);

/// Writes G(r) as `.gr`: r in Å, G(r) = 4πr[ρ(r) − ρ₀] in Å⁻². Same checks as write_chi.
void write_gr(const std::filesystem::path& path, std::span<const double> r_A,
              std::span<const double> G_invA2, const Provenance& provenance);
/// Reads a `.gr` file: x = r (Å), y = G (Å⁻²).
Profile read_gr(const std::filesystem::path& path);

}  // namespace vitrum::core
