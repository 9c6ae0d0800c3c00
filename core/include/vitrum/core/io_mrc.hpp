#pragma once
/// \file
/// MRC2014 volumes for IMOD, ChimeraX and RELION (DESIGN.md "File formats"), following the
/// CCP-EM MRC2014 specification (Cheng et al., J. Struct. Biol. 192, 146 (2015);
/// https://www.ccpem.ac.uk/mrc_format/mrc2014.php) as the `mrcfile` library implements it.
///
/// What write_mrc writes: a 1024-byte little-endian header, no extended header, then the
/// voxels as float32 (mode 2) with x fastest — exactly the [z][y][x] order of a Volume.
/// NX, NY, NZ = MX, MY, MZ = extents along x, y, z; NXSTART… = 0; cell lengths = extent ×
/// sampling (Å); cell angles 90°; MAPC/MAPR/MAPS = 1, 2, 3; DMIN/DMAX/DMEAN and RMS (the
/// standard deviation from the mean, as mrcfile computes it); ISPG = 1 (a single volume);
/// EXTTYP empty; NVERSION = 20140; ORIGIN = the volume's origin in Å (x, y, z); "MAP ";
/// machine stamp 0x44 0x44 0x00 0x00; labels "vitrum <version> seed <seed>" and the
/// command (ASCII, 80 characters at most each).

#include <filesystem>

#include "vitrum/core/grid.hpp"
#include "vitrum/core/provenance.hpp"

namespace vitrum::core {

/// Writes `volume` atomically. InputError if it is empty or has a non-finite voxel; IoError
/// if writing fails.
void write_mrc(const std::filesystem::path& path, const Volume& volume,
               const Provenance& provenance);

/// Reads a little-endian mode-2 MRC file with axis order 1, 2, 3: sampling = cell length /
/// MX… (1 Å if the cell is zero), origin from ORIGIN. IoError if the file is missing;
/// InputError naming the header field if the file is not such an MRC file or is truncated.
Volume read_mrc(const std::filesystem::path& path);

}  // namespace vitrum::core
