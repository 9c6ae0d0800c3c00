// Setfl reading and writing, and the header summary of EAM files, on the potentials Debian's
// lammps-data ships and on broken copies of them.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io_test_support.hpp"
#include "vitrum/core/checksum.hpp"
#include "vitrum/sim/eam_file.hpp"

namespace vitrum::sim {
namespace {

using core::testing::expect_error;
using core::testing::FileTest;

const std::filesystem::path kPotentials = "/usr/share/lammps/potentials";

std::vector<std::string> file_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count && i < lines.size(); ++i) text += lines[i] + '\n';
  return text;
}

TEST(SetflRead, ReadsDebianCuTaEamAlloy) {
  const SetflTable t = read_setfl(kPotentials / "CuTa.eam.alloy");
  EXPECT_NE(t.comments[0].find("Zhou"), std::string::npos);
  EXPECT_EQ(t.nrho, 2000);
  EXPECT_EQ(t.nr, 2000);
  EXPECT_DOUBLE_EQ(t.drho, 0.6475076824426651E-01);
  EXPECT_DOUBLE_EQ(t.dr_A, 0.3199268132448196E-02);
  EXPECT_DOUBLE_EQ(t.cutoff_A, 0.6395337104797363E+01);
  // The grid ends at the cutoff: r_{nr−1} = (nr − 1)·dr.
  EXPECT_NEAR((t.nr - 1) * t.dr_A, t.cutoff_A, 1e-6);
  ASSERT_EQ(t.elements.size(), 2u);
  const SetflElement& cu = t.elements[0];
  const SetflElement& ta = t.elements[1];
  EXPECT_EQ(cu.symbol, "Cu");
  EXPECT_EQ(cu.Z, 29);
  EXPECT_DOUBLE_EQ(cu.mass_amu, 63.546);
  EXPECT_DOUBLE_EQ(cu.lattice_constant_A, 3.6150);
  EXPECT_EQ(cu.lattice, "fcc");
  EXPECT_EQ(ta.symbol, "Ta");
  EXPECT_EQ(ta.Z, 73);
  EXPECT_DOUBLE_EQ(ta.mass_amu, 180.95);
  ASSERT_EQ(cu.embedding_eV.size(), 2000u);
  ASSERT_EQ(cu.density.size(), 2000u);
  EXPECT_DOUBLE_EQ(cu.embedding_eV[0], 0.0);
  EXPECT_DOUBLE_EQ(cu.embedding_eV[1], -0.1756101846694946E-01);
  EXPECT_DOUBLE_EQ(cu.embedding_eV[1999], -0.1679797291755676E+01);  // line 406
  EXPECT_DOUBLE_EQ(cu.density[0], 0.5080361938476562E+02);           // line 407
  // Three pair tables (Cu-Cu, Ta-Cu, Ta-Ta); the last values are on the file's last line.
  ASSERT_EQ(t.r_phi_eV_A.size(), 3u);
  EXPECT_DOUBLE_EQ(t.r_phi_eV_A[2][1999], -0.7866361073638473E-07);
  EXPECT_DOUBLE_EQ(t.r_phi_eV_A[2][1995], -0.8401786999456817E-07);
  // Physics of the tables: the density falls with r; Cu's embedding has its minimum near
  // ρₑ = 21.18 (Zhou 2004), where F = −2.19 eV.
  for (std::size_t k = 200; k + 1 < cu.density.size(); ++k)
    ASSERT_LT(cu.density[k + 1], cu.density[k]) << k;
  std::size_t kmin = 0;
  for (std::size_t k = 0; k < cu.embedding_eV.size(); ++k)
    if (cu.embedding_eV[k] < cu.embedding_eV[kmin]) kmin = k;
  EXPECT_NEAR(static_cast<double>(kmin) * t.drho, 21.175871, t.drho);
  EXPECT_NEAR(cu.embedding_eV[kmin], -2.19, 1e-4);
}

TEST(SetflRead, ReadsDebianCuNiEamAlloyWithItsOwnLayout) {
  const SetflTable t = read_setfl(kPotentials / "CuNi.eam.alloy");
  ASSERT_EQ(t.elements.size(), 2u);
  EXPECT_EQ(t.elements[0].symbol, "Ni");
  EXPECT_EQ(t.elements[1].symbol, "Cu");
  EXPECT_EQ(t.elements[0].Z, 28);
  EXPECT_EQ(t.elements[0].lattice, "FCC");
  EXPECT_EQ(t.nr, 500);
  EXPECT_EQ(t.nrho, 500);
  EXPECT_DOUBLE_EQ(t.cutoff_A, 0.6394332378000000E+01);
  EXPECT_EQ(t.r_phi_eV_A.size(), 3u);
  EXPECT_EQ(t.elements[1].density.size(), 500u);
}

