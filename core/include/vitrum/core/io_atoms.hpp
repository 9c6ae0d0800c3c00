#pragma once
/// \file
/// Reading and writing atomic models (DESIGN.md "File formats"):
///  - extended XYZ (.xyz, .extxyz): `Lattice="…" Properties=species:S:1:pos:R:3[:label:I:1]
///    pbc="T T T"`, as ASE and OVITO read and write it; plain XYZ is read too. Only the first
///    frame of a multi-frame file is read (ASE's `read` returns the last);
///  - LAMMPS data (.data, .lmp, .lammps), atom style `atomic`; atom types map to elements
///    through the `Masses` section (a `# Symbol` comment after the mass, else the element of
///    nearest mass). The periodicity, which the format cannot express, travels in the title
///    line (`pbc="T T F"`; T T T if absent); labels are not stored;
///  - HDF5 group `/atoms` (.h5, .hdf5): `positions` (N×3 f8, Å), `Z` (N u1), `cell` (3×3 f8,
///    rows are lattice vectors), `pbc` (3 u1), optional `label` (N i4), plus `/meta` provenance.
/// Readers validate everything they read and throw InputError naming the file and the line
/// (or dataset) and what was expected. Writers write to a temporary file and rename it.

#include <filesystem>

#include "vitrum/core/atomic_model.hpp"
#include "vitrum/core/provenance.hpp"

namespace vitrum::core {

enum class AtomFileFormat { kExtendedXyz, kLammpsData, kHdf5 };

/// The format implied by the file name's extension; InputError listing the known ones if none.
AtomFileFormat atom_file_format(const std::filesystem::path& path);

/// Reads a model in the format implied by the extension.
AtomicModel read_atoms(const std::filesystem::path& path);
/// Writes a model in the format implied by the extension.
void write_atoms(const std::filesystem::path& path, const AtomicModel& model,
                 const Provenance& provenance);

AtomicModel read_extxyz(const std::filesystem::path& path);
void write_extxyz(const std::filesystem::path& path, const AtomicModel& model,
                  const Provenance& provenance);

AtomicModel read_lammps_data(const std::filesystem::path& path);
/// LAMMPS needs a's direction along x and b in the xy plane (a lower-triangular cell);
/// a general cell is rotated into that orientation together with the atoms.
void write_lammps_data(const std::filesystem::path& path, const AtomicModel& model,
                       const Provenance& provenance);

AtomicModel read_atoms_hdf5(const std::filesystem::path& path);
void write_atoms_hdf5(const std::filesystem::path& path, const AtomicModel& model,
                      const Provenance& provenance);

class Hdf5Writer;
/// Writes the `/atoms` group (schema above, without `/meta`) into an open writer, for files
/// that hold a model beside other results (e.g. `vitrum trace`'s `/trace` group). Validates
/// the model first; `where` names the file in messages.
void write_atoms_group(Hdf5Writer& writer, const AtomicModel& model, const std::string& where);

}  // namespace vitrum::core
