#pragma once
/// \file
/// A small HDF5 layer for vitrum's files (DESIGN.md "File formats", "Result schemas"):
/// EMD data groups for gridded data, plain typed datasets, `/meta` provenance, tilt series
/// and volumes in their documented schema, and a streaming writer/reader for 4D-STEM scans.
///
/// EMD layout written here — the EMD data group of the Berkeley EMD specification (v0.1
/// data groups, which EMD 1.0 keeps for array nodes; https://emdatasets.com/format/), in the
/// form that ncempy (`ncempy.io.emd.fileEMD`), HyperSpy/RosettaSciIO (`EMD_NCEM`) and h5py read:
///  - root attributes `version_major` = 1, `version_minor` = 0 (int32);
///  - group `/data/<name>` with attribute `emd_group_type` = 1 (int32);
///  - dataset `/data/<name>/data`, float32, row-major with the shape of the grid;
///  - datasets `/data/<name>/dim1 … dimN`, float64 coordinates of axis 0 … N−1 (one per
///    sample; an axis of fewer than two samples is written in the spec's linear short form
///    [offset, offset + step]), each with UTF-8 string attributes `name` and `units`. Units are
///    stored in the spec's bracket notation ("[Å]", as "[n_m]" in the spec), which is what
///    HyperSpy parses; EmdDim::units holds them without brackets.
/// Strings are variable-length UTF-8 (h5py returns `str`). Files are byte-for-byte
/// deterministic: object timestamps are off and the file format is pinned to HDF5 1.8
/// objects (readable by every HDF5 ≥ 1.8, MATLAB and h5py).
///
/// All writers write to a temporary file beside the target and rename it when complete
/// (the protocol of safe_file.hpp, spread over an object's lifetime); an abandoned writer
/// removes its temporary file. Readers validate what they read and throw InputError naming
/// the file (`where()`) and the dataset and the expectation (`what()`); IoError when the
/// file cannot be opened or the library fails.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vitrum/core/grid.hpp"
#include "vitrum/core/provenance.hpp"

namespace vitrum::core {

/// One axis of an EMD data group (dataset `dimK` for axis K−1).
struct EmdDim {
  std::string name;   ///< e.g. "x", "tilt angle"
  std::string units;  ///< e.g. "Å", "deg", "Å^-1" (written as "[Å]")
  /// Explicit coordinates, one per sample (e.g. the tilt angles of a tilt series). Empty when
  /// writing means origin + i·sampling of the grid; readers always fill it.
  std::vector<double> coordinates;
};

template <std::size_t Rank>
using EmdDims = std::array<EmdDim, Rank>;

/// A dataset read from a file: values in row-major order, its shape, and its `units`
/// attribute (empty if it has none).
template <class T>
struct Hdf5Array {
  std::vector<T> values;
  std::vector<std::size_t> shape;
  std::string units;
};

/// Wildcard in an expected shape: any extent is accepted along that axis.
inline constexpr std::size_t kAnyExtent = std::numeric_limits<std::size_t>::max();

/// Writes a new HDF5 file. Element types of write_array: double, float, std::int32_t,
/// std::uint8_t. Ranks of write_emd: 1–4.
class Hdf5Writer {
 public:
  /// Creates `<target>.tmp.<pid>.h<n>` beside the target. IoError if it cannot be created.
  explicit Hdf5Writer(const std::filesystem::path& target);
  Hdf5Writer(Hdf5Writer&&) noexcept;
  Hdf5Writer& operator=(Hdf5Writer&&) noexcept;
  /// Without commit(), closes and deletes the temporary file; the target is untouched.
  ~Hdf5Writer();

  /// Writes grid as the EMD data group `/data/<name>` (layout in the file comment). `name`
  /// must be a plain name (no '/'); InputError if it is, if the group exists, or if an
  /// explicit coordinate list does not have one entry per sample.
  template <std::size_t Rank>
  void write_emd(const std::string& name, const Grid<float, Rank>& grid, const EmdDims<Rank>& dims);

