// `vitrum convert IN OUT`: atomic models between extended XYZ, LAMMPS data and HDF5,
// each format chosen by its file extension.

#include "cli.hpp"
#include "vitrum/core/io_atoms.hpp"

namespace vitrum::app {

void add_convert_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* convert =
      app.add_subcommand("convert",
                         "convert an atomic model between .xyz (extended XYZ), .data/.lmp (LAMMPS "
                         "data, atom style atomic) and .h5 (HDF5 /atoms)");
  auto input = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  convert->add_option("input", *input, "model to read")->required()->check(CLI::ExistingFile);
  convert->add_option("output", *output, "model to write")->required();
  convert->callback([&global, input, output] {
    RunContext run(global);
    // Check the output format before reading, so a typo costs nothing.
    core::atom_file_format(*output);
    const core::AtomicModel model = core::read_atoms(*input);
    core::write_atoms(*output, model, run.provenance(""));
    run.logger.info("wrote " + std::to_string(model.size()) + " atoms to " + *output);
  });
}

}  // namespace vitrum::app
