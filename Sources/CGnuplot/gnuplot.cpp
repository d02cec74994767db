#include "CGnuplot.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include <gnuplot-iostream.h>

namespace {
void copyMessage(const std::string &text, char *message, size_t capacity) {
  if (message == nullptr || capacity == 0) return;
  std::snprintf(message, capacity, "%s", text.c_str());
}
}  // namespace

extern "C" int dcls_gnuplot_run(const char *script, char *message, size_t capacity) {
  try {
    // The pipe closes when `plot` leaves scope, and the destructor waits for gnuplot to exit.
    gnuplotio::Gnuplot plot("gnuplot -persist 2>&1");
    plot << script << "\n";
    plot.flush();
  } catch (const std::exception &error) {
    copyMessage(error.what(), message, capacity);
    return 1;
  }
  return 0;
}
