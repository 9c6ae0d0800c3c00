#include "vitrum/core/atomic_model.hpp"

#include <Eigen/Geometry>
#include <cmath>
#include <numbers>

#include "vitrum/core/error.hpp"

namespace vitrum::core {

Cell Cell::orthorhombic(double lx_A, double ly_A, double lz_A, std::array<bool, 3> pbc) {
  Cell c;
  c.vectors_A = Vec3(lx_A, ly_A, lz_A).asDiagonal();
  c.pbc = pbc;
  return c;
}

double Cell::volume_A3() const { return std::abs(vectors_A.determinant()); }

bool Cell::is_valid() const { return vectors_A.allFinite() && volume_A3() > 1e-12; }

Vec3 Cell::fractional(const Vec3& r_A) const {
  // r = sᵀ V  (rows of V are lattice vectors)  ⇒  s = V⁻ᵀ r.
  return vectors_A.transpose().partialPivLu().solve(r_A);
}

Vec3 Cell::cartesian(const Vec3& s) const { return vectors_A.transpose() * s; }

Mat3 euler_zyx_matrix(double phi_deg, double theta_deg, double psi_deg) {
  constexpr double deg = std::numbers::pi / 180.0;
  using Eigen::AngleAxisd;
  return (AngleAxisd(phi_deg * deg, Vec3::UnitZ()) * AngleAxisd(theta_deg * deg, Vec3::UnitY()) *
          AngleAxisd(psi_deg * deg, Vec3::UnitX()))
      .toRotationMatrix();
}

void AtomicModel::add_atom(const Vec3& position_A, int Z, std::int32_t label) {
  if (Z < 1 || Z > 118) throw InputError("atomic number outside 1..118: " + std::to_string(Z));
  // The first non-zero label turns labels on; earlier atoms get 0.
  if (label != 0 && !has_labels()) labels_.assign(size(), 0);
  positions_A_.push_back(position_A);
  Z_.push_back(static_cast<std::uint8_t>(Z));
  if (has_labels() || label != 0) labels_.push_back(label);
}

void AtomicModel::reserve(std::size_t n) {
  positions_A_.reserve(n);
  Z_.reserve(n);
  if (has_labels()) labels_.reserve(n);
}

void AtomicModel::enable_labels(std::int32_t value) { labels_.assign(size(), value); }

void AtomicModel::validate(const std::string& where) const {
  for (std::size_t i = 0; i < size(); ++i) {
    if (!positions_A_[i].allFinite())
      throw InputError("atom " + std::to_string(i + 1) + " has a non-finite coordinate", where);
    if (Z_[i] < 1 || Z_[i] > 118)
      throw InputError("atom " + std::to_string(i + 1) + " has atomic number " +
                           std::to_string(Z_[i]) + " outside 1..118",
                       where);
  }
  const bool periodic = cell_.pbc[0] || cell_.pbc[1] || cell_.pbc[2];
  if (periodic && !cell_.is_valid())
    throw InputError("periodic model has a degenerate or non-finite cell", where);
  if (!labels_.empty() && labels_.size() != size())
    throw InputError("label count does not match atom count", where);
}

void translate(AtomicModel& model, const Vec3& shift_A) {
  for (Vec3& r : model.positions_A()) r += shift_A;
}

void rotate(AtomicModel& model, const Mat3& R, const Vec3& center_A) {
  for (Vec3& r : model.positions_A()) r = R * (r - center_A) + center_A;
  // Cell rows are vectors: each rotates as v' = R v, i.e. V' = V Rᵀ.
  model.cell().vectors_A = model.cell().vectors_A * R.transpose();
}

void wrap(AtomicModel& model) {
  const Cell& cell = model.cell();
  if (!(cell.pbc[0] || cell.pbc[1] || cell.pbc[2])) return;
  if (!cell.is_valid()) throw InputError("cannot wrap atoms into a degenerate cell");
  const Mat3 to_fractional = cell.vectors_A.transpose().inverse();
  const Mat3 to_cartesian = cell.vectors_A.transpose();
  for (Vec3& r : model.positions_A()) {
    Vec3 s = to_fractional * r;
    for (int a = 0; a < 3; ++a)
      if (cell.pbc[a]) s[a] -= std::floor(s[a]);
    r = to_cartesian * s;
  }
}

AtomicModel carve(const AtomicModel& model,
                  const std::function<bool(const Vec3&, int, std::size_t)>& keep) {
  AtomicModel out(model.cell());
  const auto pos = model.positions_A();
  const auto Z = model.Z();
  for (std::size_t i = 0; i < model.size(); ++i) {
    if (!keep(pos[i], Z[i], i)) continue;
    out.add_atom(pos[i], Z[i]);
    if (model.has_labels()) {
      if (!out.has_labels()) out.enable_labels(0);
      out.labels().back() = model.labels()[i];
    }
  }
  return out;
}

AtomicModel merge(const AtomicModel& a, const AtomicModel& b) {
  AtomicModel out(a.cell());
  out.reserve(a.size() + b.size());
  const bool labelled = a.has_labels() || b.has_labels();
  for (const AtomicModel* m : {&a, &b})
    for (std::size_t i = 0; i < m->size(); ++i) out.add_atom(m->positions_A()[i], m->Z()[i]);
  if (labelled) {
    out.enable_labels(0);
    if (a.has_labels()) std::copy(a.labels().begin(), a.labels().end(), out.labels().begin());
    if (b.has_labels())
      std::copy(b.labels().begin(), b.labels().end(), out.labels().begin() + a.size());
  }
  return out;
}

std::map<int, std::size_t> composition(const AtomicModel& model) {
  std::map<int, std::size_t> counts;
  for (std::uint8_t z : model.Z()) ++counts[z];
  return counts;
}

Vec3 centroid(const AtomicModel& model) {
  Vec3 sum = Vec3::Zero();
  for (const Vec3& r : model.positions_A()) sum += r;
  return model.empty() ? sum : Vec3(sum / static_cast<double>(model.size()));
}

}  // namespace vitrum::core
