/* cut.h - text cut to a width with a mark: "…" where text was left out, at the end of a
 * line, or in the middle of a path so that its file name stays. Pure; any thread. Text
 * must already be sanitized (no controls); widths are display columns (text_width in
 * ui/term/term.h). Results are owned by the caller (free). */
#ifndef FN_RENDER_CUT_H
#define FN_RENDER_CUT_H

/* s when it fits in cols columns, else its start and "…" (cols <= 0: ""). */
char *cut_end(const char *s, int cols);
/* A path, with whatever follows its file name (":12-40", " p.3:1-4"), in cols columns:
 * s when it fits; else the folders are cut ("docs/deb…/passwd.txt:1-4"); when the file
 * name alone does not fit, its middle goes and its end stays ("passwd-us…groups.txt:1-4"). */
char *cut_path(const char *s, int cols);

#endif
