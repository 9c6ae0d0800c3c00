#pragma once
// Shared by the file-format tests: a per-test temporary directory (alone or as a fixture),
// whole-file reads, and checks that a call throws a given vitrum exception.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "vitrum/core/error.hpp"

namespace vitrum::core::testing {

// A fresh directory for the running test, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("vitrum_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }
  // Names of everything in the directory, to check that no (temporary) file was left.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_))
      names.push_back(entry.path().filename().string());
    return names;
  }

 private:
  std::filesystem::path path_;
};

inline std::vector<char> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Expects `call` to throw exactly an `E` (not just any vitrum::Error) whose describe() text
// contains every one of `needles`.
template <class E>
void expect_error(const std::function<void()>& call, const std::vector<std::string>& needles) {
  try {
    call();
    ADD_FAILURE() << "expected an exception";
  } catch (const E& e) {
    const std::string text = describe(e);
    for (const std::string& needle : needles)
      EXPECT_NE(text.find(needle), std::string::npos) << "'" << needle << "' not in: " << text;
  } catch (const Error& e) {
    ADD_FAILURE() << "wrong exception type: " << describe(e);
  }
}

struct Caught {
  std::string what, where;
};

// Runs f, expecting an exception of exactly the family E; returns its what() and where().
template <class E>
Caught catch_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return {e.what(), e.where()};
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw a different exception type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "did not throw";
  return {};
}

// Base fixture for tests that read and write files: each test gets its own TempDir.
class FileTest : public ::testing::Test {
 protected:
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Writes `content` byte for byte to `name` in the test's directory; returns its path.
  std::filesystem::path write_file(const std::string& name, const std::string& content) const {
    const std::filesystem::path path = dir_ / name;
    write_text(path, content);
    return path;
  }
  static std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // How many files (or directories) are in the test's directory.
  std::size_t entries() const { return dir_.entries().size(); }

 private:
  TempDir dir_;
};

}  // namespace vitrum::core::testing
