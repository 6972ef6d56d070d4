/* version.h - `footnote --version`: footnote's version and the libraries it was built with
 * (the version each header said at build time and, where the library can say, the one
 * running now). Main thread. */
#ifndef FN_CMD_VERSION_H
#define FN_CMD_VERSION_H

#include <stdio.h>

/* The version alone, e.g. "0.1.0+git18cfaf9": the package's and the manual's. Static. */
const char *cli_version_string(void);
void cli_version(FILE *f);

#endif
