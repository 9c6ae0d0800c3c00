#pragma once
/// \file
/// The LAMMPS library vitrum's MD runs with, for provenance.

#include <string>

namespace vitrum::sim {

/// LAMMPS' version date as an integer YYYYMMDD (e.g. 20210929 for Debian 12's stable 29Sep2021).
int lammps_version();

}  // namespace vitrum::sim
