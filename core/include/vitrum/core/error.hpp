#pragma once
/// \file
/// The exception hierarchy of vitrum. Library code reports every failure by throwing one
/// of these; it never prints and never exits. The command line turns them into
/// `error: <what> (<where>)` on stderr and exit code 2 (InputError, IoError) or 1.

#include <stdexcept>
#include <string>

namespace vitrum {

/// Base of all vitrum exceptions. `what()` says what went wrong; `where()` names the
/// place: a file with line or dataset, a parameter, a stage. `where()` may be empty.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, std::string where = {})
      : std::runtime_error(what), where_(std::move(where)) {}
  const std::string& where() const noexcept { return where_; }

 private:
  std::string where_;
};

/// Bad input from the user: malformed files, out-of-range parameters, unknown keys.
class InputError : public Error {
 public:
  using Error::Error;
};

/// The operating system or a storage library failed: cannot open, read, write, rename.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A computation failed or left its domain: non-convergence, non-finite results.
class NumericsError : public Error {
 public:
  using Error::Error;
};

/// Formats an exception as the CLI prints it: `what (where)`, or `what` if no place is known.
std::string describe(const Error& e);

}  // namespace vitrum
