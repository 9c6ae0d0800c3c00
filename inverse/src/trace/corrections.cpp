// Manual corrections of a traced model (seed 001 Methods (3)): a small text file a user
// writes while comparing the model with the reconstruction, replayed on every run.

#include <cmath>
#include <fstream>
#include <sstream>

#include "vitrum/core/error.hpp"
#include "vitrum/inverse/trace/trace.hpp"

namespace vitrum::inverse {

std::vector<ManualCorrection> parse_corrections(std::string_view text, const std::string& source) {
  std::vector<ManualCorrection> out;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (std::size_t number = 1; std::getline(lines, line); ++number) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string action;
    if (!(words >> action)) continue;
    const std::string where = source + ":" + std::to_string(number);
    ManualCorrection c;
    c.where = where;
    if (action == "add")
      c.action = CorrectionAction::kAdd;
    else if (action == "remove")
      c.action = CorrectionAction::kRemove;
    else
      throw InputError("unknown correction \"" + action + "\", expected add or remove", where);
    double x = 0, y = 0, z = 0;
    if (!(words >> x >> y >> z) || !std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z))
      throw InputError("expected \"" + action + " x y z" +
                           (c.action == CorrectionAction::kAdd ? " [type]" : "") +
                           "\" with finite coordinates in Å",
                       where);
    c.position_A = {x, y, z};
    std::string rest;
    if (words >> rest) {
      std::size_t used = 0;
      int type = -1;
      try {
        type = std::stoi(rest, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (c.action == CorrectionAction::kRemove || used != rest.size() || type < 0)
        throw InputError(
            "unexpected \"" + rest + "\" after the coordinates" +
                (c.action == CorrectionAction::kAdd ? std::string(", expected a type index ≥ 0")
                                                    : std::string()),
            where);
      c.type = type;
      if (words >> rest) throw InputError("unexpected \"" + rest + "\" after the type", where);
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ManualCorrection> read_corrections(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError("cannot read corrections file", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_corrections(text.str(), path.string());
}

}  // namespace vitrum::inverse
