#include "cli.hpp"

#include "vitrum/core/hdf5_file.hpp"

namespace vitrum::app {

void ConfigOptions::add_to(CLI::App& command) {
  command.add_option("--config", config_file, "TOML file of parameters")->check(CLI::ExistingFile);
  command.add_option("--set", overrides, "override one parameter: key=value (repeatable)")
      ->allow_extra_args(false);
}

core::Config ConfigOptions::load() const {
  core::Config config = config_file.empty() ? core::Config::from_string("", "<defaults>")
                                            : core::Config::from_file(config_file);
  for (const std::string& assignment : overrides) config.set(assignment);
  return config;
}

RunContext::RunContext(const GlobalOptions& g)
    : global(g),
      execution{g.threads},
      logger(g.quiet ? core::Verbosity::kQuiet : core::Verbosity::kNormal) {}

core::Provenance RunContext::provenance(const std::string& parameters) const {
  return core::Provenance::make(global.command_line, parameters, global.seed);
}

void add_config_command(CLI::App& app, const std::vector<CommandDefaults>& commands) {
  CLI::App* config = app.add_subcommand("config", "inspect parameters");
  config->require_subcommand(1);
  CLI::App* defaults = config->add_subcommand(
      "defaults", "print every parameter of a command with its default and unit, as TOML");
  auto name = std::make_shared<std::string>();
  std::vector<std::string> names;
  for (const auto& c : commands) names.push_back(c.name);
  defaults->add_option("command", *name, "the command")->required()->check(CLI::IsMember(names));
  defaults->callback([name, commands] {
    for (const auto& c : commands)
      if (c.name == *name) std::fputs(c.defaults_toml().c_str(), stdout);
  });
}

std::optional<core::Vec3> recorded_rotation_center(
    const std::vector<std::filesystem::path>& files) {
  const std::string key = "/geometry/rotation_center_A";
  for (const auto& path : files) {
    if (path.empty()) continue;
    const core::Hdf5Reader reader(path);
    if (!reader.has(key)) continue;
    const auto c = reader.read_array<double>(key, {3});
    return core::Vec3{c.values[0], c.values[1], c.values[2]};
  }
  return std::nullopt;
}

core::Vec3 image_rotation_center(const core::TiltSeries& series) {
  const auto& g = series.images;
  const double x =
      g.coordinate(2, 0) + 0.5 * static_cast<double>(g.extent(2) - 1) * g.sampling()[2];
  const double y =
      g.coordinate(1, 0) + 0.5 * static_cast<double>(g.extent(1) - 1) * g.sampling()[1];
  return {x, y, x};
}

}  // namespace vitrum::app