  /// Writes `values` as the dataset at absolute `path` (e.g. "/truth/shift_A") with the
  /// given row-major shape, creating parent groups; `units`, if not empty, becomes a string
  /// attribute `units`. InputError if the shape does not hold values.size() elements.
  template <class T>
  void write_array(const std::string& path, std::span<const T> values,
                   const std::vector<std::size_t>& shape, const std::string& units = {});

  /// A float64 attribute `name` on the group at absolute `group_path` ("/" for the root),
  /// creating the group if needed (e.g. the neighbour cutoff `rc` of an analysis file).
  void write_attribute(const std::string& group_path, const std::string& name, double value);
  /// A UTF-8 string attribute `name` on the group at absolute `group_path`, created if needed
  /// (e.g. the file and SHA-256 of the potential that made a model).
  void write_attribute(const std::string& group_path, const std::string& name,
                       const std::string& value);
  /// Group `/meta` with string attributes command, parameters, version and uint64 seed.
  void write_provenance(const Provenance& provenance);

  /// Closes the file and renames it onto the target. IoError if either fails (then the
  /// temporary file is removed). The writer accepts nothing after commit().
  void commit();

  const std::filesystem::path& target() const;

 private:
  friend class ScanWriter;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads an HDF5 file. Element types of read_array: double, float, std::int32_t,
/// std::uint8_t (a dataset is converted if its type class matches: any float type for
/// float/double, any integer type for the integers). Ranks of read_emd: 1–4.
class Hdf5Reader {
 public:
  /// Opens read-only. IoError naming the file if it does not exist or is not HDF5.
  explicit Hdf5Reader(const std::filesystem::path& path);
  Hdf5Reader(Hdf5Reader&&) noexcept;
  Hdf5Reader& operator=(Hdf5Reader&&) noexcept;
  ~Hdf5Reader();

  const std::filesystem::path& path() const;
  /// True if the absolute object path (group or dataset) exists.
  bool has(const std::string& object_path) const;
  /// Names of the links (groups, datasets) directly under a group, sorted. InputError if the
  /// group is missing.
  std::vector<std::string> children(const std::string& group_path) const;
  /// Shape of a dataset. InputError if it is missing.
  std::vector<std::size_t> shape(const std::string& dataset_path) const;

  /// Reads a dataset. If `expected_shape` is not empty, the rank and every extent that is
  /// not kAnyExtent must match, else InputError stating expected and found shapes.
  template <class T>
  Hdf5Array<T> read_array(const std::string& path,
                          const std::vector<std::size_t>& expected_shape = {}) const;

  /// Reads the EMD data group `/data/<name>` as a grid; sampling and origin come from the
  /// dim datasets, which must be uniformly spaced and increasing (InputError otherwise, as
  /// for a missing group or dataset, a rank other than Rank, or dims of the wrong length).
  template <std::size_t Rank>
  Grid<float, Rank> read_emd(const std::string& name) const;

  /// The dims of `/data/<name>` with their coordinates (expanded from the linear short
  /// form), without requiring uniform spacing.
  template <std::size_t Rank>
  EmdDims<Rank> read_emd_dims(const std::string& name) const;

  /// The `/meta` group. InputError if it or one of its attributes is missing.
  Provenance read_provenance() const;
  /// A float64 attribute of the group at `group_path`. InputError if either is missing.
  double read_number_attribute(const std::string& group_path, const std::string& name) const;
  /// A string attribute of the group at `group_path`. InputError if either is missing.
  std::string read_string_attribute(const std::string& group_path, const std::string& name) const;

