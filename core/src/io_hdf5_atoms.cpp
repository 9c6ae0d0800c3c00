// The HDF5 `/atoms` schema of io_atoms.hpp: positions (N×3 f8, Å), Z (N u1), cell (3×3 f8,
// rows are lattice vectors, Å), pbc (3 u1), optional label (N i4), plus `/meta` provenance.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"
#include "vitrum/core/hdf5_file.hpp"
#include "vitrum/core/io_atoms.hpp"

namespace vitrum::core {
namespace {

void require_finite(const Hdf5Array<double>& array, const std::string& dataset,
                    const std::filesystem::path& path) {
  for (std::size_t i = 0; i < array.values.size(); ++i)
    if (!std::isfinite(array.values[i]))
      throw InputError("dataset " + dataset + " has a non-finite value at element " +
                           std::to_string(i) + ", expected finite numbers",
                       path.string());
}

}  // namespace

AtomicModel read_atoms_hdf5(const std::filesystem::path& path) {
  const Hdf5Reader reader(path);
  const Hdf5Array<double> positions =
      reader.read_array<double>("/atoms/positions", {kAnyExtent, 3});
  const std::size_t n = positions.shape[0];
  const Hdf5Array<std::uint8_t> Z = reader.read_array<std::uint8_t>("/atoms/Z", {n});
  const Hdf5Array<double> cell = reader.read_array<double>("/atoms/cell", {3, 3});
  const Hdf5Array<std::uint8_t> pbc = reader.read_array<std::uint8_t>("/atoms/pbc", {3});
  require_finite(positions, "/atoms/positions", path);
  require_finite(cell, "/atoms/cell", path);
  for (std::size_t i = 0; i < n; ++i)
    if (Z.values[i] < 1 || Z.values[i] > 118)
      throw InputError("dataset /atoms/Z has " + std::to_string(Z.values[i]) + " at element " +
                           std::to_string(i) + ", expected atomic numbers 1..118",
                       path.string());

  Cell c;
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 3; ++k)
      c.vectors_A(i, k) = cell.values[static_cast<std::size_t>(3 * i + k)];
    c.pbc[static_cast<std::size_t>(i)] = pbc.values[static_cast<std::size_t>(i)] != 0;
  }
  AtomicModel model(c);
  model.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    model.add_atom(
        {positions.values[3 * i], positions.values[3 * i + 1], positions.values[3 * i + 2]},
        Z.values[i]);
  if (reader.has("/atoms/label")) {
    const Hdf5Array<std::int32_t> label = reader.read_array<std::int32_t>("/atoms/label", {n});
    model.enable_labels();
    std::copy(label.values.begin(), label.values.end(), model.labels().begin());
  }
  model.validate(path.string());
  return model;
}

void write_atoms_group(Hdf5Writer& writer, const AtomicModel& model, const std::string& where) {
  model.validate(where);
  const std::size_t n = model.size();
  std::vector<double> positions;
  positions.reserve(3 * n);
  for (const Vec3& r : model.positions_A())
    positions.insert(positions.end(), {r.x(), r.y(), r.z()});
  std::vector<double> cell;
  std::vector<std::uint8_t> pbc;
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 3; ++k) cell.push_back(model.cell().vectors_A(i, k));
    pbc.push_back(model.cell().pbc[static_cast<std::size_t>(i)] ? 1 : 0);
  }

  writer.write_array<double>("/atoms/positions", positions, {n, 3}, "Å");
  writer.write_array<std::uint8_t>("/atoms/Z", model.Z(), {n});
  writer.write_array<double>("/atoms/cell", cell, {3, 3}, "Å");
  writer.write_array<std::uint8_t>("/atoms/pbc", pbc, {3});
  if (model.has_labels()) writer.write_array<std::int32_t>("/atoms/label", model.labels(), {n});
}

void write_atoms_hdf5(const std::filesystem::path& path, const AtomicModel& model,
                      const Provenance& provenance) {
  model.validate(path.string());
  Hdf5Writer writer(path);
  write_atoms_group(writer, model, path.string());
  writer.write_provenance(provenance);
  writer.commit();
}

}  // namespace vitrum::core
