#ifndef CGNUPLOT_H
#define CGNUPLOT_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs a complete gnuplot script through gnuplot-iostream and waits for gnuplot to exit.
/// Returns 0 on success. On failure returns non-zero and writes a message into `message`
/// (at most `capacity` bytes, NUL-terminated).
int dcls_gnuplot_run(const char *script, char *message, size_t capacity);

#ifdef __cplusplus
}
#endif
#endif
