#include "vitrum/core/hdf5_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <system_error>
#include <utility>

#include "hdf5_handles.hpp"
#include "vitrum/core/error.hpp"

namespace vitrum::core {
namespace {

namespace fs = std::filesystem;

constexpr std::int32_t kEmdVersionMajor = 1;
constexpr std::int32_t kEmdVersionMinor = 0;
constexpr std::int32_t kEmdGroupTypeData = 1;
const std::string kScanGroup = "/data/scan";

std::string shape_text(const std::vector<std::size_t>& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (std::size_t e : shape) {
    s += '[';
    s += e == kAnyExtent ? "*" : std::to_string(e);
    s += ']';
  }
  return s;
}

std::size_t element_count(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t e : shape) n *= e;
  return n;
}

std::vector<hsize_t> to_hsize(const std::vector<std::size_t>& shape) {
  return {shape.begin(), shape.end()};
}

// "/a/b/c" → {"a", "b", "c"}; InputError unless the path is absolute and has no empty part.
std::vector<std::string> path_components(const std::string& path, const std::string& where) {
  if (path.size() < 2 || path.front() != '/' || path.back() == '/')
    throw InputError("HDF5 object path '" + path + "' must be absolute, like /group/dataset",
                     where);
  std::vector<std::string> parts;
  std::size_t begin = 1;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    if (end == begin)
      throw InputError("HDF5 object path '" + path + "' has an empty component", where);
    parts.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return parts;
}

std::string emd_group_path(const std::string& name, const std::string& where) {
  if (name.empty() || name.find('/') != std::string::npos)
    throw InputError("EMD data group name '" + name + "' must be a plain name without '/'", where);
  return "/data/" + name;
}

std::string dim_path(const std::string& group_path, std::size_t axis) {
  return group_path + "/dim" + std::to_string(axis + 1);
}

// Coordinates origin + i·sampling; fewer than two samples use the EMD linear short form
// [offset, offset + step] so that the step survives.
std::vector<double> linear_coordinates(std::size_t n, double origin, double sampling) {
  std::vector<double> c(std::max<std::size_t>(n, 2));
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = origin + static_cast<double>(i) * sampling;
  return c;
}

bool object_exists(hid_t file, const std::string& path) {
  if (path == "/") return true;
  std::string prefix;
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    prefix = path.substr(0, slash);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (H5Oexists_by_name(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
  }
}

// ---- attributes -------------------------------------------------------------------------

hdf5::Datatype utf8_string_type(const std::string& where) {
  hdf5::Datatype type(hdf5::check(H5Tcopy(H5T_C_S1), "cannot create string type", where));
  hdf5::check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create string type", where);
  hdf5::check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create string type", where);
  return type;
}

hdf5::Attribute create_attribute(hid_t object, const char* name, hid_t file_type,
                                 const std::string& where) {
  hdf5::Dataspace space(hdf5::check(H5Screate(H5S_SCALAR), "cannot create dataspace", where));
  return hdf5::Attribute(
      hdf5::check(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                  std::string("cannot create attribute ") + name, where));
}

template <class T>
void write_number_attribute(hid_t object, const char* name, T value, const std::string& where) {
  hdf5::Attribute attribute = create_attribute(object, name, hdf5::TypeOf<T>::file(), where);
  hdf5::check(H5Awrite(attribute.get(), hdf5::TypeOf<T>::memory(), &value),
              std::string("cannot write attribute ") + name, where);
}

void write_string_attribute(hid_t object, const char* name, const std::string& value,
                            const std::string& where) {
  const hdf5::Datatype type = utf8_string_type(where);
  hdf5::Attribute attribute = create_attribute(object, name, type.get(), where);
  const char* text = value.c_str();
  hdf5::check(H5Awrite(attribute.get(), type.get(), &text),
              std::string("cannot write attribute ") + name, where);
}

// Opens attribute `name` of `object` (at `object_path`), which must hold one element.
hdf5::Attribute open_attribute(hid_t object, const std::string& object_path, const char* name,
                               const std::string& where) {
  if (H5Aexists(object, name) <= 0)
    throw InputError(object_path + ": attribute '" + name + "' is missing", where);
  hdf5::Attribute attribute(hdf5::check(H5Aopen(object, name, H5P_DEFAULT),
                                        object_path + ": cannot open attribute " + name, where));
  hdf5::Dataspace space(hdf5::check(H5Aget_space(attribute.get()),
                                    "cannot read dataspace of attribute " + std::string(name),
                                    where));
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    throw InputError(object_path + ": attribute '" + name + "' must hold a single value", where);
  return attribute;
}

template <class T>
T read_number_attribute(hid_t object, const std::string& object_path, const char* name,
                        const std::string& where) {
  const hdf5::Attribute attribute = open_attribute(object, object_path, name, where);
  hdf5::Datatype type(hdf5::check(H5Aget_type(attribute.get()), "cannot read type", where));
  if (H5Tget_class(type.get()) != hdf5::TypeOf<T>::kClass)
    throw InputError(object_path + ": attribute '" + name + "' must be " +
                         (hdf5::TypeOf<T>::kClass == H5T_FLOAT ? "a number" : "an integer"),
                     where);
  T value{};
  hdf5::check(H5Aread(attribute.get(), hdf5::TypeOf<T>::memory(), &value),
              object_path + ": cannot read attribute " + name, where);
  return value;
}

// Reads a string attribute stored either as variable-length (h5py's default for str) or
// fixed-length (numpy bytes, as ncempy writes) string, scalar or one-element array.
std::string read_string_attribute(hid_t object, const std::string& object_path, const char* name,
                                  const std::string& where) {
  const hdf5::Attribute attribute = open_attribute(object, object_path, name, where);
  hdf5::Datatype type(hdf5::check(H5Aget_type(attribute.get()), "cannot read type", where));
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw InputError(object_path + ": attribute '" + name + "' must be a string", where);
  const std::string failure = object_path + ": cannot read attribute " + name;
  if (H5Tis_variable_str(type.get()) > 0) {
    hdf5::Datatype memory = utf8_string_type(where);
    hdf5::check(H5Tset_cset(memory.get(), H5Tget_cset(type.get())), failure, where);
    char* text = nullptr;
    hdf5::check(H5Aread(attribute.get(), memory.get(), &text), failure, where);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string buffer(H5Tget_size(type.get()), '\0');
  hdf5::check(H5Aread(attribute.get(), type.get(), buffer.data()), failure, where);
  return buffer.substr(0, buffer.find('\0'));
}

std::string strip_brackets(const std::string& units) {
  if (units.size() >= 2 && units.front() == '[' && units.back() == ']')
    return units.substr(1, units.size() - 2);
  return units;
}

// ---- writing ----------------------------------------------------------------------------

fs::path temporary_name(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + ".h" + std::to_string(counter++);
  return tmp;
}

hdf5::PropertyList untimed_creation_plist(hid_t plist_class, const std::string& where) {
  hdf5::PropertyList plist(hdf5::check(H5Pcreate(plist_class), "cannot create plist", where));
  // Object modification times would make two runs with the same content differ.
  hdf5::check(H5Pset_obj_track_times(plist.get(), false), "cannot set plist", where);
  return plist;
}

// The state of one HDF5 file being written under a temporary name; shared by Hdf5Writer and
// ScanWriter.
class FileWriter {
 public:
  explicit FileWriter(const fs::path& target) : target_(target), temp_{temporary_name(target)} {
    hdf5::silence_error_printing();
    group_plist_ = untimed_creation_plist(H5P_GROUP_CREATE, where());
    dataset_plist_ = untimed_creation_plist(H5P_DATASET_CREATE, where());
    const hdf5::PropertyList file_plist = untimed_creation_plist(H5P_FILE_CREATE, where());
    hdf5::PropertyList access(
        hdf5::check(H5Pcreate(H5P_FILE_ACCESS), "cannot create plist", where()));
    // HDF5 1.8 object formats: deterministic, and readable by every current HDF5 reader.
    hdf5::check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18),
                "cannot set plist", where());
    hdf5::check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), "cannot set plist", where());
    file_ = hdf5::File(H5Fcreate(temp_.path.c_str(), H5F_ACC_EXCL, file_plist.get(), access.get()));
    if (!file_.valid())
      throw IoError("cannot create HDF5 file " + temp_.path.string() +
                        " (does the directory exist and is it writable?)",
                    where());
    write_number_attribute(file_.get(), "version_major", kEmdVersionMajor, where());
    write_number_attribute(file_.get(), "version_minor", kEmdVersionMinor, where());
  }
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  const fs::path& target() const { return target_; }
  std::string where() const { return target_.string(); }
  hid_t file() const {
    if (!file_.valid()) throw IoError("HDF5 writer used after commit", where());
    return file_.get();
  }
  hid_t dataset_plist() const { return dataset_plist_.get(); }

  // Opens the group at `path`, creating it and its parents (untimed) as needed.
  hdf5::Group require_group(const std::string& path) {
    std::string prefix;
    const std::vector<std::string> parts =
        path == "/" ? std::vector<std::string>{} : path_components(path, where());
    for (const std::string& part : parts) {
      prefix += "/" + part;
      if (H5Lexists(file(), prefix.c_str(), H5P_DEFAULT) <= 0) {
        hdf5::Group created(
            H5Gcreate2(file(), prefix.c_str(), H5P_DEFAULT, group_plist_.get(), H5P_DEFAULT));
        hdf5::check(created.get(), "cannot create group " + prefix, where());
      }
    }
    return hdf5::Group(hdf5::check(H5Gopen2(file(), path.c_str(), H5P_DEFAULT),
                                   path + " exists but is not a group", where()));
  }

  hdf5::Dataset create_dataset(const std::string& path, hid_t file_type,
                               const std::vector<std::size_t>& shape, hid_t plist) {
    const std::vector<std::string> parts = path_components(path, where());
    if (object_exists(file(), path)) throw InputError(path + " is already written", where());
    const std::string parent = path.substr(0, path.size() - parts.back().size() - 1);
    const hdf5::Group group = require_group(parent.empty() ? "/" : parent);
    const std::vector<hsize_t> dims = to_hsize(shape);
    hdf5::Dataspace space(
        hdf5::check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                    "cannot create dataspace " + shape_text(shape) + " for " + path, where()));
    return hdf5::Dataset(hdf5::check(H5Dcreate2(group.get(), parts.back().c_str(), file_type,
                                                space.get(), H5P_DEFAULT, plist, H5P_DEFAULT),
                                     "cannot create dataset " + path, where()));
  }

  template <class T>
  hdf5::Dataset write_dataset(const std::string& path, std::span<const T> values,
                              const std::vector<std::size_t>& shape, const std::string& units) {
    if (element_count(shape) != values.size())
      throw InputError(path + ": shape " + shape_text(shape) + " does not hold " +
                           std::to_string(values.size()) + " values",
                       where());
    hdf5::Dataset dataset =
        create_dataset(path, hdf5::TypeOf<T>::file(), shape, dataset_plist_.get());
    if (!values.empty())
      hdf5::check(H5Dwrite(dataset.get(), hdf5::TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           values.data()),
                  "cannot write dataset " + path, where());
    if (!units.empty()) write_string_attribute(dataset.get(), "units", units, where());
    return dataset;
  }

  // dimK of an EMD group: coordinates with `name` and `units` ("[units]", as in the spec).
  void write_dim(const std::string& group_path, std::size_t axis, const EmdDim& dim,
                 std::span<const double> coordinates) {
    const hdf5::Dataset dataset =
        write_dataset<double>(dim_path(group_path, axis), coordinates, {coordinates.size()}, {});
    write_string_attribute(dataset.get(), "name", dim.name, where());
    write_string_attribute(dataset.get(), "units", "[" + dim.units + "]", where());
  }

  // Creates `/data/<name>` marked as an EMD data group and returns its path.
  std::string create_emd_group(const std::string& name) {
    const std::string group_path = emd_group_path(name, where());
    if (object_exists(file(), group_path))
      throw InputError(group_path + " is already written", where());
    const hdf5::Group group = require_group(group_path);
    write_number_attribute(group.get(), "emd_group_type", kEmdGroupTypeData, where());
    return group_path;
  }

  void write_provenance(const Provenance& provenance) {
    const hdf5::Group meta = require_group("/meta");
    write_string_attribute(meta.get(), "command", provenance.command, where());
    write_string_attribute(meta.get(), "parameters", provenance.parameters, where());
    write_string_attribute(meta.get(), "version", provenance.version, where());
    write_number_attribute(meta.get(), "seed", provenance.seed, where());
  }

  void commit() {
    (void)file();
    // Closing flushes: a full disk shows up here, before anything is renamed.
    if (!file_.close()) throw IoError("cannot finish writing HDF5 file (disk full?)", where());
    std::error_code ec;
    fs::rename(temp_.path, target_, ec);
    if (ec) throw IoError("cannot rename temporary output into place: " + ec.message(), where());
    temp_.keep = true;
  }

 private:
  // Removes the temporary file unless it was renamed into place. Declared before file_, so
  // the file is closed first — also when the constructor throws.
  struct TemporaryFile {
    fs::path path;
    bool keep = false;
    ~TemporaryFile() {
      std::error_code ignored;
      if (!keep) fs::remove(path, ignored);
    }
  };

  fs::path target_;
  TemporaryFile temp_;
  hdf5::PropertyList group_plist_;
  hdf5::PropertyList dataset_plist_;
  hdf5::File file_;
};