class SetflFile : public FileTest {};

TEST_F(SetflFile, RoundTripsExactlyFiveValuesALine) {
  const SetflTable t = read_setfl(kPotentials / "CuTa.eam.alloy");
  const auto path = dir() / "copy.eam.alloy";
  write_setfl(path, t);
  EXPECT_EQ(entries(), 1u);  // the temporary file was renamed
  const SetflTable back = read_setfl(path);
  EXPECT_EQ(back.comments, t.comments);
  EXPECT_EQ(back.nrho, t.nrho);
  EXPECT_EQ(back.drho, t.drho);
  EXPECT_EQ(back.dr_A, t.dr_A);
  EXPECT_EQ(back.cutoff_A, t.cutoff_A);
  ASSERT_EQ(back.elements.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.elements[i].symbol, t.elements[i].symbol);
    EXPECT_EQ(back.elements[i].Z, t.elements[i].Z);
    EXPECT_EQ(back.elements[i].mass_amu, t.elements[i].mass_amu);
    EXPECT_EQ(back.elements[i].lattice, t.elements[i].lattice);
    EXPECT_EQ(back.elements[i].embedding_eV, t.elements[i].embedding_eV);
    EXPECT_EQ(back.elements[i].density, t.elements[i].density);
  }
  EXPECT_EQ(back.r_phi_eV_A, t.r_phi_eV_A);
  // 3 comments, 2 header lines, 2 × (1 + 400 + 400) element lines, 3 × 400 pair lines.
  const std::vector<std::string> lines = file_lines(path);
  EXPECT_EQ(lines.size(), 3u + 2u + 2u * 801u + 3u * 400u);
  std::istringstream values(lines[6]);
  int n = 0;
  for (std::string v; values >> v;) ++n;
  EXPECT_EQ(n, 5);
  EXPECT_EQ(lines[3], "2 Cu Ta");
}

