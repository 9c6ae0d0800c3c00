#include "vitrum/sim/zhou_eam.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "vitrum/core/error.hpp"
#include "vitrum/core/validate.hpp"
#include "vitrum/core/version.hpp"

namespace vitrum::sim {

namespace {

/// The parameters of the 16 metals: X. W. Zhou, R. A. Johnson, H. N. G. Wadley, Phys. Rev. B
/// 69, 144113 (2004), as distributed with the authors' tool in LAMMPS, tools/eam_database/
/// EAM_code (the same numbers are in tools/eam_database/eamDatabase.py). Per row, in EAM_code's
/// order: rₑ, fₑ, ρₑ, ρₛ, α, β, A, B, κ, λ, {Fₙ₀…Fₙ₃}, {F₀…F₃}, η, Fₑ, Z, mass, F₃⁺, β₁, λ₁,
/// ρₙ/ρₑ, ρ₀/ρₑ; the last column (ground-state lattice) is ours, for the setfl header.
// clang-format off
constexpr std::array<ZhouParameters, 16> kZhou2004{{
    {"Cu", 2.556162, 1.554485, 21.175871, 21.175395, 8.127620, 4.334731, 0.396620, 0.548085,
     0.308782, 0.756515, {-2.170269, -0.263788, 1.088878, -0.817603}, {-2.19, 0.00, 0.561830, -2.100595},
     0.310490, -2.186568, 29, 63.546, -2.100595, 4.334731, 0.756515, 0.85, 1.15, "fcc"},
    {"Ag", 2.891814, 1.106232, 14.604100, 14.604144, 9.132010, 4.870405, 0.277758, 0.419611,
     0.339710, 0.750758, {-1.729364, -0.255882, 0.912050, -0.561432}, {-1.75, 0.00, 0.744561, -1.150650},
     0.783924, -1.748423, 47, 107.8682, -1.150650, 4.870405, 0.750758, 0.85, 1.15, "fcc"},
    {"Au", 2.885034, 1.529021, 19.991632, 19.991509, 9.516052, 5.075228, 0.229762, 0.356666,
     0.356570, 0.748798, {-2.937772, -0.500288, 1.601954, -0.835530}, {-2.98, 0.00, 1.706587, -1.134778},
     1.021095, -2.978815, 79, 196.96654, -1.134778, 5.075228, 0.748798, 0.85, 1.15, "fcc"},
    {"Ni", 2.488746, 2.007018, 27.562015, 27.562031, 8.383453, 4.471175, 0.429046, 0.633531,
     0.443599, 0.820658, {-2.693513, -0.076445, 0.241442, -2.375626}, {-2.70, 0.00, 0.265390, -0.152856},
     0.445470, -2.7, 28, 58.6934, -0.152856, 4.471175, 0.820658, 0.85, 1.15, "fcc"},
    {"Pd", 2.750897, 1.595417, 21.335246, 21.940073, 8.697397, 4.638612, 0.406763, 0.598880,
     0.397263, 0.754799, {-2.321006, -0.473983, 1.615343, -0.231681}, {-2.36, 0.00, 1.481742, -1.675615},
     1.130000, -2.352753, 46, 106.42, -1.675615, 4.638612, 0.754799, 0.85, 1.15, "fcc"},
    {"Pt", 2.771916, 2.336509, 33.367564, 35.205357, 7.105782, 3.789750, 0.556398, 0.696037,
     0.385255, 0.770510, {-1.455568, -2.149952, 0.528491, 1.222875}, {-4.17, 0.00, 3.010561, -2.420128},
     1.450000, -4.145597, 78, 195.08, -2.420128, 3.789750, 0.770510, 0.25, 1.15, "fcc"},
    {"Al", 2.863924, 1.403115, 20.418205, 23.195740, 6.613165, 3.527021, 0.314873, 0.365551,
     0.379846, 0.759692, {-2.807602, -0.301435, 1.258562, -1.247604}, {-2.83, 0.00, 0.622245, -2.488244},
     0.785902, -2.824528, 13, 26.981539, -2.488244, 3.527021, 0.759692, 0.85, 1.15, "fcc"},
    {"Pb", 3.499723, 0.647872, 8.450154, 8.450063, 9.121799, 5.212457, 0.161219, 0.236884,
     0.250805, 0.764955, {-1.422370, -0.210107, 0.682886, -0.529378}, {-1.44, 0.00, 0.702726, -0.538766},
     0.935380, -1.439436, 82, 207.2, -0.538766, 5.212457, 0.764955, 0.85, 1.15, "fcc"},
    {"Fe", 2.481987, 1.885957, 20.041463, 20.041463, 9.818270, 5.236411, 0.392811, 0.646243,
     0.170306, 0.340613, {-2.534992, -0.059605, 0.193065, -2.282322}, {-2.54, 0.00, 0.200269, -0.148770},
     0.391750, -2.539945, 26, 55.847, -0.148770, 5.236411, 0.340613, 0.85, 1.15, "bcc"},
    {"Mo", 2.728100, 2.723710, 29.354065, 29.354065, 8.393531, 4.476550, 0.708787, 1.120373,
     0.137640, 0.275280, {-3.692913, -0.178812, 0.380450, -3.133650}, {-3.71, 0.00, 0.875874, 0.776222},
     0.790879, -3.712093, 42, 95.94, 0.776222, 4.476550, 0.275280, 0.85, 1.15, "bcc"},
    {"Ta", 2.860082, 3.086341, 33.787168, 33.787168, 8.489528, 4.527748, 0.611679, 1.032101,
     0.176977, 0.353954, {-5.103845, -0.405524, 1.112997, -3.585325}, {-5.14, 0.00, 1.640098, 0.221375},
     0.848843, -5.141526, 73, 180.9479, 0.221375, 4.527748, 0.353954, 0.85, 1.15, "bcc"},
    {"W", 2.740840, 3.487340, 37.234847, 37.234847, 8.900114, 4.746728, 0.882435, 1.394592,
     0.139209, 0.278417, {-4.946281, -0.148818, 0.365057, -4.432406}, {-4.96, 0.00, 0.661935, 0.348147},
     0.582714, -4.961306, 74, 183.84, 0.348147, 4.746728, 0.278417, 0.85, 1.15, "bcc"},
    {"Mg", 3.196291, 0.544323, 7.132600, 7.132600, 10.228708, 5.455311, 0.137518, 0.225930,
     0.5, 1.0, {-0.896473, -0.044291, 0.162232, -0.689950}, {-0.90, 0.00, 0.122838, -0.226010},
     0.431425, -0.899702, 12, 24.305, -0.226010, 5.455311, 1.0, 0.85, 1.15, "hcp"},
    {"Co", 2.505979, 1.975299, 27.206789, 27.206789, 8.679625, 4.629134, 0.421378, 0.640107,
     0.5, 1.0, {-2.541799, -0.219415, 0.733381, -1.589003}, {-2.56, 0.00, 0.705845, -0.687140},
     0.694608, -2.559307, 27, 58.9332, -0.687140, 4.629134, 1.0, 0.85, 1.15, "hcp"},
    {"Ti", 2.933872, 1.863200, 25.565138, 25.565138, 8.775431, 4.680230, 0.373601, 0.570968,
     0.5, 1.0, {-3.203773, -0.198262, 0.683779, -2.321732}, {-3.22, 0.00, 0.608587, -0.750710},
     0.558572, -3.219176, 22, 47.88, -0.750710, 4.680230, 1.0, 0.85, 1.15, "hcp"},
    {"Zr", 3.199978, 2.230909, 30.879991, 30.879991, 8.559190, 4.564902, 0.424667, 0.640054,
     0.5, 1.0, {-4.485793, -0.293129, 0.990148, -3.202516}, {-4.51, 0.00, 0.928602, -0.981870},
     0.597133, -4.509025, 40, 91.224, -0.981870, 4.564902, 1.0, 0.85, 1.15, "hcp"},
}};
// clang-format on

std::string list_of_elements() {
  std::string s;
  for (const ZhouParameters& p : kZhou2004) {
    if (!s.empty()) s += ", ";
    s += p.symbol;
  }
  return s;
}

// 1 / (1 + (x − c)²⁰): the smooth cutoff factor of every function of r.
double cutoff_factor(double x, double c) { return 1.0 / (1.0 + std::pow(x - c, 20)); }

// The lattice constant of the ground state whose nearest-neighbour distance is rₑ.
double lattice_constant_A(const ZhouParameters& p) {
  if (p.lattice == "bcc") return 2.0 * p.re_A / std::numbers::sqrt3;
  if (p.lattice == "hcp") return p.re_A;
  return std::numbers::sqrt2 * p.re_A;
}

}  // namespace

std::vector<std::string> zhou_elements() {
  std::vector<std::string> symbols;
  symbols.reserve(kZhou2004.size());
  for (const ZhouParameters& p : kZhou2004) symbols.emplace_back(p.symbol);
  return symbols;
}

const ZhouParameters& zhou_parameters(std::string_view symbol) {
  for (const ZhouParameters& p : kZhou2004)
    if (p.symbol == symbol) return p;
  throw InputError("element '" + std::string(symbol) +
                       "' is not in the Zhou-Johnson-Wadley (2004) EAM database; it covers " +
                       list_of_elements() +
                       ". Ru, Rh and Ir are not covered: use a documented proxy element for "
                       "the MD (PHYSICS.md section 1) and keep the true Z for scattering",
                   "element " + std::string(symbol));
}

double zhou_pair_eV(const ZhouParameters& p, double r_A) {
  const double x = r_A / p.re_A;
  return p.A_eV * std::exp(-p.alpha * (x - 1.0)) * cutoff_factor(x, p.kappa) -
         p.B_eV * std::exp(-p.beta * (x - 1.0)) * cutoff_factor(x, p.lambda);
}

double zhou_density(const ZhouParameters& p, double r_A) {
  const double x = r_A / p.re_A;
  return p.fe * std::exp(-p.beta_density * (x - 1.0)) * cutoff_factor(x, p.lambda_density);
}

double zhou_embedding_eV(const ZhouParameters& p, double rho) {
  const double rho_n = p.rho_low * p.rhoe;
  const double rho_0 = p.rho_high * p.rhoe;
  if (rho < rho_n) {
    const double y = rho / rho_n - 1.0;
    return p.Fn_eV[0] + y * (p.Fn_eV[1] + y * (p.Fn_eV[2] + y * p.Fn_eV[3]));
  }
  if (rho < rho_0) {
    const double y = rho / p.rhoe - 1.0;
    const double F3 = rho < p.rhoe ? p.F_eV[3] : p.F3_above_eV;
    return p.F_eV[0] + y * (p.F_eV[1] + y * (p.F_eV[2] + y * F3));
  }
  const double s = rho / p.rhos;
  return p.Fe_eV * (1.0 - p.eta * std::log(s)) * std::pow(s, p.eta);
}

double zhou_cross_pair_eV(const ZhouParameters& a, const ZhouParameters& b, double r_A) {
  if (&a == &b || a.symbol == b.symbol) return zhou_pair_eV(a, r_A);
  const double fa = zhou_density(a, r_A);
  const double fb = zhou_density(b, r_A);
  return 0.5 * (fb / fa * zhou_pair_eV(a, r_A) + fa / fb * zhou_pair_eV(b, r_A));
}

void ZhouTabulation::validate() const {
  core::require(nr >= 2 && nr <= 1000000, "nr", nr, "2 to 1000000");
  core::require(nrho >= 2 && nrho <= 1000000, "nrho", nrho, "2 to 1000000");
  core::require(std::isfinite(r_floor_A) && r_floor_A >= 0.0 && r_floor_A <= 2.0, "r_floor_A",
                r_floor_A, "0 to 2 Å");
  if (cutoff_A)
    core::require(std::isfinite(*cutoff_A) && *cutoff_A > r_floor_A && *cutoff_A <= 100.0,
                  "cutoff_A", *cutoff_A, "(r_floor_A, 100] Å");
  if (rho_max) core::require(std::isfinite(*rho_max) && *rho_max > 0.0, "rho_max", *rho_max, "> 0");
}

SetflTable zhou_eam_alloy(std::span<const std::string> elements, const ZhouTabulation& tab) {
  tab.validate();
  if (elements.empty())
    throw InputError("no elements given; choose from " + list_of_elements(), "elements");
  std::vector<const ZhouParameters*> params;
  for (const std::string& symbol : elements) {
    const ZhouParameters& p = zhou_parameters(symbol);
    if (std::find(params.begin(), params.end(), &p) != params.end())
      throw InputError("element " + symbol + " is listed twice", "elements");
    params.push_back(&p);
  }

  // The reference's grid: the cutoff lies between the 3rd and 4th neighbour shells of the fcc
  // lattice (a = √2 rₑ) of the element with the largest rₑ, whatever its real lattice.
  double re_max = 0.0;
  double rhoe_max = 0.0;
  for (const ZhouParameters* p : params) {
    re_max = std::max(re_max, p->re_A);
    rhoe_max = std::max(rhoe_max, p->rhoe);
  }
  SetflTable table;
  table.nr = tab.nr;
  table.nrho = tab.nrho;
  table.cutoff_A = tab.cutoff_A.value_or(std::sqrt(10.0) / 2.0 * std::numbers::sqrt2 * re_max);
  table.dr_A = table.cutoff_A / (tab.nr - 1);

  const std::size_t nr = static_cast<std::size_t>(tab.nr);
  std::vector<double> r_eval(nr);
  for (std::size_t k = 0; k < nr; ++k)
    r_eval[k] = std::max(static_cast<double>(k) * table.dr_A, tab.r_floor_A);

  double f_max = 0.0;
  for (const ZhouParameters* p : params) {
    SetflElement e;
    e.symbol = std::string(p->symbol);
    e.Z = p->Z;
    e.mass_amu = p->mass_amu;
    e.lattice = std::string(p->lattice);
    e.lattice_constant_A = lattice_constant_A(*p);
    e.density.resize(nr);
    for (std::size_t k = 0; k < nr; ++k) {
      e.density[k] = zhou_density(*p, r_eval[k]);
      f_max = std::max(f_max, e.density[k]);
    }
    table.elements.push_back(std::move(e));
  }

  table.drho = tab.rho_max.value_or(std::max({f_max, 2.0 * rhoe_max, 100.0})) / (tab.nrho - 1);
  for (std::size_t i = 0; i < params.size(); ++i) {
    std::vector<double>& F = table.elements[i].embedding_eV;
    F.resize(static_cast<std::size_t>(tab.nrho));
    for (std::size_t k = 0; k < F.size(); ++k)
      F[k] = zhou_embedding_eV(*params[i], static_cast<double>(k) * table.drho);
  }

  for (std::size_t i = 0; i < params.size(); ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      std::vector<double> r_phi(nr);
      for (std::size_t k = 0; k < nr; ++k)
        r_phi[k] = r_eval[k] * zhou_cross_pair_eV(*params[i], *params[j], r_eval[k]);
      table.r_phi_eV_A.push_back(std::move(r_phi));
    }

  std::string names;
  for (const ZhouParameters* p : params) {
    if (!names.empty()) names += ' ';
    names += p->symbol;
  }
  table.comments = {
      "Zhou-Johnson-Wadley generalized EAM, X. W. Zhou, R. A. Johnson, H. N. G. Wadley, "
      "Phys. Rev. B 69, 144113 (2004); UNITS: metal",
      "elements " + names +
          "; cross pairs by the mixing rule only (parameters: LAMMPS "
          "tools/eam_database/EAM_code)",
      "generated by vitrum " + std::string(version()) + " (sim/zhou_eam)"};
  return table;
}

void write_zhou_eam_alloy(const std::filesystem::path& path, std::span<const std::string> elements,
                          const ZhouTabulation& tab) {
  write_setfl(path, zhou_eam_alloy(elements, tab));
}

}  // namespace vitrum::sim
