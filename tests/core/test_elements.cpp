#include <gtest/gtest.h>

#include <string>

#include "vitrum/core/elements.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {

// IUPAC standard atomic weights (conventional / abridged values, CIAAW 2016).
TEST(Elements, MassesMatchIupacStandardAtomicWeights) {
  EXPECT_NEAR(element("H").mass_u, 1.008, 5e-4);
  EXPECT_NEAR(element("C").mass_u, 12.011, 5e-4);
  EXPECT_NEAR(element("Ni").mass_u, 58.693, 5e-4);
  EXPECT_NEAR(element("Pd").mass_u, 106.42, 5e-3);
  EXPECT_NEAR(element("Ta").mass_u, 180.95, 5e-3);
  EXPECT_NEAR(element("U").mass_u, 238.03, 5e-3);
  // No standard weight: the longest-lived isotope (98Tc, 244Pu).
  EXPECT_NEAR(element("Tc").mass_u, 98.0, 0.1);
  EXPECT_NEAR(element("Pu").mass_u, 244.0, 0.1);
}

TEST(Elements, AtomicNumbersAndSymbolsAgree) {
  EXPECT_EQ(element(1).symbol, "H");
  EXPECT_EQ(element(26).symbol, "Fe");
  EXPECT_EQ(element(40).symbol, "Zr");
  EXPECT_EQ(element(73).symbol, "Ta");
  EXPECT_EQ(element(74).symbol, "W");
  EXPECT_EQ(element(kMaxZ).symbol, "Lr");
  EXPECT_EQ(element("Pd").Z, 46);
  for (int Z = 1; Z <= kMaxZ; ++Z) {
    const Element& e = element(Z);
    EXPECT_EQ(e.Z, Z);
    EXPECT_EQ(&element(e.symbol), &e) << e.symbol;
    EXPECT_TRUE(is_element_symbol(e.symbol)) << e.symbol;
    // Mass lies between Z u (protons only) and 2.7 Z u (neutron-rich heavy nuclei).
    EXPECT_GT(e.mass_u, Z * 1.0) << e.symbol;
    EXPECT_LT(e.mass_u, Z * 2.7) << e.symbol;
  }
}

TEST(Elements, SymbolsAreCaseSensitive) {
  EXPECT_TRUE(is_element_symbol("Ta"));
  EXPECT_FALSE(is_element_symbol("TA"));
  EXPECT_FALSE(is_element_symbol("ta"));
  EXPECT_FALSE(is_element_symbol(""));
  EXPECT_FALSE(is_element_symbol("X"));
  EXPECT_FALSE(is_element_symbol("Ta "));
}

std::string message_for(std::string_view symbol) {
  try {
    element(symbol);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no exception";
}

TEST(Elements, UnknownSymbolNamesItAndTheClosestKnownSymbol) {
  EXPECT_THROW(element("Tx"), InputError);
  EXPECT_EQ(message_for("Tx"), "unknown element symbol \"Tx\" (did you mean \"Ta\"?)");
  // Wrong case: the element it spells, not merely a symbol one edit away ("Be" for "fe").
  EXPECT_NE(message_for("TA").find("did you mean \"Ta\""), std::string::npos);
  EXPECT_NE(message_for("fe").find("did you mean \"Fe\""), std::string::npos);
  EXPECT_NE(message_for("Nii").find("did you mean \"Ni\""), std::string::npos);
  EXPECT_NE(message_for("Unobtainium").find("\"Unobtainium\""), std::string::npos);
}

TEST(Elements, AtomicNumberOutOfRangeIsAnInputError) {
  EXPECT_THROW(element(0), InputError);
  EXPECT_THROW(element(-1), InputError);
  EXPECT_THROW(element(kMaxZ + 1), InputError);
  EXPECT_NO_THROW(element(kMaxZ));
}

}  // namespace
}  // namespace vitrum::core