// ---- reading ----------------------------------------------------------------------------

// One dim dataset as stored: full coordinates or the linear short form.
struct RawDim {
  std::string path;
  std::vector<double> stored;
  std::size_t extent = 0;
  std::string name;
  std::string units;
};

struct AxisSampling {
  double sampling = 1.0;
  double origin = 0.0;
};

class FileReader {
 public:
  explicit FileReader(const fs::path& path) : path_(path) {
    hdf5::silence_error_printing();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throw IoError("file does not exist", where());
    if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError("not an HDF5 file", where());
    file_ = hdf5::File(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!file_.valid()) throw IoError("cannot open HDF5 file (damaged?)", where());
  }

  const fs::path& path() const { return path_; }
  std::string where() const { return path_.string(); }
  hid_t file() const { return file_.get(); }

  bool exists(const std::string& path) const {
    hdf5::silence_error_printing();
    if (path != "/") path_components(path, where());
    return object_exists(file(), path);
  }

  hdf5::Group open_group(const std::string& path, const std::string& expectation) const {
    if (!exists(path)) throw InputError(path + " is missing, expected " + expectation, where());
    hdf5::Group group(H5Gopen2(file(), path.c_str(), H5P_DEFAULT));
    if (!group.valid())
      throw InputError(path + " is not a group, expected " + expectation, where());
    return group;
  }

