#include "vitrum/sim/lammps_version.hpp"

#include <library.h>

namespace vitrum::sim {

int lammps_version() {
  // lammps_version() needs an instance; the version is fixed at build time, so ask a
  // throw-away instance that prints nothing and reads no input.
  const char* args[] = {"vitrum", "-log", "none", "-screen", "none", "-nocite"};
  void* handle = lammps_open_no_mpi(6, const_cast<char**>(args), nullptr);
  const int version = ::lammps_version(handle);
  lammps_close(handle);
  return version;
}

}  // namespace vitrum::sim
