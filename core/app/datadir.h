/* datadir.h - where footnote's shipped data (themes/) is: beside an installed binary
 * (PREFIX/bin/footnote -> PREFIX/share/footnote), in the source tree a binary was built in
 * (build/MODE/footnote -> ../../themes), else the prefix it was built for (FN_DATADIR).
 * Found from /proc/self/exe, so an installed tree can be moved (DESTDIR, dpkg -x) and
 * still finds its data. Any thread; the answer is computed once. */
#ifndef FN_DATADIR_H
#define FN_DATADIR_H

/* The folder holding themes/ (no trailing slash). Static, never NULL. */
const char *app_data_dir(void);

#endif