  // Opens a dataset whose type class fits T and whose shape matches `expected` (empty: any).
  template <class T>
  std::pair<hdf5::Dataset, std::vector<std::size_t>> open_dataset(
      const std::string& path, const std::vector<std::size_t>& expected) const {
    const std::string wanted =
        std::string(hdf5::TypeOf<T>::kName) + (expected.empty() ? "" : " " + shape_text(expected));
    if (!exists(path))
      throw InputError("dataset " + path + " is missing, expected " + wanted, where());
    hdf5::Dataset dataset(H5Dopen2(file(), path.c_str(), H5P_DEFAULT));
    if (!dataset.valid()) throw InputError(path + " is not a dataset, expected " + wanted, where());
    hdf5::Datatype type(
        hdf5::check(H5Dget_type(dataset.get()), "cannot read type of " + path, where()));
    if (H5Tget_class(type.get()) != hdf5::TypeOf<T>::kClass)
      throw InputError("dataset " + path + " has the wrong element type, expected " + wanted,
                       where());
    const std::vector<std::size_t> found = shape_of(dataset.get(), path);
    bool matches = expected.empty() || expected.size() == found.size();
    for (std::size_t a = 0; matches && !expected.empty() && a < found.size(); ++a)
      matches = expected[a] == kAnyExtent || expected[a] == found[a];
    if (!matches)
      throw InputError("dataset " + path + " has shape " + shape_text(found) + ", expected " +
                           shape_text(expected),
                       where());
    return {std::move(dataset), found};
  }

