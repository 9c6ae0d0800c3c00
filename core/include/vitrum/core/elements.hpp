#pragma once
/// \file
/// The periodic table vitrum knows: symbol, atomic number and standard atomic mass for
/// Z = 1 (H) to 103 (Lr). Masses: IUPAC 2016 standard atomic weights (abridged values;
/// for elements without a standard weight, the isotopic mass of a long-lived isotope, e.g.
/// Tc 97.907), as tabulated by ASE (`ase.data.atomic_masses_iupac2016`); the table ships in
/// core/data/elements.txt with its source.

#include <string>
#include <string_view>

namespace vitrum::core {

inline constexpr int kMaxZ = 103;

struct Element {
  int Z = 0;
  std::string_view symbol;
  double mass_u = 0.0;  ///< standard atomic mass in unified atomic mass units (Da)
};

/// The element with atomic number Z. Throws InputError if Z is outside 1..kMaxZ.
const Element& element(int Z);
/// The element with this symbol, case-sensitive as written ("Ta", not "TA"). Throws
/// InputError naming the symbol (and the closest known symbol) if there is none.
const Element& element(std::string_view symbol);
/// True if `symbol` names an element in the table.
bool is_element_symbol(std::string_view symbol);

}  // namespace vitrum::core
