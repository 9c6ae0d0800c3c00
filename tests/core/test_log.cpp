#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "vitrum/core/log.hpp"
#include "vitrum/core/parallel.hpp"

namespace vitrum::core {
namespace {

// Everything a logger wrote to a temporary (non-terminal) stream.
std::string run_and_capture(Verbosity verbosity, const std::function<void(const Logger&)>& body) {
  std::FILE* stream = std::tmpfile();
  {
    const Logger logger(verbosity, stream);
    EXPECT_FALSE(logger.is_terminal());
    body(logger);
  }
  std::rewind(stream);
  std::string text;
  for (int c; (c = std::fgetc(stream)) != EOF;) text += static_cast<char>(c);
  std::fclose(stream);
  return text;
}

TEST(Log, MessagesGoToTheStreamUnlessQuiet) {
  const auto body = [](const Logger& log) {
    log.info("hello");
    log.warn("careful");
    log.debug("details");
  };
  EXPECT_EQ(run_and_capture(Verbosity::kNormal, body), "hello\nwarning: careful\n");
  EXPECT_EQ(run_and_capture(Verbosity::kDebug, body), "hello\nwarning: careful\ndebug: details\n");
  EXPECT_EQ(run_and_capture(Verbosity::kQuiet, body), "");
}

TEST(Progress, OffATerminalItPrintsPlainLinesAndAFinalCount) {
  const std::string text = run_and_capture(Verbosity::kNormal, [](const Logger& log) {
    Progress progress(log, "tilts", 40, std::chrono::seconds(0));
    parallel_for(ExecutionContext{2}, 0, 40, [&](std::size_t) { progress.advance(); });
  });
  EXPECT_EQ(text.find('\r'), std::string::npos) << "no bar control codes off a terminal";
  EXPECT_NE(text.find("tilts: "), std::string::npos) << text;
  EXPECT_NE(text.find("ETA"), std::string::npos) << text;
  const std::string last = text.substr(text.rfind("tilts: "));
  EXPECT_EQ(last.rfind("tilts: 40/40 in ", 0), 0u) << last;
}

TEST(Progress, QuietPrintsNothing) {
  EXPECT_EQ(run_and_capture(Verbosity::kQuiet,
                            [](const Logger& log) {
                              Progress progress(log, "tilts", 5, std::chrono::seconds(0));
                              for (int i = 0; i < 5; ++i) progress.advance();
                            }),
            "");
}

}  // namespace
}  // namespace vitrum::core
