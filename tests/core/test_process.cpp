#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "io_test_support.hpp"
#include "vitrum/core/error.hpp"
#include "vitrum/core/process.hpp"

namespace vitrum::core {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RunProcess, ReturnsTheExitCode) {
  EXPECT_TRUE(run_process({"sh", "-c", "exit 0"}).succeeded());
  const ProcessStatus status = run_process({"sh", "-c", "exit 3"});
  EXPECT_FALSE(status.succeeded());
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.signal, 0);
  EXPECT_EQ(status.describe(), "exit 3");
}

TEST(RunProcess, ReportsTheSignalThatKilledIt) {
  const ProcessStatus status = run_process({"sh", "-c", "kill -TERM $$"});
  EXPECT_FALSE(status.succeeded());
  EXPECT_EQ(status.signal, SIGTERM);
  EXPECT_EQ(status.exit_code, -1);
  EXPECT_NE(status.describe().find("killed by signal"), std::string::npos);
}

TEST(RunProcess, SendsStdoutAndStderrToTheFileInTheWorkingDirectory) {
  testing::TempDir dir;
  const auto log = dir.path() / "out.log";
  std::ofstream(log) << "header\n";  // appended to, not replaced
  ProcessOptions options;
  options.working_directory = dir.path();
  options.output_file = log;
  options.extra_environment = {"VITRUM_TEST_VALUE=42"};
  const ProcessStatus status = run_process(
      {"sh", "-c", "echo out $VITRUM_TEST_VALUE; echo err >&2; pwd > where.txt"}, options);
  ASSERT_TRUE(status.succeeded());
  EXPECT_EQ(read_text(log), "header\nout 42\nerr\n");
  EXPECT_EQ(read_text(dir.path() / "where.txt"),
            std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(RunProcess, AProgramThatCannotStartIsAnIoErrorNamingIt) {
  try {
    run_process({"/nonexistent/vitrum-no-such-program"});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("vitrum-no-such-program"), std::string::npos);
  }
}

TEST(CurrentExecutable, IsAnAbsolutePathToAFile) {
  const std::filesystem::path exe = current_executable();
  EXPECT_TRUE(exe.is_absolute());
  EXPECT_TRUE(std::filesystem::is_regular_file(exe));
}

}  // namespace
}  // namespace vitrum::core
