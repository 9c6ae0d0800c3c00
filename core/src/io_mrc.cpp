#include "vitrum/core/io_mrc.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

// Voxels are copied to and from the file as they lie in memory.
static_assert(std::endian::native == std::endian::little, "MRC I/O assumes a little-endian host");

constexpr std::size_t kHeaderBytes = 1024;
constexpr std::int32_t kModeFloat32 = 2;
constexpr std::int32_t kSpaceGroupVolume = 1;
constexpr std::int32_t kVersion2014 = 20140;
constexpr std::size_t kLabelBytes = 80;

// Byte offsets of the MRC2014 header fields (4-byte words; word n at 4·(n − 1)).
enum Offset : std::size_t {
  kNx = 0,
  kMode = 12,
  kNxStart = 16,
  kMx = 28,
  kCellA = 40,
  kCellB = 52,
  kMapC = 64,
  kDmin = 76,
  kDmax = 80,
  kDmean = 84,
  kIspg = 88,
  kNsymbt = 92,
  kExttyp = 104,
  kNversion = 108,
  kOrigin = 196,
  kMap = 208,
  kMachst = 212,
  kRms = 216,
  kNlabl = 220,
  kLabels = 224,
};

using Header = std::array<char, kHeaderBytes>;

template <class T>
void put(Header& h, std::size_t offset, T value) {
  std::memcpy(h.data() + offset, &value, sizeof value);
}
template <class T>
T get(const Header& h, std::size_t offset) {
  T value;
  std::memcpy(&value, h.data() + offset, sizeof value);
  return value;
}

// Printable ASCII, at most one label long.
std::string label_text(const std::string& text) {
  std::string s = text.substr(0, kLabelBytes);
  for (char& c : s)
    if (c < 0x20 || c > 0x7e) c = '?';
  return s;
}

Header make_header(const Volume& volume, const Provenance& provenance) {
  Header h{};
  // Volume axes are [z][y][x]; MRC lists x, y, z.
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t axis = 2 - k;
    const auto n = static_cast<std::int32_t>(volume.extent(axis));
    put(h, kNx + 4 * k, n);
    put(h, kNxStart + 4 * k, std::int32_t{0});
    put(h, kMx + 4 * k, n);
    put(h, kCellA + 4 * k, static_cast<float>(n * volume.sampling()[axis]));
    put(h, kCellB + 4 * k, 90.0f);
    put(h, kMapC + 4 * k, static_cast<std::int32_t>(k + 1));
    put(h, kOrigin + 4 * k, static_cast<float>(volume.origin()[axis]));
  }
  put(h, kMode, kModeFloat32);

  const std::vector<float>& v = volume.values();
  const auto [min, max] = std::minmax_element(v.begin(), v.end());
  double sum = 0.0;
  for (float x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  double squares = 0.0;
  for (float x : v) squares += (x - mean) * (x - mean);
  put(h, kDmin, *min);
  put(h, kDmax, *max);
  put(h, kDmean, static_cast<float>(mean));
  put(h, kRms, static_cast<float>(std::sqrt(squares / static_cast<double>(v.size()))));

  put(h, kIspg, kSpaceGroupVolume);
  put(h, kNsymbt, std::int32_t{0});
  put(h, kNversion, kVersion2014);
  std::memcpy(h.data() + kMap, "MAP ", 4);
  const unsigned char stamp[4] = {0x44, 0x44, 0x00, 0x00};
  std::memcpy(h.data() + kMachst, stamp, 4);

  std::vector<std::string> labels{"vitrum " + provenance.version + " seed " +
                                  std::to_string(provenance.seed)};
  if (!provenance.command.empty()) labels.push_back(provenance.command);
  put(h, kNlabl, static_cast<std::int32_t>(labels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    char* label = h.data() + kLabels + i * kLabelBytes;
    std::fill_n(label, kLabelBytes, ' ');
    const std::string text = label_text(labels[i]);
    std::copy(text.begin(), text.end(), label);
  }
  return h;
}

}  // namespace