  template <class T>
  Hdf5Array<T> read(const std::string& path, const std::vector<std::size_t>& expected) const {
    auto [dataset, shape] = open_dataset<T>(path, expected);
    Hdf5Array<T> array;
    array.values.resize(element_count(shape));
    if (!array.values.empty())
      hdf5::check(H5Dread(dataset.get(), hdf5::TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                          array.values.data()),
                  "cannot read dataset " + path, where());
    if (H5Aexists(dataset.get(), "units") > 0)
      array.units = read_string_attribute(dataset.get(), path, "units", where());
    array.shape = std::move(shape);
    return array;
  }

  std::vector<std::size_t> shape_of(hid_t dataset, const std::string& path) const {
    hdf5::Dataspace space(
        hdf5::check(H5Dget_space(dataset), "cannot read dataspace of " + path, where()));
    const int rank = hdf5::check(H5Sget_simple_extent_ndims(space.get()),
                                 "cannot read rank of " + path, where());
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    return {dims.begin(), dims.end()};
  }

  // The shape of `<group>/data` (rank checked) and its dims as stored.
  std::pair<std::vector<std::size_t>, std::vector<RawDim>> emd_layout(const std::string& name,
                                                                      std::size_t rank) const {
    const std::string group_path = emd_group_path(name, where());
    const std::string expectation = "an EMD data group of rank " + std::to_string(rank);
    const hdf5::Group group = open_group(group_path, expectation);
    if (H5Aexists(group.get(), "emd_group_type") <= 0 ||
        read_number_attribute<std::int64_t>(group.get(), group_path, "emd_group_type", where()) !=
            kEmdGroupTypeData)
      throw InputError(group_path + " is not marked emd_group_type = 1, expected " + expectation,
                       where());
    const std::vector<std::size_t> shape =
        open_dataset<float>(group_path + "/data", std::vector<std::size_t>(rank, kAnyExtent))
            .second;
    std::vector<RawDim> dims(rank);
    for (std::size_t a = 0; a < rank; ++a) {
      RawDim& d = dims[a];
      d.path = dim_path(group_path, a);
      d.extent = shape[a];
      Hdf5Array<double> stored = read<double>(d.path, {kAnyExtent});
      d.stored = std::move(stored.values);
      if (d.stored.size() != d.extent && d.stored.size() != 2)
        throw InputError("dataset " + d.path + " has " + std::to_string(d.stored.size()) +
                             " coordinates, expected " + std::to_string(d.extent) +
                             " (one per sample of axis " + std::to_string(a) +
                             ") or 2 (offset, offset + step)",
                         where());
      for (double c : d.stored)
        if (!std::isfinite(c))
          throw InputError("dataset " + d.path + " has a non-finite coordinate", where());
      const hdf5::Dataset dataset(H5Dopen2(file(), d.path.c_str(), H5P_DEFAULT));
      if (H5Aexists(dataset.get(), "name") > 0)
        d.name = read_string_attribute(dataset.get(), d.path, "name", where());
      d.units = strip_brackets(stored.units);
    }
    return {shape, std::move(dims)};
  }

  // Sampling and origin of a uniformly spaced, increasing axis.
  AxisSampling uniform(const RawDim& d) const {
    const std::vector<double>& c = d.stored;
    if (c.size() < 2) return {1.0, c.empty() ? 0.0 : c.front()};
    const double step = (c.back() - c.front()) / static_cast<double>(c.size() - 1);
    if (!(step > 0.0))
      throw InputError("dataset " + d.path + ": coordinates must increase, expected a uniform axis",
                       where());
    const double tolerance =
        1e-6 * step + 1e-12 * std::max(std::abs(c.front()), std::abs(c.back()));
    for (std::size_t i = 0; i < c.size(); ++i)
      if (std::abs(c[i] - (c.front() + static_cast<double>(i) * step)) > tolerance)
        throw InputError("dataset " + d.path + ": coordinate " + std::to_string(i) +
                             " breaks uniform spacing, expected a uniform grid axis",
                         where());
    return {step, c.front()};
  }

