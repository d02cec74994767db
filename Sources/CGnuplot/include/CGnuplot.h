#ifndef CGNUPLOT_H
#define CGNUPLOT_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Exit status that `dcls_gnuplot_run` returns when the shell cannot find `program`.
#define DCLS_GNUPLOT_NOT_FOUND 127

/// Runs a complete gnuplot script through gnuplot-iostream and waits for gnuplot to exit.
///
/// `program` is the gnuplot command to start (for example "gnuplot" or an absolute path); the
/// shell looks it up on PATH. Returns gnuplot's exit status: 0 on success,
/// `DCLS_GNUPLOT_NOT_FOUND` when the shell found no such program, another positive status when
/// gnuplot rejected the script, and -1 when the pipe or a temporary file could not be opened.
/// On failure writes the end of gnuplot's error output, or the reason, into `message` (at most
/// `capacity` bytes, NUL-terminated).
int dcls_gnuplot_run(const char *program, const char *script, char *message, size_t capacity);

#ifdef __cplusplus
}
#endif
#endif
