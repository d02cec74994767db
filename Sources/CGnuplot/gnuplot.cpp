#include "CGnuplot.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <gnuplot-iostream.h>

namespace {
void copyMessage(const std::string &text, char *message, size_t capacity) {
  if (message == nullptr || capacity == 0) return;
  // Keep the end of long output: gnuplot prints the failing line and its error last.
  size_t start = text.size() >= capacity ? text.size() - (capacity - 1) : 0;
  std::snprintf(message, capacity, "%s", text.c_str() + start);
}

/// Quotes `text` for the POSIX shell that popen starts.
std::string shellQuoted(const std::string &text) {
  std::string quoted = "'";
  for (char character : text) {
    if (character == '\'') {
      quoted += "'\\''";
    } else {
      quoted += character;
    }
  }
  return quoted + "'";
}

/// Creates an empty temporary file and returns its path, or an empty string on failure.
std::string makeTemporaryFile() {
  const char *folder = std::getenv("TMPDIR");
  std::string pattern = std::string(folder != nullptr && folder[0] != 0 ? folder : "/tmp") +
                        "/dcls-gnuplot-XXXXXX";
  std::string buffer = pattern;
  int descriptor = mkstemp(buffer.data());
  if (descriptor < 0) return "";
  close(descriptor);
  return buffer;
}

/// Blocks SIGPIPE on the calling thread for the lifetime of the value.
///
/// When gnuplot is missing or exits early, writing the script to the closed pipe raises SIGPIPE,
/// which would end the whole process. Blocked, the write fails instead, and the exit status in
/// the status file says why. A SIGPIPE left pending is consumed before the mask is restored.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipeSignal_);
    sigaddset(&pipeSignal_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSignal_, &previous_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) && !sigismember(&previous_, SIGPIPE)) {
      struct timespec zero = {0, 0};
      sigtimedwait(&pipeSignal_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  sigset_t pipeSignal_;
  sigset_t previous_;
};

std::string readFile(const std::string &path) {
  std::ifstream stream(path);
  std::stringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}
}  // namespace

extern "C" int dcls_gnuplot_run(const char *program, const char *script, char *message,
                                size_t capacity) {
  std::string errorPath = makeTemporaryFile();
  std::string statusPath = makeTemporaryFile();
  if (errorPath.empty() || statusPath.empty()) {
    copyMessage("cannot create a temporary file for gnuplot's output", message, capacity);
    if (!errorPath.empty()) std::remove(errorPath.c_str());
    if (!statusPath.empty()) std::remove(statusPath.c_str());
    return -1;
  }
  // gnuplot-iostream discards the exit status of the pipe, so the shell records it in a file.
  // gnuplot reads the script from a pipe, so it stops at the first error with a non-zero status.
  std::string command = shellQuoted(program) + " >" + shellQuoted(errorPath) + " 2>&1; echo $? >" +
                        shellQuoted(statusPath);
  int status = -1;
  SigpipeBlock blockSigpipe;
  try {
    {
      // The pipe closes when `plot` leaves scope, and the destructor waits for the shell to exit.
      gnuplotio::Gnuplot plot(command);
      plot << script << "\nexit\n";
      plot.flush();
    }
    std::string statusText = readFile(statusPath);
    status = statusText.empty() ? -1 : std::atoi(statusText.c_str());
    if (status != 0) {
      std::string output = readFile(errorPath);
      copyMessage(output.empty() ? "gnuplot exited with status " + std::to_string(status) : output,
                  message, capacity);
    }
  } catch (const std::exception &error) {
    copyMessage(error.what(), message, capacity);
    status = -1;
  }
  std::remove(errorPath.c_str());
  std::remove(statusPath.c_str());
  return status;
}