 private:
  fs::path path_;
  hdf5::File file_;
};

std::vector<double> expanded(const RawDim& d) {
  if (d.stored.size() == d.extent) return d.stored;
  const double step = d.stored[1] - d.stored[0];
  std::vector<double> c(d.extent);
  for (std::size_t i = 0; i < d.extent; ++i) c[i] = d.stored[0] + static_cast<double>(i) * step;
  return c;
}

template <std::size_t Rank>
std::array<std::size_t, Rank> to_array(const std::vector<std::size_t>& v) {
  std::array<std::size_t, Rank> a{};
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

void require_positive_finite(double value, const std::string& name, const std::string& where) {
  if (!(value > 0.0) || !std::isfinite(value))
    throw InputError(name + " must be positive and finite, got " + std::to_string(value), where);
}

}  // namespace

// ---- Hdf5Writer -------------------------------------------------------------------------

struct Hdf5Writer::Impl : FileWriter {
  using FileWriter::FileWriter;
};

Hdf5Writer::Hdf5Writer(const fs::path& target) : impl_(std::make_unique<Impl>(target)) {}
Hdf5Writer::Hdf5Writer(Hdf5Writer&&) noexcept = default;
Hdf5Writer& Hdf5Writer::operator=(Hdf5Writer&&) noexcept = default;
Hdf5Writer::~Hdf5Writer() = default;

const fs::path& Hdf5Writer::target() const { return impl_->target(); }

template <std::size_t Rank>
void Hdf5Writer::write_emd(const std::string& name, const Grid<float, Rank>& grid,
                           const EmdDims<Rank>& dims) {
  hdf5::silence_error_printing();
  for (std::size_t a = 0; a < Rank; ++a)
    if (!dims[a].coordinates.empty() && dims[a].coordinates.size() != grid.extent(a))
      throw InputError("EMD group " + name + ": dim" + std::to_string(a + 1) + " has " +
                           std::to_string(dims[a].coordinates.size()) + " coordinates, expected " +
                           std::to_string(grid.extent(a)),
                       impl_->where());
  const std::string group_path = impl_->create_emd_group(name);
  const std::vector<std::size_t> shape(grid.shape().begin(), grid.shape().end());
  impl_->write_dataset<float>(group_path + "/data", grid.values(), shape, {});
  for (std::size_t a = 0; a < Rank; ++a) {
    const std::vector<double> coordinates =
        dims[a].coordinates.empty()
            ? linear_coordinates(grid.extent(a), grid.origin()[a], grid.sampling()[a])
            : dims[a].coordinates;
    impl_->write_dim(group_path, a, dims[a], coordinates);
  }
}

template <class T>
void Hdf5Writer::write_array(const std::string& path, std::span<const T> values,
                             const std::vector<std::size_t>& shape, const std::string& units) {
  hdf5::silence_error_printing();
  impl_->write_dataset<T>(path, values, shape, units);
}

void Hdf5Writer::write_attribute(const std::string& group_path, const std::string& name,
                                 double value) {
  hdf5::silence_error_printing();
  const hdf5::Group group = impl_->require_group(group_path);
  write_number_attribute(group.get(), name.c_str(), value, impl_->where());
}

void Hdf5Writer::write_attribute(const std::string& group_path, const std::string& name,
                                 const std::string& value) {
  hdf5::silence_error_printing();
  const hdf5::Group group = impl_->require_group(group_path);
  write_string_attribute(group.get(), name.c_str(), value, impl_->where());
}

void Hdf5Writer::write_provenance(const Provenance& provenance) {
  hdf5::silence_error_printing();
  impl_->write_provenance(provenance);
}

void Hdf5Writer::commit() {
  hdf5::silence_error_printing();
  impl_->commit();
}

// ---- Hdf5Reader -------------------------------------------------------------------------

struct Hdf5Reader::Impl : FileReader {
  using FileReader::FileReader;

  // The EMD group as a grid; axes before `first_uniform_axis` may have any coordinates and
  // get sampling 1, origin 0.
  template <std::size_t Rank>
  Grid<float, Rank> read_grid(const std::string& name, std::size_t first_uniform_axis) const {
    hdf5::silence_error_printing();
    auto [shape, dims] = emd_layout(name, Rank);
    typename Grid<float, Rank>::Coords sampling{}, origin{};
    for (std::size_t a = 0; a < Rank; ++a) {
      const AxisSampling s = a < first_uniform_axis ? AxisSampling{} : uniform(dims[a]);
      sampling[a] = s.sampling;
      origin[a] = s.origin;
    }
    Grid<float, Rank> grid(to_array<Rank>(shape), sampling, origin);
    grid.values() = read<float>(emd_group_path(name, where()) + "/data", shape).values;
    return grid;
  }
};

Hdf5Reader::Hdf5Reader(const fs::path& path) : impl_(std::make_unique<Impl>(path)) {}
Hdf5Reader::Hdf5Reader(Hdf5Reader&&) noexcept = default;
Hdf5Reader& Hdf5Reader::operator=(Hdf5Reader&&) noexcept = default;
Hdf5Reader::~Hdf5Reader() = default;

