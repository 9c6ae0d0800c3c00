#pragma once
/// \file
/// Writing outputs safely: the data go to a temporary file beside the target, which is
/// renamed onto the target only when the writer has finished. A crash or an exception
/// never leaves a truncated file under the final name (DESIGN.md "File formats").

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace vitrum::core {

/// Calls `write(temp_path)`, then renames temp_path onto `target`. If `write` throws, the
/// temporary file is removed and the exception propagates; `target` is untouched.
/// Throws IoError if the rename fails. Use this for writers that open files themselves
/// (HDF5, PNG).
void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& temp_path)>& write);

/// Like write_atomically for text/binary streams: `write(stream)` fills an ofstream opened
/// on the temporary file; the stream is checked for errors before the rename.
void write_stream_atomically(const std::filesystem::path& target,
                             const std::function<void(std::ostream&)>& write,
                             std::ios::openmode mode = std::ios::out);

}  // namespace vitrum::core