void write_mrc(const std::filesystem::path& path, const Volume& volume,
               const Provenance& provenance) {
  const std::string where = path.string();
  for (std::size_t a = 0; a < 3; ++a)
    if (volume.extent(a) == 0 || volume.extent(a) > 0x7fffffff)
      throw InputError("MRC volume extent " + std::to_string(volume.extent(a)) + " along axis " +
                           std::to_string(a) + " is out of range",
                       where);
  const auto bad = std::find_if(volume.values().begin(), volume.values().end(),
                                [](float x) { return !std::isfinite(x); });
  if (bad != volume.values().end())
    throw InputError(
        "volume has a non-finite voxel at index " + std::to_string(bad - volume.values().begin()),
        where);
  const Header header = make_header(volume, provenance);
  write_stream_atomically(
      path,
      [&](std::ostream& out) {
        out.write(header.data(), header.size());
        out.write(reinterpret_cast<const char*>(volume.data()),
                  static_cast<std::streamsize>(volume.size() * sizeof(float)));
      },
      std::ios::binary);
}

Volume read_mrc(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw IoError("file does not exist", where);
  const std::uintmax_t file_bytes = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in || ec) throw IoError("cannot open for reading", where);
  Header h{};
  if (file_bytes < kHeaderBytes || !in.read(h.data(), h.size()))
    throw InputError("file is shorter than the 1024-byte MRC header", where);

  if (std::memcmp(h.data() + kMap, "MAP ", 4) != 0)
    throw InputError("MRC header field MAP is not \"MAP \": not an MRC2014 file", where);
  if (static_cast<unsigned char>(h[kMachst]) != 0x44)
    throw InputError(
        "MRC machine stamp is not little-endian (0x44 …); only little-endian "
        "files are read",
        where);
  if (const auto mode = get<std::int32_t>(h, kMode); mode != kModeFloat32)
    throw InputError("MRC MODE is " + std::to_string(mode) + ", expected 2 (float32)", where);
  for (std::size_t k = 0; k < 3; ++k)
    if (get<std::int32_t>(h, kMapC + 4 * k) != static_cast<std::int32_t>(k + 1))
      throw InputError(
          "MRC MAPC/MAPR/MAPS are not 1, 2, 3 (x fastest); reordered axes are not "
          "supported",
          where);
  Volume::Shape shape{};
  Volume::Coords sampling{}, origin{};
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t axis = 2 - k;
    const auto n = get<std::int32_t>(h, kNx + 4 * k);
    if (n <= 0)
      throw InputError("MRC N" + std::string(1, "XYZ"[k]) + " is " + std::to_string(n) +
                           ", expected a positive extent",
                       where);
    shape[axis] = static_cast<std::size_t>(n);
    const auto m = get<std::int32_t>(h, kMx + 4 * k);
    const auto cell = get<float>(h, kCellA + 4 * k);
    sampling[axis] = (m > 0 && cell > 0.0f && std::isfinite(cell)) ? double{cell} / m : 1.0;
    const auto o = get<float>(h, kOrigin + 4 * k);
    origin[axis] = std::isfinite(o) ? double{o} : 0.0;
  }
  const auto nsymbt = get<std::int32_t>(h, kNsymbt);
  if (nsymbt < 0)
    throw InputError("MRC NSYMBT is " + std::to_string(nsymbt) + ", expected ≥ 0", where);
  Volume volume(shape, sampling, origin);
  const std::uintmax_t expected =
      kHeaderBytes + static_cast<std::uintmax_t>(nsymbt) + volume.size() * sizeof(float);
  if (file_bytes < expected)
    throw InputError("MRC file has " + std::to_string(file_bytes) + " bytes, expected " +
                         std::to_string(expected) + " for the header's dimensions (truncated?)",
                     where);
  in.seekg(static_cast<std::streamoff>(kHeaderBytes) + nsymbt);
  if (!in.read(reinterpret_cast<char*>(volume.data()),
               static_cast<std::streamsize>(volume.size() * sizeof(float))))
    throw IoError("cannot read MRC voxels", where);
  return volume;
}

}  // namespace vitrum::core
