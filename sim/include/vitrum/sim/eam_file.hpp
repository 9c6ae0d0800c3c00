#pragma once
/// \file
/// Tabulated embedded-atom-method (EAM) potential files as LAMMPS reads them (LAMMPS manual,
/// `pair_style eam`): DYNAMO setfl (`.eam.alloy`), Finnis–Sinclair setfl (`.eam.fs`) and
/// single-element funcfl (`.eam`). The setfl layout is
///
///     3 comment lines
///     Nelements Element1 Element2 ...
///     Nrho drho Nr dr cutoff
///     per element: "Z mass lattice_constant lattice", then F(ρ) (Nrho values), ρ(r) (Nr values)
///     per pair i ≥ j (11, 21, 22, 31, 32, 33, ...): r·φ(r) (Nr values, eV·Å)
///
/// with the arrays' values spread over lines in any count per line. Grids start at zero:
/// ρ_k = k·drho, r_k = k·dr. Energies in eV, distances in Å.

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace vitrum::sim {

/// One element of a setfl file.
struct SetflElement {
  std::string symbol;
  int Z = 0;                         ///< atomic number
  double mass_amu = 0.0;             ///< atomic mass (u), as LAMMPS takes it
  double lattice_constant_A = 0.0;   ///< informational only; LAMMPS ignores it
  std::string lattice;               ///< e.g. "fcc"; informational only
  std::vector<double> embedding_eV;  ///< F(ρ_k), k = 0 … nrho−1 (eV)
  std::vector<double> density;  ///< ρ(r_k), k = 0 … nr−1 (electron density, arbitrary units)
};

/// The whole content of a DYNAMO setfl (`pair_style eam/alloy`) file.
struct SetflTable {
  std::array<std::string, 3> comments;  ///< the three header lines, without line ends
  int nrho = 0;                         ///< points of the F(ρ) tables
  double drho = 0.0;                    ///< ρ spacing (density units)
  int nr = 0;                           ///< points of the ρ(r) and r·φ(r) tables
  double dr_A = 0.0;                    ///< r spacing (Å)
  double cutoff_A = 0.0;                ///< interaction cutoff (Å)
  std::vector<SetflElement> elements;
  /// r·φ_ij(r_k) in eV·Å for the pairs i ≥ j in LAMMPS order 11, 21, 22, 31, 32, 33, ...;
  /// entry pair_index(i, j) (0-based element indices).
  std::vector<std::vector<double>> r_phi_eV_A;

  /// Position of the pair (i, j) — in either order — in r_phi_eV_A: max·(max+1)/2 + min.
  static std::size_t pair_index(std::size_t i, std::size_t j);
  /// Checks sizes and grids (nrho, nr ≥ 2; drho, dr_A, cutoff_A > 0 and finite; every table
  /// of its length, every value finite; one pair table per pair; symbols non-empty and without
  /// blanks). InputError naming the field.
  void validate() const;
};

/// Reads a setfl (`.eam.alloy`) file. InputError naming "file:line" and what was expected
/// there for a truncated file, a non-numeric value, an element count that does not match the
/// names, a non-positive grid, or values left over after the last table. IoError if the file
/// cannot be opened.
SetflTable read_setfl(const std::filesystem::path& path);

/// Writes a setfl file as the LAMMPS tools do (5 values a line, `%24.16E`, so every double
/// reads back exactly), to a temporary file renamed onto `path` when complete. Calls
/// table.validate() first. IoError if the file cannot be written.
void write_setfl(const std::filesystem::path& path, const SetflTable& table);

/// What a potential file is, read from its name and header only: enough for the MD runner to
/// check that the potential covers every species of a model before LAMMPS starts, and to
/// record the potential in provenance.
struct PotentialFileInfo {
  enum class Style {
    kEam,       ///< funcfl, `pair_style eam` (one element, Z on line 2)
    kEamAlloy,  ///< setfl, `pair_style eam/alloy`
    kEamFs,     ///< Finnis–Sinclair setfl, `pair_style eam/fs`
  };
  Style style = Style::kEamAlloy;
  std::vector<std::string> elements;  ///< symbols, in file order
  double cutoff_A = 0.0;              ///< the file's cutoff (Å)
  std::string sha256;                 ///< of the file's bytes, 64 lowercase hex digits
};

/// The LAMMPS pair style name: "eam", "eam/alloy" or "eam/fs".
std::string pair_style_name(PotentialFileInfo::Style style);

/// Style from the extension (`.eam`, `.eam.alloy`, `.eam.fs`; InputError listing these for any
/// other), elements and cutoff from the header, and the file's SHA-256. InputError naming
/// "file:line" for a malformed header (including a funcfl Z outside 1–103); IoError if the file
/// cannot be read.
PotentialFileInfo describe_potential_file(const std::filesystem::path& path);

}  // namespace vitrum::sim