const fs::path& Hdf5Reader::path() const { return impl_->path(); }

bool Hdf5Reader::has(const std::string& object_path) const { return impl_->exists(object_path); }

std::vector<std::string> Hdf5Reader::children(const std::string& group_path) const {
  hdf5::silence_error_printing();
  if (!impl_->exists(group_path))
    throw InputError("group " + group_path + " is missing", impl_->where());
  std::vector<std::string> names;
  const auto collect = [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  if (H5Literate_by_name(impl_->file(), group_path.c_str(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
                         collect, &names, H5P_DEFAULT) < 0)
    throw InputError(group_path + " is not a group", impl_->where());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::size_t> Hdf5Reader::shape(const std::string& dataset_path) const {
  hdf5::silence_error_printing();
  if (!impl_->exists(dataset_path))
    throw InputError("dataset " + dataset_path + " is missing", impl_->where());
  const hdf5::Dataset dataset(H5Dopen2(impl_->file(), dataset_path.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) throw InputError(dataset_path + " is not a dataset", impl_->where());
  return impl_->shape_of(dataset.get(), dataset_path);
}

template <class T>
Hdf5Array<T> Hdf5Reader::read_array(const std::string& path,
                                    const std::vector<std::size_t>& expected_shape) const {
  hdf5::silence_error_printing();
  return impl_->read<T>(path, expected_shape);
}

template <std::size_t Rank>
Grid<float, Rank> Hdf5Reader::read_emd(const std::string& name) const {
  return impl_->read_grid<Rank>(name, 0);
}

template <std::size_t Rank>
EmdDims<Rank> Hdf5Reader::read_emd_dims(const std::string& name) const {
  hdf5::silence_error_printing();
  const std::vector<RawDim> raw = impl_->emd_layout(name, Rank).second;
  EmdDims<Rank> dims;
  for (std::size_t a = 0; a < Rank; ++a) dims[a] = {raw[a].name, raw[a].units, expanded(raw[a])};
  return dims;
}

Provenance Hdf5Reader::read_provenance() const {
  hdf5::silence_error_printing();
  const std::string where = impl_->where();
  const hdf5::Group meta = impl_->open_group("/meta", "provenance (command, parameters, seed)");
  Provenance p;
  p.command = vitrum::core::read_string_attribute(meta.get(), "/meta", "command", where);
  p.parameters = vitrum::core::read_string_attribute(meta.get(), "/meta", "parameters", where);
  p.version = vitrum::core::read_string_attribute(meta.get(), "/meta", "version", where);
  p.seed = vitrum::core::read_number_attribute<std::uint64_t>(meta.get(), "/meta", "seed", where);
  return p;
}

double Hdf5Reader::read_number_attribute(const std::string& group_path,
                                         const std::string& name) const {
  hdf5::silence_error_printing();
  const hdf5::Group group = impl_->open_group(group_path, "attribute " + name);
  return vitrum::core::read_number_attribute<double>(group.get(), group_path, name.c_str(),
                                                     impl_->where());
}

std::string Hdf5Reader::read_string_attribute(const std::string& group_path,
                                              const std::string& name) const {
  hdf5::silence_error_printing();
  const hdf5::Group group = impl_->open_group(group_path, "attribute " + name);
  return vitrum::core::read_string_attribute(group.get(), group_path, name.c_str(), impl_->where());
}

// ---- tilt series and volumes ------------------------------------------------------------

void write_tilt_series(Hdf5Writer& writer, const TiltSeries& series, const std::string& name) {
  series.validate();
  std::vector<double> theta_deg, euler_deg;
  for (const auto& e : series.euler_deg) {
    theta_deg.push_back(e[1]);
    euler_deg.insert(euler_deg.end(), e.begin(), e.end());
  }
  writer.write_emd<3>(
      name, series.images,
      {EmdDim{"tilt angle", "deg", theta_deg}, EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
  writer.write_array<double>("/data/" + name + "/euler_deg", euler_deg, {series.tilt_count(), 3},
                             "deg");
}

TiltSeries read_tilt_series(const Hdf5Reader& reader, const std::string& name) {
  TiltSeries series;
  series.images = reader.impl_->read_grid<3>(name, 1);
  const Hdf5Array<double> euler =
      reader.read_array<double>("/data/" + name + "/euler_deg", {series.tilt_count(), 3});
  series.euler_deg.resize(series.tilt_count());
  for (std::size_t i = 0; i < series.tilt_count(); ++i)
    for (std::size_t k = 0; k < 3; ++k) series.euler_deg[i][k] = euler.values[3 * i + k];
  try {
    series.validate();
  } catch (const InputError& e) {
    throw InputError("/data/" + name + ": " + e.what(), reader.path().string());
  }
  return series;
}

void write_volume(Hdf5Writer& writer, const Volume& volume) {
  writer.write_emd<3>("volume", volume,
                      {EmdDim{"z", "Å", {}}, EmdDim{"y", "Å", {}}, EmdDim{"x", "Å", {}}});
}

Volume read_volume(const Hdf5Reader& reader) { return reader.read_emd<3>("volume"); }

// ---- ScanWriter -------------------------------------------------------------------------

void ScanWriterParams::validate() const {
  if (gzip_level < 1 || gzip_level > 9)
    throw InputError("ScanWriterParams.gzip_level must be in 1…9, got " +
                     std::to_string(gzip_level));
}

struct ScanWriter::Impl {
  Hdf5Writer writer;
  hdf5::Dataset dataset;
  std::array<std::size_t, 4> shape;
  double step_A;
  double q_pixel_invA;
  std::size_t rows_written = 0;

  FileWriter& file() { return *writer.impl_; }
};

ScanWriter::ScanWriter(const fs::path& target, const std::array<std::size_t, 4>& shape,
                       double step_A, double q_pixel_invA, const Provenance& provenance,
                       const ScanWriterParams& params) {
  hdf5::silence_error_printing();
  params.validate();
  const std::string where = target.string();
  for (std::size_t e : shape)
    if (e == 0) throw InputError("4D-STEM scan shape must not have a zero extent", where);
  require_positive_finite(step_A, "scan step_A", where);
  require_positive_finite(q_pixel_invA, "q_pixel_invA", where);
  const double chunk_bytes = 4.0 * static_cast<double>(shape[2]) * static_cast<double>(shape[3]);
  if (chunk_bytes >= 4294967296.0)
    throw InputError("diffraction patterns of " + std::to_string(shape[2]) + "×" +
                         std::to_string(shape[3]) + " pixels exceed HDF5's 4 GiB chunk limit",
                     where);

  impl_ = std::make_unique<Impl>(Impl{Hdf5Writer(target), {}, shape, step_A, q_pixel_invA});
  FileWriter& file = impl_->file();
  hdf5::PropertyList plist(
      hdf5::check(H5Pcopy(file.dataset_plist()), "cannot create plist", where));
  const std::array<hsize_t, 4> chunk{1, 1, shape[2], shape[3]};
  hdf5::check(H5Pset_chunk(plist.get(), 4, chunk.data()), "cannot set chunking", where);
  if (params.compression == Compression::kGzip) {
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
      throw IoError("this HDF5 library has no gzip filter", where);
    // Byte shuffling groups the exponents of neighbouring floats, which deflate much better.
    hdf5::check(H5Pset_shuffle(plist.get()), "cannot set shuffle filter", where);
    hdf5::check(H5Pset_deflate(plist.get(), static_cast<unsigned>(params.gzip_level)),
                "cannot set gzip filter", where);
  }
  const std::string group_path = file.create_emd_group("scan");
  impl_->dataset = file.create_dataset(group_path + "/data", hdf5::TypeOf<float>::file(),
                                       {shape.begin(), shape.end()}, plist.get());
  file.write_provenance(provenance);
}

ScanWriter::ScanWriter(ScanWriter&&) noexcept = default;
ScanWriter& ScanWriter::operator=(ScanWriter&&) noexcept = default;
ScanWriter::~ScanWriter() = default;

const std::array<std::size_t, 4>& ScanWriter::shape() const { return impl_->shape; }
std::size_t ScanWriter::rows_written() const { return impl_->rows_written; }

void ScanWriter::write_rows(std::size_t ry_begin, const Grid<float, 4>& block) {
  hdf5::silence_error_printing();
  Impl& s = *impl_;
  const std::string where = s.file().where();
  const std::size_t rows = block.extent(0);
  if (ry_begin != s.rows_written)
    throw InputError("4D-STEM rows must be written in order: expected row " +
                         std::to_string(s.rows_written) + ", got " + std::to_string(ry_begin),
                     where);
  if (ry_begin + rows > s.shape[0] || block.extent(1) != s.shape[1] ||
      block.extent(2) != s.shape[2] || block.extent(3) != s.shape[3])
    throw InputError("4D-STEM block of shape " +
                         shape_text({block.shape().begin(), block.shape().end()}) + " at row " +
                         std::to_string(ry_begin) + " does not fit the scan " +
                         shape_text({s.shape.begin(), s.shape.end()}),
                     where);
  if (rows == 0) return;
  (void)s.file().file();
  hdf5::Dataspace file_space(
      hdf5::check(H5Dget_space(s.dataset.get()), "cannot read dataspace", where));
  const std::array<hsize_t, 4> start{ry_begin, 0, 0, 0};
  const std::array<hsize_t, 4> count{rows, s.shape[1], s.shape[2], s.shape[3]};
  hdf5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                  count.data(), nullptr),
              "cannot select scan rows", where);
  hdf5::Dataspace memory_space(
      hdf5::check(H5Screate_simple(4, count.data(), nullptr), "cannot create dataspace", where));
  hdf5::check(H5Dwrite(s.dataset.get(), H5T_NATIVE_FLOAT, memory_space.get(), file_space.get(),
                       H5P_DEFAULT, block.data()),
              "cannot write scan rows " + std::to_string(ry_begin) + "…" +
                  std::to_string(ry_begin + rows - 1) + " (disk full?)",
              where);
  s.rows_written += rows;
}

void ScanWriter::finish() {
  hdf5::silence_error_printing();
  Impl& s = *impl_;
  FileWriter& file = s.file();
  if (s.rows_written != s.shape[0])
    throw InputError("4D-STEM scan is incomplete: " + std::to_string(s.rows_written) + " of " +
                         std::to_string(s.shape[0]) + " rows written",
                     file.where());
  const std::array<EmdDim, 4> dims{EmdDim{"scan y", "Å", {}}, EmdDim{"scan x", "Å", {}},
                                   EmdDim{"q_y", "Å^-1", {}}, EmdDim{"q_x", "Å^-1", {}}};
  for (std::size_t a = 0; a < 4; ++a) {
    const bool reciprocal = a >= 2;
    const double step = reciprocal ? s.q_pixel_invA : s.step_A;
    const double origin = reciprocal ? -static_cast<double>(s.shape[a] / 2) * step : 0.0;
    file.write_dim(kScanGroup, a, dims[a], linear_coordinates(s.shape[a], origin, step));
  }
  s.dataset.reset();
  s.writer.commit();
}

// ---- ScanReader -------------------------------------------------------------------------

struct ScanReader::Impl {
  Hdf5Reader reader;
  hdf5::Dataset dataset;
  std::array<std::size_t, 4> shape{};
  Grid<float, 4>::Coords sampling{}, origin{};
};

ScanReader::ScanReader(const fs::path& path)
    : impl_(std::make_unique<Impl>(Impl{Hdf5Reader(path), {}, {}, {}, {}})) {
  const FileReader& file = *impl_->reader.impl_;
  auto [shape, dims] = file.emd_layout("scan", 4);
  impl_->shape = to_array<4>(shape);
  for (std::size_t a = 0; a < 4; ++a) {
    const AxisSampling s = file.uniform(dims[a]);
    impl_->sampling[a] = s.sampling;
    impl_->origin[a] = s.origin;
  }
  impl_->dataset = file.open_dataset<float>(kScanGroup + "/data", shape).first;
}

ScanReader::ScanReader(ScanReader&&) noexcept = default;
ScanReader& ScanReader::operator=(ScanReader&&) noexcept = default;
ScanReader::~ScanReader() = default;

const std::array<std::size_t, 4>& ScanReader::shape() const { return impl_->shape; }

Grid<float, 4> ScanReader::read_rows(std::size_t ry_begin, std::size_t count) const {
  hdf5::silence_error_printing();
  const Impl& s = *impl_;
  const std::string where = s.reader.path().string();
  if (ry_begin > s.shape[0] || count > s.shape[0] - ry_begin)
    throw InputError("4D-STEM rows " + std::to_string(ry_begin) + "+" + std::to_string(count) +
                         " exceed the scan's " + std::to_string(s.shape[0]) + " rows",
                     where);
  Grid<float, 4>::Coords origin = s.origin;
  origin[0] += static_cast<double>(ry_begin) * s.sampling[0];
  Grid<float, 4> block({count, s.shape[1], s.shape[2], s.shape[3]}, s.sampling, origin);
  if (count == 0) return block;
  hdf5::Dataspace file_space(
      hdf5::check(H5Dget_space(s.dataset.get()), "cannot read dataspace", where));
  const std::array<hsize_t, 4> start{ry_begin, 0, 0, 0};
  const std::array<hsize_t, 4> counts{count, s.shape[1], s.shape[2], s.shape[3]};
  hdf5::check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                  counts.data(), nullptr),
              "cannot select scan rows", where);
  hdf5::Dataspace memory_space(
      hdf5::check(H5Screate_simple(4, counts.data(), nullptr), "cannot create dataspace", where));
  hdf5::check(H5Dread(s.dataset.get(), H5T_NATIVE_FLOAT, memory_space.get(), file_space.get(),
                      H5P_DEFAULT, block.data()),
              "cannot read scan rows", where);
  return block;
}

Provenance ScanReader::provenance() const { return impl_->reader.read_provenance(); }

// ---- explicit instantiations ------------------------------------------------------------

#define VITRUM_HDF5_RANK(R)                                                         \
  template void Hdf5Writer::write_emd<R>(const std::string&, const Grid<float, R>&, \
                                         const EmdDims<R>&);                        \
  template Grid<float, R> Hdf5Reader::read_emd<R>(const std::string&) const;        \
  template EmdDims<R> Hdf5Reader::read_emd_dims<R>(const std::string&) const;
VITRUM_HDF5_RANK(1)
VITRUM_HDF5_RANK(2)
VITRUM_HDF5_RANK(3)
VITRUM_HDF5_RANK(4)
#undef VITRUM_HDF5_RANK

#define VITRUM_HDF5_TYPE(T)                                                                      \
  template void Hdf5Writer::write_array<T>(const std::string&, std::span<const T>,               \
                                           const std::vector<std::size_t>&, const std::string&); \
  template Hdf5Array<T> Hdf5Reader::read_array<T>(const std::string&,                            \
                                                  const std::vector<std::size_t>&) const;
VITRUM_HDF5_TYPE(double)
VITRUM_HDF5_TYPE(float)
VITRUM_HDF5_TYPE(std::int32_t)
VITRUM_HDF5_TYPE(std::uint8_t)
#undef VITRUM_HDF5_TYPE

}  // namespace vitrum::core
