#include "vitrum/core/io_atoms.hpp"

#include <algorithm>
#include <cctype>

#include "vitrum/core/error.hpp"

namespace vitrum::core {

AtomFileFormat atom_file_format(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".xyz" || ext == ".extxyz") return AtomFileFormat::kExtendedXyz;
  if (ext == ".data" || ext == ".lmp" || ext == ".lammps") return AtomFileFormat::kLammpsData;
  if (ext == ".h5" || ext == ".hdf5") return AtomFileFormat::kHdf5;
  throw InputError("cannot tell the atom file format from the extension '" + ext +
                       "'; known: .xyz .extxyz (extended XYZ), .data .lmp .lammps (LAMMPS "
                       "data), .h5 .hdf5 (HDF5)",
                   path.string());
}

AtomicModel read_atoms(const std::filesystem::path& path) {
  switch (atom_file_format(path)) {
    case AtomFileFormat::kExtendedXyz:
      return read_extxyz(path);
    case AtomFileFormat::kLammpsData:
      return read_lammps_data(path);
    case AtomFileFormat::kHdf5:
      return read_atoms_hdf5(path);
  }
  throw InputError("unknown atom file format", path.string());
}

void write_atoms(const std::filesystem::path& path, const AtomicModel& model,
                 const Provenance& provenance) {
  switch (atom_file_format(path)) {
    case AtomFileFormat::kExtendedXyz:
      return write_extxyz(path, model, provenance);
    case AtomFileFormat::kLammpsData:
      return write_lammps_data(path, model, provenance);
    case AtomFileFormat::kHdf5:
      return write_atoms_hdf5(path, model, provenance);
  }
  throw InputError("unknown atom file format", path.string());
}

}  // namespace vitrum::core