TEST_F(SetflFile, AcceptsAnyNumberOfValuesPerLine) {
  // A tiny hand-made table: 1 element, nrho = 3, nr = 4, values spread unevenly.
  const auto path = write_file("tiny.eam.alloy",
                               "c1\nc2\nc3\n1 Al\n3 0.5 4 0.25 0.75\n13 26.98 4.05 fcc\n"
                               "0 -1\n-1.5 1 0.5\n0.25 0 1 2 3\n4\n");
  const SetflTable t = read_setfl(path);
  EXPECT_EQ(t.elements[0].embedding_eV, (std::vector<double>{0, -1, -1.5}));
  EXPECT_EQ(t.elements[0].density, (std::vector<double>{1, 0.5, 0.25, 0}));
  EXPECT_EQ(t.r_phi_eV_A[0], (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(SetflFile, ErrorsNameTheFileTheLineAndWhatWasExpected) {
  const std::vector<std::string> lines = file_lines(kPotentials / "CuTa.eam.alloy");
  // Truncated: the last pair table loses its last line.
  const auto truncated = write_file("truncated.eam.alloy", join_lines(lines, lines.size() - 1));
  expect_error<InputError>(
      [&] { read_setfl(truncated); },
      {"truncated.eam.alloy:2806", "ends before", "Ta-Ta", "value 1996 of 2000"});
  // A value that is not a number, on line 500.
  std::vector<std::string> bad = lines;
  bad[499] = " 0.1 0.2 zero 0.4 0.5";
  const auto not_number = write_file("nan.eam.alloy", join_lines(bad, bad.size()));
  expect_error<InputError>([&] { read_setfl(not_number); },
                           {"nan.eam.alloy:500", "rho(r) of Cu", "'zero'"});
  // The element count does not match the names.
  bad = lines;
  bad[3] = "3 Cu Ta";
  const auto count = write_file("count.eam.alloy", join_lines(bad, bad.size()));
  expect_error<InputError>([&] { read_setfl(count); },
                           {"count.eam.alloy:4", "3 element", "names 2"});
  // A grid line with a non-positive spacing.
  bad = lines;
  bad[4] = "2000 0 2000 0.0032 6.4";
  const auto grid = write_file("grid.eam.alloy", join_lines(bad, bad.size()));
  expect_error<InputError>([&] { read_setfl(grid); }, {"grid.eam.alloy:5", "drho"});
  // Values left after the last table.
  bad = lines;
  bad.push_back("1.0");
  const auto extra = write_file("extra.eam.alloy", join_lines(bad, bad.size()));
  expect_error<InputError>([&] { read_setfl(extra); }, {"extra.eam.alloy:2808", "end of the file"});
  // The element header line missing its mass.
  bad = lines;
  bad[5] = "29";
  const auto header = write_file("header.eam.alloy", join_lines(bad, bad.size()));
  expect_error<InputError>([&] { read_setfl(header); }, {"header.eam.alloy:6", "Z mass"});
  expect_error<IoError>([&] { read_setfl(dir() / "missing.eam.alloy"); }, {"missing.eam.alloy"});
}

TEST_F(SetflFile, WriteRefusesAnInconsistentTableAndLeavesNoFile) {
  SetflTable t = read_setfl(kPotentials / "CuTa.eam.alloy");
  t.elements[1].density.pop_back();
  expect_error<InputError>([&] { write_setfl(dir() / "bad.eam.alloy", t); },
                           {"Ta density", "1999", "2000"});
  t = read_setfl(kPotentials / "CuTa.eam.alloy");
  t.r_phi_eV_A.pop_back();
  expect_error<InputError>([&] { write_setfl(dir() / "bad.eam.alloy", t); }, {"pair tables"});
  EXPECT_EQ(entries(), 0u);
}

TEST(SetflTable, PairIndexIsLammpsLowerTriangleOrder) {
  EXPECT_EQ(SetflTable::pair_index(0, 0), 0u);
  EXPECT_EQ(SetflTable::pair_index(1, 0), 1u);
  EXPECT_EQ(SetflTable::pair_index(0, 1), 1u);
  EXPECT_EQ(SetflTable::pair_index(1, 1), 2u);
  EXPECT_EQ(SetflTable::pair_index(2, 0), 3u);
  EXPECT_EQ(SetflTable::pair_index(2, 1), 4u);
  EXPECT_EQ(SetflTable::pair_index(2, 2), 5u);
  EXPECT_EQ(SetflTable::pair_index(3, 3), 9u);
}

TEST(DescribePotentialFile, NamesStyleElementsCutoffAndChecksum) {
  struct Case {
    const char* file;
    PotentialFileInfo::Style style;
    std::vector<std::string> elements;
    double cutoff_A;
  };
  using S = PotentialFileInfo::Style;
  const std::vector<Case> cases{
      {"Pd_u3.eam", S::kEam, {"Pd"}, 5.3000000000000114},
      {"Ni_u3.eam", S::kEam, {"Ni"}, 4.8000000000000114},
      {"CuTa.eam.alloy", S::kEamAlloy, {"Cu", "Ta"}, 6.395337104797363},
      {"CuNi.eam.alloy", S::kEamAlloy, {"Ni", "Cu"}, 6.394332378},
      {"CuZr_mm.eam.fs", S::kEamFs, {"Cu", "Zr"}, 7.6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const PotentialFileInfo info = describe_potential_file(kPotentials / c.file);
    EXPECT_EQ(info.style, c.style);
    EXPECT_EQ(info.elements, c.elements);
    EXPECT_DOUBLE_EQ(info.cutoff_A, c.cutoff_A);
    EXPECT_EQ(info.sha256, core::sha256_file_hex(kPotentials / c.file));
  }
  // The Zhou Cu-Ta file the generator test relies on, byte for byte (lammps-data in Debian 12).
  EXPECT_EQ(describe_potential_file(kPotentials / "CuTa.eam.alloy").sha256,
            "838e569b051b24662b01b12581cadddb7951f25fa8d002bbebb48f75ef8a0926");
  EXPECT_EQ(pair_style_name(S::kEam), "eam");
  EXPECT_EQ(pair_style_name(S::kEamAlloy), "eam/alloy");
  EXPECT_EQ(pair_style_name(S::kEamFs), "eam/fs");
}

class DescribeFile : public FileTest {};

TEST_F(DescribeFile, RefusesUnknownTypesAndBadHeaders) {
  const auto meam = write_file("Cu.meam", "x\n");
  expect_error<InputError>([&] { describe_potential_file(meam); },
                           {"Cu.meam", ".eam", ".eam.alloy", ".eam.fs"});
  const auto z = write_file("bad.eam", "comment\n300 1.0 3.6 fcc\n500 0.1 500 0.01 5.0\n");
  expect_error<InputError>([&] { describe_potential_file(z); }, {"bad.eam:2", "Z = 300"});
  const auto grid = write_file("short.eam", "comment\n29 63.5 3.6 fcc\n500 0.1 500\n");
  expect_error<InputError>([&] { describe_potential_file(grid); }, {"short.eam:3", "cutoff"});
  const auto names = write_file("n.eam.fs", "a\nb\nc\n2 Cu\n");
  expect_error<InputError>([&] { describe_potential_file(names); }, {"n.eam.fs:4", "names 1"});
  expect_error<IoError>([&] { describe_potential_file(dir() / "none.eam"); }, {"none.eam"});
}

}  // namespace
}  // namespace vitrum::sim