 private:
  friend class ScanReader;
  friend TiltSeries read_tilt_series(const Hdf5Reader& reader, const std::string& name);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes a tilt series (DESIGN.md "Result schemas"): EMD group `/data/tilt_series` with
/// data float32 [ntilt][ny][nx], dim1 = θ of each Euler triplet (deg), dim2 y (Å), dim3 x (Å),
/// and `/data/tilt_series/euler_deg` float64 [ntilt][3] (φ, θ, ψ). Validates the series first.
/// Another group name holds a further series of the same acquisition (e.g. "bf_tilt_series").
void write_tilt_series(Hdf5Writer& writer, const TiltSeries& series,
                       const std::string& name = "tilt_series");
/// Reads what write_tilt_series wrote; axis 0 of the images has sampling 1 and origin 0.
TiltSeries read_tilt_series(const Hdf5Reader& reader, const std::string& name = "tilt_series");

/// Writes a volume as EMD group `/data/volume`: float32 [nz][ny][nx], dims z, y, x in Å.
void write_volume(Hdf5Writer& writer, const Volume& volume);
Volume read_volume(const Hdf5Reader& reader);

/// Compression of the 4D-STEM dataset.
enum class Compression { kNone, kGzip };

struct ScanWriterParams {
  Compression compression = Compression::kNone;
  int gzip_level = 4;  ///< 1 (fast) … 9 (small); used with Compression::kGzip
  /// Throws InputError naming the field if gzip_level is outside 1…9.
  void validate() const;
};

/// Streams a 4D-STEM scan to `/data/scan` (EMD group) as it is produced: data float32
/// [ry][rx][ky][kx], dim1/dim2 scan y/x in Å (origin 0), dim3/dim4 q_y/q_x in Å⁻¹ (q = 1/d),
/// with the pattern centre (index k/2, integer division) at q = 0, as after an FFT shift.
///
/// Chunks are single diffraction patterns [1][1][ky][kx]: the unit every consumer reads
/// (per-pattern azimuthal integration, viewers, virtual detectors) and, at typical
/// 128²–512² pixels, 64 KiB–1 MiB — the size HDF5 recommends and within its default 1 MiB
/// chunk cache. A whole-row chunk (rx patterns, tens of MiB) would overflow that cache and
/// make reading one pattern read (and, compressed, inflate) the whole row. Rows are written
/// as complete chunks, so writing never re-reads anything.
class ScanWriter {
 public:
  /// Creates the temporary file and the dataset. InputError if an extent is 0 or a
  /// sampling is not positive and finite.
  ScanWriter(const std::filesystem::path& target, const std::array<std::size_t, 4>& shape,
             double step_A, double q_pixel_invA, const Provenance& provenance,
             const ScanWriterParams& params = {});
  ScanWriter(ScanWriter&&) noexcept;
  ScanWriter& operator=(ScanWriter&&) noexcept;
  /// Without finish(), deletes the temporary file; the target is untouched.
  ~ScanWriter();

  const std::array<std::size_t, 4>& shape() const;
  std::size_t rows_written() const;

  /// Writes whole scan rows: block is [n][rx][ky][kx] (its sampling is ignored) and must
  /// start at ry_begin == rows_written(). InputError otherwise.
  void write_rows(std::size_t ry_begin, const Grid<float, 4>& block);

  /// Writes dims and provenance, closes and renames onto the target. InputError if rows are
  /// missing; IoError if closing or renaming fails.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads blocks of scan rows from a file written by ScanWriter (or any EMD group
/// `/data/scan` of rank 4 with uniform dims).
class ScanReader {
 public:
  /// IoError if the file cannot be opened; InputError if `/data/scan` is missing or malformed.
  explicit ScanReader(const std::filesystem::path& path);
  ScanReader(ScanReader&&) noexcept;
  ScanReader& operator=(ScanReader&&) noexcept;
  ~ScanReader();

  const std::array<std::size_t, 4>& shape() const;
  /// Rows [ry_begin, ry_begin + count) as [count][rx][ky][kx] with sampling and origin (the
  /// origin of axis 0 is that of row ry_begin). InputError if the range exceeds the scan.
  Grid<float, 4> read_rows(std::size_t ry_begin, std::size_t count) const;
  Provenance provenance() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrum::core
