/* glibc's allocator settings (mallopt), which Swift's Glibc module does not export. */
#include <malloc.h>
