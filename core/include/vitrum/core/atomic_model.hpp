#pragma once
/// \file
/// AtomicModel: the atoms of a specimen (positions in Å, atomic numbers Z), the simulation
/// cell with per-axis periodicity, and optional integer labels per atom (truth labels such
/// as "crystal nucleus" or "surface"; their meaning is recorded by whoever sets them).

#include <Eigen/Core>
#include <Eigen/LU>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <vector>

namespace vitrum::core {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

/// Simulation cell. Rows of `vectors_A` are the lattice vectors a, b, c in Å (the ASE and
/// extended-XYZ convention); `pbc[i]` says whether axis i is periodic. A model of a finite
/// particle has pbc = {false, false, false} and a cell that merely encloses it.
struct Cell {
  Mat3 vectors_A = Mat3::Zero();
  std::array<bool, 3> pbc{false, false, false};

  /// An orthorhombic cell with edge lengths (Å) along x, y, z.
  static Cell orthorhombic(double lx_A, double ly_A, double lz_A,
                           std::array<bool, 3> pbc = {true, true, true});
  /// Volume |det(vectors)| in Å³.
  double volume_A3() const;
  /// True if the three vectors span a non-degenerate volume.
  bool is_valid() const;
  /// Fractional coordinates s of a Cartesian point r: r = sᵀ·vectors.
  Vec3 fractional(const Vec3& r_A) const;
  /// Cartesian point of fractional coordinates.
  Vec3 cartesian(const Vec3& s) const;
};

/// ZYX Euler rotation, angles in degrees, the convention of the AET reconstruction codes
/// (GENFIRE/RESIRE; DESIGN.md "Axes"): R = Rz(φ)·Ry(θ)·Rx(ψ), each a right-handed rotation
/// about the fixed axis. Positions transform as r' = R r. A single-axis tilt series is
/// (0, tilt_deg, 0): rotation about y.
Mat3 euler_zyx_matrix(double phi_deg, double theta_deg, double psi_deg);

/// Atoms with positions (Å), atomic numbers and optional labels, plus their cell.
/// Invariant: positions, Z and (if present) labels have the same length.
class AtomicModel {
 public:
  AtomicModel() = default;
  explicit AtomicModel(Cell cell) : cell_(std::move(cell)) {}

  std::size_t size() const { return positions_A_.size(); }
  bool empty() const { return positions_A_.empty(); }

  /// Appends one atom. The label is stored only if the model has labels
  /// (or the model is empty and `label` is given, which turns labels on).
  void add_atom(const Vec3& position_A, int Z, std::int32_t label = 0);
  void reserve(std::size_t n);

  const Cell& cell() const { return cell_; }
  Cell& cell() { return cell_; }
  void set_cell(const Cell& c) { cell_ = c; }

  std::span<const Vec3> positions_A() const { return positions_A_; }
  std::span<Vec3> positions_A() { return positions_A_; }
  std::span<const std::uint8_t> Z() const { return Z_; }
  std::span<std::uint8_t> Z() { return Z_; }

  bool has_labels() const { return !labels_.empty(); }
  std::span<const std::int32_t> labels() const { return labels_; }
  std::span<std::int32_t> labels() { return labels_; }
  /// Gives every atom a label (all `value`), replacing existing labels.
  void enable_labels(std::int32_t value = 0);
  void clear_labels() { labels_.clear(); }

  /// Throws InputError if any position is NaN/Inf, any Z is outside 1..118,
  /// or a periodic axis has a degenerate cell. `where` names the source in the message.
  void validate(const std::string& where = {}) const;

 private:
  Cell cell_;
  std::vector<Vec3> positions_A_;
  std::vector<std::uint8_t> Z_;
  std::vector<std::int32_t> labels_;
};

/// Shifts every atom by `shift_A`.
void translate(AtomicModel& model, const Vec3& shift_A);
/// Rotates atoms (and the cell vectors) by R about `center_A`: r' = R (r − c) + c.
void rotate(AtomicModel& model, const Mat3& R, const Vec3& center_A);
/// Maps every atom back into the cell along its periodic axes.
void wrap(AtomicModel& model);
/// The atoms for which `keep(position, Z, index)` is true, with their labels and the cell.
AtomicModel carve(const AtomicModel& model,
                  const std::function<bool(const Vec3&, int, std::size_t)>& keep);
/// All atoms of `a` then all of `b`, in a's cell. Labels are kept if either has them
/// (atoms from a model without labels get 0).
AtomicModel merge(const AtomicModel& a, const AtomicModel& b);
/// Number of atoms per Z.
std::map<int, std::size_t> composition(const AtomicModel& model);
/// Geometric centre (mean position) in Å; zero for an empty model.
Vec3 centroid(const AtomicModel& model);

}  // namespace vitrum::core
