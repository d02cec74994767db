#include <cblas.h>
/* OpenBLAS extensions; Debian's cblas.h alternative may point at another BLAS without them. */
char *openblas_get_corename(void);
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
